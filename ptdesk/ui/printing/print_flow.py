"""The one print job: make any document's PDF on the thread pool, show progress, open the preview."""

from __future__ import annotations

import inspect
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
from ptdesk.ui.printing import language_check
from ptdesk.ui.printing.preview_dialog import PdfPreviewDialog

Kind = Literal["exercises", "runplan", "progress", "evaluation"]
PdfMaker = Callable[..., bytes]
TITLES: dict[str, str] = {"exercises": "Exercise sheet", "runplan": "Return-to-run plan",
                          "progress": "Progress report", "evaluation": "Evaluation"}
FILE_STEMS: dict[str, str] = {"exercises": "exercise-sheet", "runplan": "run-plan",
                              "progress": "progress-report", "evaluation": "evaluation"}
# Physician reports print in English; patient handouts in the patient's language.
_PHYSICIAN_REPORTS = ("progress", "evaluation")

# Jobs in flight, so a job outlives the tab that started it (e.g. on a patient switch).
_JOBS: set[PrintJob] = set()


def pdf_maker(kind: Kind) -> PdfMaker:
    """The service that makes this document (imported late: it pulls in reportlab)."""
    if kind == "progress":
        from ptdesk.services.progress.report import progress_report_pdf

        return progress_report_pdf
    if kind == "evaluation":
        from ptdesk.services.evaluation_report import evaluation_pdf

        return evaluation_pdf
    from ptdesk.services import handouts

    return handouts.exercise_sheet_pdf if kind == "exercises" else handouts.runplan_pdf


def prints_in_languages(kind: Kind) -> bool:
    """Patient handouts print in the patient's language; physician reports stay in English."""
    if kind in _PHYSICIAN_REPORTS:
        return False
    return "language" in inspect.signature(pdf_maker(kind)).parameters


def language_and_gaps(session_factory: SessionFactory, actor: str, patient_id: int,
                      kind: Kind, language: str | None) -> tuple[str, list[str]]:
    """The language to print in (None: the patient's) and the exercises that lack it."""
    from ptdesk.services import handouts

    if language is None:
        language = handouts.preferred_language(session_factory, actor=actor,
                                               patient_id=patient_id)
    if kind != "exercises":
        return language, []
    return language, handouts.exercises_without_language(
        session_factory, actor=actor, patient_id=patient_id, language=language)


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
    """One document being made; tests wait on `preview_opened`, `failed` or `cancelled`.

    A patient handout prints in the patient's language unless `language` says another;
    the preview's Language choice remakes it in the same dialog. Before a language some
    exercises lack, the clinician is told which print in English (Print anyway / Cancel).
    """

    preview_opened = Signal(object)  # PdfPreviewDialog
    failed = Signal(str)
    cancelled = Signal()
    pdf_replaced = Signal(str)  # the language the preview now shows

    def __init__(self, ctx: AppContext, parent: QWidget | None, kind: Kind,
                 patient_id: int, language: str | None = None, visit_id: int | None = None
                 ) -> None:
        super().__init__()
        self._ctx, self._parent, self.kind, self.patient_id = ctx, parent, kind, patient_id
        # The evaluation printout names its visit; None prints the latest signed evaluation.
        self.visit_id = visit_id
        self.title = TITLES[kind]
        self.requested_language = language
        self.language: str | None = None  # what the PDF shown is in, once made
        self.dialog: PdfPreviewDialog | None = None
        self._remaking = False  # for a preview already open: nothing new opens if it closed
        self._busy: _BusyIndicator | None = None

    def start(self) -> None:
        _JOBS.add(self)
        self._busy = _BusyIndicator(self._parent, f"Preparing the {self.title.lower()}…")
        self._ctx.signals.status_message.emit(f"Preparing the {self.title.lower()}…")
        if not prints_in_languages(self.kind):
            self._make(None)
            return
        # Plain values only cross to the worker thread: no widget, no session.
        sf: SessionFactory = self._ctx.session_factory
        actor, patient_id, kind = self._ctx.actor, self.patient_id, self.kind
        language = self.requested_language
        self._ctx.run_in_background(
            lambda: language_and_gaps(sf, actor, patient_id, kind, language),
            self._on_language_known, self._on_task_failed)

    def _asker_gone(self) -> bool:
        """The chart that asked was deleted (sign out, Switch user) and no preview is open.

        Then nothing opens: a parentless preview would show this patient's handout to
        whoever uses the computer next.
        """
        if self._has_dialog() or _alive(self._parent):
            return False
        self._finish()
        self._ctx.signals.status_message.emit(f"{self.title} not shown: its chart was closed.")
        self.cancelled.emit()
        return True

    def _on_language_known(self, result: object) -> None:
        if self._asker_gone():
            return
        language, missing = result if isinstance(result, tuple) else ("en", [])
        owner = self._dialog_or_parent()
        if missing and not language_check.confirm_missing_language(owner, list(missing),
                                                                   str(language)):
            self._finish()
            if self._has_dialog():
                assert self.dialog is not None
                self.dialog.set_language(self.language or "en")  # back to what it shows
            self._ctx.signals.status_message.emit(f"{self.title} not printed.")
            self.cancelled.emit()
            return
        self._make(str(language))

    def _make(self, language: str | None) -> None:
        make = pdf_maker(self.kind)
        sf: SessionFactory = self._ctx.session_factory
        actor, patient_id, kind = self._ctx.actor, self.patient_id, self.kind
        extra: dict[str, object] = {} if language is None else {"language": language}
        if self.visit_id is not None:
            extra["visit_id"] = self.visit_id
        self._ctx.run_in_background(
            lambda: (make(sf, actor=actor, patient_id=patient_id, **extra),
                     file_name_for(sf, actor, patient_id, kind), language),
            self._on_task_done, self._on_task_failed)

    def _has_dialog(self) -> bool:
        return self.dialog is not None and shiboken6.isValid(self.dialog)

    def _dialog_or_parent(self) -> QWidget | None:
        if self._has_dialog():
            return self.dialog
        return self._parent if _alive(self._parent) else None

    def _finish(self) -> None:
        if self._busy is not None:
            self._busy.stop()
        _JOBS.discard(self)

    def _on_task_done(self, result: object) -> None:
        self._finish()
        pdf, name, language = result if isinstance(result, tuple) else (result, "", None)
        if not isinstance(pdf, bytes | bytearray) or not pdf:
            self._on_task_failed(ServiceError(f"The {self.title.lower()} came back empty."))
            return
        if self._remaking and not self._has_dialog():
            return  # the preview was closed meanwhile: the clinician no longer wants it
        if self._asker_gone():
            return
        self.language = language
        if self._has_dialog():  # another language for the preview already open
            assert self.dialog is not None
            self.dialog.replace_pdf(bytes(pdf))
            self.dialog.set_language(str(language))
            self._ctx.signals.status_message.emit(f"{self.title} ready.")
            self.pdf_replaced.emit(str(language))
            return
        assert self._parent is not None  # alive: _asker_gone() returned above otherwise
        owner = self._parent.window()
        name = name or f"{FILE_STEMS[self.kind]}-{date.today().isoformat()}.pdf"
        self.dialog = PdfPreviewDialog(bytes(pdf), self.title, name, owner)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if language is not None:
            self.dialog.set_language(language)
            self.dialog.language_chosen.connect(self._on_language_chosen)
            self.dialog.print_job = self  # type: ignore[attr-defined]  # lives with the preview
        self.dialog.show()  # not modal: the chart stays usable while the preview is open
        self._ctx.signals.status_message.emit(f"{self.title} ready.")
        self.preview_opened.emit(self.dialog)

    def _on_language_chosen(self, language: str) -> None:
        """The preview's Language choice: the same handout, remade in that language."""
        if language == self.language:
            if self._has_dialog():
                assert self.dialog is not None
                self.dialog.set_language(language)
            return
        self.requested_language = language
        self._remaking = True
        self.start()

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
        owner = self._dialog_or_parent()
        QMessageBox.warning(owner, f"Print {self.title.lower()}", message)
        if self._has_dialog() and self.language is not None:
            assert self.dialog is not None
            self.dialog.set_language(self.language)  # the preview still shows that one
        self.failed.emit(message)


def start_print(ctx: AppContext, parent: QWidget | None, kind: Kind,
                patient_id: int, language: str | None = None,
                visit_id: int | None = None) -> PrintJob:
    """Make the handout in the background and open the preview when it is ready.

    A patient handout prints in `language`, by default the patient's preferred one; the
    evaluation printout prints `visit_id` (default: the latest signed evaluation).
    """
    job = PrintJob(ctx, parent, kind, patient_id, language, visit_id)
    job.start()
    return job


def save_then_print(
    ctx: AppContext, parent: QWidget, kind: Kind, patient_id: int, *,
    dirty: bool, save: Callable[[], bool], title: str, question: str,
    visit_id: int | None = None,
) -> PrintJob | None:
    """Handouts print what is saved: offer to save unsaved edits first, then print."""
    if dirty:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(parent, title, question,
                                      buttons.Save | buttons.Discard | buttons.Cancel)
        if answer == buttons.Cancel or (answer == buttons.Save and not save()):
            return None
    if visit_id is None:
        return start_print(ctx, parent, kind, patient_id)
    return start_print(ctx, parent, kind, patient_id, visit_id=visit_id)
