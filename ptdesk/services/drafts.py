"""Autosaved drafts of forms being edited: save, list for recovery, discard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ptdesk.db.base import utcnow
from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Draft
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction


@dataclass(frozen=True)
class DraftInfo:
    form_key: str
    patient_id: int | None
    label: str
    payload: str
    saved_at: datetime


def save_draft(
    session_factory: SessionFactory, *, actor: str, form_key: str, payload: str,
    patient_id: int | None = None, label: str = "",
) -> None:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = session.scalar(select(Draft).where(Draft.actor == actor, Draft.form_key == form_key))
        if row is None:
            row = Draft(actor=actor, form_key=form_key)
            session.add(row)
        row.payload, row.patient_id, row.label, row.saved_at = payload, patient_id, label[:200], utcnow()


def get_draft(session_factory: SessionFactory, *, actor: str, form_key: str) -> DraftInfo | None:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = session.scalar(select(Draft).where(Draft.actor == actor, Draft.form_key == form_key))
        return _info(row) if row else None


def list_drafts(session_factory: SessionFactory, *, actor: str) -> list[DraftInfo]:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        rows = session.scalars(select(Draft).where(Draft.actor == actor).order_by(Draft.saved_at))
        return [_info(r) for r in rows]


def discard_draft(session_factory: SessionFactory, *, actor: str, form_key: str) -> None:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        session.execute(delete(Draft).where(Draft.actor == actor, Draft.form_key == form_key))


def drop_draft(session: Session, *, actor: str, form_key: str | None) -> None:
    """Delete the actor's draft inside the caller's transaction: a save removes the draft it
    replaces in the same transaction, so a failed save keeps it and a successful one never
    leaves it behind."""
    if form_key is not None:
        session.execute(delete(Draft).where(Draft.actor == actor, Draft.form_key == form_key))


def _info(row: Draft) -> DraftInfo:
    return DraftInfo(row.form_key, row.patient_id, row.label, row.payload, row.saved_at)
