"""Stored plans: JSON round trips keep every session detail; damaged data is refused clearly."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PlanInputs, WeekLog, build_plan, plan_from_json, plan_to_json

START = dt.date(2027, 1, 4)


@pytest.mark.parametrize("measure", ["minutes", "km", "mi"])
def test_walk_run_structure_survives_a_round_trip(measure: str) -> None:
    current = Decimal(7) if measure == "minutes" else Decimal("1.3")
    plan = build_plan(PlanInputs(measure, 4, current, current * 12,  # type: ignore[arg-type]
                                 start=START, lighter_every=3))
    restored = plan_from_json(json.loads(json.dumps(plan_to_json(plan))))
    assert restored == plan
    walk_runs = [s for week in restored.weeks for s in week.sessions if s.is_walk_run]
    assert walk_runs
    assert any(session.final_run is not None for session in walk_runs)
    for session in walk_runs:
        assert session.run_interval is not None and session.walk_interval is not None
        assert session.repeats is not None
        assert (session.run_interval * session.repeats + (session.final_run or 0)
                == session.run)


def test_minutes_print_as_whole_numbers_and_distances_with_one_decimal() -> None:
    minutes = plan_to_json(build_plan(PlanInputs("minutes", 3, 25, 120, start=START)))
    assert all(isinstance(week["total"], int) for week in minutes["weeks"])
    km = plan_to_json(build_plan(PlanInputs("km", 3, 4, 20, start=START)))
    assert all(isinstance(week["total"], float) for week in km["weeks"])
    assert km["weeks"][0]["total"] == 12.0


def test_a_stop_after_red_flags_keeps_later_logged_weeks_as_rest_weeks() -> None:
    history = (WeekLog(1, Decimal(1), Decimal(1), 8, "worse", limping=True),
               WeekLog(2, Decimal(2), Decimal(1), 1, "same"))
    plan = build_plan(PlanInputs("minutes", 2, 1, 20, start=START, history=history))
    assert len(plan.weeks) == 2 and plan.goal_week is None
    rest = plan.weeks[1]
    assert rest.total == 0 and rest.longest == 0 and rest.done == history[1]
    assert "See your clinician" in rest.sessions[0].description
    assert plan_from_json(plan_to_json(plan)) == plan


@pytest.mark.parametrize("damage", [
    lambda data: data.pop("weeks"),
    lambda data: data.update(measure="leagues"),
    lambda data: data["weeks"][0].update(decision="maybe"),
    lambda data: data["weeks"][0]["sessions"][0].update(run="far"),
    lambda data: data["weeks"][0].update(start="Monday"),
])
def test_damaged_stored_plans_are_refused(damage: object) -> None:
    data = plan_to_json(build_plan(PlanInputs("km", 3, 2, 8, start=START)))
    damage(data)  # type: ignore[operator]
    with pytest.raises(ValidationError) as caught:
        plan_from_json(data)
    assert caught.value.field == "plan"


def test_a_stored_plan_must_be_an_object() -> None:
    with pytest.raises(ValidationError):
        plan_from_json([1, 2, 3])
