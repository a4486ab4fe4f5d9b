"""What a form does after a save conflict: the dialog, the kept copy of the user's text, put back."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.domain.conflicts import as_text
from ptdesk.services import drafts
from ptdesk.services.errors import ConflictError, ServiceError
from ptdesk.ui.conflicts.conflict_dialog import ConflictDialog, when_text
from ptdesk.ui.conflicts.kept_copy_bar import KeptCopyBar
from ptdesk.ui.context import AppContext

COPY_FORMAT = 1


def copy_key(form_key: str) -> str:
    """The drafts key of the kept copy, next to (not over) the form's own autosaved draft."""
    return f"{form_key}:conflict"


@dataclass(frozen=True)
class KeptCopy:
    form: str          # the form's raw payload, as its own drafts store it
    text: str          # the whole text in plain words, for the clipboard
    saved_at: datetime


def load_copy(ctx: AppContext, form_key: str) -> KeptCopy | None:
    draft = drafts.get_draft(ctx.session_factory, actor=ctx.actor, form_key=copy_key(form_key))
    if draft is None:
        return None
    try:
        data = json.loads(draft.payload)
        return KeptCopy(str(data["form"]), str(data["text"]), draft.saved_at)
    except (ValueError, KeyError, TypeError):
        return None  # unreadable: left in place rather than deleted


class ConflictFlow(QObject):
    """Shows the conflict dialog and keeps the user's text recoverable after "Reload".

    The form supplies callbacks: `reload()` shows the saved version, `restore(form)`
    puts a kept payload back into the form, marking it edited (False: it could not, so
    the copy stays), `has_changes()` says
    whether the form holds unsaved edits now. The form places `self.bar` in its layout.
    """

    def __init__(self, ctx: AppContext, parent: QWidget, what: str, *,
                 reload: Callable[[], None], restore: Callable[[str], bool],
                 has_changes: Callable[[], bool]) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.what = what
        self._parent = parent
        self._reload, self._restore, self._has_changes = reload, restore, has_changes
        self.bar = KeptCopyBar(parent)
        self.dialog: ConflictDialog | None = None
        self._form_key: str | None = None
        self._patient_id: int | None = None
        self._pending: tuple[str, str, str] | None = None  # (form payload, text, label)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.bar.copy_button.clicked.connect(self._on_bar_copy_clicked)
        self.bar.restore_button.clicked.connect(self._on_bar_restore_clicked)
        self.bar.discard_button.clicked.connect(self._on_bar_discard_clicked)

    def set_form(self, form_key: str | None, patient_id: int | None) -> None:
        """The record now open; shows the bar when a kept copy of it exists."""
        self._form_key, self._patient_id = form_key, patient_id
        copy = load_copy(self.ctx, form_key) if form_key else None
        if copy is None:
            self.bar.hide()
        else:
            self.bar.show_copy(when_text(copy.saved_at))

    def show_conflict(self, error: ConflictError, started_from: Mapping[str, str] | None, *,
                      form: str, title: str) -> ConflictDialog:
        """Open the dialog (window-modal, without blocking the caller's save())."""
        text = as_text(error.yours or {}, f"{title} — your text (not saved)")
        self._pending = (form, text, title)
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = ConflictDialog(
            self.what, error.changes(started_from), text, changed_by=error.changed_by,
            changed_at=error.changed_at, workstation=error.workstation, parent=self._parent)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()
        return self.dialog

    def keep_copy(self, form: str, text: str, label: str) -> None:
        """Store the user's text in the database (never a file: PHI) under the copy key."""
        if self._form_key is None:
            return
        payload = json.dumps({"format": COPY_FORMAT, "form": form, "text": text})
        drafts.save_draft(self.ctx.session_factory, actor=self.ctx.actor,
                          form_key=copy_key(self._form_key), payload=payload,
                          patient_id=self._patient_id, label=f"{label} (your text, not saved)")

    def discard_copy(self) -> None:
        if self._form_key is not None:
            drafts.discard_draft(self.ctx.session_factory, actor=self.ctx.actor,
                                 form_key=copy_key(self._form_key))
        self.bar.hide()

    # ---- slots -------------------------------------------------------------------------

    def _on_dialog_finished(self, result: int) -> None:
        pending, self._pending = self._pending, None
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result != ConflictDialog.DialogCode.Accepted or pending is None:
            return  # Keep editing: the form is untouched and still has unsaved changes
        form, text, label = pending
        try:
            self.keep_copy(form, text, label)
        except ServiceError:
            # The copy could not be stored: do not reload, or the text would be lost.
            QMessageBox.warning(self._parent, "Not reloaded",
                                "Your text could not be kept as a copy, so the form was left "
                                "as it is. Use Copy my text, then try again.")
            return
        # Not copied to the clipboard unasked: other programs can read it, and the copy
        # is already kept in the database (the bar offers it back).
        self._reload()
        copy = load_copy(self.ctx, self._form_key) if self._form_key else None
        self.bar.show_copy(when_text(copy.saved_at) if copy else "")
        self.ctx.signals.status_message.emit(
            "Showing the saved version. Your text is kept as a copy you can put back.")

    def _on_bar_copy_clicked(self) -> None:
        copy = load_copy(self.ctx, self._form_key) if self._form_key else None
        if copy is not None:
            QGuiApplication.clipboard().setText(copy.text)
            self.ctx.signals.status_message.emit("Your kept text is on the clipboard.")

    def _on_bar_restore_clicked(self) -> None:
        copy = load_copy(self.ctx, self._form_key) if self._form_key else None
        if copy is None:
            self.bar.hide()
            return
        if self._has_changes() and QMessageBox.question(
            self._parent, "Put my text back",
            "Replace what the form shows now with your kept text?",
        ) != QMessageBox.StandardButton.Yes:
            return
        if not self._restore(copy.form):
            return
        self.discard_copy()
        self.ctx.signals.status_message.emit(
            "Your text is back in the form. Check it against the saved version, then save.")

    def _on_bar_discard_clicked(self) -> None:
        if QMessageBox.question(
            self._parent, "Discard my copy",
            "Delete the kept copy of your text? This cannot be undone.",
        ) == QMessageBox.StandardButton.Yes:
            self.discard_copy()
