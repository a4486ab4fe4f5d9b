"""Property-based tests: the plan's invariants hold on the printed (JSON) numbers for any input."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdesk.domain.runplan import (
    HORIZON_WEEKS,
    PainRules,
    Plan,
    PlanInputs,
    WeekLog,
    build_plan,
    decide,
    inputs_from_json,
    inputs_to_json,
    plan_from_json,
    plan_to_json,
)

SCALE = {"minutes": 1, "km": 10, "mi": 10}
MAX_WEEKLY = {"minutes": 3000, "km": 500, "mi": 300}
TOP_KEYS = {"measure", "cap_pct", "weeks", "goal_week", "goal_date", "race_ready", "warnings"}
WEEK_KEYS = {"week", "start", "total", "longest", "lighter", "sessions", "done", "decision"}
SESSION_KEYS = {"date", "run", "walk", "description"}
SETTINGS = settings(max_examples=1500, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def D(value: Any) -> Decimal:  # noqa: N802 - reads like the Decimal it makes
    """The exact decimal a JSON reader sees for a printed number."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    return Decimal(str(value))


@st.composite
def amounts(draw: st.DrawFn, measure: str, low_steps: int, high_steps: int) -> Decimal:
    """An amount in the measure; sometimes off the printed step, to exercise rounding."""
    scale = SCALE[measure]
    steps = draw(st.integers(low_steps, high_steps))
    value = Decimal(steps) / scale
    if draw(st.integers(0, 4)) == 0:
        value += Decimal(draw(st.integers(1, 9))) / (scale * 100)
    return value


@st.composite
def logs(draw: st.DrawFn, measure: str, weeks: int, goal_steps: int) -> tuple[WeekLog, ...]:
    scale = SCALE[measure]
    entries = []
    for week in range(1, weeks + 1):
        if draw(st.integers(0, 9)) == 0:  # a missed week
            total = longest = Decimal(0)
        else:
            total_steps = draw(st.integers(1, max(2, goal_steps * 2)))
            longest_steps = draw(st.integers(1, total_steps))
            total, longest = Decimal(total_steps) / scale, Decimal(longest_steps) / scale
        pain = draw(st.one_of(st.integers(0, 3), st.integers(0, 10)))
        morning = draw(st.sampled_from(["better", "same", "same", "worse"]))
        swelling = draw(st.integers(0, 9)) == 0
        limping = draw(st.integers(0, 9)) == 0
        entries.append(WeekLog(week, total, longest, pain, morning, swelling, limping))
    return tuple(entries)


@st.composite
def plan_inputs(draw: st.DrawFn, max_history: int = 0) -> PlanInputs:
    measure = draw(st.sampled_from(["minutes", "km", "mi"]))
    scale = SCALE[measure]
    runs = draw(st.integers(2, 6))
    # Tiny starts (where rounding down can stall growth) get as much attention as normal ones.
    top = draw(st.sampled_from([15, 60, 300]))
    current = draw(amounts(measure, 1, top))
    max_goal_steps = MAX_WEEKLY[measure] * scale
    low_goal = math.ceil(current * scale)
    goal_steps = draw(st.integers(low_goal, max(low_goal, min(max_goal_steps,
                                                              low_goal * draw(st.integers(1, 40))))))
    goal = Decimal(goal_steps) / scale
    goal_long = None
    if draw(st.booleans()):
        goal_long = Decimal(draw(st.integers(low_goal, goal_steps))) / scale
    cap = draw(st.one_of(st.just(Decimal(10)),
                         st.decimals(min_value=Decimal("0.1"), max_value=Decimal(10), places=1),
                         st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10), places=2)))
    lighter_every = lighter_pct = None
    if draw(st.integers(0, 2)) == 0:
        lighter_every = draw(st.integers(2, 8))
        lighter_pct = draw(st.integers(50, 95))
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)))
    race = None
    if draw(st.booleans()):
        race = start + dt.timedelta(days=draw(st.integers(1, 450)))
    history = draw(logs(measure, draw(st.integers(0, max_history)), goal_steps))
    return PlanInputs(measure, runs, current, goal, goal_long_run=goal_long,  # type: ignore[arg-type]
                      start=start, race_date=race, cap_pct=cap, lighter_every=lighter_every,
                      lighter_pct=lighter_pct, history=history)


def _check_shape(inputs: PlanInputs, data: dict[str, Any]) -> None:
    assert set(data) == TOP_KEYS
    json.dumps(data)
    for index, week in enumerate(data["weeks"]):
        assert set(week) == WEEK_KEYS
        assert week["week"] == index + 1
        start = inputs.start + dt.timedelta(weeks=index)
        assert week["start"] == start.isoformat()
        runs = [D(session["run"]) for session in week["sessions"]]
        assert 1 <= len(runs) <= inputs.runs_per_week
        assert D(week["total"]) == sum(runs)
        assert D(week["longest"]) == max(runs)
        dates = [dt.date.fromisoformat(session["date"]) for session in week["sessions"]]
        assert dates == sorted(set(dates))
        assert start <= dates[0] and dates[-1] <= start + dt.timedelta(days=6)
        if D(week["total"]) == 0:
            # Stopped after red flags: a logged week shown with a rest day, nothing to run.
            assert index < len(inputs.history) and len(runs) == 1
            assert "No running" in week["sessions"][0]["description"]
        for session in week["sessions"]:
            assert set(session) == SESSION_KEYS
            assert D(session["walk"]) >= 0 and (D(session["run"]) > 0 or D(week["total"]) == 0)
            for key in ("run", "walk"):
                value = session[key]
                if inputs.measure == "minutes":
                    assert isinstance(value, int)
                else:
                    assert isinstance(value, float)
                    assert D(value) == D(value).quantize(Decimal("0.1"))


def _check_cap(inputs: PlanInputs, data: dict[str, Any]) -> None:
    weeks = data["weeks"]
    factor = 1 + D(data["cap_pct"]) / 100
    assert D(data["cap_pct"]) == inputs.cap_pct
    assert D(weeks[0]["longest"]) <= inputs.current_run
    assert D(weeks[0]["total"]) <= inputs.runs_per_week * inputs.current_run
    for before, week in zip(weeks, weeks[1:], strict=False):
        assert D(week["total"]) <= D(before["total"]) * factor
        assert D(week["longest"]) <= D(before["longest"]) * factor
        if week["lighter"]:
            assert inputs.lighter_every and week["week"] % inputs.lighter_every == 0
            assert D(week["total"]) <= D(before["total"]) * Decimal(inputs.lighter_pct or 0) / 100


def _meets(inputs: PlanInputs, total: Decimal, longest: Decimal) -> bool:
    return total >= inputs.goal_weekly and (inputs.goal_long_run is None
                                            or longest >= inputs.goal_long_run)


def _check_goal_and_race(inputs: PlanInputs, data: dict[str, Any]) -> None:
    weeks, history = data["weeks"], inputs.history
    planned = weeks[len(history):]
    goal_week = data["goal_week"]
    if goal_week is None:
        assert data["goal_date"] is None and data["warnings"]
        # It stopped for a reason: the horizon, a stall, or a stop after red flags.
        assert len(weeks) == HORIZON_WEEKS or any(
            "cannot grow" in text or "stop running" in text for text in data["warnings"])
    else:
        assert goal_week == len(weeks)
        goal_date = inputs.start + dt.timedelta(weeks=goal_week - 1)
        assert data["goal_date"] == goal_date.isoformat()
        last = weeks[-1]
        if last["done"] is None:
            assert _meets(inputs, D(last["total"]), D(last["longest"]))
        else:
            assert _meets(inputs, D(last["done"]["done_total"]), D(last["done"]["done_longest"]))
        for week in planned[:-1]:
            assert not _meets(inputs, D(week["total"]), D(week["longest"]))
    if inputs.race_date is None:
        assert data["race_ready"] is None
    else:
        ready = goal_week is not None and data["goal_date"] <= inputs.race_date.isoformat()
        assert data["race_ready"] is ready
        if not ready:
            cap_text = f"≤{format(inputs.cap_pct.normalize(), 'f')}% a week"
            assert any(cap_text in text and "race" in text for text in data["warnings"])


def _steps(value: Any, measure: str) -> int:
    return int(D(value) * SCALE[measure])


def _check_growth(inputs: PlanInputs, data: dict[str, Any]) -> None:
    """Where the cap leaves room for a bigger printed week, the plan takes it."""
    measure, runs = inputs.measure, inputs.runs_per_week
    factor = 1 + inputs.cap_pct / 100
    goal_total = math.ceil(inputs.goal_weekly * SCALE[measure])
    goal_long = (0 if inputs.goal_long_run is None
                 else math.ceil(inputs.goal_long_run * SCALE[measure]))
    weeks = data["weeks"]
    for before, week in zip(weeks[len(inputs.history):], weeks[len(inputs.history) + 1:],
                            strict=False):
        if week["lighter"]:
            continue
        total, longest = _steps(before["total"], measure), _steps(before["longest"], measure)
        room_total = math.floor(total * factor)
        room_long = math.floor(longest * factor)
        if total < goal_total and min(room_total, runs * room_long) > total:
            assert _steps(week["total"], measure) > total
        if total >= goal_total and longest < goal_long and room_long > longest:
            assert _steps(week["longest"], measure) > longest
    # A lighter week must not undo the gains: by the next lighter week the plan is past it.
    every = inputs.lighter_every
    for index, week in enumerate(weeks):
        if not week["lighter"] or index <= len(inputs.history) or every is None:
            continue
        if index + every - 1 >= len(weeks):
            continue
        peak, later = weeks[index - 1], weeks[index + every - 1]
        if D(peak["total"]) < inputs.goal_weekly:
            assert D(later["total"]) > D(peak["total"])
        else:
            assert D(later["longest"]) > D(peak["longest"])


def _check_history(inputs: PlanInputs, data: dict[str, Any], rules: PainRules) -> None:
    weeks = data["weeks"]
    factor = 1 + inputs.cap_pct / 100
    last_done: WeekLog | None = None
    for index, log in enumerate(inputs.history):
        week = weeks[index]
        decision = decide(log, rules)
        assert week["decision"] == decision
        assert D(week["done"]["done_total"]) == log.done_total
        assert week["done"]["next_morning"] == log.next_morning
        if log.done_total > 0:
            last_done = log
        if index + 1 >= len(weeks) or last_done is None:
            continue
        following = weeks[index + 1]
        done_total = last_done.done_total
        if decision == "progress":
            assert D(following["total"]) <= done_total * factor
            assert D(following["longest"]) <= last_done.done_longest * factor
        elif decision == "hold":
            assert D(following["total"]) <= done_total
        else:
            assert D(following["total"]) < done_total
    for week in weeks[len(inputs.history):]:
        assert week["done"] is None and week["decision"] is None


def _check_all(inputs: PlanInputs, plan: Plan, rules: PainRules) -> None:
    data = plan_to_json(plan)
    _check_shape(inputs, data)
    _check_cap(inputs, data)
    _check_goal_and_race(inputs, data)
    _check_growth(inputs, data)
    _check_history(inputs, data, rules)
    assert plan_from_json(json.loads(json.dumps(data))) == plan


@SETTINGS
@given(plan_inputs())
def test_fresh_plans_keep_every_invariant(inputs: PlanInputs) -> None:
    _check_all(inputs, build_plan(inputs), PainRules())


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_inputs(max_history=10),
       st.tuples(st.integers(0, 8), st.integers(1, 9)).filter(lambda t: t[0] < t[1]))
def test_replanned_plans_keep_every_invariant(inputs: PlanInputs,
                                              limits: tuple[int, int]) -> None:
    rules = PainRules(*limits)
    plan = build_plan(inputs, rules)
    _check_all(inputs, plan, rules)
    assert inputs_from_json(json.loads(json.dumps(inputs_to_json(inputs)))) == inputs


@settings(max_examples=600, deadline=None)
@given(measure=st.sampled_from(["minutes", "km", "mi"]), runs=st.integers(2, 6),
       current_steps=st.integers(1, 12), goal_factor=st.integers(1, 30),
       cap=st.sampled_from([Decimal(10), Decimal("7.5"), Decimal(5), Decimal(1)]))
def test_tiny_starts_grow_when_the_cap_allows_and_warn_when_it_does_not(
        measure: str, runs: int, current_steps: int, goal_factor: int, cap: Decimal) -> None:
    scale = SCALE[measure]
    current = Decimal(current_steps) / scale
    goal = Decimal(current_steps * runs * goal_factor) / scale
    inputs = PlanInputs(measure, runs, current, goal,  # type: ignore[arg-type]
                        start=dt.date(2027, 1, 4), cap_pct=cap)
    plan = build_plan(inputs)
    _check_all(inputs, plan, PainRules())
    can_grow = math.floor(current_steps * (1 + cap / 100)) > current_steps
    if goal_factor > 1 and not can_grow:
        # The longest run cannot grow by a printed step: honest warning, nothing inflated.
        assert plan.goal_week is None
        assert any("cannot grow" in text for text in plan.warnings)
    if goal_factor > 1 and can_grow:
        assert plan.weeks[1].total > plan.weeks[0].total
