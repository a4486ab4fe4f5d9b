"""Run log › Import runs…: read watch files in the background with progress and Cancel, then a summary."""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.errors import ServiceError
from ptdesk.services.run_import import ImportResult, import_runs, runs_waiting_for_pain
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.background import deliver_later

RUN_FILES = "Run files (*.fit *.gpx *.tcx *.fit.gz *.gpx.gz *.tcx.gz *.zip)"


class ImportCancelled(Exception):
    """Raised from the progress callback: nothing is written when reading stops (run_import)."""


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else words or word + 's'}"


class RunImportDialog(QDialog):
    """Choose files, a folder or a zip; import them; show what was added, skipped and rejected.

    `imported(result)` is emitted on the UI thread once runs were written (the Run log
    reloads); `pain_requested()` when the clinician asks for the runs waiting for pain.
    """

    imported = Signal(object)
    pain_requested = Signal()

    def __init__(self, ctx: AppContext, patient_id: int, parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import runs from watch files")
        self.setObjectName("run_import_dialog")
        self._ctx = ctx
        self._patient_id = patient_id
        self._today = today
        self._cancel = threading.Event()
        self._busy = False
        self.result: ImportResult | None = None
        self.error: str | None = None
        intro = QLabel("Choose the runner's files from a watch or phone app: FIT, GPX or TCX "
                       "files (also gzipped), a folder of them, or a zip such as a Strava or "
                       "Garmin bulk export. Only the summary numbers are kept (no GPS track); "
                       "nothing is copied.")
        intro.setWordWrap(True)
        self.files_button = QPushButton("Choose &files…")
        self.folder_button = QPushButton("Choose a f&older…")
        self.zip_button = QPushButton("Choose a &zip…")
        self.bar = QProgressBar()
        self.bar.setObjectName("import_progress")
        self.bar.setAccessibleName("Import progress")
        self.bar.setTextVisible(True)
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status = QLabel("Nothing imported yet.")
        self.status.setObjectName("import_status")
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton("&Cancel import")
        self.cancel_button.setObjectName("cancel_import")
        self.cancel_button.setEnabled(False)
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejected = QTableWidget(0, 2)
        self.rejected.setObjectName("rejected_files")
        self.rejected.setAccessibleName("Files not imported")
        self.rejected.setHorizontalHeaderLabels(["File not imported", "Why"])
        self.rejected.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rejected.setWordWrap(True)
        self.rejected.verticalHeader().setVisible(False)
        header = self.rejected.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rejected.hide()
        self.pain_button = QPushButton("Enter &pain answers…")
        self.pain_button.setObjectName("open_pain_answers")
        self.pain_button.hide()
        self.close_button = QPushButton("Close")
        self._build_layout(intro)
        self.files_button.clicked.connect(self._on_files_button_clicked)
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        self.zip_button.clicked.connect(self._on_zip_button_clicked)
        self.cancel_button.clicked.connect(self.cancel)
        self.pain_button.clicked.connect(self._on_pain_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.resize(640, 420)

    def _build_layout(self, intro: QLabel) -> None:
        choose = QHBoxLayout()
        for button in (self.files_button, self.folder_button, self.zip_button):
            choose.addWidget(button)
        choose.addStretch(1)
        progress = QHBoxLayout()
        progress.addWidget(self.bar, 1)
        progress.addWidget(self.cancel_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.pain_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(choose)
        layout.addLayout(progress)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(self.rejected, 1)
        layout.addStretch(0)
        layout.addLayout(bottom)

    # --- import ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy

    def start(self, paths: Sequence[str]) -> bool:
        """Import `paths` in the background; False when nothing was given or one is running."""
        if self._busy or not paths:
            return False
        self._busy = True
        self._cancel.clear()
        self.result, self.error = None, None
        self._set_choosing(False)
        self.bar.setRange(0, 0)  # busy until the first file tells the total
        self.status.setText("Looking for run files…")
        self.summary.setText("")
        self.rejected.hide()
        self.pain_button.hide()
        sf, actor, patient_id, today = (self._ctx.session_factory, self._ctx.actor,
                                        self._patient_id, self._today)
        # The importing thread holds the dialog weakly: its last reference is never dropped
        # there, so the dialog is never deleted off the UI thread.
        cancel, dialog = self._cancel, weakref.ref(self)
        names = list(paths)

        def progress(done: int, total: int) -> None:  # on the importing thread
            if cancel.is_set():
                raise ImportCancelled
            shown = dialog()
            if shown is not None:  # through the courier: never an emit on a closing dialog
                deliver_later(shown, shown._on_progress_moved, done, total)

        def work() -> ImportResult:
            return import_runs(sf, actor=actor, patient_id=patient_id, paths=names,
                               progress=progress, today=today)

        self._ctx.run_in_background(work, self._on_import_done, self._on_import_failed)
        return True

    def cancel(self) -> None:
        """Stop reading: nothing is written, the run log stays as it was."""
        if self._busy:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")

    def reject(self) -> None:
        # Closing while files are read cancels; the dialog closes once reading has stopped.
        if self._busy:
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    _close_when_done = False

    def _set_choosing(self, enabled: bool) -> None:
        for button in (self.files_button, self.folder_button, self.zip_button):
            button.setEnabled(enabled)
        self.cancel_button.setEnabled(not enabled)

    def _finish(self) -> None:
        self._busy = False
        self._set_choosing(True)
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def _on_progress_moved(self, done: int, total: int) -> None:
        if not self._busy or self._cancel.is_set():
            return
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.status.setText(f"Reading file {done:,} of {total:,}…")

    def _on_import_done(self, result: Any) -> None:
        assert isinstance(result, ImportResult)
        self.result = result
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.status.setText("Import finished.")
        self._show_summary(result)
        self._finish()
        self.imported.emit(result)

    def _on_import_failed(self, error: Exception) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        if isinstance(error, ImportCancelled):
            self.error = "cancelled"
            self.status.setText("Import cancelled: nothing was added to the run log.")
        elif isinstance(error, ServiceError):
            self.error = str(error)
            self.status.setText(f"Nothing was imported: {error}")
        else:  # a bug: say so plainly, keep the details out of the dialog
            self.error = type(error).__name__
            self.status.setText("Nothing was imported: something went wrong while reading "
                                "the files. Try again or import fewer files at once.")
        self._finish()

    def _show_summary(self, result: ImportResult) -> None:
        lines = [f"Added to the run log: {_plural(result.added, 'run')}.",
                 f"Already in the log (not added again): {_plural(result.duplicates, 'run')}.",
                 f"Skipped, not running (walks, rides, other sports): "
                 f"{_plural(result.skipped, 'activity', 'activities')}.",
                 f"Not imported: {_plural(len(result.rejected), 'file')}"
                 + (" (listed below)." if result.rejected else ".")]
        waiting = runs_waiting_for_pain(self._ctx.session_factory, self._patient_id,
                                        actor=self._ctx.actor)
        if waiting:
            lines.append(f"{_plural(len(waiting), 'run')} waiting for pain answers (during "
                         "the run and next morning): the weekly decision waits for them.")
        self.summary.setText("\n".join(lines))
        self.rejected.setRowCount(len(result.rejected))
        for row, rejected in enumerate(result.rejected):
            for column, text in enumerate((rejected.file, rejected.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.rejected.setItem(row, column, item)
        self.rejected.setVisible(bool(result.rejected))
        if result.rejected:
            self.rejected.resizeColumnToContents(0)
            self.rejected.setColumnWidth(0, min(self.rejected.columnWidth(0),
                                                max(160, self.width() // 2)))
            self.rejected.resizeRowsToContents()
        self.pain_button.setText(f"Enter &pain answers ({len(waiting)} waiting)…")
        self.pain_button.setVisible(bool(waiting))

    # --- choosing --------------------------------------------------------------------------
    def _on_files_button_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Choose run files", "",
                                                f"{RUN_FILES};;All files (*)")
        self.start(paths)

    def _on_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder of run files")
        if folder:
            self.start([folder])

    def _on_zip_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose an export zip", "",
                                              "Zip files (*.zip)")
        if path:
            self.start([path])

    def _on_pain_button_clicked(self) -> None:
        self.pain_requested.emit()
