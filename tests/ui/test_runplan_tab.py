"""Run plan tab: live preview under the cap, field errors, save as active, reopen, drafts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Episode, RunPlan
from ptdesk.services.clinic import update_settings
from ptdesk.services.evaluations import create_visit, save_evaluation
from ptdesk.services.runplans import active_plan, list_plans
from ptdesk.ui.chart.runplan import RunPlanTab
from ptdesk.ui.chart.runplan.plan_table_model import LONGEST, TOTAL, VALUE_ROLE
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, ADMIN, full_evaluation, make_episode, make_patient


@pytest.fixture
def tab(qtbot, session_factory: SessionFactory) -> RunPlanTab:  # type: ignore[no-untyped-def]
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    widget = RunPlanTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(widget)
    widget.set_patient(patient.id)
    widget.resize(1280, 800)
    widget.show()
    return widget


def type_into(qtbot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def column_values(tab: RunPlanTab, column: int) -> list[Decimal]:
    model = tab.table_model
    return [model.index(row, column).data(VALUE_ROLE) for row in range(model.rowCount())]


def assert_capped(values: list[Decimal], cap_pct: Decimal) -> None:
    for before, after in zip(values, values[1:], strict=False):
        assert after <= before * (1 + cap_pct / 100), (before, after)


def test_typing_inputs_builds_a_capped_preview(tab, qtbot) -> None:
    form = tab.form
    assert tab.table_model.rowCount() == 0
    assert "Enter the current continuous run" in tab.stale.text()
    assert not form.errors["current_run"].isVisible()  # a blank form is not scolded
    type_into(qtbot, form.amounts["current_run"], "3")
    type_into(qtbot, form.amounts["current_weekly"], "9")
    type_into(qtbot, form.amounts["goal_weekly"], "20")
    rows = tab.table_model.rowCount()
    assert rows > 5
    totals = column_values(tab, TOTAL)
    assert_capped(totals, Decimal(10))
    assert_capped(column_values(tab, LONGEST), Decimal(10))
    assert totals[-1] >= 20
    assert tab.table.isEnabled() and tab.save_button.isEnabled()
    assert "reached in week" in tab.summary.text()
    # A lower cap gives a longer plan that still respects the lower cap.
    form.cap_pct.setValue(5)
    assert tab.table_model.rowCount() > rows
    assert_capped(column_values(tab, TOTAL), Decimal(5))
    assert column_values(tab, TOTAL)[-1] >= 20


def test_cap_field_refuses_more_than_ten(tab, qtbot) -> None:
    cap = tab.form.cap_pct
    assert cap.value() == 10 and cap.maximum() == 10
    cap.lineEdit().selectAll()
    qtbot.keyClicks(cap, "15")
    assert cap.value() <= 10
    cap.setValue(15)
    assert cap.value() == 10


def test_invalid_goal_is_explained_next_to_the_field_and_kept(tab, qtbot) -> None:
    form = tab.form
    type_into(qtbot, form.amounts["current_run"], "2")
    type_into(qtbot, form.amounts["current_weekly"], "6")
    type_into(qtbot, form.amounts["goal_weekly"], "18")
    rows = tab.table_model.rowCount()
    type_into(qtbot, form.amounts["goal_weekly"], "1")
    error = form.errors["goal_weekly"]
    assert error.isVisible() and "cannot be below the current run" in error.text()
    assert form.amounts["goal_weekly"].text() == "1"
    assert not form.errors["current_run"].isVisible()
    # The last valid plan stays, greyed, and cannot be saved.
    assert tab.table_model.rowCount() == rows and not tab.table.isEnabled()
    assert not tab.save_button.isEnabled()
    assert "last valid plan" in tab.stale.text()
    type_into(qtbot, form.amounts["goal_weekly"], "lots")
    assert "must be a number" in error.text()
    assert tab.save() is False
    assert form.amounts["goal_weekly"].text() == "lots"
    type_into(qtbot, form.amounts["goal_weekly"], "18")
    assert not error.isVisible() and tab.table.isEnabled()


def test_race_too_soon_is_warned(tab, qtbot) -> None:
    form = tab.form
    type_into(qtbot, form.amounts["current_run"], "1")
    type_into(qtbot, form.amounts["current_weekly"], "3")
    type_into(qtbot, form.amounts["goal_weekly"], "25")
    assert tab.warning_frame.isHidden()
    form.has_race.setChecked(True)
    form.race_date.setDate(form.start.date().addDays(28))
    assert not tab.warning_frame.isHidden()
    assert "race" in tab.warnings.text()


def test_save_makes_the_active_plan_with_the_previewed_weeks(tab, session_factory, qtbot) -> None:
    form = tab.form
    type_into(qtbot, form.amounts["current_run"], "3")
    type_into(qtbot, form.amounts["current_weekly"], "9")
    type_into(qtbot, form.amounts["goal_weekly"], "30")
    form.has_lighter.setChecked(True)
    assert tab.has_unsaved_changes()
    previewed = tab.table_model.plan()
    assert tab.save() is True
    assert not tab.has_unsaved_changes()
    stored = active_plan(session_factory, tab._patient_id, actor=ACTOR)
    assert stored is not None
    assert [(w.week, w.start, w.total, w.longest, w.lighter) for w in stored.plan.weeks] == [
        (w.week, w.start, w.total, w.longest, w.lighter) for w in previewed.weeks]
    assert any(w.lighter for w in stored.plan.weeks)
    assert tab.saved_model.rowCount() == 1

    # Change the inputs, save again; the first plan stays as an earlier plan and reopens.
    type_into(qtbot, form.amounts["goal_weekly"], "40")
    assert tab.save()
    plans = list_plans(session_factory, tab._patient_id, actor=ACTOR)
    assert [p.status for p in plans] == ["active", "archived"]
    tab.saved.setCurrentIndex(tab.saved_model.index(1, 0))
    tab.open_button.click()
    assert form.amounts["goal_weekly"].text() == "30"
    assert form.has_lighter.isChecked()
    assert tab.has_unsaved_changes()


def test_default_units_come_from_clinic_settings(qtbot, session_factory) -> None:
    update_settings(session_factory, actor=ADMIN, name="Clinic", default_units="km")
    patient = make_patient(session_factory)
    widget = RunPlanTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(widget)
    widget.set_patient(patient.id)
    assert widget.form.measure.currentData() == "km"
    assert widget.form.units["goal_weekly"].text() == "km a week"


def test_prefill_from_the_evaluation_running_history(qtbot, session_factory) -> None:
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=dt.date(2026, 10, 1), visit_type="initial_evaluation")
    evaluation = full_evaluation()
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=evaluation)
    widget = RunPlanTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(widget)
    widget.set_patient(patient.id)
    s = evaluation.subjective
    assert widget.form.measure.currentData() == "mi"
    assert Decimal(widget.form.amounts["current_run"].text()) == Decimal(str(s.longest_recent_run))
    assert Decimal(widget.form.amounts["goal_weekly"].text()) == Decimal(
        str(s.preinjury_weekly_volume))
    if s.goal_race_date > dt.date.today():
        assert widget.form.has_race.isChecked()
        assert widget.form.race_date.date().toPython() == s.goal_race_date
    # Last week's running comes from the evaluation and waits for the clinician's check.
    assert Decimal(widget.form.amounts["current_weekly"].text()) == Decimal(
        str(s.current_weekly_volume))
    assert not widget.form.weekly_confirmed.isChecked()
    assert not widget.has_unsaved_changes()
    assert widget.table_model.rowCount() == 0 and not widget.save_button.isEnabled()
    assert "tick Confirmed" in widget.form.errors["current_weekly"].text()
    widget.form.weekly_confirmed.setChecked(True)
    assert widget.table_model.rowCount() > 0 and widget.save_button.isEnabled()
    first = widget.table_model.plan().weeks[0]  # type: ignore[union-attr]
    assert first.total <= Decimal(str(s.current_weekly_volume)) * Decimal("1.1")


def test_draft_survives_and_is_offered_back(tab, session_factory, qtbot, monkeypatch) -> None:
    type_into(qtbot, tab.form.amounts["current_run"], "2")
    type_into(qtbot, tab.form.amounts["current_weekly"], "6")
    type_into(qtbot, tab.form.amounts["goal_weekly"], "nonsense")
    tab.flush_draft()
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    reopened = RunPlanTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(reopened)
    reopened.set_patient(tab._patient_id)
    # Even the invalid text comes back, with its message.
    assert reopened.form.amounts["goal_weekly"].text() == "nonsense"
    assert reopened.form.errors["goal_weekly"].text()
    assert reopened.has_unsaved_changes()


def test_models_pass_qtmodeltester(tab, qtbot, qtmodeltester) -> None:
    type_into(qtbot, tab.form.amounts["current_run"], "10")
    type_into(qtbot, tab.form.amounts["current_weekly"], "30")
    type_into(qtbot, tab.form.amounts["goal_weekly"], "120")
    tab.form.measure.setCurrentIndex(tab.form.measure.findData("minutes"))
    assert tab.table_model.rowCount() > 0
    assert tab.table_model.index(0, TOTAL).data(Qt.ItemDataRole.DisplayRole).endswith("min")
    qtmodeltester.check(tab.table_model)
    assert tab.save()
    qtmodeltester.check(tab.saved_model)


def test_pain_rule_thresholds_are_checked_and_saved(tab, session_factory, qtbot) -> None:
    form = tab.form
    type_into(qtbot, form.amounts["current_run"], "20")
    type_into(qtbot, form.amounts["current_weekly"], "60")
    type_into(qtbot, form.amounts["goal_weekly"], "150")
    form.measure.setCurrentIndex(form.measure.findData("minutes"))
    form.progress_max_pain.setValue(6)
    assert "higher than" in form.errors["hold_max_pain"].text()
    assert not tab.save_button.isEnabled()
    form.hold_max_pain.setValue(7)
    assert not form.errors["hold_max_pain"].isVisible()
    form.cap_pct.setValue(7.5)
    assert tab.save()
    stored = active_plan(session_factory, tab._patient_id, actor=ACTOR)
    assert (stored.rules.progress_max_pain, stored.rules.hold_max_pain) == (6, 7)
    assert stored.inputs.cap_pct == Decimal("7.5") and stored.inputs.measure == "minutes"


def test_save_files_under_the_active_episode_in_its_own_transaction(tab, session_factory, qtbot,
                                                                    monkeypatch) -> None:
    # The episode is looked up inside the save's transaction, not read separately first.
    def separate_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the episode was read in a transaction of its own")

    monkeypatch.setattr("ptdesk.services.episodes.list_episodes", separate_read)
    type_into(qtbot, tab.form.amounts["current_run"], "3")
    type_into(qtbot, tab.form.amounts["current_weekly"], "9")
    type_into(qtbot, tab.form.amounts["goal_weekly"], "30")
    assert tab.save()
    with session_factory() as session:
        row = session.scalars(select(RunPlan)).one()
        episode = session.scalars(select(Episode)).one()
    assert row.episode_id == episode.id


def test_a_distance_run_under_the_floor_switches_to_minutes_and_says_why(tab, qtbot) -> None:
    form = tab.form
    form.measure.setCurrentIndex(form.measure.findData("km"))
    type_into(qtbot, form.amounts["current_run"], "1")
    type_into(qtbot, form.amounts["current_weekly"], "3")
    type_into(qtbot, form.amounts["goal_weekly"], "20")
    assert "plan in minutes" in form.errors["current_run"].text()
    assert tab.switch_minutes.isVisibleTo(tab)
    qtbot.mouseClick(tab.switch_minutes, Qt.MouseButton.LeftButton)
    assert form.measure.currentData() == "minutes"
    assert "walk-run" in tab.switch_reason.text() and tab.switch_reason.isVisibleTo(tab)
    type_into(qtbot, form.amounts["current_run"], "4")
    type_into(qtbot, form.amounts["current_weekly"], "12")
    type_into(qtbot, form.amounts["goal_weekly"], "90")
    assert tab.table_model.rowCount() > 5 and not tab.switch_minutes.isVisibleTo(tab)


def test_editing_a_started_plan_keeps_past_weeks_and_pause_resume(qtbot, session_factory,
                                                                   monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from ptdesk.domain.runplan import PlanInputs
    from ptdesk.services.runplans import active_plan, save_plan

    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    start = dt.date.today() - dt.timedelta(days=15)  # week 3 is under way
    old = save_plan(session_factory, actor=ACTOR, patient_id=patient.id,
                    inputs=PlanInputs("km", 3, 3, 30, current_weekly=9, start=start))
    widget = RunPlanTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(widget)
    widget.set_patient(patient.id)
    type_into(qtbot, widget.form.amounts["goal_weekly"], "25")
    assert widget.save()
    new = active_plan(session_factory, patient.id, actor=ACTOR)
    assert new is not None and (new.plan_version, new.from_week) == (2, 3)
    assert new.plan.weeks[:2] == old.plan.weeks[:2]
    bar = widget.pause_bar
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert bar.pause()
    assert active_plan(session_factory, patient.id, actor=ACTOR).plan.paused
    assert "contact the clinic" in bar.banner.text() and bar.resume_button.isVisibleTo(widget)
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (8.0, True))
    assert bar.resume()
    resumed = active_plan(session_factory, patient.id, actor=ACTOR)
    assert not resumed.plan.paused and resumed.plan_version == 4


def test_taper_long_run_share_and_missed_week_rule_are_set_in_the_form(tab, session_factory,
                                                                       qtbot) -> None:
    from ptdesk.services.runplans import active_plan

    form = tab.form
    assert not form.extra["taper_weeks"].isEnabled()  # only with a race
    type_into(qtbot, form.amounts["current_run"], "3")
    type_into(qtbot, form.amounts["current_weekly"], "9")
    type_into(qtbot, form.amounts["goal_weekly"], "30")
    type_into(qtbot, form.amounts["goal_long_run"], "13")
    assert "more than 40%" in form.errors["goal_long_run"].text()
    form.extra["long_run_max_pct"].setValue(45)
    assert tab.table_model.rowCount() > 0
    form.has_race.setChecked(True)
    form.extra["taper_weeks"].setValue(2)
    form.extra["short_gap_pct"].setValue(60)
    assert tab.save()
    stored = active_plan(session_factory, tab._patient_id, actor=ACTOR)
    assert stored.inputs.long_run_max_pct == 45 and stored.inputs.taper_weeks == 2
    assert stored.gaps.short_gap_pct == 60
    assert sum(1 for week in stored.plan.weeks if week.taper) == 2
