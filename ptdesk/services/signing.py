"""Signing visit notes, correcting them with addenda, and re-checking their content hashes.

A signed note never changes: this service refuses, and database triggers refuse any
other path. The SHA-256 of the note's stored rows is kept at signing, and written with
its hash format into the keyed audit chain. `verify_signed_notes` works from the audit
log outward: every signing and addendum entry must still find its row, signed, with the
same hash, so a note that was un-signed, deleted or replaced behind the triggers fails.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptdesk.db.base import utcnow
from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Addendum, AuditEntry, Clinician, Visit
from ptdesk.domain import validation as v
from ptdesk.domain.stamps import as_utc
from ptdesk.services.audit import log as audit
from ptdesk.services.carry import confirmation_summary
from ptdesk.services.episode_facts import freeze_for_signing, snapshot_problems
from ptdesk.services.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RecordLockedError,
    ServiceError,
)
from ptdesk.services.late_outcome_check import late_outcome_problems, written_date_problems
from ptdesk.services.note_hash import HASH_VERSION, hash_visits
from ptdesk.services.note_hash_pool import hash_many
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

REASON_MAX = 500
ADDENDUM_MAX = 20_000
_CHUNK = 500
_ANCHOR = re.compile(r"content hash ([0-9a-f]{64})(?:; hash format (\d+))?")
ALREADY_SIGNED = "This note is already signed and cannot be changed; add an addendum."


@dataclass(frozen=True)
class Signature:
    visit_id: int
    status: str  # "draft" or "signed"
    signed_at: datetime | None  # UTC
    signed_by_id: int | None
    signed_by_name: str
    content_hash: str
    version: int


@dataclass(frozen=True)
class AddendumInfo:
    id: int
    visit_id: int
    author_id: int | None
    author_name: str
    created_at: datetime  # UTC
    reason: str
    text: str
    content_hash: str


@dataclass(frozen=True)
class NoteProblem:
    kind: str  # "note", "addendum" or "late_entry" (a measure added after signing)
    record_id: int
    visit_id: int
    message: str


def _signer_name(person: Clinician | None) -> str:
    if person is None:
        return ""
    return f"{person.display_name}, {person.credentials}" if person.credentials \
        else person.display_name


def _account(session: Session, actor: str, permission: str, doing: str) -> Clinician:
    # An unknown actor passes `require` before setup, but a signature must name a person.
    person = require(session, actor, permission)
    if person is None:
        raise PermissionDeniedError(f"Only a clinician signed in with an account can {doing}.")
    return person


def _signature(session: Session, row: Visit) -> Signature:
    signer = session.get(Clinician, row.signed_by_id) if row.signed_by_id else None
    return Signature(row.id, row.status, as_utc(row.signed_at) if row.signed_at else None,
                     row.signed_by_id, _signer_name(signer), row.content_hash, row.version)


def sign_visit(
    session_factory: SessionFactory, *, actor: str, visit_id: int,
    expected_version: int | None = None, confirmed_carried: tuple[str, ...] = (),
) -> Signature:
    """Sign the note as `actor`; from then on it can only gain addenda.

    `confirmed_carried` names carried-forward values the signer confirmed as current in
    the Sign dialog; the confirmation is audited in the same transaction as the signature.
    """
    try:
        with transaction(session_factory) as session:
            person = _account(session, actor, "sign_note", "sign a note")
            row = session.scalar(select(Visit).where(Visit.id == visit_id).with_for_update())
            if row is None:
                raise NotFoundError(f"No visit with id {visit_id}.")
            if row.status == "signed":
                raise RecordLockedError(ALREADY_SIGNED)
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("This visit was saved by someone else since you opened it; "
                                    "reopen it and check the note before signing.")
            # The episode's facts as of now go beside the note, inside what the hash covers.
            freeze_for_signing(session, row)
            row.content_hash = hash_visits(session, [row.id], HASH_VERSION)[row.id]
            row.status, row.signed_at, row.signed_by_id = "signed", utcnow(), person.id
            session.flush()
            # The hash also goes into the keyed audit chain: the stored hash alone is plain
            # SHA-256, which someone with raw file access could recompute after an edit.
            audit.record(session, actor=actor, action="sign", patient_id=row.patient_id,
                         record_type="visit", record_id=row.id,
                         summary=f"note signed; content hash {row.content_hash}; "
                                 f"hash format {HASH_VERSION}")
            if confirmed_carried:
                audit.record(session, actor=actor, action="update", patient_id=row.patient_id,
                             record_type="visit", record_id=row.id,
                             summary=confirmation_summary(confirmed_carried))
            return _signature(session, row)
    except StaleDataError as exc:  # another workstation saved or signed it first
        raise ConflictError("This visit changed while you were signing it; reopen it and "
                            "check the note before signing.") from exc
    except IntegrityError as exc:  # the trigger: signed meanwhile by someone else
        raise RecordLockedError(ALREADY_SIGNED) from exc


def signature(session_factory: SessionFactory, visit_id: int, *, actor: str) -> Signature:
    """Who signed the note and when (status "draft" while unsigned)."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = session.get(Visit, visit_id)
        if row is None:
            raise NotFoundError(f"No visit with id {visit_id}.")
        return _signature(session, row)


def addendum_hash(*, visit_id: int, author_id: int | None, author_name: str,
                  created_at: datetime, reason: str, text: str, note_hash: str) -> str:
    """SHA-256 of an addendum, tied to the hash of the note it corrects."""
    at = as_utc(created_at).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    canonical = json.dumps([visit_id, author_id, author_name, at, reason, text, note_hash],
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def add_addendum(
    session_factory: SessionFactory, *, actor: str, visit_id: int, reason: str, text: str,
) -> AddendumInfo:
    """Add a correction under a signed note; the note itself stays as signed."""
    reason = v.require_text("reason", reason, "The reason for the addendum", REASON_MAX)
    text = v.require_text("text", text, "The addendum text", ADDENDUM_MAX)
    with transaction(session_factory) as session:
        person = _account(session, actor, "add_addendum", "add an addendum")
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFoundError(f"No visit with id {visit_id}.")
        if visit.status != "signed":
            raise ServiceError("Addenda are for signed notes. This note is not signed yet, so "
                               "change the note itself.")
        created = utcnow()
        name = _signer_name(person)
        row = Addendum(visit_id=visit.id, author_id=person.id, author_name=name,
                       created_at=created, reason=reason, text=text,
                       content_hash=addendum_hash(
                           visit_id=visit.id, author_id=person.id, author_name=name,
                           created_at=created, reason=reason, text=text,
                           note_hash=visit.content_hash))
        session.add(row)
        session.flush()
        # The summary names the addendum, never its reason or text (clinical content).
        audit.record(session, actor=actor, action="addendum", patient_id=visit.patient_id,
                     record_type="addendum", record_id=row.id,
                     summary=f"addendum added to signed note of visit {visit.id}; "
                             f"content hash {row.content_hash}")
        return _addendum_info(row)


def _addendum_info(row: Addendum) -> AddendumInfo:
    return AddendumInfo(row.id, row.visit_id, row.author_id, row.author_name,
                        as_utc(row.created_at), row.reason, row.text, row.content_hash)


def list_addenda(session_factory: SessionFactory, visit_id: int, *,
                 actor: str) -> list[AddendumInfo]:
    """The note's addenda, oldest first (shown under the note)."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        rows = session.scalars(select(Addendum).where(Addendum.visit_id == visit_id)
                               .order_by(Addendum.created_at, Addendum.id))
        return [_addendum_info(row) for row in rows]


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _anchors(session: Session, action: str, record_type: str) -> dict[int, tuple[str, int]]:
    """Record id -> (content hash, hash format) written into the keyed audit chain."""
    rows = session.execute(select(AuditEntry.record_id, AuditEntry.summary)
                           .where(AuditEntry.action == action,
                                  AuditEntry.record_type == record_type)
                           .order_by(AuditEntry.id))
    return {rid: (found.group(1), int(found.group(2) or 1)) for rid, summary in rows
            if rid is not None and (found := _ANCHOR.search(summary))}


def _missing_notes(session: Session, ids: list[int]) -> list[NoteProblem]:
    """Notes the audit log says were signed that are no longer there, or no longer signed."""
    problems: list[NoteProblem] = []
    for chunk in _chunks(sorted(ids)):
        found = dict(session.execute(select(Visit.id, Visit.status)
                                     .where(Visit.id.in_(chunk))).all())
        for vid in chunk:
            what = "was deleted" if vid not in found else "is no longer signed"
            problems.append(NoteProblem("note", vid, vid, f"The signed note of visit {vid} "
                                        f"{what}; the audit log records its signing."))
    return problems


def _check_notes(session: Session) -> tuple[list[NoteProblem], int]:
    problems: list[NoteProblem] = []
    unhashed = 0
    stored = dict(session.execute(select(Visit.id, Visit.content_hash)
                                  .where(Visit.status == "signed")).all())
    anchors = _anchors(session, "sign", "visit")
    problems += _missing_notes(session, [vid for vid in anchors if vid not in stored])
    by_format: dict[int, list[int]] = {}
    for vid in sorted(stored):
        by_format.setdefault(anchors[vid][1] if vid in anchors else 1, []).append(vid)
    for version, ids in sorted(by_format.items()):
        # All at once: hash_visits reads them in windows of neighbouring ids (a helper
        # process takes half of a large clinic's notes).
        for vid, digest in sorted(hash_many(session, ids, version).items()):
            anchor = anchors.get(vid)
            if not stored[vid] and anchor is None:
                unhashed += 1  # signed before content hashes were kept: nothing to compare
            elif digest != stored[vid] or (anchor is not None and anchor[0] != stored[vid]):
                problems.append(NoteProblem("note", vid, vid, f"The signed note of visit "
                                            f"{vid} was changed after it was signed."))
    problems.sort(key=lambda p: p.record_id)
    return problems, unhashed


def _check_addenda(session: Session) -> list[NoteProblem]:
    problems: list[NoteProblem] = []
    anchors = _anchors(session, "addendum", "addendum")
    seen: set[int] = set()
    rows = session.execute(select(Addendum, Visit.content_hash, Visit.status)
                           .join(Visit, Visit.id == Addendum.visit_id).order_by(Addendum.id))
    for addendum, note_hash, status in rows:
        seen.add(addendum.id)
        expected = addendum_hash(
            visit_id=addendum.visit_id, author_id=addendum.author_id,
            author_name=addendum.author_name, created_at=addendum.created_at,
            reason=addendum.reason, text=addendum.text, note_hash=note_hash)
        anchor = anchors.get(addendum.id)
        if status != "signed":
            problems.append(NoteProblem("addendum", addendum.id, addendum.visit_id,
                                        f"Addendum {addendum.id} belongs to visit "
                                        f"{addendum.visit_id}, which is no longer signed."))
        elif expected != addendum.content_hash or (anchor is not None
                                                   and anchor[0] != addendum.content_hash):
            problems.append(NoteProblem("addendum", addendum.id, addendum.visit_id,
                                        f"Addendum {addendum.id} (visit {addendum.visit_id}) "
                                        "was changed after it was written."))
    for missing in sorted(set(anchors) - seen):
        problems.append(NoteProblem("addendum", missing, 0, f"Addendum {missing} was deleted; "
                                    "the audit log records it being added."))
    return problems


def check_signed_notes(session: Session) -> tuple[list[NoteProblem], int]:
    """(problems, count of signed notes from before content hashes were kept)."""
    problems, unhashed = _check_notes(session)
    # Snapshots of notes signed before 0013 sit outside their (format 1) hashes.
    problems += [NoteProblem("note", 0, 0, message) for message in snapshot_problems(session)]
    late = [NoteProblem("late_entry", rid, vid, message)
            for rid, vid, message in late_outcome_problems(session)]
    late += [NoteProblem("note", vid, vid, message)
             for vid, message in written_date_problems(session)]
    return problems + _check_addenda(session) + late, unhashed


def verify_signed_notes(source: Session | SessionFactory) -> list[NoteProblem]:
    """Every signed note and addendum whose stored content no longer matches its hash."""
    if isinstance(source, Session):
        return check_signed_notes(source)[0]
    with transaction(source) as session:
        return check_signed_notes(session)[0]
