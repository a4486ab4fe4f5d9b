"""Outside witnesses of the audit chain: the anchor file on this computer and the clinic's syslog.

`appended` is called by every audit append; once per transaction it arranges for the new
head to be written to the anchor (as pending before the commit, as the head after it)
and, when the clinic set a syslog destination, for each committed entry's hash to be
sent there. Nothing is written for a transaction that rolls back.
"""

from __future__ import annotations

import logging
import logging.handlers
import socket
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, event, inspect, select
from sqlalchemy.orm import Session

from ptdesk.db.models_audit import RecordSettings
from ptdesk.services.audit.anchor import Head, advance, anchor_path_for_url, mark_pending
from ptdesk.services.audit.key import AuditKeyError

INFO = "ptdesk_audit_witness"
_LISTENING = "ptdesk_audit_witness_listening"
SYSLOG_PORT = 514
_HAS_SETTINGS: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


@dataclass
class _Pending:
    anchor: Path | None
    first: tuple[int, str] | None
    head: Head
    syslog: str
    prior: Head | None = None  # where the log ended when this transaction began writing
    entries: list[tuple[int, str]] = field(default_factory=list)


def syslog_address(session: Session, engine: Engine) -> str:
    """The clinic's syslog destination ("" when none), read in the caller's transaction."""
    has = _HAS_SETTINGS.get(engine)
    if has is None:
        # A database still at an older schema (during its upgrade) has no settings yet.
        has = inspect(session.connection()).has_table(RecordSettings.__tablename__)
        _HAS_SETTINGS[engine] = has
    if not has:
        return ""
    value = session.scalar(select(RecordSettings.syslog_address).where(RecordSettings.id == 1))
    return value or ""


def forget_settings(engine: Engine) -> None:
    _HAS_SETTINGS.pop(engine, None)


def appended(session: Session, engine: Engine, head: Head, first: tuple[int, str] | None,
             prior: Head | None = None) -> None:
    pending: _Pending | None = session.info.get(INFO)
    if pending is None:
        url = engine.url.render_as_string(hide_password=False)
        pending = _Pending(anchor_path_for_url(url), first, head,
                           syslog_address(session, engine), prior)
        session.info[INFO] = pending
        if not session.info.get(_LISTENING):
            session.info[_LISTENING] = True
            event.listen(session, "before_commit", _before_commit)
            event.listen(session, "after_commit", _after_commit)
            event.listen(session, "after_rollback", _after_rollback)
    pending.head = head
    if pending.first is None and first is not None:
        pending.first = first
    pending.entries.append((head.last_id, head.last_hash))


def _first_sealed(session: Session) -> tuple[int, str]:
    from ptdesk.db.models import AuditEntry

    row = session.execute(select(AuditEntry.id, AuditEntry.entry_hash)
                          .where(AuditEntry.entry_hash != "").order_by(AuditEntry.id)
                          .limit(1)).one()
    return int(row[0]), str(row[1])


def _before_commit(session: Session) -> None:
    pending: _Pending | None = session.info.get(INFO)
    if pending is None or pending.anchor is None:
        return
    if pending.first is None:
        pending.first = _first_sealed(session)
    # Refusing the commit when the anchor cannot be written keeps the two in step.
    try:
        mark_pending(pending.anchor, pending.head, pending.first, pending.prior)
    except OSError as exc:
        raise AuditKeyError(
            f"This computer's record of the audit log ({pending.anchor}) cannot be written "
            f"({exc.strerror or type(exc).__name__}), so nothing was saved. Check that the "
            "folder exists and is writable.") from exc


def _after_commit(session: Session) -> None:
    pending: _Pending | None = session.info.pop(INFO, None)
    if pending is None:
        return
    if pending.anchor is not None and pending.first is not None:
        try:
            advance(pending.anchor, pending.head, pending.first)
        except OSError:
            logging.getLogger(__name__).warning("the audit anchor could not be updated")
    if pending.syslog:
        send(pending.syslog, pending.entries)


def _after_rollback(session: Session) -> None:
    session.info.pop(INFO, None)


def parse_address(address: str) -> tuple[str, int]:
    """("host", port) from "host" or "host:port"; ValueError when it is not one."""
    host, sep, port = address.strip().rpartition(":")
    if not sep:
        host, port = address.strip(), str(SYSLOG_PORT)
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("a syslog destination is a host name or address, optionally "
                         "followed by :PORT (UDP)")
    return host.strip("[]"), int(port)


class _QuietSysLog(logging.handlers.SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        # A syslog server that is down or unreachable must never disturb a save.
        return


def send(address: str, entries: list[tuple[int, str]]) -> None:
    """One syslog message per entry: its id and hash only (no names, no patient data)."""
    try:
        host, port = parse_address(address)
        handler = _QuietSysLog(address=(host, port),
                               facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV,
                               socktype=socket.SOCK_DGRAM)
    except (ValueError, OSError):
        return
    try:
        for entry_id, digest in entries:
            record = logging.LogRecord("ptdesk.audit", logging.INFO, __file__, 0,
                                       "ptdesk audit entry %d hash %s", (entry_id, digest), None)
            handler.emit(record)  # UDP: never waits for the server
    finally:
        handler.close()
