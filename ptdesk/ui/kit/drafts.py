"""The draft store: autosaved form text kept in the database (never in files: PHI), offered back once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.domain.stamps import as_utc
from ptdesk.services import drafts
from ptdesk.services.drafts import DraftInfo
from ptdesk.services.uow import SessionFactory

PROMPT_TITLE = "Restore unsaved changes"


def local_time_text(moment: datetime) -> str:
    """Drafts are stamped in UTC (SQLite hands them back without a zone); show local time."""
    return as_utc(moment).astimezone().strftime("%d %b %Y at %H:%M")


def ask_restore(parent: QWidget | None, saved_at: datetime, what: str) -> bool:
    """The one question every form asks about its drafts."""
    answer = QMessageBox.question(
        parent, PROMPT_TITLE,
        f"Restore unsaved changes from {local_time_text(saved_at)}?\n\n"
        f"They are changes to the {what} that were not saved to the chart.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


class DraftStore:
    """One user's drafts: save, offer back (declining discards them), discard."""

    def __init__(self, session_factory: SessionFactory, actor: str) -> None:
        self.session_factory, self.actor = session_factory, actor

    def save(self, key: str, payload: str, *, patient_id: int | None, label: str) -> None:
        drafts.save_draft(self.session_factory, actor=self.actor, form_key=key,
                          payload=payload, patient_id=patient_id, label=label)

    def discard(self, key: str) -> None:
        drafts.discard_draft(self.session_factory, actor=self.actor, form_key=key)

    def offer(self, parent: QWidget | None, keys: Iterable[str], what: str
              ) -> dict[str, DraftInfo]:
        """Ask once about every draft found under `keys`; {} when none or declined."""
        found = {}
        for key in keys:
            draft = drafts.get_draft(self.session_factory, actor=self.actor, form_key=key)
            if draft is not None:
                found[key] = draft
        if not found:
            return {}
        if ask_restore(parent, max(d.saved_at for d in found.values()), what):
            return found
        for key in found:
            self.discard(key)
        return {}


def offer_draft(parent: QWidget, session_factory: SessionFactory, *, actor: str, form_key: str,
                what: str) -> DraftInfo | None:
    """The draft if the clinician wants it back; a declined draft is discarded."""
    return DraftStore(session_factory, actor).offer(parent, [form_key], what).get(form_key)
