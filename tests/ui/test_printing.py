"""Printing: PDFs made on the thread pool, the in-app preview, Save as and Print."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QThread
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
)
from reportlab.pdfgen import canvas

from ptdesk.domain.runplan import PlanInputs
from ptdesk.services.exercises import sync_library
from ptdesk.services.prescriptions import items_from_template, save_prescription
from ptdesk.services.runplans import save_plan
from ptdesk.ui.printing import preview_dialog, print_flow
from ptdesk.ui.printing.preview_dialog import PdfPreviewDialog
from ptdesk.ui.printing.print_flow import start_print
from tests.factories import ACTOR, make_patient


def small_pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for page in range(pages):
        pdf.drawString(72, 720, f"Test handout page {page + 1}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.fixture
def window(qtbot) -> QMainWindow:  # type: ignore[no-untyped-def]
    main = QMainWindow()
    main.setCentralWidget(QLineEdit())
    qtbot.addWidget(main)
    main.show()
    return main


def open_preview(qtbot, job) -> PdfPreviewDialog:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(job.preview_opened, timeout=30_000) as blocker:
        pass
    dialog = blocker.args[0]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.page_count() >= 1, timeout=10_000)
    return dialog


def test_exercise_sheet_opens_in_the_preview(qtbot, window, ctx, session_factory) -> None:
    sync_library(session_factory)
    patient = make_patient(session_factory)
    save_prescription(session_factory, actor=ACTOR, patient_id=patient.id,
                      items=items_from_template(session_factory, "runners_knee_phase_1"),
                      effective_date=dt.date(2026, 10, 1))
    job = start_print(ctx, window.centralWidget(), "exercises", patient.id)
    dialog = open_preview(qtbot, job)
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.pdf_bytes().startswith(b"%PDF")
    assert dialog.page_count() == len(PdfReader(io.BytesIO(dialog.pdf_bytes())).pages)
    assert "1 page" in dialog.pages.text() or "pages" in dialog.pages.text()
    assert "Alex" in "".join(p.extract_text() for p in PdfReader(
        io.BytesIO(dialog.pdf_bytes())).pages)


def test_run_plan_opens_in_the_preview(qtbot, window, ctx, session_factory) -> None:
    patient = make_patient(session_factory)
    save_plan(session_factory, actor=ACTOR, patient_id=patient.id,
              inputs=PlanInputs("km", 3, "2", "15", current_weekly=3 * Decimal("2"), start=dt.date(2026, 11, 23)))
    dialog = open_preview(qtbot, start_print(ctx, window.centralWidget(), "runplan", patient.id))
    assert dialog.windowTitle() == "Return-to-run plan"
    assert dialog.page_count() >= 1


def test_generation_runs_on_the_pool_and_the_chart_stays_usable(qtbot, window, ctx,
                                                               monkeypatch) -> None:
    release = threading.Event()
    seen: dict[str, object] = {}

    def slow_pdf(session_factory, *, actor, patient_id):  # type: ignore[no-untyped-def]
        seen["thread"] = QThread.currentThread()
        seen["args"] = (actor, patient_id)
        assert release.wait(20)
        return small_pdf(3)

    monkeypatch.setattr(print_flow, "pdf_maker", lambda kind: slow_pdf)
    job = start_print(ctx, window.centralWidget(), "exercises", 42)
    # While the PDF is being made: a busy bar in the status bar, and typing still works.
    qtbot.waitUntil(lambda: "thread" in seen, timeout=10_000)
    busy = window.statusBar().findChild(QProgressBar, "print_busy")
    assert busy is not None and busy.maximum() == 0
    editor = window.centralWidget()
    qtbot.keyClicks(editor, "still typing")
    assert editor.text() == "still typing"
    assert seen["thread"] is not QThread.currentThread()
    assert seen["args"] == (ACTOR, 42)
    release.set()
    dialog = open_preview(qtbot, job)
    assert dialog.page_count() == 3
    qtbot.waitUntil(lambda: window.statusBar().findChild(QProgressBar, "print_busy") is None)


def test_save_as_writes_exactly_the_bytes(qtbot, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtCore import QSettings

    from ptdesk.services import handout_files

    monkeypatch.setattr(handout_files, "documents_dir", lambda: tmp_path / "Documents")
    data = small_pdf(2)
    dialog = PdfPreviewDialog(data, "Exercise sheet", "exercise-sheet.pdf",
                              settings=QSettings(str(tmp_path / "ui.ini"),
                                                 QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    target = tmp_path / "for-patient"  # no suffix: ".pdf" is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF files (*.pdf)")))
    dialog.save_button.click()
    assert (tmp_path / "for-patient.pdf").read_bytes() == data


def test_print_draws_every_page(qtbot, tmp_path: Path, monkeypatch) -> None:
    dialog = PdfPreviewDialog(small_pdf(3), "Exercise sheet", "x.pdf")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.page_count() == 3)
    out = tmp_path / "printed.pdf"

    class FakePrintDialog:
        """Stands in for the modal print dialog: 'OK' with a PDF file as the printer."""

        def __init__(self, printer: QPrinter, _parent: object) -> None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))

        def setWindowTitle(self, _title: str) -> None:
            pass

        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(preview_dialog, "QPrintDialog", FakePrintDialog)
    dialog.print_button.click()
    assert len(PdfReader(out).pages) == 3


def test_no_active_prescription_is_explained(qtbot, window, ctx, session_factory,
                                             monkeypatch) -> None:
    patient = make_patient(session_factory)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: warned.append(text)))
    job = start_print(ctx, window.centralWidget(), "exercises", patient.id)
    with qtbot.waitSignal(job.failed, timeout=30_000) as blocker:
        pass
    assert "no active exercise prescription" in blocker.args[0]
    assert warned == [blocker.args[0]]
    assert job.dialog is None


def test_print_from_the_exercises_tab_saves_first(qtbot, ctx, session_factory,
                                                  monkeypatch) -> None:
    from ptdesk.services.prescriptions import active_prescription
    from ptdesk.ui.chart.exercises import tab as tab_module

    sync_library(session_factory)
    patient = make_patient(session_factory)
    tab = tab_module.ExercisesTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient.id)
    tab.editor.apply_template("runners_knee_phase_1")
    assert tab.has_unsaved_changes()
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Save))
    jobs: list[print_flow.PrintJob] = []
    real = print_flow.start_print
    monkeypatch.setattr(print_flow, "start_print",
                        lambda *args: jobs.append(real(*args)) or jobs[-1])
    tab.print_handout()
    assert not tab.has_unsaved_changes()
    assert active_prescription(session_factory, patient.id, actor=ACTOR) is not None
    assert len(jobs) == 1
    assert open_preview(qtbot, jobs[0]).page_count() >= 1


def test_the_document_goes_before_the_buffer_it_reads(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The preview's PDF buffer outlives its document, whatever deletes the dialog.

    Wrong before: the buffer was the dialog's first child, so deleting the dialog (Python's
    collector did, in a later test) freed it before the document's destructor ran, and a CI
    run aborted there.
    """
    import shiboken6

    dialog = PdfPreviewDialog(small_pdf(2), "Exercise sheet", "x.pdf")
    qtbot.waitUntil(lambda: dialog.page_count() == 2, timeout=10_000)
    order: list[str] = []
    dialog.document.destroyed.connect(lambda: order.append("document"))
    dialog.replace_pdf(small_pdf(3))  # the buffer it swaps in is held the same way
    qtbot.waitUntil(lambda: dialog.page_count() == 3, timeout=10_000)
    buffers = dialog.document.findChildren(QBuffer)
    assert len(buffers) >= 1
    buffers[-1].destroyed.connect(lambda: order.append("new buffer"))
    shiboken6.delete(dialog)
    assert order.index("document") < order.index("new buffer")


def test_no_preview_opens_once_the_chart_that_asked_is_gone(qtbot, window, ctx,
                                                            monkeypatch) -> None:
    # Sign out (or Switch user) deletes the chart. A handout still being made must not then
    # open on screen, parentless, for whoever comes to the computer next.
    release = threading.Event()
    monkeypatch.setattr(print_flow, "pdf_maker",
                        lambda kind: lambda *_a, **_k: (release.wait(20), small_pdf(1))[1])
    chart = QLineEdit(window)
    job = start_print(ctx, chart, "exercises", 42)
    opened: list[object] = []
    job.preview_opened.connect(opened.append)
    shiboken6.delete(chart)  # the clinician signed out while the PDF was being made
    with qtbot.waitSignal(job.cancelled, timeout=30_000):
        release.set()
    assert opened == []
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, PdfPreviewDialog) and w.isVisible()]
