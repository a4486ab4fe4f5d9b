"""Print evaluation (issue 18, item 4) from the Visits and Evaluation tabs: one print job, a preview."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication, QMessageBox

from ptdesk.services.evaluations import create_visit, save_evaluation
from ptdesk.ui.chart.evaluation.tab import EvaluationTab
from ptdesk.ui.chart.visits.tab import VisitsTab
from ptdesk.ui.printing.preview_dialog import PdfPreviewDialog
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient


def _patient_with_draft(session_factory: Any) -> tuple[int, int]:
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                    evaluation=full_evaluation())
    return patient.id, visit.id


def _preview_text(qtbot: Any) -> str:
    def preview() -> PdfPreviewDialog | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog)
                 and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: preview() is not None, timeout=30_000)
    dialog = preview()
    assert dialog is not None
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(dialog.pdf_bytes())).pages)
    dialog.close()
    return text


@pytest.fixture(autouse=True)
def no_warning_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(_parent: object, _title: str, text: str, *_a: object) -> None:
        raise AssertionError(f"warning shown: {text}")

    monkeypatch.setattr(QMessageBox, "warning", fail)


def test_visits_tab_prints_the_selected_draft_marked(qtbot, ctx, session_factory) -> None:
    patient_id, _visit_id = _patient_with_draft(session_factory)
    tab = VisitsTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient_id)
    assert tab.print_button.isEnabled()
    tab.view.selectRow(0)
    tab.print_button.click()
    text = _preview_text(qtbot)
    assert "Initial evaluation and plan of care" in text
    assert "Draft — not signed" in text and "Physician certification" in text


def test_evaluation_tab_declares_the_printout_of_its_open_visit(qtbot, ctx,
                                                                session_factory) -> None:
    patient_id, visit_id = _patient_with_draft(session_factory)
    tab = EvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient_id)
    assert tab.prints == "evaluation" and tab.print_visit_id() == visit_id
    tab.print_handout()
    assert "Initial evaluation and plan of care" in _preview_text(qtbot)


def test_patient_menu_prints_the_evaluation(qtbot, ctx, session_factory, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    from ptdesk.ui.main_window import MainWindow

    patient_id, _visit_id = _patient_with_draft(session_factory)
    window = MainWindow(ctx, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    assert not window.print_evaluation_action.isEnabled()  # no chart open yet
    window.open_patient(patient_id)
    assert window.print_evaluation_action.isEnabled()
    window.print_evaluation_action.trigger()
    assert "Initial evaluation and plan of care" in _preview_text(qtbot)
