"""The clinic's record-guard settings: the syslog witness and how many restore leftovers to keep."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ptdesk.db.engine import SessionFactory, engine_of
from ptdesk.db.models_audit import RecordSettings
from ptdesk.services.audit import log as audit
from ptdesk.services.audit.witness import forget_settings, parse_address
from ptdesk.services.errors import ServiceError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

DEFAULT_RESTORE_COPIES = 3
MAX_RESTORE_COPIES = 100


@dataclass(frozen=True)
class GuardSettings:
    syslog_address: str  # "" when off
    restore_copies_kept: int


def get_guard_settings(session_factory: SessionFactory) -> GuardSettings:
    with transaction(session_factory) as session:
        row = session.get(RecordSettings, 1)
        if row is None:
            return GuardSettings("", DEFAULT_RESTORE_COPIES)
        return GuardSettings(row.syslog_address, row.restore_copies_kept)


def restore_copies_kept(session_factory: SessionFactory) -> int:
    """The clinic setting, or the default when the database cannot say (damaged, older)."""
    try:
        with transaction(session_factory) as session:
            value = session.scalar(select(RecordSettings.restore_copies_kept)
                                   .where(RecordSettings.id == 1))
    except Exception:  # any unreadable database: fall back to the default
        return DEFAULT_RESTORE_COPIES
    return int(value) if value else DEFAULT_RESTORE_COPIES


def set_guard_settings(session_factory: SessionFactory, *, actor: str,
                       syslog_address: str | None = None,
                       restore_copies_kept: int | None = None) -> GuardSettings:
    """Change either setting (administrators); the change itself is audited."""
    if syslog_address is not None and syslog_address.strip():
        try:
            parse_address(syslog_address)
        except ValueError as exc:
            raise ServiceError(f"The syslog destination is not valid: {exc}.") from exc
    if restore_copies_kept is not None and not 1 <= restore_copies_kept <= MAX_RESTORE_COPIES:
        raise ServiceError(f"Keep between 1 and {MAX_RESTORE_COPIES} databases set aside by "
                           "restores.")
    with transaction(session_factory) as session:
        require(session, actor, "edit_settings")
        row = session.get(RecordSettings, 1)
        if row is None:
            row = RecordSettings(id=1)
            session.add(row)
        changed = []
        if syslog_address is not None:
            row.syslog_address = syslog_address.strip()
            changed.append("syslog destination " + ("set" if row.syslog_address else "off"))
        if restore_copies_kept is not None:
            row.restore_copies_kept = restore_copies_kept
            changed.append(f"restore copies kept {restore_copies_kept}")
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="record_settings",
                     summary="record settings changed: " + ", ".join(changed or ["nothing"]))
        result = GuardSettings(row.syslog_address, row.restore_copies_kept)
    forget_settings(engine_of(session_factory))
    return result
