"""Offer an autosaved draft back when a form opens (shared by the Exercises and Run plan tabs)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.stamps import as_utc
from ptdesk.services.drafts import DraftInfo, discard_draft, get_draft


def local_time_text(moment: datetime) -> str:
    """Drafts are stamped in UTC (SQLite hands them back without a zone); show local time."""
    return as_utc(moment).astimezone().strftime("%d %b %Y at %H:%M")


def offer_draft(parent: QWidget, session_factory: SessionFactory, *, actor: str, form_key: str,
                what: str) -> DraftInfo | None:
    """The draft if the clinician wants it back; a declined draft is discarded."""
    draft = get_draft(session_factory, actor=actor, form_key=form_key)
    if draft is None:
        return None
    answer = QMessageBox.question(
        parent, "Restore unsaved changes",
        f"Restore unsaved changes from {local_time_text(draft.saved_at)}?\n\n"
        f"They are changes to the {what} that were not saved to the chart.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    if answer == QMessageBox.StandardButton.Yes:
        return draft
    discard_draft(session_factory, actor=actor, form_key=form_key)
    return None
