"""What changed: the one change vocabulary (ChangeKind) and the audit-log stamps behind remote news."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, func, not_, select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import AuditEntry, Clinician
from ptdesk.domain.stamps import as_utc
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

# Audit actions that change a record. Views, prints, exports and sign-ins are left out:
# opening a chart must never look like a change to the other workstations.
WRITE_ACTIONS = ("create", "update", "delete", "sign", "addendum")


class ChangeKind(StrEnum):
    """The part of the record a save changed: one word list from a service's save to every refresh.

    Local saves (AppSignals.data_changed) and other workstations' saves (ChangeNote.kind)
    use the same words, so a chart tab declares once which kinds refresh it.
    """

    PATIENT = "patient"          # the patient's details
    EPISODE = "episode"          # the episode of care
    VISITS = "visits"            # a visit added, removed or signed (the visit list changes)
    EVALUATION = "evaluation"    # what a visit's note says
    EXERCISES = "exercises"      # the home-exercise prescription
    RUNPLAN = "runplan"          # the return-to-run plan
    OUTCOMES = "outcomes"        # outcome measure scores
    RUNLOG = "runlog"            # runs logged
    CLINIC = "clinic"            # clinic settings (not one patient's record)
    OTHER = "other"


# What moves a visit list (and what the chart header's alerts are read from).
VISIT_KINDS = frozenset({ChangeKind.VISITS, ChangeKind.EVALUATION, ChangeKind.EPISODE})
# Audit record type -> the part of the chart it changes.
KIND_OF_RECORD: dict[str, ChangeKind] = {
    "patient": ChangeKind.PATIENT,
    "episode": ChangeKind.EPISODE,
    "visit": ChangeKind.EVALUATION,
    "addendum": ChangeKind.EVALUATION,
    "prescription": ChangeKind.EXERCISES,
    "run_plan": ChangeKind.RUNPLAN,
    "outcome": ChangeKind.OUTCOMES,
    "run_log": ChangeKind.RUNLOG,
}
KIND_LABELS: dict[ChangeKind, str] = {
    ChangeKind.PATIENT: "the patient's details",
    ChangeKind.EPISODE: "the episode of care",
    ChangeKind.VISITS: "Visits",
    ChangeKind.EVALUATION: "Evaluation",
    ChangeKind.EXERCISES: "Exercises",
    ChangeKind.RUNPLAN: "Run plan",
    ChangeKind.OUTCOMES: "Outcomes",
    ChangeKind.RUNLOG: "Run log",
    ChangeKind.CLINIC: "the clinic settings",
    ChangeKind.OTHER: "the chart",
}
MAX_NOTES = 200  # one poll never reads more; a bigger burst still reports every kind seen
# The same spelling audit.record() stores, so this workstation can skip its own writes.
THIS_WORKSTATION = socket.gethostname()[:255]

_LOG = AuditEntry.__table__


@dataclass(frozen=True)
class ChangeStamp:
    """The newest audit entry already taken into account (0 = none)."""

    last_id: int = 0


@dataclass(frozen=True)
class ChangeNote:
    """One write found in the audit log: which part of which chart, by whom and when."""

    audit_id: int
    patient_id: int | None
    kind: ChangeKind
    action: str          # the audit action: create, update, delete, sign, addendum
    record_type: str
    record_id: int | None
    actor: str           # user name
    actor_name: str      # display name ("" when the account is unknown)
    actor_role: str
    workstation: str
    at: datetime         # UTC, aware

    @property
    def who(self) -> str:
        """'Anna Lee (clinician)', or the user name when the account is not known."""
        name = self.actor_name or self.actor
        return f"{name} ({self.actor_role})" if self.actor_role else name

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, KIND_LABELS[ChangeKind.OTHER])

    def is_from(self, actor: str, workstation: str = THIS_WORKSTATION) -> bool:
        return self.actor == actor and self.workstation == workstation


@dataclass(frozen=True)
class ChangeReport:
    """What one poll found since the stamp it was given."""

    stamp: ChangeStamp                 # pass this to the next poll
    notes: tuple[ChangeNote, ...]      # writes to the watched patient, oldest first
    patients_list_changed: bool        # a patient was registered or edited by someone else

    @property
    def kinds(self) -> tuple[ChangeKind, ...]:
        return tuple(dict.fromkeys(note.kind for note in self.notes))


def kind_of(record_type: str) -> ChangeKind:
    return KIND_OF_RECORD.get(record_type, ChangeKind.OTHER)


def current_stamp(session_factory: SessionFactory, *, actor: str) -> ChangeStamp:
    """The newest audit entry: where a watcher starts (a primary-key lookup)."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return ChangeStamp(_max_id(session))


def patient_change_stamp(session_factory: SessionFactory, patient_id: int, *,
                         actor: str) -> ChangeStamp:
    """The newest write to one patient's chart (uses the (patient_id, at) index)."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return ChangeStamp(session.scalar(patient_stamp_query(patient_id)) or 0)


def patient_stamp_query(patient_id: int) -> Select[Any]:
    return select(func.max(_LOG.c.id)).where(
        _LOG.c.patient_id == patient_id, _LOG.c.action.in_(WRITE_ACTIONS))


def changes_since(
    session_factory: SessionFactory, patient_id: int, stamp: ChangeStamp, *, actor: str,
    ignore_actor: str | None = None,
) -> list[ChangeNote]:
    """Writes to a patient's chart after `stamp`, oldest first.

    With `ignore_actor`, that user's writes from this workstation are left out (the
    window that made them has already shown them).
    """
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return _patient_notes(session, patient_id, stamp.last_id, None, ignore_actor)


def poll_changes(
    session_factory: SessionFactory, since: ChangeStamp | None, patient_id: int | None, *,
    actor: str, ignore_actor: str | None = None,
) -> ChangeReport:
    """One cheap poll: what changed for `patient_id` and the patient list after `since`.

    When nothing was written anywhere, this is the reader's account lookup and a single
    primary-key lookup. `since=None` only takes the current stamp (a watcher's first call).
    """
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        newest = _max_id(session)
        stamp = ChangeStamp(newest)
        if since is None or newest <= since.last_id:
            return ChangeReport(stamp, (), False)
        notes: tuple[ChangeNote, ...] = ()
        if patient_id is not None:
            notes = tuple(_patient_notes(session, patient_id, since.last_id, newest,
                                         ignore_actor))
        listed = session.scalar(patient_list_query(since.last_id, newest, ignore_actor))
        return ChangeReport(stamp, notes, listed is not None)


def patient_list_query(after: int, upto: int, ignore_actor: str | None) -> Select[Any]:
    """The first patient registration or edit in (after, upto]: a primary-key range scan."""
    stmt = select(_LOG.c.id).where(
        _LOG.c.id > after, _LOG.c.id <= upto, _LOG.c.record_type == "patient",
        _LOG.c.action.in_(WRITE_ACTIONS))
    return _without_own(stmt, ignore_actor).order_by(_LOG.c.id).limit(1)


def patient_notes_query(
    patient_id: int, after: int, upto: int | None, ignore_actor: str | None,
) -> Select[Any]:
    stmt = (select(_LOG.c.id, _LOG.c.at, _LOG.c.actor, _LOG.c.workstation, _LOG.c.action,
                   _LOG.c.patient_id, _LOG.c.record_type, _LOG.c.record_id,
                   Clinician.display_name, Clinician.role)
            .join(Clinician, Clinician.username == _LOG.c.actor, isouter=True)
            .where(_LOG.c.patient_id == patient_id, _LOG.c.id > after,
                   _LOG.c.action.in_(WRITE_ACTIONS)))
    if upto is not None:
        stmt = stmt.where(_LOG.c.id <= upto)
    return _without_own(stmt, ignore_actor).order_by(_LOG.c.id).limit(MAX_NOTES)


def _without_own(stmt: Select[Any], ignore_actor: str | None) -> Select[Any]:
    if ignore_actor is None:
        return stmt
    return stmt.where(not_(and_(_LOG.c.actor == ignore_actor,
                                _LOG.c.workstation == THIS_WORKSTATION)))


def _max_id(session: Session) -> int:
    # Appends are serialized through audit_head (row lock / write lock held to commit), so
    # ids become visible in increasing order and "newer than the last id" misses nothing.
    return session.scalar(select(func.max(_LOG.c.id))) or 0


def _patient_notes(
    session: Session, patient_id: int, after: int, upto: int | None, ignore_actor: str | None,
) -> list[ChangeNote]:
    rows = session.execute(patient_notes_query(patient_id, after, upto, ignore_actor))
    return [_note(row) for row in rows]


def _note(row: Any) -> ChangeNote:
    return ChangeNote(
        audit_id=row.id, patient_id=row.patient_id, kind=kind_of(row.record_type),
        action=row.action, record_type=row.record_type, record_id=row.record_id,
        actor=row.actor, actor_name=row.display_name or "", actor_role=row.role or "",
        workstation=row.workstation, at=as_utc(row.at))


def describe(notes: tuple[ChangeNote, ...] | list[ChangeNote]) -> str:
    """One plain sentence about the newest change: who saved which part, at what local time."""
    if not notes:
        return ""
    last = notes[-1]
    parts = list(dict.fromkeys(note.label for note in notes))
    what = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    when = last.at.astimezone().strftime("%H:%M")
    return f"{last.who} saved changes to {what} at {when} on another workstation."
