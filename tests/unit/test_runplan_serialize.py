"""Stored plans: JSON round trips keep every session detail; damaged data is refused clearly."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PlanInputs, WeekLog, build_plan, plan_from_json, plan_to_json

START = dt.date(2027, 1, 4)


def test_walk_run_structure_survives_a_round_trip() -> None:
    plan = build_plan(PlanInputs("minutes", 4, 7, 84, start=START, current_weekly=28,
                                 lighter_every=4, race_date=dt.date(2027, 4, 3)))
    restored = plan_from_json(json.loads(json.dumps(plan_to_json(plan))))
    assert restored == plan
    walk_runs = [s for week in restored.weeks for s in week.sessions if s.is_walk_run]
    assert walk_runs and any(s.intervals and s.intervals.then_run_s for s in walk_runs)
    for session in walk_runs:
        assert session.intervals is not None
        assert session.intervals.running_s == session.run * 60
    assert any(session.race for week in restored.weeks for session in week.sessions)
    assert any(week.taper for week in restored.weeks)


def test_plans_stored_before_issue_14_still_load() -> None:
    data = plan_to_json(build_plan(PlanInputs("km", 3, 2, 8, start=START, current_weekly=6)))
    for key in ("paused", "restart"):
        data.pop(key)
    for week in data["weeks"]:
        week.pop("version")
        for session in week["sessions"]:
            session.pop("intervals")
            session.pop("race")
    plan = plan_from_json(data)
    assert not plan.paused and all(week.version == 1 for week in plan.weeks)


def test_minutes_print_as_exact_decimals_and_distances_as_floats() -> None:
    minutes = plan_to_json(build_plan(PlanInputs("minutes", 3, 25, 120, start=START,
                                                 current_weekly=60)))
    assert minutes["weeks"][0]["total"] == 66
    assert all(Decimal(str(week["total"])) * 20 % 1 == 0 for week in minutes["weeks"])
    km = plan_to_json(build_plan(PlanInputs("km", 3, 4, 20, start=START, current_weekly=12)))
    assert all(isinstance(week["total"], float) for week in km["weeks"])
    assert km["weeks"][0]["total"] == 13.2


def test_two_red_weeks_pause_and_round_trip() -> None:
    history = (WeekLog(1, Decimal(3), Decimal(1), 8, "worse", limping=True),
               WeekLog(2, Decimal(2), Decimal(1), 7, "worse"))
    plan = build_plan(PlanInputs("minutes", 2, 2, 20, start=START, current_weekly=4,
                                 history=history))
    assert len(plan.weeks) == 2 and plan.goal_week is None and plan.paused
    assert plan_from_json(plan_to_json(plan)) == plan


@pytest.mark.parametrize("damage", [
    lambda data: data.pop("weeks"),
    lambda data: data.update(measure="leagues"),
    lambda data: data["weeks"][0].update(decision="maybe"),
    lambda data: data["weeks"][0]["sessions"][0].update(run="far"),
    lambda data: data["weeks"][0].update(start="Monday"),
])
def test_damaged_stored_plans_are_refused(damage: object) -> None:
    data = plan_to_json(build_plan(PlanInputs("km", 3, 2, 8, start=START, current_weekly=6)))
    damage(data)  # type: ignore[operator]
    with pytest.raises(ValidationError) as caught:
        plan_from_json(data)
    assert caught.value.field == "plan"


def test_a_stored_plan_must_be_an_object() -> None:
    with pytest.raises(ValidationError):
        plan_from_json([1, 2, 3])
