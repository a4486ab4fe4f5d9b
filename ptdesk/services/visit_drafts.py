"""Unsigned notes: deleting a stray draft, and the clinician's reminder of old unsigned notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import AuditEntry, Draft, Patient, Visit
from ptdesk.domain import evaluation as ev
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError, PermissionDeniedError, RecordLockedError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction
from ptdesk.services.visit_rules import load_visit_rules

SIGNED_NOT_DELETED = ("This note is signed and cannot be deleted; add an addendum to "
                      "correct it.")
NOT_AUTHOR = ("Only the note's author or an administrator can delete an unsigned note.")
# Drafts of the forms that belong to one visit (ui/chart/evaluation and outcomes keys).
_FORM_KEYS = ("evaluation:visit:{id}", "outcomes:visit:{id}:%")


@dataclass(frozen=True)
class UnsignedNote:
    """One of the clinician's own notes left unsigned, for the reminder at sign-in."""

    visit_id: int
    patient_id: int
    patient_name: str
    mrn: str
    visit_date: date
    visit_type: str
    days_old: int

    @property
    def type_label(self) -> str:
        return ev.VISIT_TYPE_LABELS[self.visit_type]


def _author(session: Session, row: Visit) -> tuple[int | None, str]:
    """(clinician id, user name of who created it); older notes may lack the id."""
    creator = session.scalar(select(AuditEntry.actor).where(
        AuditEntry.record_type == "visit", AuditEntry.record_id == row.id,
        AuditEntry.action == "create").order_by(AuditEntry.id).limit(1))
    return row.clinician_id, creator or ""


def delete_draft_visit(session_factory: SessionFactory, *, actor: str, visit_id: int,
                       expected_version: int | None = None) -> None:
    """Delete an unsigned note (its sections and outcome forms go with it); audited.

    Its author or an administrator may; a signed note is refused here, and by the
    database's guards (0002, 0007) on any other path.
    """
    with transaction(session_factory) as session:
        person = require(session, actor, "view_chart")
        row = session.scalar(select(Visit).where(Visit.id == visit_id).with_for_update())
        if row is None:
            raise NotFoundError(f"No visit with id {visit_id}.")
        if row.status == "signed":
            raise RecordLockedError(SIGNED_NOT_DELETED)
        author_id, creator = _author(session, row)
        is_admin = person is not None and person.role == "administrator"
        is_author = person is not None and (
            person.id == author_id or (author_id is None and creator == person.username))
        if not (is_admin or is_author or person is None and creator == actor):
            raise PermissionDeniedError(NOT_AUTHOR)
        if expected_version is not None and row.version != expected_version:
            raise RecordLockedError("This note was changed since it was shown; look at it "
                                    "again before deleting it.")
        patient_id, kind, day = row.patient_id, row.visit_type, row.visit_date
        for key in _FORM_KEYS:
            pattern = key.format(id=visit_id)
            session.execute(delete(Draft).where(Draft.form_key.like(pattern)))
        session.delete(row)
        session.flush()
        audit.record(session, actor=actor, action="delete", patient_id=patient_id,
                     record_type="visit", record_id=visit_id,
                     summary=f"unsigned {kind} note deleted; date of service {day:%Y-%m-%d}")


def unsigned_notes(session_factory: SessionFactory, *, actor: str,
                   today: date | None = None) -> list[UnsignedNote]:
    """The actor's own unsigned notes older than the clinic's reminder age, oldest first."""
    today = today or date.today()
    with transaction(session_factory) as session:
        person = require(session, actor, "view_chart")
        if person is None:
            return []
        days = load_visit_rules(session).stale_draft_days
        rows = session.execute(
            select(Visit.id, Visit.patient_id, Patient.first_name, Patient.last_name,
                   Patient.mrn, Visit.visit_date, Visit.visit_type)
            .join(Patient, Patient.id == Visit.patient_id)
            .where(Visit.status == "draft", Visit.clinician_id == person.id,
                   Visit.visit_date < today - timedelta(days=days))
            .order_by(Visit.visit_date, Visit.id)).all()
        # "Last, First", as the patient list shows names.
        return [UnsignedNote(vid, pid, f"{last}, {first}", mrn, day, kind, (today - day).days)
                for vid, pid, first, last, mrn, day, kind in rows]
