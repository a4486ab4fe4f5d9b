"""Save conflicts between workstations: who saved last (from the audit log) and the details to show."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import AuditEntry, Clinician
from ptdesk.domain.conflicts import STARTED_EMPTY, fields_of
from ptdesk.domain.handout_language import LANGUAGE_NAMES
from ptdesk.domain.stamps import as_utc
from ptdesk.services.errors import ConflictError

# Audit actions that change a record (a "view" or "print" is not a save).
WRITE_ACTIONS = ("create", "update", "sign", "addendum")
PATIENT_LABELS = {
    "mrn": "MRN", "first_name": "First name", "last_name": "Last name",
    "preferred_name": "Preferred name", "date_of_birth": "Date of birth", "sex": "Sex",
    "dominant_leg": "Dominant leg", "phone": "Phone", "email": "Email", "address": "Address",
    "referring_physician": "Referring physician", "alerts": "Alerts",
    "handout_language": "Handout language",
}
PATIENT_CHOICES = {
    "handout_language": dict(LANGUAGE_NAMES),
    "sex": {"unknown": "Not recorded", "female": "Female", "male": "Male", "other": "Other"},
    "dominant_leg": {"unknown": "Not recorded", "left": "Left", "right": "Right"},
}


@dataclass(frozen=True)
class LastChange:
    by: str | None           # the account's display name (its user name if it has none)
    at: datetime | None      # UTC
    workstation: str | None


def patient_fields(patient: object) -> dict[str, str]:
    """A patient's demographics (PatientDetails or PatientInput) as {label: text}."""
    return fields_of(patient, PATIENT_LABELS, PATIENT_CHOICES)


def last_change(
    session: Session, *, patient_id: int, record_type: str, record_ids: Sequence[int],
) -> LastChange:
    """Who last saved one of these records, from the audit log (which holds no clinical text)."""
    # Filtering on the patient first lets the (patient_id, at) index do the work.
    row = session.execute(
        select(AuditEntry.actor, AuditEntry.at, AuditEntry.workstation)
        .where(AuditEntry.patient_id == patient_id, AuditEntry.record_type == record_type,
               AuditEntry.record_id.in_(list(record_ids)),
               AuditEntry.action.in_(WRITE_ACTIONS))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1)
    ).first()
    if row is None:
        return LastChange(None, None, None)
    name = session.scalar(select(Clinician.display_name).where(Clinician.username == row.actor))
    return LastChange(name or row.actor, as_utc(row.at), row.workstation or None)


def conflict(
    session: Session, message: str, *, patient_id: int, record_type: str,
    record_ids: Sequence[int], theirs: Mapping[str, str], yours: Mapping[str, str],
) -> ConflictError:
    """A ConflictError filled with who/when from the audit log and both versions' texts."""
    change = last_change(session, patient_id=patient_id, record_type=record_type,
                         record_ids=record_ids)
    return ConflictError(message, changed_by=change.by, changed_at=change.at,
                         workstation=change.workstation, theirs=theirs, yours=yours)


def check_based_on(
    session: Session, *, based_on_id: int | None, current_id: int | None, message: str,
    patient_id: int, record_type: str, theirs: Callable[[], Mapping[str, str]],
    yours: Callable[[], Mapping[str, str]], force: bool = False,
) -> None:
    """Refuse a save that would replace a version newer than the one the editor started from.

    `based_on_id` None skips the check (imports, demo data); STARTED_EMPTY means the
    editor started with no active version. `force`: the save already failed (another
    workstation wrote first), so raise with the details in any case.
    """
    if based_on_id is None and not force:
        return
    if not force and (current_id if current_id is not None else STARTED_EMPTY) == based_on_id:
        return
    ids = [i for i in (current_id, based_on_id) if i]
    raise conflict(session, message, patient_id=patient_id, record_type=record_type,
                   record_ids=ids, theirs=theirs() if current_id is not None else {},
                   yours=yours())
