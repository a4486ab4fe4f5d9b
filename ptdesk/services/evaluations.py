"""Visits and their structured evaluation: create, save every section, load, carry forward."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ptdesk.db.base import utcnow
from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Episode, Patient, Visit
from ptdesk.domain import evaluation as ev
from ptdesk.domain import validation as v
from ptdesk.domain import visit_rules as rules
from ptdesk.domain.evaluation_fields import evaluation_fields
from ptdesk.domain.note_facts import in_note, show_in_note, without_facts
from ptdesk.services import conflicts
from ptdesk.services import episode_facts as facts_store
from ptdesk.services import evaluation_mapping as mapping
from ptdesk.services.audit import log as audit
from ptdesk.services.chart_header import header_alerts
from ptdesk.services.drafts import drop_draft
from ptdesk.services.errors import (
    ConflictError,
    NotFoundError,
    RecordLockedError,
    ServiceError,
)
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

SIGNED = "This note is signed and cannot be changed; add an addendum."
VISIT_CONFLICT = "This visit was saved by someone else since you opened it."


@dataclass(frozen=True)
class VisitSummary:
    id: int
    patient_id: int
    episode_id: int
    visit_date: date
    visit_type: str
    status: str
    version: int
    # The clinic's day the note was first saved; None on notes from before it was kept.
    first_saved_on: date | None = None
    clinician_id: int | None = None  # the note's author (None on older notes)
    # The episode's version when the note was read or saved: a form editing the episode's
    # facts through the note sends it back, so someone else's episode edit is not lost.
    episode_version: int | None = None

    @property
    def type_label(self) -> str:
        return ev.VISIT_TYPE_LABELS[self.visit_type]

    @property
    def date_of_service(self) -> date:
        return self.visit_date

    @property
    def late_entry(self) -> bool:
        """Written on a later day than the service it documents (domain.visit_rules)."""
        return rules.is_late_entry(self.visit_date, self.first_saved_on)

    @property
    def late_entry_text(self) -> str:
        """ "Late entry — service 2026-12-05, written 2026-12-06", or "" when not late."""
        if not self.late_entry or self.first_saved_on is None:
            return ""
        return rules.late_entry_text(self.visit_date, self.first_saved_on)


@dataclass(frozen=True)
class SavedVisit(VisitSummary):
    """A saved evaluation, with what the chart header shows next (its strength alerts)."""

    alerts: tuple[str, ...] = ()
    episode_changed: bool = False  # the save changed the episode's facts


def _summary(row: Visit) -> VisitSummary:
    return VisitSummary(row.id, row.patient_id, row.episode_id, row.visit_date, row.visit_type,
                        row.status, row.version, row.first_saved_on, row.clinician_id)


def _with_episode(session: Session, row: Visit) -> VisitSummary:
    episode = session.get(Episode, row.episode_id)
    return replace(_summary(row), episode_version=episode.version if episode else None)


def _shown(session: Session, row: Visit) -> ev.Evaluation:
    """The note as it reads: a draft with its episode's facts, a signed note with its snapshot."""
    stored = mapping.read_sections(row)
    facts = facts_store.facts_for_note(session, row, stored)
    return stored if facts is None else show_in_note(stored, facts)


def _save_facts(session: Session, *, actor: str, row: Visit, evaluation: ev.Evaluation,
                expected_version: int | None) -> tuple[ev.Evaluation, bool]:
    """(What the note's own rows keep, whether the episode's facts changed).

    A form sends the facts it shows whole (`episode_facts`): they go to the episode and
    the note's rows keep none. A caller that only fills the note's own fact fields (the
    demo, imports) keeps them in the note, and they fill the episode's blanks only.
    """
    facts = evaluation.episode_facts
    if facts is not None:
        changed = facts_store.write_from_note(session, actor=actor, visit=row, facts=facts,
                                              expected_version=expected_version)
        return without_facts(evaluation), bool(changed)
    found = in_note(evaluation)
    changed = facts_store.fill_blanks(session, actor=actor, visit=row, found=found)
    return evaluation, bool(changed)


def create_visit(
    session_factory: SessionFactory, *, actor: str, episode_id: int, visit_date: date,
    visit_type: str, clinician_id: int | None = None, first_saved_on: date | None = None,
) -> VisitSummary:
    """A draft note for the date of service (today or earlier, never later).

    `first_saved_on` is the clinic's day the note is written (default today); a date of
    service before it makes the note a late entry, with both dates in the audit entry.
    The author is the acting clinician unless `clinician_id` names another.
    """
    v.validate_choice("visit_type", visit_type, ev.VISIT_TYPES, "Visit type")
    written = first_saved_on or date.today()
    rules.check_date_of_service(visit_date, written)
    with transaction(session_factory) as session:
        person = require(session, actor, "edit_evaluation")
        if clinician_id is None and person is not None:
            clinician_id = person.id
        episode = session.get(Episode, episode_id)
        if episode is None:
            raise NotFoundError(f"No episode with id {episode_id}.")
        patient = session.get(Patient, episode.patient_id)
        assert patient is not None
        v.validate_visit_date(visit_date, patient.date_of_birth)
        row = Visit(patient_id=patient.id, episode_id=episode.id, visit_date=visit_date,
                    visit_type=visit_type, clinician_id=clinician_id, status="draft",
                    first_saved_on=written)
        session.add(row)
        session.flush()
        late = "; late entry" if rules.is_late_entry(visit_date, written) else ""
        audit.record(session, actor=actor, action="create", patient_id=patient.id,
                     record_type="visit", record_id=row.id,
                     summary=f"new {visit_type} visit; date of service {visit_date:%Y-%m-%d}; "
                             f"first saved {written:%Y-%m-%d}{late}")
        return _summary(row)


def _load_visit(session: Session, visit_id: int, *, lock: bool = False) -> Visit:
    stmt = select(Visit).where(Visit.id == visit_id).options(*mapping.SECTION_LOADERS)
    if lock:
        # PostgreSQL: a second workstation's save waits here, then sees the newer version.
        # NO KEY UPDATE still lets others add rows that refer to the visit meanwhile.
        stmt = stmt.with_for_update(key_share=True)
    row = session.scalar(stmt)
    if row is None:
        raise NotFoundError(f"No visit with id {visit_id}.")
    return row


def save_evaluation(
    session_factory: SessionFactory, *, actor: str, visit_id: int, evaluation: ev.Evaluation,
    expected_version: int | None = None, draft_key: str | None = None,
    expected_episode_version: int | None = None,
) -> SavedVisit:
    """Replace every section of the visit's evaluation in one transaction.

    The episode facts it shows (diagnosis, ICD-10, side, onset, goal race) are written to
    the visit's episode in the same transaction; `expected_episode_version` (the episode's
    version the form was opened at) refuses overwriting someone else's newer edit of them.

    `draft_key` names the autosaved draft this save replaces; it is deleted in the same
    transaction.

    With `expected_version` (the version the form was opened at) a newer save by someone
    else raises ConflictError carrying who saved it, when, and both versions' texts.
    The result carries the chart header's alerts as the save leaves them (strength tests
    are their source), read in the same transaction so the UI need not read them again.
    """
    evaluation.validate()
    try:
        with transaction(session_factory) as session:
            require(session, actor, "edit_evaluation")
            row = _load_visit(session, visit_id, lock=True)
            if row.status == "signed":
                raise RecordLockedError(SIGNED)
            if expected_version is not None and row.version != expected_version:
                raise _visit_conflict(session, row, evaluation)
            kept, changed = _save_facts(session, actor=actor, row=row, evaluation=evaluation,
                                        expected_version=expected_episode_version)
            mapping.write_sections(row, kept)
            drop_draft(session, actor=actor, form_key=draft_key)
            # Touching the visit bumps its version even when only child rows changed.
            row.updated_at = utcnow()
            session.flush()
            audit.record(session, actor=actor, action="update", patient_id=row.patient_id,
                         record_type="visit", record_id=row.id, summary="saved evaluation: "
                         + ", ".join(mapping.filled_sections(evaluation)))
            return SavedVisit(**asdict(_with_episode(session, row)),
                              alerts=header_alerts(session, row.patient_id),
                              episode_changed=changed)
    except StaleDataError:
        # Another workstation saved between our read and our write (SQLite takes no row
        # lock); everything was rolled back, so report it like any other conflict.
        with transaction(session_factory) as session:
            row = _load_visit(session, visit_id)
            error: ServiceError = (RecordLockedError(SIGNED) if row.status == "signed"
                                   else _visit_conflict(session, row, evaluation))
        raise error from None


def _visit_conflict(session: Session, row: Visit, evaluation: ev.Evaluation) -> ConflictError:
    return conflicts.conflict(
        session, VISIT_CONFLICT, patient_id=row.patient_id, record_type="visit",
        record_ids=[row.id], theirs=evaluation_fields(
            _shown(session, row) if evaluation.episode_facts is not None  # like for like
            else mapping.read_sections(row)),
        yours=evaluation_fields(evaluation))


def load_evaluation(
    session_factory: SessionFactory, *, actor: str, visit_id: int
) -> tuple[VisitSummary, ev.Evaluation]:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = _load_visit(session, visit_id)
        audit.record(session, actor=actor, action="view", patient_id=row.patient_id,
                     record_type="visit", record_id=row.id)
        return _with_episode(session, row), _shown(session, row)


def list_visits(session_factory: SessionFactory, patient_id: int, *,
                actor: str) -> list[VisitSummary]:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        rows = session.scalars(
            select(Visit).where(Visit.patient_id == patient_id)
            .order_by(Visit.visit_date.desc(), Visit.id.desc())
        )
        return [_summary(row) for row in rows]


def count_visits(session_factory: SessionFactory, patient_id: int, *, actor: str) -> int:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        stmt = select(func.count(Visit.id)).where(Visit.patient_id == patient_id)
        return int(session.scalar(stmt) or 0)


def carry_forward(
    session_factory: SessionFactory, *, actor: str, patient_id: int, before_visit_id: int
) -> ev.Evaluation:
    """The previous visit's objective findings, offered for editing at a follow-up.

    Subjective findings and the assessment are the patient's story of today, so they
    start empty; measurements (knee, ankle, strength, gait, special tests) carry over.
    """
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        current = session.get(Visit, before_visit_id)
        if current is None:
            raise NotFoundError(f"No visit with id {before_visit_id}.")
        stmt = (
            select(Visit)
            .where(Visit.patient_id == patient_id, Visit.id != before_visit_id,
                   Visit.visit_date <= current.visit_date)
            .order_by(Visit.visit_date.desc(), Visit.id.desc())
            .limit(1)
            .options(selectinload(Visit.knee_exams), selectinload(Visit.ankle_exams),
                     selectinload(Visit.strength_tests), selectinload(Visit.special_tests),
                     selectinload(Visit.gait))
        )
        previous = session.scalar(stmt)
        if previous is None:
            return ev.Evaluation()
        audit.record(session, actor=actor, action="view", patient_id=patient_id,
                     record_type="visit", record_id=previous.id, summary="carried forward")
        full = mapping.read_sections(previous)
        # Readiness is tested afresh at each evaluation, never copied into a new note.
        return replace(full, subjective=None, assessment=None, readiness=None,
                       soap_subjective="", soap_assessment="", soap_plan="", soap_objective="")
