"""View-only chart tabs: roles without a tab's edit permission read it, but cannot type into it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from ptdesk.db.engine import SessionFactory
from ptdesk.services.evaluations import create_visit, save_evaluation
from ptdesk.ui.chart.chart_widget import ChartWidget
from ptdesk.ui.chart.view_only import apply_view_only, view_only_text
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from tests.factories import ACTOR, ADMIN, ASSISTANT, full_evaluation, make_episode, make_patient


@pytest.fixture
def clinic(session_factory: SessionFactory) -> dict[str, int]:
    patient = make_patient(session_factory, mrn="PT-001", first="Alex", last="Runner").id
    episode = make_episode(session_factory, patient)
    ids = {"patient": patient}
    for name, day, kind in (("first", 2, "initial_evaluation"), ("second", 9, "follow_up")):
        visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                             visit_date=date(2026, 10, day), visit_type=kind)
        save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                        evaluation=full_evaluation())
        ids[name] = visit.id
    return ids


def _window(qtbot, session_factory: SessionFactory, actor: str, tmp_path: Path,
            patient_id: int) -> MainWindow:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(AppContext(session_factory, actor), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.open_patient(patient_id)
    return win


def _inputs(root: QWidget) -> tuple[list[QWidget], list[QWidget]]:
    """(text inputs and spin boxes, combo boxes / check boxes) under `root`."""
    texts = [w for kind in (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)
             for w in root.findChildren(kind)]
    choices = [w for kind in (QComboBox, QCheckBox) for w in root.findChildren(kind)]
    return texts, choices


def _evaluation(win: MainWindow) -> tuple[ChartWidget, QWidget]:
    chart = win.chart
    assert chart is not None
    tab = chart.tab_titled("Evaluation")
    assert tab is not None
    chart.show_tab(tab)
    return chart, tab


def _assert_locked(tab: QWidget) -> None:
    texts, choices = _inputs(tab.scroll.widget())  # type: ignore[attr-defined]
    assert texts and choices
    assert all(w.isReadOnly() for w in texts)  # type: ignore[attr-defined]
    assert not any(w.isEnabled() for w in choices)
    assert not tab.header.save_button.isEnabled()  # type: ignore[attr-defined]
    assert not tab.header.carry_button.isEnabled()  # type: ignore[attr-defined]


def test_assistant_reads_the_evaluation_but_cannot_change_it(
        qtbot, session_factory: SessionFactory, clinic: dict[str, int], tmp_path: Path) -> None:
    win = _window(qtbot, session_factory, ASSISTANT, tmp_path, clinic["patient"])
    chart, tab = _evaluation(win)
    _assert_locked(tab)
    assert chart.view_only.note.isVisible()
    assert "assistant" in chart.view_only.note.text()
    assert not tab.signing.sign_button.isEnabled()  # type: ignore[attr-defined]
    # Navigation still works, and opening another visit (which unlocks an unsigned note
    # for a clinician) leaves the form locked.
    combo = tab.header.visit_combo  # type: ignore[attr-defined]
    assert combo.isEnabled() and combo.count() == 2
    other = combo.findData(clinic["first"])
    combo.setCurrentIndex(other)
    assert tab._visit.id == clinic["first"]  # type: ignore[attr-defined]
    _assert_locked(tab)
    assert all(b.isEnabled() for b in tab.header.jump_buttons)  # type: ignore[attr-defined]
    # Ctrl+S on a view-only tab does nothing (no refusal from the service to read).
    tried: list[bool] = []
    tab.save = lambda: tried.append(True) or False  # type: ignore[attr-defined]
    assert chart.save() and tried == []
    tab.grab()  # paints without trouble
    # Printing stays open to assistants.
    assert win.print_action.isEnabled()
    exercises = chart.tab_titled("Exercises")
    chart.show_tab(exercises)
    assert exercises.print_button.isEnabled()  # type: ignore[union-attr]
    assert not exercises.save_button.isEnabled()  # type: ignore[union-attr]
    assert exercises.library.search.isEnabled()  # type: ignore[union-attr]
    assert not exercises.library.search.isReadOnly()  # type: ignore[union-attr]
    assert chart.view_only.note.isVisible()
    # New visits need a clinician; opening one does not.
    chart.show_tab(chart.visits_tab)
    assert not any(b.isEnabled() for b in chart.visits_tab.new_buttons.values())
    # Patients are registered and edited by clinicians: greyed, with the reason.
    assert not win.new_patient_action.isEnabled()
    assert not win.edit_patient_action.isEnabled()
    assert "assistant" in win.edit_patient_action.toolTip().lower()


def test_assistant_still_logs_runs(qtbot, session_factory: SessionFactory,
                                   clinic: dict[str, int], tmp_path: Path) -> None:
    win = _window(qtbot, session_factory, ASSISTANT, tmp_path, clinic["patient"])
    chart = win.chart
    assert chart is not None
    runlog = chart.tab_titled("Run log")
    chart.show_tab(runlog)
    form = runlog.form  # type: ignore[union-attr]
    assert not form.amount.isReadOnly() and form.amount.isEnabled()
    assert form.kind.isEnabled() and form.swelling.isEnabled() and form.run_date.isEnabled()
    assert not chart.view_only.note.isVisible()
    # Re-planning changes the plan, which is a clinician's job.
    assert not runlog.replan_button.isEnabled()  # type: ignore[union-attr]
    assert "clinician" in runlog.replan_button.toolTip()  # type: ignore[union-attr]


def test_clinician_gets_every_tab_editable(qtbot, session_factory: SessionFactory,
                                          clinic: dict[str, int], tmp_path: Path) -> None:
    win = _window(qtbot, session_factory, ACTOR, tmp_path, clinic["patient"])
    chart, tab = _evaluation(win)
    texts, choices = _inputs(tab.scroll.widget())  # type: ignore[attr-defined]
    assert not any(w.isReadOnly() for w in texts)  # type: ignore[attr-defined]
    # Some choices depend on others (greyed until then); the rest are open to a clinician.
    assert sum(w.isEnabled() for w in choices) > len(choices) // 2
    assert tab.header.save_button.isEnabled()  # type: ignore[attr-defined]
    for index in range(chart.tabs.count()):
        chart.tabs.setCurrentIndex(index)
        assert not chart.view_only.is_view_only(index)
        assert not chart.view_only.note.isVisible()
    assert win.new_patient_action.isEnabled() and win.edit_patient_action.isEnabled()


def test_administrator_reads_clinical_tabs_only(qtbot, session_factory: SessionFactory,
                                               clinic: dict[str, int], tmp_path: Path) -> None:
    win = _window(qtbot, session_factory, ADMIN, tmp_path, clinic["patient"])
    chart, tab = _evaluation(win)
    _assert_locked(tab)
    assert "administrator" in chart.view_only.note.text()
    titles = {chart.tab_title(i) for i in range(chart.tabs.count())
              if chart.view_only.is_view_only(i)}
    assert titles == {"Visits", "Evaluation", "Exercises", "Run plan", "Outcomes", "Run log"}
    outcomes = chart.tab_titled("Outcomes")
    chart.show_tab(outcomes)
    assert outcomes.visit_combo.isEnabled()  # type: ignore[union-attr]
    assert not any(p.save_button.isEnabled()  # type: ignore[union-attr]
                   for p in outcomes.pages.values())  # type: ignore[union-attr]
    assert not win.new_patient_action.isEnabled()


def test_locked_widgets_stay_locked_and_kept_ones_stay_usable(qtbot) -> None:
    box = QWidget()
    qtbot.addWidget(box)
    field, combo, save, print_button = QLineEdit(box), QComboBox(box), QPushButton(box), \
        QPushButton(box)
    apply_view_only(box, keep=[print_button])
    field.setReadOnly(False)  # what a tab does when it opens an unsigned note
    save.setEnabled(True)  # ... or when a row is selected
    assert field.isReadOnly() and not combo.isEnabled() and not save.isEnabled()
    assert print_button.isEnabled()
    assert "clinician" in view_only_text("assistant", "Evaluation")
    assert "Evaluation" in view_only_text(None, "Evaluation")


def test_locks_hold_when_the_module_was_first_imported_off_the_ui_thread(qtbot) -> None:
    """The app imports the chart tabs on a warm-up thread (ui/app.py); a filter object made
    at import time would belong to that thread, Qt would refuse to install it ("Cannot
    filter events for objects in a different thread") and locked widgets could be re-enabled."""
    import importlib
    import threading

    from ptdesk.ui.chart import view_only

    loaded: list[object] = []
    worker = threading.Thread(target=lambda: loaded.append(importlib.reload(view_only)))
    worker.start()
    worker.join()
    module = loaded[0]
    box = QWidget()
    qtbot.addWidget(box)
    field, save = QLineEdit(box), QPushButton(box)
    module.apply_view_only(box)  # type: ignore[attr-defined]
    field.setReadOnly(False)
    save.setEnabled(True)
    assert field.isReadOnly() and not save.isEnabled()
