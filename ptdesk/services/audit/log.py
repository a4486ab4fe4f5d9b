"""The tamper-evident audit log: keyed hash-chained entries written in the caller's transaction.

Each entry's hash is HMAC-SHA256(key, previous entry's hash + the entry's fields), with
the key kept in a file outside the database (see audit_key.py). Appends are serialized
through the one-row `audit_head` table, which also records where the chain ends, so
edited, deleted, reordered and truncated entries are all detected by `verify_chain`.
Entries never hold clinical text: summaries say what changed, not what was written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, Row, Table, func, insert, select, update
from sqlalchemy.orm import Session

from ptdesk.db.base import utcnow
from ptdesk.db.engine import SessionFactory, engine_of, is_sqlite
from ptdesk.db.models import AuditEntry, AuditHead, Patient
from ptdesk.domain.stamps import as_utc
from ptdesk.services.audit import witness
from ptdesk.services.audit.anchor import (
    Anchor,
    Head,
    anchor_path_for_url,
    anchor_problems,
    read_anchor,
)
from ptdesk.services.audit.key import AuditKeyError, key_path, load_key
from ptdesk.services.errors import NotFoundError, ServiceError
from ptdesk.services.uow import transaction

ACTIONS = (
    "view", "create", "update", "delete", "sign", "addendum", "print", "export",
    "backup", "restore", "login", "logout", "failed_login", "lock",
)
_WORKSTATION = socket.gethostname()
_LOG: Table = AuditEntry.__table__  # type: ignore[assignment]
_HEAD: Table = AuditHead.__table__  # type: ignore[assignment]
_FIELDS = ("at", "actor", "workstation", "action", "patient_id", "record_type", "record_id",
           "summary")
MAX_PROBLEMS = 50  # a wholesale rewrite would otherwise list every entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    problems: tuple[str, ...]
    sealed: bool  # False only before the first entry written with a key
    head: Head | None = None  # where the chain ends, for comparing with a witness


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # UTC
    actor: str
    workstation: str
    action: str
    patient_mrn: str
    record_type: str
    record_id: int | None
    summary: str


def _utc_text(at: datetime) -> str:
    # SQLite hands back naive UTC, PostgreSQL aware values: hash one spelling of both.
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(sep=" ", timespec="microseconds")


# What json.dumps(values, ensure_ascii=False, separators=(",", ":")) builds on every call,
# built once: verify re-computes the MAC of every entry of the log.
_ENTRY_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def entry_mac(key: bytes, prev_hash: str, fields: Mapping[Any, Any]) -> str:
    """HMAC of one entry chained to the hash before it."""
    values = [prev_hash, *(
        _utc_text(fields[name]) if name == "at" else fields[name] for name in _FIELDS)]
    message = _ENTRY_ENCODER.encode(values)
    return hmac.new(key, message.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def head_mac(key: bytes, entries: int, last_id: int, last_hash: str, legacy_through: int) -> str:
    message = json.dumps(["audit-head", entries, last_id, last_hash, legacy_through])
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).hexdigest()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _head(session: Session) -> Row[Any]:
    row = session.execute(select(_HEAD).where(_HEAD.c.id == 1)).one_or_none()
    if row is None:
        raise ServiceError("The audit log's head record is missing; the database was changed "
                           "outside PT Desk. Run `ptdesk verify` and restore a backup.")
    return row


def _fold(key: bytes, rows: Any, running: str = "") -> str:
    for row in rows:
        running = entry_mac(key, running, row._mapping)
    return running


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    patient_id: int | None = None,
    record_type: str = "",
    record_id: int | None = None,
    summary: str = "",
) -> None:
    """Append one entry to the chain inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    # The head update comes first: it takes the write lock (SQLite) or the row lock
    # (PostgreSQL) before the chain's end is read, so concurrent appends never fork.
    session.execute(update(_HEAD).where(_HEAD.c.id == 1).values(entries=_HEAD.c.entries))
    head = _head(session)
    sealed = bool(head.head_mac)
    engine = _engine(session)
    if not sealed:
        _refuse_unsealed(session, engine, head)
    # A new key only for a log that never had one: never while sealed entries exist.
    key = load_key(engine, create=not sealed and _only_legacy(session, head))
    if key is None and not sealed:
        raise AuditKeyError(
            f"The audit key file is missing (expected at {key_path(engine)}) and the audit "
            "log already has entries, so PT Desk will not make a new key. Nothing was saved. "
            "Put the key file back, or an administrator installs it with "
            "`ptdesk audit key install FILE`.")
    if key is None:
        raise AuditKeyError(
            f"The audit key file is missing (expected at {key_path(engine)}). Nothing was "
            "saved. Put the key file back (backups keep a copy next to each backup); on a "
            "new workstation of a clinic server, an administrator installs it with "
            "`ptdesk audit key install FILE`.")
    prev = head.last_hash
    if not sealed:
        # Entries from before the chain existed are folded into the first chained hash.
        legacy = session.execute(select(*(_LOG.c[f] for f in _FIELDS))
                                 .where(_LOG.c.id <= head.legacy_through).order_by(_LOG.c.id))
        prev = _fold(key, legacy)
    fields: dict[str, Any] = {
        "at": utcnow(), "actor": actor[:64], "workstation": _WORKSTATION[:255],
        "action": action, "patient_id": patient_id, "record_type": record_type[:40],
        "record_id": record_id, "summary": summary[:500],
    }
    digest = entry_mac(key, prev, fields)
    new_id = session.execute(
        insert(_LOG).values(**fields, prev_hash=prev, entry_hash=digest).returning(_LOG.c.id)
    ).scalar_one()
    entries = head.entries + 1
    session.execute(update(_HEAD).where(_HEAD.c.id == 1).values(
        entries=entries, last_id=new_id, last_hash=digest,
        head_mac=head_mac(key, entries, new_id, digest, head.legacy_through)))
    witness.appended(session, engine, Head(entries, new_id, digest),
                     None if sealed else (new_id, digest),
                     Head(head.entries, head.last_id, head.last_hash) if sealed else None)


def log_is_empty(session_factory: SessionFactory) -> bool:
    with transaction(session_factory) as session:
        return not session.scalar(select(func.count()).select_from(_LOG))


def _only_legacy(session: Session, head: Row[Any]) -> bool:
    """True when the log holds nothing but entries from before the chain existed."""
    count = session.scalar(select(func.count()).select_from(_LOG)) or 0
    return count == 0 or (count == head.entries and head.last_id <= head.legacy_through
                          and not session.scalar(select(func.count()).select_from(_LOG)
                                                 .where(_LOG.c.entry_hash != "")))


def _refuse_unsealed(session: Session, engine: Engine, head: Row[Any]) -> None:
    """An unsealed head on a log this computer saw sealed: never seal a forged log."""
    problems = _unsealed_problems(session, head, _anchor_of(engine))
    if problems:
        raise AuditKeyError("The audit log was changed outside PT Desk (" + problems[0].rstrip(
            ".") + "). Nothing was saved. Run `ptdesk verify` and restore a backup.")


def _anchor_of(engine: Engine) -> Anchor | None:
    try:
        return read_anchor(anchor_path_for_url(engine.url.render_as_string(
            hide_password=False)))
    except ValueError:
        return None


def verify_chain(session_factory: SessionFactory, *, key: bytes | None = None,
                 anchor: Anchor | None | bool = True) -> VerifyResult:
    """Re-compute the whole chain and hold it against this computer's anchor.

    `key` overrides the database's own key file. `anchor`: True reads this database's
    anchor file; False skips it (a copy that is not the live database, e.g. a backup
    being checked); an Anchor checks against that one.
    """
    engine = engine_of(session_factory)
    if anchor is True:
        try:
            anchor = read_anchor(anchor_path_for_url(engine.url.render_as_string(
                hide_password=False)))
        except ValueError as exc:
            return VerifyResult(False, 0, (f"This computer's record of the audit log is "
                                           f"damaged ({exc}).",), True)
    found = anchor if isinstance(anchor, Anchor) else None
    if key is None:
        key = load_key(engine, create=False)
    with transaction(session_factory) as session:
        head = _head(session)
        if not head.head_mac:
            return _verify_unsealed(session, head, found, key)
        if key is None:
            path = key_path(engine)
            return VerifyResult(False, 0, (
                f"The audit key file is missing (expected at {path}), so the log cannot be "
                "checked.",), True, _head_of(head))
        # Only entries up to the head's last id: later ones were appended while we read.
        rows = session.execute(
            select(_LOG.c.id, _LOG.c.prev_hash, _LOG.c.entry_hash, *(_LOG.c[f] for f in _FIELDS))
            .where(_LOG.c.id <= head.last_id).order_by(_LOG.c.id)
            .execution_options(yield_per=2000))
        points = _points(found)
        problems, count, running = _walk(key, rows, head.legacy_through, points)
    _check_end(problems, head, key, count, running)
    if found is not None:
        problems += anchor_problems(found, _head_of(head), points, strict=is_sqlite(
            engine.url.render_as_string(hide_password=False)))
    return _result(problems, count, sealed=True, head=_head_of(head))


def _head_of(head: Row[Any]) -> Head:
    return Head(head.entries, head.last_id, head.last_hash)


def _points(anchor: Anchor | None) -> dict[int, tuple[int, str]]:
    """Entry ids whose position and hash the anchor check needs (filled in by _walk)."""
    if anchor is None:
        return {}
    ids = {anchor.first_id, anchor.head.last_id}
    if anchor.pending is not None:
        ids.add(anchor.pending.last_id)
    return dict.fromkeys(ids, (0, ""))


def _walk(key: bytes, rows: Any, legacy_through: int,
          points: dict[int, tuple[int, str]] | None = None) -> tuple[list[str], int, str]:
    problems: list[str] = []
    running, count = "", 0
    points = points if points is not None else {}
    for row in rows:
        count += 1
        if row.id in points:
            points[row.id] = (count, row.entry_hash)
        expected = entry_mac(key, running, row._mapping)
        if row.id <= legacy_through and not row.entry_hash and not row.prev_hash:
            running = expected  # written before the chain; covered by the next entry
            continue
        if not row.entry_hash:
            problems.append(f"Entry {row.id} has no seal: it was added outside PT Desk.")
            running = expected
            continue
        if row.prev_hash != running:
            if entry_mac(key, row.prev_hash, row._mapping) == row.entry_hash:
                problems.append(f"Entry {row.id} does not follow the entry before it: entries "
                                "were deleted, inserted or reordered.")
            else:
                problems.append(f"Entry {row.id} was changed after it was written.")
        elif row.entry_hash != expected:
            problems.append(f"Entry {row.id} was changed after it was written.")
        # Continue from the stored hash so one break is reported once, not at every entry.
        running = row.entry_hash
    return problems, count, running


def _check_end(problems: list[str], head: Row[Any], key: bytes, count: int, running: str) -> None:
    if head.head_mac != head_mac(key, head.entries, head.last_id, head.last_hash,
                                 head.legacy_through):
        problems.append("The audit log's end marker was altered outside PT Desk.")
    if count < head.entries:
        problems.append(f"{head.entries - count} entries are missing from the log "
                        "(deleted or the log was cut short).")
    elif count > head.entries:
        problems.append(f"The log holds {count - head.entries} more entries than were written "
                        "through PT Desk.")
    if running != head.last_hash:
        problems.append("The log does not end with the last entry PT Desk wrote: the newest "
                        "entries were removed or replaced.")


def _unsealed_problems(session: Session, head: Row[Any], anchor: Anchor | None) -> list[str]:
    problems: list[str] = []
    count = session.scalar(select(func.count()).select_from(_LOG)) or 0
    hashed = session.scalar(select(func.count()).select_from(_LOG)
                            .where(_LOG.c.entry_hash != "")) or 0
    if anchor is not None and anchor.keyed:
        problems.append(f"The audit log has no seal, but this computer recorded it sealed with "
                        f"{anchor.head.entries} entries: the seals were removed outside PT Desk.")
    if hashed:
        problems.append("The audit log's end marker was reset outside PT Desk: "
                        f"{hashed} sealed entries are not covered by it.")
    if count != head.entries:
        problems.append(f"The log holds {count} entries but {head.entries} were there when "
                        "sealing was set up.")
    return problems


def _verify_unsealed(session: Session, head: Row[Any], anchor: Anchor | None,
                     key: bytes | None) -> VerifyResult:
    """Before the first keyed entry: only the entries from before the chain may exist."""
    problems = _unsealed_problems(session, head, anchor)
    count = session.scalar(select(func.count()).select_from(_LOG)) or 0
    return _result(problems, count, sealed=False, head=_head_of(head))


def _result(problems: list[str], count: int, *, sealed: bool,
            head: Head | None = None) -> VerifyResult:
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"… and {len(problems) - MAX_PROBLEMS} more problems.")
    return VerifyResult(not problems, count, tuple(shown), sealed, head)


def current_anchor(session_factory: SessionFactory) -> Anchor | None:
    """What the anchor should say for this database as it is now (None: nothing sealed)."""
    with transaction(session_factory) as session:
        head = _head(session)
        if not head.head_mac:
            return None
        row = session.execute(select(_LOG.c.id, _LOG.c.entry_hash)
                              .where(_LOG.c.entry_hash != "").order_by(_LOG.c.id)
                              .limit(1)).one_or_none()
        if row is None:
            return None
        return Anchor(int(row[0]), str(row[1]), _head_of(head))


def head_text(head: Head | None) -> str:
    """The audit head as `ptdesk verify` and printed reports show it, to compare with a witness."""
    if head is None or not head.last_hash:
        return "audit head: none yet"
    return f"audit head: {head.entries} entries, last hash {head.last_hash}"


def _local_day_start(day: date) -> datetime:
    # Report dates are the clinic's calendar days, not UTC days.
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


def report(
    session_factory: SessionFactory, *, actor: str, patient_mrn: str | None = None,
    start: date | None = None, end: date | None = None, user: str | None = None,
    action: str = "view",
) -> list[AuditRow]:
    """Entries matching every given filter, oldest first, for an administrator.

    The reading itself is audited as `action` ("view" on screen, "export" to a file).
    """
    from ptdesk.services.permissions import require

    with transaction(session_factory) as session:
        require(session, actor, "audit_report")
        rows, filters = query_entries(session, patient_mrn=patient_mrn, start=start, end=end,
                                      user=user)
        record(session, actor=actor, action=action, record_type="audit_log",
               summary=f"audit report: {len(rows)} entries"
               + (f" (filtered by {', '.join(filters)})" if filters else ""))
        return rows


def query_entries(
    session: Session, *, patient_mrn: str | None = None, start: date | None = None,
    end: date | None = None, user: str | None = None,
) -> tuple[list[AuditRow], list[str]]:
    """The matching entries and the names of the filters used, inside the caller's
    transaction; the caller has already checked who is reading."""
    stmt = (select(_LOG, Patient.mrn).join(Patient, Patient.id == _LOG.c.patient_id,
                                           isouter=True).order_by(_LOG.c.id))
    filters: list[str] = []
    if patient_mrn is not None:
        mrn = patient_mrn.strip().upper()
        patient_id = session.scalar(select(Patient.id).where(Patient.mrn == mrn))
        if patient_id is None:
            raise NotFoundError(f"No patient with MRN {mrn}.")
        stmt = stmt.where(_LOG.c.patient_id == patient_id)
        filters.append("patient")
    if start is not None:
        stmt = stmt.where(_LOG.c.at >= _local_day_start(start))
        filters.append("from")
    if end is not None:
        stmt = stmt.where(_LOG.c.at < _local_day_start(end + timedelta(days=1)))
        filters.append("to")
    if user is not None:
        stmt = stmt.where(_LOG.c.actor == user)
        filters.append("user")
    return [_audit_row(row) for row in session.execute(stmt)], filters


def _audit_row(row: Row[Any]) -> AuditRow:
    return AuditRow(row.id, as_utc(row.at), row.actor, row.workstation, row.action,
                    row.mrn or "", row.record_type, row.record_id, row.summary)


def entries_for_patient(session_factory: SessionFactory, patient_id: int, *,
                        actor: str) -> Sequence[AuditEntry]:
    """Every audit entry about one patient, oldest first (the audit log is the administrator's)."""
    from ptdesk.services.permissions import require

    with transaction(session_factory) as session:
        require(session, actor, "audit_report")
        stmt = select(AuditEntry).where(AuditEntry.patient_id == patient_id).order_by(AuditEntry.id)
        return session.scalars(stmt).all()


def printed_head(session: Session) -> str:
    """The small-print line for printed reports (inside the report's own transaction):
    where the audit chain ended when the page was made, to compare with a witness."""
    head = _head(session)
    if not head.head_mac:
        return ""
    return f"Printed at {head_text(_head_of(head))}."
