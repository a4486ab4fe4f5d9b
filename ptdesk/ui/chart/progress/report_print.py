"""Print the progress report: the PDF is made on the thread pool, then previewed (or saved)."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.ui.context import AppContext

TITLE = "Progress report"
_JOBS: set[ReportJob] = set()  # jobs in flight outlive the tab that started them


def _preview_class() -> type[QDialog] | None:
    """The shared PDF preview if this build has it; else the report is saved straight away."""
    try:
        module = importlib.import_module("ptdesk.ui.printing.preview_dialog")
    except ModuleNotFoundError:
        return None
    return getattr(module, "PdfPreviewDialog", None)


class ReportJob(QObject):
    """One report being made; tests wait on `finished` (dialog or saved path) or `failed`."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget, patient_id: int) -> None:
        super().__init__()
        self._ctx, self._parent, self.patient_id = ctx, parent, patient_id
        self.dialog: QDialog | None = None
        self.saved_to: Path | None = None

    def start(self) -> None:
        from ptdesk.services.progress.report import progress_report_pdf  # pulls in reportlab

        sf, actor, patient_id = self._ctx.session_factory, self._ctx.actor, self.patient_id
        _JOBS.add(self)
        self._ctx.signals.status_message.emit("Preparing the progress report…")
        self._ctx.run_in_background(
            lambda: progress_report_pdf(sf, actor=actor, patient_id=patient_id),
            self._on_task_done, self._on_task_failed)

    def _owner(self) -> QWidget | None:
        return self._parent if shiboken6.isValid(self._parent) else None

    def _on_task_done(self, pdf: object) -> None:
        _JOBS.discard(self)
        if not isinstance(pdf, bytes | bytearray) or not pdf:
            self._on_task_failed(ServiceError("The report came back empty."))
            return
        name = f"progress-report-{date.today().isoformat()}.pdf"
        preview = _preview_class()
        owner = self._owner()
        if preview is not None:
            self.dialog = preview(bytes(pdf), TITLE, name, owner.window() if owner else None)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.show()  # not modal: the chart stays usable
            self._ctx.signals.status_message.emit(f"{TITLE} ready.")
            self.finished.emit(self.dialog)
            return
        path, _ = QFileDialog.getSaveFileName(owner, "Save progress report", name,
                                              "PDF files (*.pdf)")
        if path:
            target = Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")
            try:
                target.write_bytes(bytes(pdf))
            except OSError as exc:
                self._on_task_failed(ServiceError(f"The PDF could not be saved there: "
                                                  f"{exc.strerror or exc}."))
                return
            self.saved_to = target
        self.finished.emit(self.saved_to)

    def _on_task_failed(self, exc: Exception) -> None:
        _JOBS.discard(self)
        if isinstance(exc, ServiceError):
            message = str(exc)
        elif isinstance(exc, ValidationError):
            message = exc.message
        else:  # the detail stays out of the message: it may hold PHI
            message = (f"The progress report could not be made because of an unexpected error "
                       f"({type(exc).__name__}). Please try again.")
        self._ctx.signals.status_message.emit(f"{TITLE} not printed.")
        QMessageBox.warning(self._owner(), f"Print {TITLE.lower()}", message)
        self.failed.emit(message)


def start_report(ctx: AppContext, parent: QWidget, patient_id: int) -> ReportJob:
    job = ReportJob(ctx, parent, patient_id)
    job.start()
    return job
