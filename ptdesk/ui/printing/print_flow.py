"""The one print job: make any document's PDF on the thread pool, show progress, open the preview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QProgressBar, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.services.uow import SessionFactory
from ptdesk.ui.context import AppContext
from ptdesk.ui.printing.preview_dialog import PdfPreviewDialog

Kind = Literal["exercises", "runplan", "progress"]
PdfMaker = Callable[..., bytes]
TITLES: dict[str, str] = {"exercises": "Exercise sheet", "runplan": "Return-to-run plan",
                          "progress": "Progress report"}
FILE_STEMS: dict[str, str] = {"exercises": "exercise-sheet", "runplan": "run-plan",
                              "progress": "progress-report"}

# Jobs in flight, so a job outlives the tab that started it (e.g. on a patient switch).
_JOBS: set[PrintJob] = set()


def pdf_maker(kind: Kind) -> PdfMaker:
    """The service that makes this document (imported late: it pulls in reportlab)."""
    if kind == "progress":
        from ptdesk.services.progress.report import progress_report_pdf

        return progress_report_pdf
    from ptdesk.services import handouts

    return handouts.exercise_sheet_pdf if kind == "exercises" else handouts.runplan_pdf


def file_name_for(session_factory: SessionFactory, actor: str, patient_id: int,
                  kind: Kind) -> str:
    """`Lastname-MRN-kind-date.pdf`; a generic dated name if the patient cannot be read."""
    from ptdesk.services import handouts

    try:
        return handouts.suggested_file_name(session_factory, actor=actor,
                                            patient_id=patient_id, kind=kind)
    except ServiceError:
        return f"{FILE_STEMS[kind]}-{date.today().isoformat()}.pdf"


def _alive(widget: QWidget | None) -> bool:
    return widget is not None and shiboken6.isValid(widget)


class _BusyIndicator:
    """An endless progress bar in the main window's status bar while the PDF is made."""

    def __init__(self, parent: QWidget | None, text: str) -> None:
        self._bar: QMainWindow | None = None
        window = parent.window() if _alive(parent) else None
        if not isinstance(window, QMainWindow):
            return
        self._bar = window
        self._label = QLabel(text)
        self._progress = QProgressBar()
        self._progress.setObjectName("print_busy")
        self._progress.setAccessibleName(text)
        self._progress.setRange(0, 0)
        self._progress.setMaximumWidth(120)
        self._progress.setMaximumHeight(14)
        window.statusBar().addPermanentWidget(self._label)
        window.statusBar().addPermanentWidget(self._progress)

    def stop(self) -> None:
        if self._bar is None or not shiboken6.isValid(self._bar):
            return
        for widget in (self._label, self._progress):
            if shiboken6.isValid(widget):
                self._bar.statusBar().removeWidget(widget)
                widget.deleteLater()
        self._bar = None


class PrintJob(QObject):
    """One document being made; tests wait on `preview_opened` or `failed`."""

    preview_opened = Signal(object)  # PdfPreviewDialog
    failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None, kind: Kind,
                 patient_id: int) -> None:
        super().__init__()
        self._ctx, self._parent, self.kind, self.patient_id = ctx, parent, kind, patient_id
        self.title = TITLES[kind]
        self.dialog: PdfPreviewDialog | None = None
        self._busy: _BusyIndicator | None = None

    def start(self) -> None:
        make = pdf_maker(self.kind)
        # Plain values only cross to the worker thread: no widget, no session.
        sf: SessionFactory = self._ctx.session_factory
        actor, patient_id, kind = self._ctx.actor, self.patient_id, self.kind
        _JOBS.add(self)
        self._busy = _BusyIndicator(self._parent, f"Preparing the {self.title.lower()}…")
        self._ctx.signals.status_message.emit(f"Preparing the {self.title.lower()}…")
        self._ctx.run_in_background(
            lambda: (make(sf, actor=actor, patient_id=patient_id),
                     file_name_for(sf, actor, patient_id, kind)),
            self._on_task_done, self._on_task_failed)

    def _finish(self) -> None:
        if self._busy is not None:
            self._busy.stop()
        _JOBS.discard(self)

    def _on_task_done(self, result: object) -> None:
        self._finish()
        pdf, name = result if isinstance(result, tuple) else (result, "")
        if not isinstance(pdf, bytes | bytearray) or not pdf:
            self._on_task_failed(ServiceError(f"The {self.title.lower()} came back empty."))
            return
        owner = self._parent.window() if _alive(self._parent) else None
        name = name or f"{FILE_STEMS[self.kind]}-{date.today().isoformat()}.pdf"
        self.dialog = PdfPreviewDialog(bytes(pdf), self.title, name, owner)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.show()  # not modal: the chart stays usable while the preview is open
        self._ctx.signals.status_message.emit(f"{self.title} ready.")
        self.preview_opened.emit(self.dialog)

    def _on_task_failed(self, exc: Exception) -> None:
        self._finish()
        if isinstance(exc, ServiceError):
            message = str(exc)
        elif isinstance(exc, ValidationError):
            message = exc.message
        else:
            # Unexpected: say so plainly; the detail stays out of the message (it may hold PHI).
            message = (f"The {self.title.lower()} could not be made because of an unexpected "
                       f"error ({type(exc).__name__}). Please try again.")
        self._ctx.signals.status_message.emit(f"{self.title} not printed.")
        owner = self._parent if _alive(self._parent) else None
        QMessageBox.warning(owner, f"Print {self.title.lower()}", message)
        self.failed.emit(message)


def start_print(ctx: AppContext, parent: QWidget | None, kind: Kind,
                patient_id: int) -> PrintJob:
    """Make the handout in the background and open the preview when it is ready."""
    job = PrintJob(ctx, parent, kind, patient_id)
    job.start()
    return job


def save_then_print(
    ctx: AppContext, parent: QWidget, kind: Kind, patient_id: int, *,
    dirty: bool, save: Callable[[], bool], title: str, question: str,
) -> PrintJob | None:
    """Handouts print what is saved: offer to save unsaved edits first, then print."""
    if dirty:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(parent, title, question,
                                      buttons.Save | buttons.Discard | buttons.Cancel)
        if answer == buttons.Cancel or (answer == buttons.Save and not save()):
            return None
    return start_print(ctx, parent, kind, patient_id)
