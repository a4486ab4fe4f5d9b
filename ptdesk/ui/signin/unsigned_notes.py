"""After sign-in: the clinician's own unsigned notes older than the clinic's limit, one click each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ptdesk.app_log import log_exception
from ptdesk.services.changes import ChangeKind
from ptdesk.services.errors import ServiceError
from ptdesk.services.visit_drafts import UnsignedNote, unsigned_notes
from ptdesk.services.visit_rules import get_visit_rules
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.background import BackgroundCall

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1  # (patient id, visit id)
MAX_ROWS_SHOWN = 5  # the list scrolls beyond this; the patient list keeps its room


def note_text(note: UnsignedNote) -> str:
    """ "Bennett, Marcus · Follow-up 2026-10-06" (the panel is as narrow as the list)."""
    return f"{note.patient_name} · {note.type_label} {note.visit_date:%Y-%m-%d}"


def note_tip(note: UnsignedNote) -> str:
    return (f"{note.patient_name} ({note.mrn}): {note.type_label.lower()} of "
            f"{note.visit_date:%Y-%m-%d}, {note.days_old} days ago, not signed. Click to open.")


class UnsignedNotesPanel(QGroupBox):
    """Shown under the patient list while the signed-in clinician has old unsigned notes.

    Clicking a note opens its patient's chart at that visit (`open_note(patient, visit)`).
    Refreshed at sign-in and whenever a note is saved, signed or deleted in this window. The
    notes are read off the UI thread (a search of every visit of the clinic), so the list is
    usable the moment the clinician signs in; the panel appears when the answer is in.
    """

    def __init__(self, ctx: AppContext, open_note: Callable[[int, int], None],
                 parent: QWidget | None = None) -> None:
        super().__init__("Unsigned notes", parent)
        self.setObjectName("unsignedNotes")
        self.ctx = ctx
        self._open_note = open_note
        self.notes: list[UnsignedNote] = []
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("unsignedNotesList")
        self.list.setAccessibleName("Unsigned notes")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.intro)
        layout.addWidget(self.list)
        self._reader = BackgroundCall(self)
        self._again = False  # a change arrived while reading: read once more after
        self._reader.finished.connect(self._on_reader_finished)
        self.setVisible(False)
        self._connect_signals()
        self.refresh()

    def _connect_signals(self) -> None:
        self.list.itemClicked.connect(self._on_list_item_activated)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.ctx.signals.data_changed.connect(self._on_signals_data_changed)

    @property
    def busy(self) -> bool:
        """True while the notes are being read (tests wait for it)."""
        return self._reader.busy or self._again

    def refresh(self) -> None:
        """Read the notes again in the background; the panel shows them when done."""
        session_factory, actor = self.ctx.session_factory, self.ctx.actor

        def read() -> tuple[list[UnsignedNote], int]:
            try:
                notes = unsigned_notes(session_factory, actor=actor)
                return notes, get_visit_rules(session_factory, actor=actor).stale_draft_days
            except ServiceError:  # e.g. an account that may not open charts: nothing to remind
                return [], 0

        if not self._reader.start(read):
            self._again = True

    def _on_reader_finished(self, result: Any, error: Exception | None) -> None:
        if self._again:
            self._again = False
            self.refresh()
            return
        if error is not None:  # a storage problem: no reminder rather than a stale one
            log_exception(type(error), error.__traceback__, "unsigned-notes reminder")
            result = ([], 0)
        self.notes, days = result
        self.list.clear()
        for note in self.notes:
            item = QListWidgetItem(note_text(note))
            item.setToolTip(note_tip(note))
            item.setData(NOTE_ROLE, (note.patient_id, note.visit_id))
            self.list.addItem(item)
        count = len(self.notes)
        self.intro.setText(f"You have {count} unsigned note{'s' if count != 1 else ''} older "
                           f"than {days} day{'s' if days != 1 else ''}. Click one to open it, "
                           "then sign it.")
        rows = min(max(count, 1), MAX_ROWS_SHOWN)
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth()
                                 if count else 0)
        self.setVisible(bool(count))

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        patient_id, visit_id = item.data(NOTE_ROLE)
        self._open_note(int(patient_id), int(visit_id))

    def _on_signals_data_changed(self, kind: object, _patient_id: int) -> None:
        if kind in (ChangeKind.VISITS, ChangeKind.EVALUATION, ChangeKind.CLINIC):
            self.refresh()
