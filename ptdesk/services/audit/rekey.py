"""Re-sealing the audit chain under a new key: the database half of `ptdesk audit key rotate`."""

from __future__ import annotations

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from ptdesk.services.audit import witness
from ptdesk.services.audit.key import AuditKeyError
from ptdesk.services.audit.log import (
    _FIELDS,
    _HEAD,
    _LOG,
    _engine,
    _head,
    _walk,
    entry_mac,
    head_mac,
)


def head_entries(session: Session) -> int:
    return int(_head(session).entries)


def reseal(session: Session, *, old: bytes, new: bytes) -> None:
    """Re-seal every entry and the head with `new` (key rotation), inside the caller's
    transaction; the append-only guard is lifted only inside this transaction."""
    head = _head(session)
    rows = session.execute(select(_LOG.c.id, _LOG.c.prev_hash, _LOG.c.entry_hash,
                                  *(_LOG.c[f] for f in _FIELDS)).order_by(_LOG.c.id)).all()
    problems, _count, _running = _walk(old, rows, head.legacy_through)
    if problems:
        raise AuditKeyError("The audit log changed while it was being re-keyed; nothing was "
                            "changed.")
    running, updates = "", []
    for row in rows:
        expected = entry_mac(new, running, row._mapping)
        if not (row.id <= head.legacy_through and not row.entry_hash and not row.prev_hash):
            updates.append({"row_id": row.id, "p": running, "h": expected})
        running = expected
    sqlite = _engine(session).dialect.name == "sqlite"
    if sqlite:
        saved = [r[0] for r in session.execute(text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' "
            "AND name LIKE 'trg_audit_log_append_only_update%'"))]
        session.execute(text("DROP TRIGGER IF EXISTS trg_audit_log_append_only_update"))
    else:
        session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER trg_audit_log_append_only"))
    stmt = update(_LOG).where(_LOG.c.id == bindparam("row_id")).values(
        prev_hash=bindparam("p"), entry_hash=bindparam("h"))
    for start in range(0, len(updates), 5000):
        session.connection().execute(stmt, updates[start:start + 5000])
    if sqlite:
        for sql in saved:
            session.execute(text(sql))
    else:
        session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER trg_audit_log_append_only"))
    session.execute(update(_HEAD).where(_HEAD.c.id == 1).values(
        last_hash=running, head_mac=head_mac(new, head.entries, head.last_id, running,
                                             head.legacy_through)))
    pending = session.info.get(witness.INFO)
    if pending is not None:  # the anchor is reset by the caller after the commit
        pending.anchor = None
