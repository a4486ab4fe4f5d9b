"""Which outcome measures a visit asks for (the clinic's rules), and which it has or lacks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Episode, LateOutcome, OutcomeResult, SubjectiveExam, Visit
from ptdesk.domain.diagnosis import is_patellofemoral
from ptdesk.domain.visit_rules import measures_sentence
from ptdesk.services.errors import NotFoundError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction
from ptdesk.services.visit_rules import load_visit_rules


@dataclass(frozen=True)
class VisitMeasures:
    """The visit's measures: asked for by the clinic, in the note, added late, missing."""

    visit_id: int
    asked: tuple[str, ...]
    in_note: frozenset[str]
    late: frozenset[str]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(m for m in self.asked if m not in self.in_note and m not in self.late)

    @property
    def missing_text(self) -> str:
        """ "LEFS and Kujala", or "" when nothing is missing."""
        return measures_sentence(self.missing)


def visit_measures(session_factory: SessionFactory, *, actor: str,
                   visit_id: int) -> VisitMeasures:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFoundError(f"No visit with id {visit_id}.")
        episode = session.get(Episode, visit.episode_id)
        patellofemoral = episode is not None and is_patellofemoral(episode.diagnosis,
                                                                   episode.icd10_code)
        asked = load_visit_rules(session).measures_for(visit.visit_type, patellofemoral)
        in_note = set(session.scalars(select(OutcomeResult.measure)
                                      .where(OutcomeResult.visit_id == visit_id)))
        # Pain now in the subjective exam is the visit's NPRS (as the progress report reads it).
        if session.scalar(select(SubjectiveExam.nprs_now)
                          .where(SubjectiveExam.visit_id == visit_id)) is not None:
            in_note.add("nprs")
        late = frozenset(session.scalars(select(LateOutcome.measure)
                                         .where(LateOutcome.visit_id == visit_id)))
        return VisitMeasures(visit_id, asked, frozenset(in_note), late)
