"""Writes audit entries inside the caller's transaction; never stores clinical text."""

from __future__ import annotations

import socket
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.base import utcnow
from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import AuditEntry
from ptdesk.services.uow import transaction

ACTIONS = (
    "view", "create", "update", "delete", "sign", "addendum", "print", "export",
    "backup", "restore", "login", "logout", "failed_login", "lock",
)
_WORKSTATION = socket.gethostname()


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
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEntry(
            at=utcnow(),
            actor=actor[:64],
            workstation=_WORKSTATION[:255],
            action=action,
            patient_id=patient_id,
            record_type=record_type,
            record_id=record_id,
            summary=summary[:500],
        )
    )


def entries_for_patient(session_factory: SessionFactory, patient_id: int) -> Sequence[AuditEntry]:
    with transaction(session_factory) as session:
        stmt = select(AuditEntry).where(AuditEntry.patient_id == patient_id).order_by(AuditEntry.id)
        return session.scalars(stmt).all()
