"""The Run log's way in for watch files: Import runs… and Enter pain answers…, and their dialogs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from ptdesk.ui.chart.runlogs.import_dialog import RunImportDialog
from ptdesk.ui.chart.runlogs.pain_answers_dialog import PainAnswersDialog
from ptdesk.ui.context import AppContext


class ImportEntry(QObject):
    """Two buttons for the Run log tab; `runs_changed` after an import or a pain answer."""

    runs_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget, *,
                 patient_id: Callable[[], int | None], today: Callable[[], dt.date]) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._parent = parent
        self._patient_id = patient_id
        self._today = today
        self.import_button = QPushButton("&Import runs…")
        self.import_button.setObjectName("import_runs")
        self.import_button.setToolTip("Add runs from the runner's watch files (FIT, GPX, TCX, "
                                      "a folder or an export zip)")
        self.pain_button = QPushButton("Enter &pain answers…")
        self.pain_button.setObjectName("enter_pain_answers")
        self.pain_button.setToolTip("Pain during and next morning for imported runs")
        self.import_dialog: RunImportDialog | None = None
        self.pain_dialog: PainAnswersDialog | None = None
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.pain_button.clicked.connect(self._on_pain_button_clicked)

    def show_waiting(self, count: int) -> None:
        """How many imported runs wait for pain answers (the button says so)."""
        self.pain_button.setText(f"Enter &pain answers ({count} waiting)…" if count
                                 else "Enter &pain answers…")
        self.pain_button.setEnabled(count > 0)

    def open_import(self) -> RunImportDialog | None:
        """Run log › Import runs…: the dialog (non-modal, so the chart stays readable)."""
        patient_id = self._patient_id()
        if patient_id is None:
            return None
        if self.import_dialog is not None and self.import_dialog.busy:
            self.import_dialog.raise_()
            return self.import_dialog
        self.import_dialog = RunImportDialog(self._ctx, patient_id, self._parent,
                                             today=self._today())
        self.import_dialog.imported.connect(self._on_import_dialog_imported)
        self.import_dialog.pain_requested.connect(self._on_import_dialog_pain_requested)
        self.import_dialog.show()
        return self.import_dialog

    def open_pain_answers(self, run_id: int | None = None) -> PainAnswersDialog | None:
        patient_id = self._patient_id()
        if patient_id is None:
            return None
        self.pain_dialog = PainAnswersDialog(self._ctx, patient_id, self._parent, run_id=run_id)
        self.pain_dialog.answered.connect(self._on_pain_dialog_answered)
        self.pain_dialog.show()
        return self.pain_dialog

    def _on_import_button_clicked(self) -> None:
        self.open_import()

    def _on_pain_button_clicked(self) -> None:
        self.open_pain_answers()

    def _on_import_dialog_imported(self, _result: object) -> None:
        self.runs_changed.emit()

    def _on_import_dialog_pain_requested(self) -> None:
        self.open_pain_answers()

    def _on_pain_dialog_answered(self, _run_id: int) -> None:
        self.runs_changed.emit()
