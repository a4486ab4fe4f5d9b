"""Validation of return-to-run plan inputs and logged weeks: bad input names its field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import (
    PlanInputs,
    WeekLog,
    history_from_json,
    inputs_from_json,
    inputs_to_json,
)

START = dt.date(2027, 1, 4)


def _inputs(**changes: Any) -> PlanInputs:
    values: dict[str, Any] = {"measure": "km", "runs_per_week": 3, "current_run": 2,
                              "goal_weekly": 20, "start": START, "current_weekly": 6}
    values.update(changes)
    return PlanInputs(**values)


def _log(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"week": 1, "done_total": 4.0, "done_longest": 1.5, "pain_during": 2,
                             "next_morning": "same", "swelling": False, "limping": False}
    entry.update(changes)
    return entry


def test_valid_inputs_are_normalised_to_exact_decimals() -> None:
    inputs = _inputs(current_run=1.5, goal_weekly="20", goal_long_run=8, cap_pct=7.5)
    assert inputs.current_run == Decimal("1.5") and isinstance(inputs.current_run, Decimal)
    assert inputs.goal_weekly == Decimal(20) and inputs.cap_pct == Decimal("7.5")
    assert inputs.lighter_every is None and inputs.lighter_pct is None


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"measure": "furlongs"}, "measure", "minutes, km or mi"),
    ({"runs_per_week": 1}, "runs_per_week", "from 2 to 6"),
    ({"runs_per_week": 7}, "runs_per_week", "from 2 to 6"),
    ({"runs_per_week": True}, "runs_per_week", "whole number"),
    ({"current_run": 0}, "current_run", "more than 0"),
    ({"current_run": -1}, "current_run", "more than 0"),
    ({"current_run": "0.05"}, "current_run", "plan in minutes"),
    ({"measure": "minutes", "current_run": "0.5"}, "current_run", "too small"),
    ({"current_weekly": None}, "current_weekly", "last 7 days"),
    ({"current_weekly": -1}, "current_weekly", "from 0"),
    ({"current_weekly": 0}, "restart_weekly", "restart dose"),
    ({"current_weekly": 0, "restart_weekly": 0}, "restart_weekly", "more than 0"),
    ({"current_weekly": 1}, "current_weekly", "too little for 3 runs"),
    ({"taper_weeks": 1}, "taper_weeks", "race date"),
    ({"race_date": dt.date(2027, 3, 1), "taper_weeks": 3}, "taper_weeks", "from 0 to 2"),
    ({"long_run_max_pct": 32}, "long_run_max_pct", "from 33 to 50"),
    ({"long_run_max_pct": 51}, "long_run_max_pct", "from 33 to 50"),
    ({"goal_long_run": 9}, "goal_long_run", "more than 40%"),
    ({"lighter_every": 2, "lighter_pct": 80}, "lighter_every", "--lighter-every 4"),
    ({"start": dt.date(9999, 12, 31)}, "start", "from 1900-01-01"),
    ({"current_run": "abc"}, "current_run", "must be a number"),
    ({"current_run": float("nan")}, "current_run", "must be a number"),
    ({"current_run": "1.23456"}, "current_run", "at most 3 decimals"),
    ({"goal_weekly": 0}, "goal_weekly", "more than 0"),
    ({"goal_weekly": -5}, "goal_weekly", "more than 0"),
    ({"goal_weekly": 1}, "goal_weekly", "cannot be below the current run"),
    ({"goal_weekly": 5000}, "goal_weekly", "at most 500"),
    ({"goal_long_run": 0}, "goal_long_run", "more than 0"),
    ({"goal_long_run": 1}, "goal_long_run", "below the current run"),
    ({"goal_long_run": 25}, "goal_long_run", "more than the weekly goal"),
    ({"race_date": START}, "race_date", "after the start date"),
    ({"race_date": START - dt.timedelta(days=1)}, "race_date", "after the start date"),
    ({"start": "2027-01-04"}, "start", "calendar date"),
    ({"cap_pct": 15}, "cap_pct", "at most 10% (got 15%)"),
    ({"cap_pct": 0}, "cap_pct", "more than 0%"),
    ({"cap_pct": -2}, "cap_pct", "more than 0%"),
    ({"cap_pct": "10.01"}, "cap_pct", "at most 10%"),
    ({"lighter_every": 1}, "lighter_every", "from 2"),
    ({"lighter_every": 4, "lighter_pct": 40}, "lighter_pct", "from 50 to 95"),
    ({"lighter_every": 4, "lighter_pct": 99}, "lighter_pct", "from 50 to 95"),
    ({"lighter_pct": 80}, "lighter_every", "how often"),
])
def test_bad_input_names_its_field(changes: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _inputs(**changes)
    assert caught.value.field == field
    assert words in caught.value.message


def test_cap_of_exactly_ten_and_small_caps_are_accepted() -> None:
    assert _inputs(cap_pct=10).cap_pct == 10
    assert _inputs(cap_pct="0.5").cap_pct == Decimal("0.5")


def test_lighter_every_alone_defaults_to_eighty_percent() -> None:
    assert _inputs(lighter_every=4).lighter_pct == 80


@pytest.mark.parametrize(("entry", "words"), [
    (_log(week=2), "numbered 1, 2, 3"),
    (_log(done_total=-1), "cannot be negative"),
    (_log(done_longest=5.0), "cannot be more than the week's total"),
    (_log(done_longest=0), "give a longest run"),
    (_log(done_total="lots"), "must be a number"),
    (_log(pain_during=11), "from 0 to 10"),
    (_log(pain_during=2.5), "from 0 to 10"),
    (_log(next_morning="awful"), "better, same, stiff-settled or worse"),
    (_log(swelling="no"), "true or false"),
    (_log(done_total=0.04, done_longest=0.04), "cannot be counted"),
    ({"week": 1, "done_total": 4.0}, "missing"),
    (_log(pain=3), "unknown field"),
    ("week 1", "must be an object"),
])
def test_malformed_history_is_refused(entry: Any, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _inputs(history=history_from_json([entry]))
    assert caught.value.field == "history"
    assert words in caught.value.message


def test_history_must_be_a_list() -> None:
    with pytest.raises(ValidationError) as caught:
        history_from_json({"week": 1})
    assert caught.value.field == "history"


def test_history_entries_default_swelling_and_limping_to_false() -> None:
    entry = _log()
    del entry["swelling"], entry["limping"]
    (log,) = history_from_json([entry])
    assert log == WeekLog(1, Decimal("4.0"), Decimal("1.5"), 2, "same")


def test_inputs_round_trip_through_json() -> None:
    inputs = _inputs(current_run="1.5", goal_long_run=8, race_date=dt.date(2027, 5, 2),
                     cap_pct="7.5", lighter_every=4, lighter_pct=85,
                     history=history_from_json([_log(), _log(week=2, done_total=0,
                                                             done_longest=0)]))
    data = inputs_to_json(inputs)
    assert data["start"] == "2027-01-04" and data["cap_pct"] == 7.5
    assert inputs_from_json(data) == inputs


@pytest.mark.parametrize(("data", "field"), [
    ({"measure": "km"}, "runs_per_week"),
    ({"measure": "km", "runs_per_week": 3, "current_run": 2, "goal_weekly": 20,
      "start": "4 Jan"}, "start"),
    ({"measure": "km", "runs_per_week": 3, "current_run": 2, "goal_weekly": 20,
      "start": "2027-01-04", "colour": "red"}, "colour"),
])
def test_inputs_from_bad_json_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        inputs_from_json(data)
    assert caught.value.field == field
