"""Property-based tests: the plan's rules hold on the printed (JSON) numbers for any input."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ptdesk.domain.errors import ValidationError
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
from ptdesk.domain.runplan.inputs import cycle_gain, long_run_share

STEPS = 20  # printed steps per unit: 3 s, or 0.05 km/mi
FLOOR = {"minutes": Decimal(1), "km": Decimal("1.5"), "mi": Decimal(1)}
MAX_WEEKLY = {"minutes": 3000, "km": 500, "mi": 300}
TOP_KEYS = {"measure", "cap_pct", "weeks", "goal_week", "goal_date", "race_ready", "warnings",
            "paused", "restart"}
WEEK_KEYS = {"week", "start", "total", "longest", "lighter", "sessions", "done", "decision",
             "version"}
SESSION_KEYS = {"date", "run", "walk", "description", "intervals", "race"}
SETTINGS = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def D(value: Any) -> Decimal:  # noqa: N802 - reads like the Decimal it makes
    """The exact decimal a JSON reader sees for a printed number."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    return Decimal(str(value))


def _amount(draw: st.DrawFn, low: Decimal, high: Decimal) -> Decimal:
    """An amount between low and high, sometimes off the printed step (rounding)."""
    steps = draw(st.integers(math.ceil(low * STEPS), max(math.ceil(low * STEPS),
                                                         math.floor(high * STEPS))))
    value = Decimal(steps) / STEPS
    if draw(st.integers(0, 4)) == 0:
        value += Decimal(draw(st.integers(1, 9))) / 1000
    return value


@st.composite
def logs(draw: st.DrawFn, weeks: int, goal: Decimal) -> tuple[WeekLog, ...]:
    entries = []
    for week in range(1, weeks + 1):
        kind = draw(st.integers(0, 9))
        if kind == 0:  # a missed week
            entries.append(WeekLog(week, Decimal(0), Decimal(0), 0, "same"))
            continue
        total = _amount(draw, Decimal(1), goal * 2)
        longest = min(_amount(draw, Decimal("0.05"), total), total)
        pain = draw(st.one_of(st.integers(0, 3), st.integers(0, 10)))
        morning = draw(st.sampled_from(["better", "same", "same", "stiff-settled", "worse"]))
        entries.append(WeekLog(week, total, longest, pain, morning,
                               draw(st.integers(0, 9)) == 0, draw(st.integers(0, 9)) == 0))
    return tuple(entries)


@st.composite
def plan_inputs(draw: st.DrawFn, max_history: int = 0, min_cap: Decimal = Decimal("0.5"),
                race: bool | None = None, lighter: bool | None = None) -> PlanInputs:
    measure = draw(st.sampled_from(["minutes", "km", "mi"]))
    runs = draw(st.integers(2, 6))
    top = Decimal(draw(st.sampled_from([3, 10, 60])))
    current = _amount(draw, FLOOR[measure], FLOOR[measure] * top)
    restart = None
    if draw(st.integers(0, 4)) == 0:
        weekly = Decimal(0) if draw(st.booleans()) else _amount(draw, Decimal(0), current)
        restart = _amount(draw, Decimal(runs), current * runs * 2)
    else:
        weekly = _amount(draw, Decimal(runs), current * runs * 2)
    goal = _amount(draw, current, min(Decimal(MAX_WEEKLY[measure]),
                                      current * runs * draw(st.integers(1, 15))))
    share_pct = draw(st.sampled_from([33, 40, 40, 50]))
    goal_long = None
    if draw(st.booleans()):
        most = max(Fraction(math.ceil(goal * STEPS), runs),
                   long_run_share(runs, share_pct) * math.ceil(goal * STEPS))
        goal_long = _amount(draw, current, max(current, Decimal(math.floor(most)) / STEPS))
    cap = draw(st.one_of(st.just(Decimal(10)), st.sampled_from([Decimal(5), Decimal("7.5")]),
                         st.decimals(min_value=min_cap, max_value=Decimal(10), places=1)))
    every = pct = None
    if lighter if lighter is not None else draw(st.integers(0, 2)) == 0:
        every, pct = draw(st.integers(2, 8)), draw(st.integers(50, 95))
        assume(cycle_gain(pct, every, cap) >= Fraction(102, 100))
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)))
    race_date = taper = None
    if race if race is not None else draw(st.booleans()):
        race_date = start + dt.timedelta(days=draw(st.integers(1, 300)))
        taper = draw(st.sampled_from([None, 0, 1, 2]))
    history = draw(logs(draw(st.integers(0, max_history)), goal))
    try:
        return PlanInputs(measure, runs, current, goal, goal_long_run=goal_long,  # type: ignore[arg-type]
                          start=start, race_date=race_date, cap_pct=cap, lighter_every=every,
                          lighter_pct=pct, history=history, current_weekly=weekly,
                          restart_weekly=restart, taper_weeks=taper,
                          long_run_max_pct=share_pct)
    except ValidationError as error:
        # Only refusals the rules call for: a week 1 too small for the runs, a goal long
        # run over the share after rounding, or a run logged under one printed step.
        assert error.field in {"current_weekly", "restart_weekly", "goal_long_run", "history",
                               "goal_weekly"}, error
        assume(False)
        raise


def _runs(week: dict[str, Any]) -> list[Decimal]:
    return [D(s["run"]) for s in week["sessions"] if not s["race"]]


def _check_shape(inputs: PlanInputs, data: dict[str, Any]) -> None:
    assert set(data) == TOP_KEYS
    share = long_run_share(inputs.runs_per_week, inputs.long_run_max_pct)
    races = 0
    for index, week in enumerate(data["weeks"]):
        assert set(week) == WEEK_KEYS and week["week"] == index + 1
        start = inputs.start + dt.timedelta(weeks=index)
        assert week["start"] == start.isoformat()
        runs = _runs(week)
        race = [s for s in week["sessions"] if s["race"]]
        races += len(race)
        assert D(week["total"]) == sum(runs, Decimal(0))
        assert D(week["longest"]) == max(runs, default=Decimal(0))
        if race:
            assert race[0]["date"] == inputs.race_date.isoformat()  # type: ignore[union-attr]
            assert race[0]["run"] == 0 and race[0]["intervals"] is None
            assert all(s["date"] < race[0]["date"] for s in week["sessions"] if not s["race"])
            assert len(runs) <= inputs.runs_per_week
        else:
            assert len(runs) == inputs.runs_per_week  # exactly the prescribed runs
        dates = [s["date"] for s in week["sessions"]]
        assert dates == sorted(set(dates))
        assert week["version"] == (2 if inputs.history and index >= len(inputs.history) else 1)
        if len(runs) >= 2:
            longest, total = max(runs), sum(runs, Decimal(0))
            even = max(runs) - min(runs) <= Decimal(1) / STEPS
            if inputs.runs_per_week >= 3:
                assert longest <= total * Decimal(share.numerator) / share.denominator or even
            assert min(runs) * 4 >= longest  # no run under a quarter of the long run
        for session in week["sessions"]:
            assert set(session) == SESSION_KEYS
            if not session["race"]:
                assert D(session["run"]) >= 1  # 1:00 min, 1.0 km or 1.0 mi
                assert D(session["run"]) * STEPS % 1 == 0
            intervals = session["intervals"]
            if intervals is not None:
                assert inputs.measure == "minutes"
                assert intervals["run_s"] >= 30 and intervals["walk_s"] >= 30
                assert intervals["then_run_s"] == 0 or intervals["then_run_s"] >= 30
                running = intervals["run_s"] * intervals["repeats"] + intervals["then_run_s"]
                assert D(session["run"]) * 60 == running
                assert "Walk 5:00 to warm up" in session["description"]
    assert races <= 1


def _check_cap(inputs: PlanInputs, data: dict[str, Any]) -> None:
    weeks = data["weeks"]
    factor = 1 + inputs.cap_pct / 100
    first = weeks[0]
    assert data["restart"] is (inputs.restart_weekly is not None)
    if inputs.restart_weekly is None:
        assert D(first["total"]) <= inputs.current_weekly * factor  # type: ignore[operator]
    else:
        assert D(first["total"]) <= inputs.restart_weekly
    assert D(first["longest"]) <= inputs.current_run * factor
    # Race week is cut short by the race: it is no base for the week after it.
    before = None if any(s["race"] for s in first["sessions"]) else first
    for week in weeks[1:]:
        if before is not None:
            assert D(week["total"]) <= D(before["total"]) * factor
            assert D(week["longest"]) <= D(before["longest"]) * factor
        if week["lighter"]:
            assert inputs.lighter_every and week["week"] % inputs.lighter_every == 0
        before = None if any(s["race"] for s in week["sessions"]) else week


def _meets(inputs: PlanInputs, total: Decimal, longest: Decimal) -> bool:
    return total >= inputs.goal_weekly and (inputs.goal_long_run is None
                                            or longest >= inputs.goal_long_run)


def _race_week(inputs: PlanInputs) -> int | None:
    if inputs.race_date is None:
        return None
    return (inputs.race_date - inputs.start).days // 7 + 1


def _check_goal_and_race(inputs: PlanInputs, data: dict[str, Any]) -> None:
    weeks, goal_week = data["weeks"], data["goal_week"]
    race_week = _race_week(inputs)
    if data["paused"]:
        assert goal_week is None and data["goal_date"] is None
        assert len(weeks) <= len(inputs.history)
        assert any("contact the clinic" in text for text in data["warnings"])
    elif goal_week is None:
        assert data["warnings"]
        assert len(weeks) == HORIZON_WEEKS or any("cannot grow" in t for t in data["warnings"])
    else:
        week = weeks[goal_week - 1]
        if week["done"] is None:
            assert _meets(inputs, D(week["total"]), D(week["longest"]))
        if race_week is None or race_week > HORIZON_WEEKS or goal_week >= race_week:
            assert len(weeks) == max(goal_week, len(inputs.history))
        else:
            assert len(weeks) == max(race_week, len(inputs.history))
    if race_week is None:
        assert data["race_ready"] is None
        return
    taper = inputs.taper_weeks or 0
    first_taper = race_week - max(taper, 1) + 1
    ready = goal_week is not None and not data["paused"] and goal_week < first_taper
    assert data["race_ready"] is ready
    if not ready:
        assert any("race" in text for text in data["warnings"])
    if race_week <= len(weeks):
        race_days = [s for s in weeks[race_week - 1]["sessions"] if s["race"]]
        assert len(race_days) == 1
    for week in weeks[len(inputs.history):]:
        if race_week - taper < week["week"] <= race_week and goal_week is not None \
                and goal_week < race_week - taper + 1:
            goal_total = D(weeks[goal_week - 1]["total"])
            assert D(week["total"]) <= max(goal_total * Decimal("0.7"),
                                           inputs.runs_per_week * Decimal(1))


def _check_growth(inputs: PlanInputs, data: dict[str, Any]) -> None:
    """With a cap of 5% or more, every week that is not lighter, held or tapered grows."""
    if inputs.cap_pct < 5 or inputs.history:
        return
    weeks, goal_week = data["weeks"], data["goal_week"]
    race_week = _race_week(inputs) or HORIZON_WEEKS + 1
    taper = max(inputs.taper_weeks or 0, 1)  # race week is cut short even without a taper
    assert not any("cannot grow" in text for text in data["warnings"])
    for before, week in zip(weeks, weeks[1:], strict=False):
        number = week["week"]
        if week["lighter"] or number > race_week - taper or before["week"] >= race_week:
            continue
        if goal_week is not None and number > goal_week:
            continue
        if D(before["total"]) < inputs.goal_weekly:
            assert D(week["total"]) > D(before["total"])
        else:
            assert D(week["longest"]) > D(before["longest"])
    every = inputs.lighter_every
    if every is None:
        return
    peaks = [weeks[n - 2] for n in range(every, len(weeks) + 1, every)
             if n < race_week - taper and (goal_week is None or n <= goal_week)]
    for earlier, later in zip(peaks, peaks[1:], strict=False):
        grew_total = D(later["total"]) > D(earlier["total"])
        grew_long = D(later["longest"]) > D(earlier["longest"])
        assert grew_total or D(earlier["total"]) >= inputs.goal_weekly
        assert grew_long or grew_total


def _check_history(inputs: PlanInputs, data: dict[str, Any], rules: PainRules) -> None:
    weeks = data["weeks"]
    factor = 1 + inputs.cap_pct / 100
    last_done: tuple[Decimal, Decimal] | None = None
    missed = 0
    red_before = False
    for index, log in enumerate(inputs.history):
        if index >= len(weeks):
            assert data["paused"]
            break
        week, decision = weeks[index], decide(log, rules)
        assert week["decision"] == decision and D(week["done"]["done_total"]) == log.done_total
        if decision == "regress" and red_before:
            assert data["paused"] and len(weeks) == index + 1
        red_before = decision == "regress"
        missed = missed + 1 if log.missed else 0
        if log.done_total > 0:
            last_done = (min(log.done_total, D(week["total"])), log.done_longest)
        raced = any(s["race"] for s in week["sessions"])  # cut short: not a base
        if index + 1 >= len(weeks) or last_done is None or raced:
            continue
        following = D(weeks[index + 1]["total"])
        if missed >= 4:
            assert following <= max(last_done[0] / 2, inputs.runs_per_week * Decimal(1))
        elif missed >= 2:
            assert following <= max(last_done[0] * Decimal("0.75"),
                                    inputs.runs_per_week * Decimal(1))
        elif missed == 1 or decision == "hold":
            assert following <= max(last_done[0], inputs.runs_per_week * Decimal(1))
        elif decision == "progress":
            # Never under one shortest run per session (and never over the week planned).
            assert following <= max(last_done[0] * factor,
                                    min(D(week["total"]), inputs.runs_per_week * Decimal(1)))
        else:
            assert following < D(week["total"])
    for week in weeks[len(inputs.history):]:
        assert week["done"] is None and week["decision"] is None


def _check_all(inputs: PlanInputs, plan: Plan, rules: PainRules) -> None:
    data = json.loads(json.dumps(plan_to_json(plan)))
    _check_shape(inputs, data)
    _check_cap(inputs, data)
    _check_goal_and_race(inputs, data)
    _check_growth(inputs, data)
    _check_history(inputs, data, rules)
    assert plan_from_json(data) == plan


@SETTINGS
@given(plan_inputs())
def test_fresh_plans_keep_every_rule(inputs: PlanInputs) -> None:
    _check_all(inputs, build_plan(inputs), PainRules())


@SETTINGS
@given(plan_inputs(min_cap=Decimal(5), race=True))
def test_race_and_taper_weeks(inputs: PlanInputs) -> None:
    _check_all(inputs, build_plan(inputs), PainRules())


@SETTINGS
@given(plan_inputs(min_cap=Decimal(5), lighter=True))
def test_lighter_cycles_always_end_higher(inputs: PlanInputs) -> None:
    _check_all(inputs, build_plan(inputs), PainRules())


@SETTINGS
@given(plan_inputs(max_history=10, race=False),
       st.tuples(st.integers(0, 8), st.integers(1, 9)).filter(lambda t: t[0] < t[1]))
def test_replanned_plans_keep_every_rule(inputs: PlanInputs, limits: tuple[int, int]) -> None:
    rules = PainRules(*limits)
    _check_all(inputs, build_plan(inputs, rules), rules)
    assert inputs_from_json(json.loads(json.dumps(inputs_to_json(inputs)))) == inputs


@settings(max_examples=200, deadline=None)
@given(runs=st.integers(2, 6), current=st.integers(1, 9), goal_factor=st.integers(2, 12),
       cap=st.sampled_from([Decimal(5), Decimal("7.5"), Decimal(10)]))
def test_walk_run_from_one_to_nine_minutes_grows_every_week(
        runs: int, current: int, goal_factor: int, cap: Decimal) -> None:
    inputs = PlanInputs("minutes", runs, current, current * runs * goal_factor,
                        start=dt.date(2027, 1, 4), cap_pct=cap, current_weekly=current * runs)
    plan = build_plan(inputs)
    _check_all(inputs, plan, PainRules())
    totals = [week.total for week in plan.weeks]
    assert all(b > a for a, b in zip(totals, totals[1:], strict=False))
    assert plan.weeks[0].sessions[0].intervals is not None
    bouts = [s.intervals.run_s for w in plan.weeks for s in w.sessions[:1] if s.intervals]
    assert bouts == sorted(bouts)


@settings(max_examples=200, deadline=None)
@given(measure=st.sampled_from(["km", "mi"]), runs=st.integers(2, 6),
       under=st.integers(1, 40))
def test_distance_plans_below_the_floor_are_refused(measure: str, runs: int,
                                                    under: int) -> None:
    current = FLOOR[measure] - Decimal(under) / 100
    try:
        PlanInputs(measure, runs, current, 20, start=dt.date(2027, 1, 4),  # type: ignore[arg-type]
                   current_weekly=runs * 2)
    except ValidationError as error:
        assert error.field == "current_run" and "minutes" in error.message
    else:
        raise AssertionError("a distance plan under the floor was accepted")


@settings(max_examples=200, deadline=None)
@given(every=st.integers(2, 10), pct=st.integers(50, 95),
       cap=st.decimals(min_value=Decimal("0.5"), max_value=Decimal(10), places=1))
def test_lighter_settings_that_cannot_gain_two_percent_are_refused(
        every: int, pct: int, cap: Decimal) -> None:
    gain = Fraction(pct, 100) * (1 + Fraction(cap) / 100) ** (every - 1)
    try:
        PlanInputs("km", 3, 3, 30, start=dt.date(2027, 1, 4), current_weekly=9, cap_pct=cap,
                   lighter_every=every, lighter_pct=pct)
    except ValidationError as error:
        assert gain < Fraction(102, 100)
        assert error.field == "lighter_every" and "nearest setting" in error.message
    else:
        assert gain >= Fraction(102, 100)
