"""Another workstation saves: clean tabs refresh, edited tabs keep their text and show a banner."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QWidget

from ptdesk.db.engine import SessionFactory
from ptdesk.domain import evaluation as ev
from ptdesk.services import drafts
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.services.outcomes import list_outcomes, record_outcome
from ptdesk.services.patients import PatientInput, get_patient, update_patient
from ptdesk.services.runlogs import log_run
from ptdesk.ui.chart.change_watcher import ChangeWatcher
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from tests.factories import ACTOR, COLLEAGUE, PASSWORD, make_episode, make_patient

LEFS = [2] * 20  # total 40


@pytest.fixture
def clinic(session_factory: SessionFactory) -> dict[str, int]:
    patient = make_patient(session_factory, mrn="PT-001", first="Alex", last="Runner")
    episode = make_episode(session_factory, patient.id)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    make_patient(session_factory, mrn="PT-002", first="Bea", last="Stone")
    return {"patient": patient.id, "visit": visit.id}


@pytest.fixture
def window(qtbot: Any, session_factory: SessionFactory, tmp_path: Path,
           clinic: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    # Closing with typed text asks Save/Discard/Cancel: tests leave text behind on purpose.
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Discard)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue("changes/poll_ms", 60_000)  # tests poll by hand
    win = MainWindow(AppContext(session_factory, ACTOR), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.open_patient(clinic["patient"])
    yield win
    win.ctx.wait_for_background()  # type: ignore[union-attr]


def poll(qtbot: Any, window: MainWindow) -> None:
    watcher = window.watcher
    assert watcher is not None
    with qtbot.waitSignal(watcher.polled, timeout=5000):
        watcher.poll_now()


def show(window: MainWindow, title: str) -> Any:
    assert window.chart is not None
    tab = window.chart.tab_titled(title)
    assert tab is not None
    window.chart.show_tab(tab)
    return tab


def named(root: QWidget, name: str) -> Any:
    matches = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(matches) == 1, (name, len(matches))
    return matches[0]


def colleague_logs_a_run(sf: SessionFactory, patient_id: int, minutes: float = 25) -> None:
    log_run(sf, actor=COLLEAGUE, patient_id=patient_id, run_date=date(2026, 10, 10),
            amount=minutes, kind="continuous", pain_during=1, next_morning="same",
            measure="minutes")


def test_watcher_reports_other_users_writes_only(qtbot, session_factory, clinic) -> None:
    ctx = AppContext(session_factory, ACTOR)
    watcher = ChangeWatcher(ctx, interval_ms=60_000)
    watcher.set_patient(clinic["patient"])
    watcher.start()
    seen: list[tuple[int, tuple[str, ...], str]] = []
    watcher.patient_changed.connect(lambda pid, kinds, text, _notes: seen.append((pid, kinds, text)))
    log_run(session_factory, actor=ACTOR, patient_id=clinic["patient"],
            run_date=date(2026, 10, 10), amount=20, kind="continuous", pain_during=1,
            next_morning="same", measure="minutes")  # this workstation's own save
    with qtbot.waitSignal(watcher.polled, timeout=5000):
        watcher.poll_now()
    assert seen == []
    colleague_logs_a_run(session_factory, clinic["patient"])
    with qtbot.waitSignal(watcher.patient_changed, timeout=5000) as blocker:
        watcher.poll_now()
    pid, kinds, text, notes = blocker.args
    assert (pid, kinds) == (clinic["patient"], ("runlog",))
    assert text.startswith("Cory Colleague (clinician) saved changes to Run log at ")
    assert notes[0].actor == COLLEAGUE
    watcher.pause()  # locked: no polling at all
    colleague_logs_a_run(session_factory, clinic["patient"])
    watcher.poll_now()
    ctx.wait_for_background()
    qtbot.wait(20)
    assert len(seen) == 1
    with qtbot.waitSignal(watcher.patient_changed, timeout=5000):
        watcher.resume()  # unlocked: catches up at once
    watcher.stop()
    ctx.wait_for_background()


def test_clean_tab_shows_the_new_data(qtbot, window, session_factory, clinic) -> None:
    runlog = show(window, "Run log")
    assert runlog.runs_model.rowCount() == 0
    colleague_logs_a_run(session_factory, clinic["patient"])
    poll(qtbot, window)
    qtbot.waitUntil(lambda: runlog.runs_model.rowCount() == 1, timeout=3000)
    assert window.chart.refresher.banner.isHidden()
    assert "Cory Colleague (clinician) saved changes to Run log" in \
        window.statusBar().currentMessage()


def test_run_being_typed_stays_while_new_runs_show(qtbot, window, session_factory,
                                                   clinic) -> None:
    runlog = show(window, "Run log")
    qtbot.keyClicks(runlog.form.amount, "31")
    assert runlog.has_unsaved_changes()
    colleague_logs_a_run(session_factory, clinic["patient"])
    poll(qtbot, window)
    # The form is a new run, not a copy of a saved one: the list refreshes under it.
    qtbot.waitUntil(lambda: runlog.runs_model.rowCount() == 1, timeout=3000)
    assert runlog.form.amount.text() == "31" and runlog.has_unsaved_changes()


def test_hidden_clean_tab_reloads_when_shown(qtbot, window, session_factory, clinic) -> None:
    outcomes = show(window, "Outcomes")
    show(window, "Overview")
    record_outcome(session_factory, actor=COLLEAGUE, visit_id=clinic["visit"], measure="nprs",
                   items=[4])
    poll(qtbot, window)
    assert outcomes.forms["nprs"].pain.text() == ""  # hidden: not read yet
    show(window, "Outcomes")
    assert outcomes.forms["nprs"].pain.text() == "4"


def test_edited_tab_keeps_the_text_shows_a_banner_and_reloads(
        qtbot, window, session_factory, clinic, monkeypatch) -> None:
    outcomes = show(window, "Outcomes")
    outcomes.measure_tabs.setCurrentWidget(outcomes.pages["nprs"])
    qtbot.keyClicks(outcomes.forms["nprs"].pain, "7")
    assert outcomes.has_unsaved_changes()
    record_outcome(session_factory, actor=COLLEAGUE, visit_id=clinic["visit"], measure="nprs",
                   items=[3])
    record_outcome(session_factory, actor=COLLEAGUE, visit_id=clinic["visit"], measure="lefs",
                   items=LEFS)
    poll(qtbot, window)
    banner = window.chart.refresher.banner
    qtbot.waitUntil(banner.isVisible, timeout=3000)
    text = banner.message.text()
    assert text.startswith("Cory Colleague (clinician) saved changes to Outcomes at ")
    assert "Your changes in Outcomes are not saved yet" in text
    assert outcomes.forms["nprs"].pain.text() == "7"  # untouched
    assert outcomes.forms["lefs"].answers() == [None] * 20  # the colleague's LEFS not loaded
    assert outcomes.has_unsaved_changes()
    index = window.chart.tabs.indexOf(window.chart.tabs.currentWidget())
    assert not window.chart.tabs.tabIcon(index).isNull()  # the tab is marked too
    window.resize(1280, 800)
    window.grab().save("/tmp/refresh_banner.png")
    asked: list[str] = []

    def restore(*args: Any) -> QMessageBox.StandardButton:
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", restore)
    qtbot.mouseClick(banner.reload_button, Qt.MouseButton.LeftButton)
    assert banner.isHidden()
    assert outcomes.forms["lefs"].answers() == LEFS  # the new data
    assert outcomes.forms["nprs"].pain.text() == "7"  # the typed text, offered back
    assert asked and "Restore" in asked[0]
    assert outcomes.has_unsaved_changes()
    nprs = list_outcomes(session_factory, clinic["patient"], "nprs", actor=ACTOR)
    assert [r.total for r in nprs] == [3]


def test_declined_draft_still_shows_the_new_data(qtbot, window, session_factory, clinic,
                                                 monkeypatch) -> None:
    outcomes = show(window, "Outcomes")
    qtbot.keyClicks(outcomes.forms["nprs"].pain, "7")
    record_outcome(session_factory, actor=COLLEAGUE, visit_id=clinic["visit"], measure="nprs",
                   items=[3])
    poll(qtbot, window)
    banner = window.chart.refresher.banner
    qtbot.waitUntil(banner.isVisible, timeout=3000)
    # Reload keeps the text as a draft first, so it exists when the question is asked.
    kept: list[bool] = []

    def decline(*_args: Any) -> QMessageBox.StandardButton:
        kept.append(bool(drafts.list_drafts(session_factory, actor=ACTOR)))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", decline)
    qtbot.mouseClick(banner.reload_button, Qt.MouseButton.LeftButton)
    assert kept == [True]
    assert outcomes.forms["nprs"].pain.text() == "3"
    assert not outcomes.has_unsaved_changes()


def test_dismiss_keeps_working_on_the_typed_evaluation(qtbot, window, session_factory,
                                                       clinic) -> None:
    evaluation = show(window, "Evaluation")
    complaint = named(evaluation, "Chief complaint")
    assert isinstance(complaint, QLineEdit)
    qtbot.keyClicks(complaint, "Sore after hills")
    theirs = ev.Evaluation(subjective=ev.SubjectiveFindings(chief_complaint="Theirs"))
    save_evaluation(session_factory, actor=COLLEAGUE, visit_id=clinic["visit"],
                    evaluation=theirs)
    poll(qtbot, window)
    banner = window.chart.refresher.banner
    qtbot.waitUntil(banner.isVisible, timeout=3000)
    assert "saved changes to Evaluation" in banner.message.text()
    assert complaint.text() == "Sore after hills"
    qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert banner.isHidden() and complaint.text() == "Sore after hills"
    _summary, stored = load_evaluation(session_factory, actor=ACTOR, visit_id=clinic["visit"])
    assert stored.subjective is not None and stored.subjective.chief_complaint == "Theirs"


def test_patient_list_refreshes_and_keeps_the_selection(qtbot, window, session_factory,
                                                        clinic) -> None:
    model, view = window.model, window.patient_view
    assert model is not None and model.rowCount() == 2
    selected = model.patient_id(view.currentIndex().row())
    assert selected == clinic["patient"]
    details = get_patient(session_factory, actor=ACTOR, patient_id=clinic["patient"])
    fields = {name: getattr(details, name) for name in PatientInput.__dataclass_fields__}
    update_patient(session_factory, actor=COLLEAGUE, patient_id=clinic["patient"],
                   data=replace(PatientInput(**fields), first_name="Alexandra"))
    make_patient(session_factory, mrn="PT-003", first="Cal", last="Ahn")  # by ACTOR: own
    poll(qtbot, window)
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=3000)
    assert model.patient_id(view.currentIndex().row()) == clinic["patient"]
    assert "Alexandra" in model.data(model.index(view.currentIndex().row(), 1))
    assert "Alexandra" in window.chart.header.name_label.text()  # the open chart's header too


def test_locking_pauses_polling_and_unlocking_catches_up(qtbot, window, session_factory,
                                                         clinic) -> None:
    watcher, lock = window.watcher, window.account_menu.lock
    runlog = show(window, "Run log")
    lock.lock()
    assert not watcher.timer.isActive()
    colleague_logs_a_run(session_factory, clinic["patient"])
    watcher.poll_now()  # ignored while locked
    window.ctx.wait_for_background()
    qtbot.wait(20)
    assert runlog.runs_model.rowCount() == 0
    with qtbot.waitSignal(watcher.polled, timeout=5000):
        assert lock.unlock(PASSWORD)
    assert watcher.timer.isActive()
    qtbot.waitUntil(lambda: runlog.runs_model.rowCount() == 1, timeout=3000)
