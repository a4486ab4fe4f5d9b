"""Run log tab: runs typed from the diary, weekly pain-rule decisions, re-plan, delete, models."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services import drafts
from ptdesk.services.runlogs import list_runs, log_run
from ptdesk.services.runplans import active_plan, list_plans, save_plan
from ptdesk.ui.chart.runlogs import RunLogTab
from ptdesk.ui.chart.runlogs.replan_dialog import ReplanDialog
from ptdesk.ui.chart.runlogs.weeks_model import DECISION, DECISION_ROLE
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_patient

TODAY = date.today()
START = TODAY - timedelta(days=15)  # weeks 1 and 2 are over, week 3 is under way


@pytest.fixture
def patient_id(session_factory: SessionFactory) -> int:
    return make_patient(session_factory).id


@pytest.fixture
def plan(session_factory: SessionFactory, patient_id: int) -> None:
    # Planned totals 30, 33, 36 ... minutes; longest 10, 11, 12 ...
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(str(10)), start=START))


@pytest.fixture
def tab(qtbot, ctx: AppContext, patient_id: int, plan: None) -> RunLogTab:  # type: ignore[no-untyped-def]
    widget = RunLogTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.set_patient(patient_id)
    return widget


def named(root: QWidget, cls: type, name: str) -> Any:
    found = [w for w in root.findChildren(cls) if w.accessibleName() == name]
    assert len(found) == 1, name
    return found[0]


def type_run(qtbot, tab: RunLogTab, day: date, amount: str, pain: str,  # type: ignore[no-untyped-def]
             morning: str = "Same") -> None:
    tab.form.run_date.setDate(QDate(day.year, day.month, day.day))
    qtbot.keyClicks(named(tab, QLineEdit, "Running"), amount)
    qtbot.keyClicks(named(tab, QLineEdit, "Pain during (0–10)"), pain)
    combo = named(tab, QComboBox, "Next morning")
    qtbot.keyClick(combo, Qt.Key.Key_Home)  # chosen with the keyboard, as a user would
    for _ in range(combo.findText(morning)):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == morning


def log_week(qtbot, tab: RunLogTab, week: int, amount: str, pain: str) -> None:  # type: ignore[no-untyped-def]
    for day in (0, 2, 4):
        type_run(qtbot, tab, START + timedelta(weeks=week - 1, days=day), amount, pain)
        qtbot.mouseClick(tab.log_button, Qt.MouseButton.LeftButton)
        assert tab.form.visible_errors() == {}, tab.form.visible_errors()


def decisions(tab: RunLogTab) -> list[tuple[str | None, str]]:
    model = tab.weeks_model
    return [(model.index(r, DECISION).data(DECISION_ROLE), model.index(r, DECISION).data())
            for r in range(model.rowCount())]


def test_runs_across_two_weeks_get_their_decisions(qtbot, tab, session_factory,
                                                   patient_id) -> None:
    assert "minutes" in tab.plan_label.text() and "min of running" in tab.form.unit.text()
    log_week(qtbot, tab, 1, "10", "1")
    log_week(qtbot, tab, 2, "11", "2")
    runs = list_runs(session_factory, patient_id, actor=ACTOR)
    assert [r.amount for r in runs] == [10, 10, 10, 11, 11, 11]
    assert tab.runs_model.rowCount() == 6
    assert decisions(tab)[:2] == [("progress", "Progress"), ("progress", "Progress")]
    assert tab.weeks_model.index(1, DECISION).data(Qt.ItemDataRole.DecorationRole) is not None
    assert tab.weeks_model.index(0, 4).data() == "30 min / 10 min"  # done total / longest
    assert tab.replan_button.isEnabled()


def test_a_painful_week_is_regress(qtbot, tab) -> None:
    log_week(qtbot, tab, 1, "10", "1")
    type_run(qtbot, tab, START + timedelta(days=8), "11", "7", morning="Worse")
    qtbot.mouseClick(tab.form.swelling, Qt.MouseButton.LeftButton)
    assert tab.log_current_run()
    assert decisions(tab)[:2] == [("progress", "Progress"), ("regress", "Regress")]
    tip = tab.weeks_model.index(1, DECISION).data(Qt.ItemDataRole.ToolTipRole)
    assert "Go back one week" in tip


def test_bad_input_is_shown_by_the_field_and_kept(qtbot, tab, session_factory,
                                                  patient_id) -> None:
    type_run(qtbot, tab, START, "ten", "11")
    assert tab.form.visible_errors() == {
        "amount": "Enter how much was run as a number, e.g. 20 or 2.5.",
        "pain_during": "Pain during the run must be a whole number from 0 to 10."}
    assert tab.save() is False
    assert tab.form.amount.text() == "ten" and tab.form.pain_during.text() == "11"
    tab.form.amount.clear()
    qtbot.keyClicks(tab.form.amount, "900")  # the service's limit for one run
    tab.form.pain_during.clear()
    qtbot.keyClicks(tab.form.pain_during, "2")
    assert tab.save() is False
    assert "at most 600 min" in tab.form.visible_errors()["amount"]
    assert list_runs(session_factory, patient_id, actor=ACTOR) == []
    assert tab.has_unsaved_changes()


def test_next_morning_must_be_chosen(qtbot, tab) -> None:
    tab.form.run_date.setDate(QDate(START.year, START.month, START.day))
    qtbot.keyClicks(tab.form.amount, "10")
    qtbot.keyClicks(tab.form.pain_during, "1")
    assert tab.log_current_run() is False
    assert "next morning" in tab.form.visible_errors()["next_morning"]


def test_replan_makes_a_capped_active_plan(qtbot, tab, session_factory, patient_id, ctx,
                                           monkeypatch) -> None:
    log_week(qtbot, tab, 1, "10", "1")      # 30 of 30 planned
    for day in (0, 2):
        type_run(qtbot, tab, START + timedelta(weeks=1, days=day), "9", "2")
        assert tab.log_current_run()        # 18 of 33 planned
    old = active_plan(session_factory, patient_id, actor=ACTOR)
    shown: list[ReplanDialog] = []

    def accept(dialog: ReplanDialog) -> int:
        shown.append(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReplanDialog, "exec", accept)
    with qtbot.waitSignal(ctx.signals.data_changed,
                          check_params_cb=lambda area, pid: (area, pid) == ("runplan", patient_id)):
        qtbot.mouseClick(tab.replan_button, Qt.MouseButton.LeftButton)
    new = active_plan(session_factory, patient_id, actor=ACTOR)
    assert new.id != old.id
    # The preview showed the weeks from week 3 on, old next to new.
    dialog = shown[0]
    assert dialog.old_table.item(0, 0).text() == dialog.new_table.item(0, 0).text() == "3"
    assert dialog.old_table.rowCount() >= 1 and dialog.new_table.rowCount() >= 1
    # Weeks already run keep the plan they had.
    assert [w.total for w in new.plan.weeks[:2]] == [w.total for w in old.plan.weeks[:2]]
    plans = list_plans(session_factory, patient_id, actor=ACTOR)
    assert [p.status for p in plans] == ["active", "archived"]
    week3 = next(w for w in new.plan.weeks if w.week == 3)
    assert week3.total <= Decimal(18) * Decimal("1.1")
    assert week3.total < next(w for w in old.plan.weeks if w.week == 3).total
    assert f"Week 3 is now {week3.total:g} min" in tab.replan_state.text()


def test_cancelling_the_replan_preview_saves_nothing(qtbot, tab, session_factory, patient_id,
                                                     monkeypatch) -> None:
    log_week(qtbot, tab, 1, "10", "1")
    old = active_plan(session_factory, patient_id, actor=ACTOR)
    monkeypatch.setattr(ReplanDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert tab.replan() is False
    assert active_plan(session_factory, patient_id, actor=ACTOR).id == old.id
    assert "cancelled" in tab.replan_state.text()


def test_pause_and_resume_from_the_run_log(qtbot, tab, session_factory, patient_id,
                                           monkeypatch) -> None:
    bar = tab.pause_bar
    assert bar.pause_button.isVisibleTo(tab) and not bar.resume_button.isVisibleTo(tab)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
    paused = active_plan(session_factory, patient_id, actor=ACTOR)
    assert paused.plan.paused
    qtbot.waitUntil(lambda: bar.banner.isVisibleTo(tab))
    assert "contact the clinic" in bar.banner.text()
    assert not tab.replan_button.isEnabled() and bar.resume_button.isVisibleTo(tab)
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (25.0, True))
    qtbot.mouseClick(bar.resume_button, Qt.MouseButton.LeftButton)
    resumed = active_plan(session_factory, patient_id, actor=ACTOR)
    assert not resumed.plan.paused and resumed.plan_version == 3
    current = next(w for w in resumed.plan.weeks if w.week == resumed.from_week)
    assert current.total <= 25
    qtbot.waitUntil(lambda: not bar.banner.isVisibleTo(tab))


def test_replan_needs_a_finished_week(qtbot, session_factory, patient_id, ctx) -> None:
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(str(10)), start=TODAY - timedelta(days=2)))
    tab = RunLogTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient_id)
    assert not tab.replan_button.isEnabled()


def test_delete_asks_first(qtbot, tab, session_factory, patient_id, monkeypatch) -> None:
    log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=START, amount=10,
            kind="continuous", pain_during=1, next_morning="same")
    log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=START + timedelta(1),
            amount=12, kind="continuous", pain_during=1, next_morning="same")
    tab.set_patient(None)
    tab.set_patient(patient_id)
    tab.runs_view.selectRow(0)  # newest first: the 12-minute run
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: next(answers))
    assert tab.delete_selected_run() is False
    assert len(list_runs(session_factory, patient_id, actor=ACTOR)) == 2
    assert tab.delete_selected_run() is True
    assert [r.amount for r in list_runs(session_factory, patient_id, actor=ACTOR)] == [10]
    assert tab.runs_model.rowCount() == 1


def test_without_a_plan_the_unit_is_chosen(qtbot, session_factory, patient_id, ctx) -> None:
    tab = RunLogTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_patient(patient_id)
    assert "No active return-to-run plan" in tab.plan_label.text()
    unit = named(tab, QComboBox, "Unit")
    assert unit.isVisible()
    unit.setCurrentIndex(unit.findData("km"))
    type_run(qtbot, tab, TODAY, "5.5", "0", morning="Better")
    assert tab.log_current_run()
    [run] = list_runs(session_factory, patient_id, actor=ACTOR)
    assert (run.amount, run.measure, run.next_morning) == (5.5, "km", "better")
    assert tab.weeks_model.rowCount() == 0


def test_unlogged_entry_is_kept_as_a_draft(qtbot, tab, session_factory, patient_id, ctx,
                                           monkeypatch) -> None:
    type_run(qtbot, tab, START, "12", "3")
    assert tab.has_unsaved_changes()
    tab.flush_draft()
    assert drafts.get_draft(session_factory, actor=ACTOR,
                            form_key=f"runlog:patient:{patient_id}") is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    again = RunLogTab(ctx)
    qtbot.addWidget(again)
    again.set_patient(patient_id)
    assert (again.form.amount.text(), again.form.pain_during.text()) == ("12", "3")
    assert again.form.run_date.date().toPython() == START
    assert again.save() is True
    assert drafts.get_draft(session_factory, actor=ACTOR,
                            form_key=f"runlog:patient:{patient_id}") is None


def test_discard_drops_the_entry_and_its_draft(qtbot, tab, session_factory, patient_id) -> None:
    type_run(qtbot, tab, START, "12", "3")
    tab.flush_draft()
    tab.discard_changes()
    assert not tab.has_unsaved_changes() and tab.form.amount.text() == ""
    assert drafts.get_draft(session_factory, actor=ACTOR,
                            form_key=f"runlog:patient:{patient_id}") is None
    assert list_runs(session_factory, patient_id, actor=ACTOR) == []


def test_models_pass_qtmodeltester(qtbot, tab, qtmodeltester) -> None:
    log_week(qtbot, tab, 1, "10", "1")
    type_run(qtbot, tab, START + timedelta(days=9), "11", "6", morning="Worse")
    assert tab.log_current_run()
    qtmodeltester.check(tab.runs_model)
    qtmodeltester.check(tab.weeks_model)
