"""The whole visit, end to end, as a clinician does it in the real main window.

Register a patient, chart every evaluation section, prescribe from a template, build
and save a return-to-run plan, print both handouts to PDF (file dialog patched), close
the app, reopen it on the same database and find everything there.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.services.evaluations import list_visits, load_evaluation
from ptdesk.services.exercises import sync_library
from ptdesk.services.patients import find_by_mrn
from ptdesk.services.prescriptions import active_prescription
from ptdesk.services.runplans import active_plan
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from ptdesk.ui.patients.patient_dialog import PatientDialog
from ptdesk.ui.printing.preview_dialog import PdfPreviewDialog
from tests.factories import ACTOR, full_evaluation, with_exam_readiness
from tests.ui.test_evaluation_tab import FILL, fill, find
from tests.ui.test_patient_dialog import click_save
from tests.ui.test_patient_dialog import type_into as type_into_dialog

PATIENT = {
    "MRN": "run-0042", "First name": "Zoë", "Last name": "Ødegård-Núñez",
    "Date of birth": "1988-03-09", "Sex": "Female", "Dominant leg": "Right",
    "Diagnosis": "Patellofemoral pain syndrome", "ICD-10 code": "M22.2X1",
    "Affected side": "Right", "Onset date": "2026-08-01", "Start of care": "2026-09-01",
    "Goal": "Run a half marathon without knee pain", "Goal target date": "2027-05-02",
}


def _open_window(qtbot: Any, db: Path, settings: QSettings) -> tuple[MainWindow, Any]:
    engine = make_engine(db)
    ctx = AppContext(make_session_factory(engine), ACTOR)
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window, engine


def _print(qtbot: Any, window: MainWindow, kind: str, out: Path, monkeypatch) -> bytes:
    before = {w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog)}
    window.print_handout(kind)

    def preview() -> PdfPreviewDialog | None:
        new = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, PdfPreviewDialog) and w not in before and w.isVisible()]
        return new[0] if new else None

    qtbot.waitUntil(lambda: preview() is not None and preview().page_count() >= 1,  # type: ignore[union-attr]
                    timeout=30_000)
    dialog = preview()
    assert dialog is not None
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PDF (*.pdf)"))
    dialog._on_save_button_clicked()
    dialog.close()
    return out.read_bytes()


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.slow
def test_a_whole_visit_survives_closing_and_reopening_the_app(
    qtbot, db_path: Path, session_factory, tmp_path: Path, monkeypatch,
) -> None:
    sync_library(session_factory)  # what app start-up does
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)  # e.g. "restore a draft?"
    window, engine = _open_window(qtbot, db_path, settings)
    assert window.chart is not None

    # 1. Register the patient with the first episode of care (Ctrl+N).
    def register(dialog: PatientDialog) -> int:
        type_into_dialog(dialog, PATIENT)
        click_save(dialog)
        return dialog.result()

    monkeypatch.setattr(PatientDialog, "exec", register)
    window.new_patient_action.trigger()
    patient = find_by_mrn(session_factory, "RUN-0042", actor=ACTOR)
    assert window.chart.patient_id == patient.id
    assert window.chart.header.name_label.text() == "Zoë Ødegård-Núñez"

    # 2. Start the initial evaluation from the Visits tab and chart every section.
    visits_tab = window.chart.tab_titled("Visits")
    window.chart.show_tab(visits_tab)  # type: ignore[arg-type]
    visits_tab.new_buttons["initial_evaluation"].click()  # type: ignore[union-attr]
    [visit] = list_visits(session_factory, patient.id, actor=ACTOR)
    evaluation = window.chart.evaluation_tab
    assert window.chart.tabs.currentIndex() == window.chart.tabs.indexOf(
        evaluation.parentWidget().parentWidget())  # the new visit opened in the Evaluation tab
    for name, value in FILL:
        fill(qtbot, evaluation, name, value)
    qtbot.mouseClick(find(evaluation, "Add injury"), Qt.MouseButton.LeftButton)
    injuries = evaluation.sections["subjective"].injuries  # type: ignore[attr-defined]
    for column, value in enumerate(("Ankle sprain (rolled)", "left", "2026-07-10")):
        assert injuries.setData(injuries.index(0, column), value)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: ("clips/run1.mp4", "Video files"))
    qtbot.mouseClick(find(evaluation, "Choose video file"), Qt.MouseButton.LeftButton)
    assert window.save_action.shortcut().toString() == "Ctrl+S"
    window.save_action.trigger()
    assert not evaluation.has_unsaved_changes(), evaluation.header.error_label.text()  # type: ignore[attr-defined]

    # 3. Prescribe from a template and save.
    exercises = window.chart.tab_titled("Exercises")
    window.chart.show_tab(exercises)  # type: ignore[arg-type]
    combo = exercises.editor.template  # type: ignore[union-attr]
    combo.setCurrentIndex(combo.findData("runners_knee_phase_1"))
    exercises.editor.apply_button.click()  # type: ignore[union-attr]
    prescribed = [item.exercise_name for item in exercises.editor.model.items()]  # type: ignore[union-attr]
    assert len(prescribed) >= 4
    assert exercises.save()  # type: ignore[union-attr]

    # 4. Build the return-to-run plan and save it as the active plan.
    runplan = window.chart.tab_titled("Run plan")
    window.chart.show_tab(runplan)  # type: ignore[arg-type]
    form = runplan.form  # type: ignore[union-attr]
    # Issue 14: the plan starts from last week's running, which the clinician confirms.
    for key, text in (("current_run", "1.5"), ("current_weekly", "4.5"), ("goal_weekly", "18")):
        form.amounts[key].selectAll()
        qtbot.keyClicks(form.amounts[key], text)
    form.weekly_confirmed.setChecked(True)
    assert runplan.table_model.rowCount() > 5  # type: ignore[union-attr]
    assert runplan.save()  # type: ignore[union-attr]

    # 5. Print both handouts through the in-app preview and "Save as".
    sheet = _pdf_text(_print(qtbot, window, "exercises", tmp_path / "sheet.pdf", monkeypatch))
    assert "Zoë Ødegård-Núñez" in sheet
    for name in prescribed:
        assert name in sheet
    plan_pdf = _pdf_text(_print(qtbot, window, "runplan", tmp_path / "plan.pdf", monkeypatch))
    assert "Zoë Ødegård-Núñez" in plan_pdf and "return-to-run plan" in plan_pdf.lower()
    assert "172" in plan_pdf  # the cadence target from the gait assessment (160 spm + 7.5%)

    # 6. Close the app (nothing unsaved, so no question) and reopen it on the same file.
    assert window.close()
    engine.dispose()
    window2, engine2 = _open_window(qtbot, db_path, settings)
    window2.search_edit.setText("odegard")
    window2.open_patient(patient.id)
    assert window2.chart is not None and window2.chart.patient_id == patient.id

    sf = make_session_factory(engine2)
    [visit] = list_visits(sf, patient.id, actor=ACTOR)
    _summary, saved = load_evaluation(sf, actor=ACTOR, visit_id=visit.id)
    assert saved == with_exam_readiness(full_evaluation())  # readiness left as the exam filled it
    reopened = window2.chart.evaluation_tab
    window2.chart.show_tab(reopened)
    assert reopened.build_evaluation() == saved  # type: ignore[attr-defined]
    prescription = active_prescription(sf, patient.id, actor=ACTOR)
    assert prescription is not None
    assert [i.exercise_name for i in prescription.items] == prescribed
    stored = active_plan(sf, patient.id, actor=ACTOR)
    assert stored is not None and stored.inputs.goal_weekly == Decimal("18")
    reopened_plan = window2.chart.tab_titled("Run plan")
    window2.chart.show_tab(reopened_plan)  # type: ignore[arg-type]
    assert reopened_plan.form.amounts["goal_weekly"].text() == "18"  # type: ignore[union-attr]
    assert window2.close()
    engine2.dispose()
