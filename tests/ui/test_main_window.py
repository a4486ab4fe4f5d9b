"""Main window: patient list and keyboard flow, chart header, menus, layout memory, safe close."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from ptdesk.db.engine import SessionFactory
from ptdesk.services.evaluations import create_visit, list_visits, save_evaluation
from ptdesk.services.patients import count_patients
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import SEARCH_PLACEHOLDER, MainWindow
from ptdesk.ui.patients.patient_dialog import PatientDialog
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient

Buttons = QMessageBox.StandardButton


@pytest.fixture
def clinic(session_factory: SessionFactory) -> dict[str, int]:
    alex = make_patient(session_factory, mrn="PT-001", first="Alex", last="Runner",
                        alerts="Latex allergy").id
    episode = make_episode(session_factory, alex)  # right knee
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    bea = make_patient(session_factory, mrn="PT-002", first="Bea", last="Stone",
                       born=date(1979, 3, 9)).id
    make_episode(session_factory, bea)
    return {"alex": alex, "bea": bea, "visit": visit.id}


@pytest.fixture
def window(qtbot, ctx: AppContext, settings: QSettings, clinic: dict[str, int]) -> MainWindow:
    win = MainWindow(ctx, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_list_shows_every_patient_with_search_hint(window: MainWindow) -> None:
    assert window.search_edit.placeholderText() == SEARCH_PLACEHOLDER
    assert window.model is not None and window.model.rowCount() == 2
    assert window.count_label.text() == "2 patients"
    assert window.chart is not None and window.chart.patient_id is None
    assert not window.edit_patient_action.isEnabled()


def test_search_then_arrow_and_enter_opens_the_chart(qtbot, window: MainWindow,
                                                    clinic: dict[str, int]) -> None:
    assert window.model is not None and window.chart is not None
    with qtbot.waitSignal(window.model.search_applied, timeout=2000):
        qtbot.keyClicks(window.search_edit, "sto")
    assert window.model.rowCount() == 1
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)
    assert window.patient_view.hasFocus() or window.patient_view.currentIndex().row() == 0
    qtbot.keyClick(window.patient_view, Qt.Key.Key_Return)
    assert window.chart.patient_id == clinic["bea"]
    assert window.chart.header.name_label.text() == "Bea Stone"
    assert window.edit_patient_action.isEnabled()


def test_enter_in_search_opens_the_top_match(qtbot, window: MainWindow, clinic: dict[str, int]) -> None:
    assert window.chart is not None
    qtbot.keyClicks(window.search_edit, "PT-001")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)  # before the debounce ends
    assert window.chart.patient_id == clinic["alex"]


def test_enter_without_a_match_keeps_the_open_chart(qtbot, window: MainWindow,
                                                    clinic: dict[str, int]) -> None:
    assert window.chart is not None
    window.open_patient(clinic["alex"])
    qtbot.keyClicks(window.search_edit, "zzz")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    assert window.model is not None and window.model.rowCount() == 0
    assert window.chart.patient_id == clinic["alex"]


def test_header_shows_episode_and_strength_alerts(window: MainWindow, clinic: dict[str, int]) -> None:
    assert window.chart is not None
    window.open_patient(clinic["alex"])
    header = window.chart.header
    assert header.name_label.text() == "Alex Runner"
    assert "MRN PT-001" in header.details_label.text()
    assert "born 1990-04-02" in header.details_label.text()
    assert header.episode_label.text().startswith("Patellofemoral pain syndrome (M22.2X1)")
    assert "affected: right side" in header.episode_label.text()
    alerts = header.alerts_label.text()
    # Right (involved) 13 kg vs left 18 kg = 72%; extension 5 vs 4- shown as grades.
    assert "Hip abduction LSI 72%" in alerts
    assert "Hip extension grades 5 / 4− (L / R): a full grade down" in alerts
    assert "Latex allergy" in alerts
    assert not header.alerts_label.isHidden()


def test_ctrl_f_focuses_search(qtbot, window: MainWindow, clinic: dict[str, int]) -> None:
    window.open_patient(clinic["alex"])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.patient_view.setFocus()
    assert window.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    qtbot.keyClick(window.patient_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_edit.hasFocus()


def test_new_patient_is_registered_listed_and_opened(window: MainWindow, session_factory,
                                                    monkeypatch) -> None:
    def fill_and_save(dialog: PatientDialog) -> int:
        for key, value in (("mrn", "PT-777"), ("first_name", "Cora"), ("last_name", "Abbott"),
                           ("date_of_birth", "1995-05-05"), ("diagnosis", "IT band syndrome"),
                           ("start_date", "2026-11-01")):
            dialog.set_value(key, value)
        dialog.set_value("affected_side", "left")
        return int(dialog.save())

    monkeypatch.setattr(PatientDialog, "exec", fill_and_save)
    window.new_patient_action.trigger()
    assert count_patients(session_factory, actor=ACTOR) == 3
    assert window.model is not None and window.chart is not None
    assert window.search_edit.text() == "PT-777"  # the new patient is listed and selected
    assert window.model.patient_at(0).last_name == "Abbott"  # type: ignore[union-attr]
    assert window.chart.header.name_label.text() == "Cora Abbott"
    assert window.patient_view.currentIndex().row() == 0
    assert "IT band syndrome" in window.chart.header.episode_label.text()


def test_new_visit_opens_it_in_the_evaluation_tab(window: MainWindow, session_factory,
                                                  clinic: dict[str, int], monkeypatch) -> None:
    assert window.chart is not None
    window.open_patient(clinic["alex"])
    opened: list[int] = []
    monkeypatch.setattr(window.chart.evaluation_tab, "open_visit", opened.append, raising=False)
    window.chart.show_tab(window.chart.visits_tab)
    window.chart.visits_tab.new_buttons["follow_up"].click()
    visits = list_visits(session_factory, clinic["alex"], actor=ACTOR)
    assert len(visits) == 2 and visits[0].visit_type == "follow_up"
    assert opened == [visits[0].id]
    assert window.chart.current_tab() is window.chart.evaluation_tab


def test_switching_patient_flushes_the_draft_first(window: MainWindow, clinic: dict[str, int],
                                                   monkeypatch) -> None:
    assert window.chart is not None
    window.open_patient(clinic["alex"])
    tab = window.chart.overview_tab
    events: list[object] = []
    monkeypatch.setattr(tab, "flush_draft", lambda: events.append("flush"))
    real_set = tab.set_patient
    monkeypatch.setattr(tab, "set_patient", lambda pid: (events.append(pid), real_set(pid)))
    window.open_patient(clinic["bea"])
    assert events == ["flush", clinic["bea"]]


def test_ctrl_s_saves_the_tab_in_front(window: MainWindow, clinic: dict[str, int], monkeypatch) -> None:
    assert window.chart is not None
    window.open_patient(clinic["alex"])
    saved: list[str] = []
    monkeypatch.setattr(window.chart.overview_tab, "save", lambda: saved.append("x") or True)
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    window.save_action.trigger()
    assert saved == ["x"]
    assert window.statusBar().currentMessage() == "Saved."


def test_print_actions_hand_the_patient_to_the_print_flow(window: MainWindow, clinic: dict[str, int],
                                                         monkeypatch) -> None:
    assert window.chart is not None
    window.open_patient(clinic["alex"])
    for tab in window.chart.chart_tabs():
        monkeypatch.setattr(tab, "has_unsaved_changes", lambda: False)
    jobs: list[tuple[str, int]] = []
    monkeypatch.setattr("ptdesk.ui.printing.print_flow.start_print",
                        lambda _ctx, _parent, kind, pid: jobs.append((kind, pid)))
    window.print_sheet_action.trigger()
    window.print_plan_action.trigger()
    assert jobs == [("exercises", clinic["alex"]), ("runplan", clinic["alex"])]


def test_ctrl_p_offers_both_handouts_with_the_tab_in_front_preselected(
        qtbot, window: MainWindow, clinic: dict[str, int]) -> None:
    assert window.chart is not None
    window.open_patient(clinic["alex"])
    assert window.print_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    titles = [window.chart.tabs.tabText(i) for i in range(window.chart.tabs.count())]
    for title, kind in (("Run plan", "runplan"), ("Progress", "progress"), ("Exercises", "exercises")):
        window.chart.tabs.setCurrentIndex(titles.index(title))
        window.print_action.trigger()
        qtbot.waitUntil(window.print_menu.isVisible)
        assert window.print_menu.activeAction() is window.print_menu_actions[kind]
        window.print_menu.hide()


def test_layout_is_remembered(qtbot, settings: QSettings) -> None:
    # Windows not yet attached to a database: small enough for the offscreen test screen,
    # which would otherwise clamp the restored width.
    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(700, 500)
    first.splitter.setSizes([250, 430])
    sizes = first.splitter.sizes()
    assert first.close()
    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (700, 500)
    assert again.splitter.sizes() == sizes


def test_closing_saves_the_layout(window: MainWindow, settings: QSettings) -> None:
    assert settings.value("main_window/splitter") is None
    assert window.close()
    assert settings.value("main_window/splitter") == window.splitter.saveState()
    assert settings.value("main_window/geometry") == window.saveGeometry()


# ---- closing never drops edits silently ----------------------------------------------------

@pytest.fixture
def dirty(window: MainWindow, clinic: dict[str, int], monkeypatch) -> dict[str, list[str]]:
    """The Overview tab pretends to hold unsaved edits and records what the window asks of it."""
    assert window.chart is not None
    window.open_patient(clinic["alex"])
    tab = window.chart.overview_tab
    log: dict[str, list[str]] = {"calls": [], "questions": []}
    state = {"unsaved": True, "save_ok": True}
    monkeypatch.setattr(tab, "has_unsaved_changes", lambda: state["unsaved"])
    monkeypatch.setattr(tab, "flush_draft", lambda: log["calls"].append("flush"))

    def save() -> bool:
        log["calls"].append("save")
        state["unsaved"] = not state["save_ok"]
        return state["save_ok"]

    monkeypatch.setattr(tab, "save", save)
    log["state"] = state  # type: ignore[assignment]
    return log


def _answer(monkeypatch, log: dict[str, list[str]], button: QMessageBox.StandardButton) -> None:
    def question(_parent, title, text, *_args):  # type: ignore[no-untyped-def]
        log["calls"].append("question")
        log["questions"].append(text)
        return button

    monkeypatch.setattr("ptdesk.ui.main_window.QMessageBox.question", question)


def test_close_with_unsaved_changes_cancel_keeps_window(window: MainWindow, dirty, monkeypatch) -> None:
    _answer(monkeypatch, dirty, Buttons.Cancel)
    assert not window.close()
    assert window.isVisible()
    assert dirty["calls"] == ["flush", "question"]  # the draft is safe before anything is asked
    assert "not saved" in dirty["questions"][0]
    dirty["state"]["unsaved"] = False  # type: ignore[index]


def test_close_with_unsaved_changes_save_saves_then_closes(window: MainWindow, dirty,
                                                          monkeypatch) -> None:
    _answer(monkeypatch, dirty, Buttons.Save)
    assert window.close()
    assert dirty["calls"] == ["flush", "question", "save"]


def test_close_stays_open_when_save_fails(window: MainWindow, dirty, monkeypatch) -> None:
    dirty["state"]["save_ok"] = False  # type: ignore[index]
    _answer(monkeypatch, dirty, Buttons.Save)
    assert not window.close()
    assert window.isVisible()
    dirty["state"]["unsaved"] = False  # type: ignore[index]


def test_close_with_discard_closes_without_saving(window: MainWindow, dirty, monkeypatch) -> None:
    _answer(monkeypatch, dirty, Buttons.Discard)
    assert window.close()
    assert "save" not in dirty["calls"]


def test_close_without_changes_does_not_ask(window: MainWindow, dirty, monkeypatch) -> None:
    dirty["state"]["unsaved"] = False  # type: ignore[index]
    _answer(monkeypatch, dirty, Buttons.Cancel)
    assert window.close()
    assert dirty["calls"] == ["flush"]
