"""Run plan tab (issue 14): running amounts from the evaluation follow the plan's measure.

km <-> mi are converted (rounded down: the last 7 days is the base the cap grows from);
distance <-> minutes are never guessed: the field is left for the clinician with a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from ptdesk.db.engine import SessionFactory
from ptdesk.services.clinic import update_settings
from ptdesk.services.evaluations import create_visit, save_evaluation
from ptdesk.ui.chart.runplan import RunPlanTab
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, ADMIN, full_evaluation, make_episode, make_patient


def _tab(qtbot, session_factory: SessionFactory, *, units: str = "mi",  # type: ignore[no-untyped-def]
         **subjective: object) -> RunPlanTab:
    update_settings(session_factory, actor=ADMIN, name="Clinic", default_units=units)
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=dt.date(2026, 10, 1), visit_type="initial_evaluation")
    evaluation = full_evaluation()
    evaluation = replace(evaluation, subjective=replace(evaluation.subjective, **subjective))
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=evaluation)
    widget = RunPlanTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(widget)
    widget.set_patient(patient.id)
    widget.resize(1280, 800)
    widget.show()
    return widget


def _texts(tab: RunPlanTab) -> dict[str, str]:
    return {name: tab.form.amounts[name].text()
            for name in ("current_run", "current_weekly", "goal_weekly")}


def _choose(tab: RunPlanTab, measure: str) -> None:
    tab.form.measure.setCurrentIndex(tab.form.measure.findData(measure))


def test_miles_charted_are_converted_into_a_km_plan(qtbot, session_factory) -> None:
    tab = _tab(qtbot, session_factory, units="km", current_weekly_volume=3.0,
               longest_recent_run=2.0, preinjury_weekly_volume=25.0, volume_unit="mi")
    form = tab.form
    assert form.measure.currentData() == "km"
    # 3 mi = 4.83 km, 2 mi = 3.22 km, 25 mi = 40.23 km: rounded down, never up.
    assert _texts(tab) == {"current_run": "3.2", "current_weekly": "4.8", "goal_weekly": "40.2"}
    note = form.carried_notes["current_weekly"]
    assert note.isVisible() and note.text() == "3 mi charted → 4.8 km"
    assert "rounded down" in note.toolTip()
    # The clinician still confirms last week's running before the plan can be saved.
    assert not form.weekly_confirmed.isChecked()
    assert "tick Confirmed" in form.errors["current_weekly"].text()
    form.weekly_confirmed.setChecked(True)
    first = tab.table_model.plan().weeks[0]  # type: ignore[union-attr]
    assert first.total <= Decimal("4.8") * Decimal("1.1")


def test_switching_the_measure_reconverts_an_untouched_prefill(qtbot, session_factory) -> None:
    tab = _tab(qtbot, session_factory, units="mi", current_weekly_volume=8.0,
               longest_recent_run=4.0, preinjury_weekly_volume=40.0, volume_unit="km")
    form = tab.form
    assert form.measure.currentData() == "mi"
    assert _texts(tab) == {"current_run": "2.4", "current_weekly": "4.9", "goal_weekly": "24.8"}
    _choose(tab, "km")  # back to the unit it was charted in: the charted numbers exactly
    assert _texts(tab) == {"current_run": "4", "current_weekly": "8", "goal_weekly": "40"}
    assert not form.carried_notes["current_weekly"].isVisible()
    _choose(tab, "minutes")  # a distance is not a time: nothing is guessed
    assert _texts(tab) == {"current_run": "", "current_weekly": "", "goal_weekly": ""}
    note = form.carried_notes["current_weekly"]
    assert note.isVisible() and "8 km" in note.text() and "minutes" in note.text()
    assert "Enter the running done in the last 7 days" in form.errors["current_weekly"].text() \
        or tab.table_model.rowCount() == 0
    # The clinician types the minutes; that number is theirs and stays when the measure changes.
    form.amounts["current_weekly"].setFocus()
    qtbot.keyClicks(form.amounts["current_weekly"], "50")
    assert not note.isVisible()
    _choose(tab, "mi")
    assert _texts(tab) == {"current_run": "2.4", "current_weekly": "50", "goal_weekly": "24.8"}


def test_a_walk_runner_charted_in_distance_gets_minutes_and_no_guessed_number(
        qtbot, session_factory) -> None:
    tab = _tab(qtbot, session_factory, units="mi", current_weekly_volume=1.5,
               longest_recent_run=0.5, preinjury_weekly_volume=15.0, volume_unit="mi")
    form = tab.form
    # Under 1 mile in one go is walk-run, planned in minutes (CLINICAL.md).
    assert form.measure.currentData() == "minutes"
    assert _texts(tab) == {"current_run": "", "current_weekly": "", "goal_weekly": ""}
    for name in ("current_run", "current_weekly", "goal_weekly"):
        assert form.carried_notes[name].isVisible()
        assert "enter minutes" in form.carried_notes[name].text()
        assert "depends on pace" in form.carried_notes[name].toolTip()
    assert tab.table_model.rowCount() == 0 and not tab.save_button.isEnabled()


def test_minutes_charted_stay_minutes_whatever_the_clinic_units(qtbot, session_factory) -> None:
    tab = _tab(qtbot, session_factory, units="km", current_weekly_volume=45.0,
               longest_recent_run=15.0, preinjury_weekly_volume=150.0, volume_unit="min")
    assert tab.form.measure.currentData() == "minutes"
    assert _texts(tab) == {"current_run": "15", "current_weekly": "45", "goal_weekly": "150"}
    _choose(tab, "km")
    assert _texts(tab) == {"current_run": "", "current_weekly": "", "goal_weekly": ""}
    assert "45 min" in tab.form.carried_notes["current_weekly"].text()


def test_a_restored_draft_is_not_reconverted(qtbot, session_factory) -> None:
    tab = _tab(qtbot, session_factory, units="mi", current_weekly_volume=8.0,
               longest_recent_run=4.0, preinjury_weekly_volume=40.0, volume_unit="km")
    texts = tab.form.raw_texts()
    tab.form.set_raw_texts({**texts, "current_weekly": "7"})
    _choose(tab, "km")
    assert tab.form.amounts["current_weekly"].text() == "7"
    assert tab.form.carried_fields() == ()
