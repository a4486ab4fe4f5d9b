"""Carry forward at a new note: each section from the latest earlier visit that charted it, and its confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Visit
from ptdesk.domain import evaluation as ev
from ptdesk.domain.carry import CARRIED_SECTIONS, carried_part
from ptdesk.services import evaluation_mapping as mapping
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

# Enough earlier visits to find the last full exam behind a run of follow-ups.
LOOK_BACK_VISITS = 40


@dataclass(frozen=True)
class Carried:
    """What may start the new note, and the date of service each section was charted on."""

    evaluation: ev.Evaluation = field(default_factory=ev.Evaluation)
    sources: dict[str, date] = field(default_factory=dict)  # "subjective", "knees", ...

    @property
    def empty(self) -> bool:
        return not self.sources


def carry_forward_all(
    session_factory: SessionFactory, *, actor: str, patient_id: int, before_visit_id: int,
) -> Carried:
    """Every carried section (domain/carry.py) from the latest earlier visit that holds it."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        current = session.get(Visit, before_visit_id)
        if current is None:
            raise NotFoundError(f"No visit with id {before_visit_id}.")
        rows = session.scalars(
            select(Visit)
            .where(Visit.patient_id == patient_id, Visit.id != before_visit_id,
                   Visit.visit_date <= current.visit_date)
            .order_by(Visit.visit_date.desc(), Visit.id.desc())
            .limit(LOOK_BACK_VISITS)
            .options(selectinload(Visit.knee_exams), selectinload(Visit.ankle_exams),
                     selectinload(Visit.strength_tests), selectinload(Visit.special_tests),
                     selectinload(Visit.gait), selectinload(Visit.assessment),
                     selectinload(Visit.subjective))
        ).all()
        parts: dict[str, object] = {}
        sources: dict[str, date] = {}
        used: set[int] = set()
        for row in rows:
            found = mapping.read_sections(row)
            for section in ("subjective", *CARRIED_SECTIONS):
                value = carried_part(found, section)
                if section not in parts and value:
                    parts[section], sources[section] = value, row.visit_date
                    used.add(row.id)
        for visit_id in sorted(used):
            audit.record(session, actor=actor, action="view", patient_id=patient_id,
                         record_type="visit", record_id=visit_id, summary="carried forward")
        return Carried(ev.Evaluation(**parts), sources)  # type: ignore[arg-type]


def confirm_carried(
    session_factory: SessionFactory, *, actor: str, visit_id: int, labels: tuple[str, ...],
) -> None:
    """The clinician confirms carried values as current: written to the audit log."""
    with transaction(session_factory) as session:
        require(session, actor, "edit_evaluation")
        row = session.get(Visit, visit_id)
        if row is None:
            raise NotFoundError(f"No visit with id {visit_id}.")
        audit.record(session, actor=actor, action="update", patient_id=row.patient_id,
                     record_type="visit", record_id=row.id,
                     summary=confirmation_summary(labels))


def confirmation_summary(labels: tuple[str, ...]) -> str:
    """Audit wording: how many carried values were confirmed, and which (field names only)."""
    names = "; ".join(labels)
    if len(names) > 400:
        names = names[:397] + "..."
    return f"carried-forward values confirmed as current ({len(labels)}): {names}"
