"""Handouts print in the patient's language, can be switched in the preview, and warn about gaps."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QLineEdit, QMainWindow, QMessageBox

from ptdesk.domain import exercise_library as lib
from ptdesk.domain import handout_language as hl
from ptdesk.services import handouts
from ptdesk.services.exercises import add_custom_exercise, list_exercises, sync_library
from ptdesk.services.prescriptions import DosedItem, save_prescription
from ptdesk.ui.printing import language_check, print_flow
from ptdesk.ui.printing.preview_dialog import PdfPreviewDialog
from ptdesk.ui.printing.print_flow import start_print
from tests.factories import ACTOR, make_patient

SPANISH_TITLE = hl.phrase("es", "sheet.title")
ENGLISH_TITLE = hl.phrase("en", "sheet.title")


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


@pytest.fixture
def window(qtbot) -> QMainWindow:  # type: ignore[no-untyped-def]
    main = QMainWindow()
    main.setCentralWidget(QLineEdit())
    qtbot.addWidget(main)
    main.show()
    return main


class Asked(list[tuple[list[str], str]]):
    """Each warning asked; `answer` is what the clinician clicks (True: Print anyway)."""

    answer = True


@pytest.fixture
def asked(monkeypatch) -> Asked:  # type: ignore[no-untyped-def]
    calls = Asked()

    def confirm(parent, names, language):  # type: ignore[no-untyped-def]
        calls.append((list(names), language))
        return calls.answer if names else True

    monkeypatch.setattr(language_check, "confirm_missing_language", confirm)
    return calls


def make_programme(session_factory, language: str) -> int:  # type: ignore[no-untyped-def]
    """A clamshell from the library (has Spanish) and the clinic's own towel scrunch (has not)."""
    sync_library(session_factory)
    clam = next(i for i in list_exercises(session_factory) if i.library_id == "clamshell")
    custom = add_custom_exercise(
        session_factory, actor=ACTOR, name="Towel scrunch", category="strength",
        steps=("Sit with a towel under your foot.", "Pull the towel in with your toes."),
        dosage=lib.Dosage(2, 10, 0, 1, 0))
    patient = make_patient(session_factory, mrn="LANG-7", last="Gómez", handout_language=language)
    save_prescription(session_factory, actor=ACTOR, patient_id=patient.id, items=[
        DosedItem(exercise_id=clam.id, sets=3, reps=15, side=clam.side),
        DosedItem(exercise_id=custom.id, sets=2, reps=10)], effective_date=dt.date(2026, 11, 2))
    return patient.id


def open_preview(qtbot, job) -> PdfPreviewDialog:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(job.preview_opened, timeout=30_000) as blocker:
        pass
    dialog = blocker.args[0]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.page_count() >= 1, timeout=10_000)
    return dialog


def test_a_spanish_patients_sheet_warns_then_prints_in_spanish(
        qtbot, window, ctx, session_factory, asked) -> None:
    patient_id = make_programme(session_factory, "es")
    dialog = open_preview(qtbot, start_print(ctx, window.centralWidget(), "exercises", patient_id))
    assert asked == [(["Towel scrunch"], "es")]
    text = text_of(dialog.pdf_bytes())
    assert SPANISH_TITLE in text and ENGLISH_TITLE not in text
    assert "Towel scrunch" in text  # the clinic's own exercise prints in English
    assert dialog.language.isVisibleTo(dialog) and dialog.language.currentText() == "Español"
    # Save as keeps the one naming scheme, whatever the language.
    assert dialog.suggested_path().name == handouts.suggested_file_name(
        session_factory, actor=ACTOR, patient_id=patient_id, kind="exercises")
    assert dialog.suggested_path().name == f"Gómez-LANG-7-exercises-{dt.date.today()}.pdf"


def test_cancel_at_the_warning_prints_nothing(qtbot, window, ctx, session_factory,
                                              asked) -> None:
    patient_id = make_programme(session_factory, "es")
    asked.answer = False
    job = start_print(ctx, window.centralWidget(), "exercises", patient_id)
    with qtbot.waitSignal(job.cancelled, timeout=30_000):
        pass
    assert job.dialog is None and asked == [(["Towel scrunch"], "es")]
    assert job not in print_flow._JOBS


def test_an_english_patient_prints_in_english_with_no_question(
        qtbot, window, ctx, session_factory, asked) -> None:
    patient_id = make_programme(session_factory, "en")
    dialog = open_preview(qtbot, start_print(ctx, window.centralWidget(), "exercises", patient_id))
    assert all(not names for names, _ in asked)
    text = text_of(dialog.pdf_bytes())
    assert ENGLISH_TITLE in text and SPANISH_TITLE not in text
    assert dialog.language.currentText() == "English"


def test_the_preview_switches_the_language_for_this_print_only(
        qtbot, window, ctx, session_factory, asked) -> None:
    from ptdesk.services.patients import get_patient

    patient_id = make_programme(session_factory, "en")
    job = start_print(ctx, window.centralWidget(), "exercises", patient_id)
    dialog = open_preview(qtbot, job)
    english = dialog.pdf_bytes()
    name = dialog.suggested_path().name
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    with qtbot.waitSignal(job.pdf_replaced, timeout=30_000) as blocker:
        dialog.language.activated.emit(dialog.language.currentIndex())
    assert blocker.args == ["es"] and asked[-1] == (["Towel scrunch"], "es")
    qtbot.waitUntil(lambda: dialog.page_count() >= 1, timeout=10_000)
    assert dialog.pdf_bytes() != english and SPANISH_TITLE in text_of(dialog.pdf_bytes())
    assert dialog.print_button.isEnabled() and dialog.language.isEnabled()
    assert dialog.suggested_path().name == name
    # Only this print: the patient's stored language is unchanged.
    assert get_patient(session_factory, actor=ACTOR, patient_id=patient_id).handout_language == "en"


def test_cancel_when_switching_keeps_the_shown_language(qtbot, window, ctx, session_factory,
                                                        asked) -> None:
    patient_id = make_programme(session_factory, "en")
    job = start_print(ctx, window.centralWidget(), "exercises", patient_id)
    dialog = open_preview(qtbot, job)
    english = dialog.pdf_bytes()
    asked.answer = False
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    with qtbot.waitSignal(job.cancelled, timeout=30_000):
        dialog.language.activated.emit(dialog.language.currentIndex())
    assert dialog.language.currentText() == "English" and dialog.pdf_bytes() == english
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()


def test_closing_the_preview_while_it_is_remade_opens_nothing(qtbot, window, ctx,
                                                               session_factory, asked) -> None:
    patient_id = make_programme(session_factory, "es")
    job = start_print(ctx, window.centralWidget(), "exercises", patient_id)
    with qtbot.waitSignal(job.preview_opened, timeout=30_000) as blocker:
        pass
    dialog = blocker.args[0]  # not given to qtbot: closing it deletes it
    opened: list[object] = []
    job.preview_opened.connect(opened.append)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    dialog.close()  # deleted on close
    qtbot.waitUntil(lambda: job not in print_flow._JOBS, timeout=30_000)
    assert opened == [] and job.language == "es"


def test_a_language_picked_at_print_overrides_the_patients(qtbot, window, ctx, session_factory,
                                                          asked) -> None:
    patient_id = make_programme(session_factory, "es")
    job = start_print(ctx, window.centralWidget(), "exercises", patient_id, language="en")
    dialog = open_preview(qtbot, job)
    assert all(not names for names, _ in asked)
    assert ENGLISH_TITLE in text_of(dialog.pdf_bytes())


def test_physician_reports_have_no_language_choice() -> None:
    assert not print_flow.prints_in_languages("progress")
    assert print_flow.prints_in_languages("exercises")
    assert print_flow.prints_in_languages("runplan")


def test_the_warning_names_the_exercises_and_offers_print_anyway(qtbot, monkeypatch) -> None:
    box = language_check.missing_language_box(None, ["Towel scrunch", "Marble pick-up"], "es")
    qtbot.addWidget(box)
    assert "Towel scrunch" in box.text() and "Marble pick-up" in box.text()
    assert "Spanish" in box.text() and "English" in box.text()
    assert [b.text() for b in box.buttons()].count("Print anyway") == 1
    assert box.defaultButton() is box.print_anyway  # type: ignore[attr-defined]
    # Names are the clinic's text: shown as text, never as markup.
    odd = language_check.missing_language_box(None, ["<b>Step</b> ups"], "es")
    qtbot.addWidget(odd)
    assert "&lt;b&gt;Step&lt;/b&gt; ups" in odd.text()
    clicks = iter(["Print anyway", "Cancel"])

    def click(self: QMessageBox) -> int:
        wanted = next(clicks)
        next(b for b in self.buttons() if b.text().replace("&", "") == wanted).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    assert language_check.confirm_missing_language(None, ["Towel scrunch"], "es") is True
    assert language_check.confirm_missing_language(None, ["Towel scrunch"], "es") is False
    assert language_check.confirm_missing_language(None, [], "es") is True


def test_a_spanish_patients_run_plan_prints_in_spanish_and_switches(
        qtbot, window, ctx, session_factory, asked) -> None:
    from decimal import Decimal

    from ptdesk.domain.runplan import PlanInputs
    from ptdesk.services.runplans import save_plan

    patient = make_patient(session_factory, mrn="LANG-8", handout_language="es")
    save_plan(session_factory, actor=ACTOR, patient_id=patient.id,
              inputs=PlanInputs("km", 3, "2", "15", current_weekly=3 * Decimal("2"),
                                start=dt.date(2026, 11, 23)))
    job = start_print(ctx, window.centralWidget(), "runplan", patient.id)
    dialog = open_preview(qtbot, job)
    assert not asked  # a run plan has no exercises to lack a language
    assert hl.phrase("es", "run.title") in text_of(dialog.pdf_bytes())
    assert dialog.language.currentText() == "Español"
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    with qtbot.waitSignal(job.pdf_replaced, timeout=30_000):
        dialog.language.activated.emit(dialog.language.currentIndex())
    qtbot.waitUntil(lambda: dialog.page_count() >= 1, timeout=10_000)
    assert hl.phrase("en", "run.title") in text_of(dialog.pdf_bytes())
