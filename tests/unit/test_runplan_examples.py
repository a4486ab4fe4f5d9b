"""Example-based tests of the return-to-run plan: the CLINICAL.md runners and worked cases."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from ptdesk.domain.runplan import PlanInputs, WeekLog, build_plan, plan_to_json

MONDAY = dt.date(2027, 1, 4)


def _weeks_after(goal_date: dt.date, race: dt.date) -> int:
    return math.ceil((goal_date - race).days / 7)


def test_barely_a_mile_to_half_marathon_is_honestly_not_ready() -> None:
    # Patient 1: after a two-month break can barely finish a mile; half marathon in 16 weeks.
    race = MONDAY + dt.timedelta(weeks=16)
    plan = build_plan(PlanInputs("mi", 3, 1, 25, goal_long_run=10, start=MONDAY,
                                 race_date=race))
    week1 = plan.weeks[0]
    assert week1.longest == Decimal("1.0") and week1.total == Decimal("3.0")
    # Under a mile of continuous running: walk-run intervals, walking not counted.
    assert all(session.is_walk_run and session.walk > 0 for session in week1.sessions)
    # 1.0 -> 10.0 mi at <=10% a week needs at least log(10)/log(1.1) = 24.2 steps.
    assert plan.goal_week is not None and plan.goal_week >= 26
    last = plan.weeks[-1]
    assert last.week == plan.goal_week
    assert last.total >= 25 and last.longest >= 10
    assert plan.goal_date == MONDAY + dt.timedelta(weeks=plan.goal_week - 1)
    assert plan.race_ready is False
    late = _weeks_after(plan.goal_date, race)
    assert late > 0
    assert f"At ≤10% a week the goal is reached {late} weeks after the race." in plan.warnings
    # The plan is continuous running by the end, with one longer run in the week.
    assert not any(session.is_walk_run for session in last.sessions)
    runs = sorted(session.run for session in last.sessions)
    assert runs[-1] > runs[-2]


def test_ten_k_runner_is_ready_for_a_may_half_marathon() -> None:
    # Patient 2: ran a first 10k, sore knees for two weeks; half marathon in May.
    start, race = dt.date(2027, 1, 11), dt.date(2027, 5, 16)
    plan = build_plan(PlanInputs("km", 3, 6, 30, goal_long_run=16, start=start,
                                 race_date=race))
    assert plan.race_ready is True
    assert plan.goal_date is not None and plan.goal_date <= race
    assert not any("race" in warning for warning in plan.warnings)
    assert plan.weeks[0].longest == Decimal("6.0")
    assert plan.weeks[-1].longest >= 16 and plan.weeks[-1].total >= 30
    # 6 -> 16 km needs at least log(16/6)/log(1.1) = 10.3 steps: week 12 at the earliest.
    assert plan.goal_week is not None and plan.goal_week >= 12


def test_a_lower_cap_makes_the_same_runner_late_and_says_so_with_that_cap() -> None:
    start, race = dt.date(2027, 1, 11), dt.date(2027, 5, 16)
    plan = build_plan(PlanInputs("km", 3, 6, 30, goal_long_run=16, start=start,
                                 race_date=race, cap_pct=5))
    assert plan.race_ready is False and plan.goal_date is not None
    late = _weeks_after(plan.goal_date, race)
    assert f"At ≤5% a week the goal is reached {late} weeks after the race." in plan.warnings


def test_contract_example_week_one_in_km() -> None:
    plan = build_plan(PlanInputs("km", 3, "1.5", 20, start=dt.date(2026, 12, 7)))
    data = plan_to_json(plan)
    week = data["weeks"][0]
    assert (week["week"], week["start"], week["total"], week["longest"]) == (
        1, "2026-12-07", 4.5, 1.5)
    assert [session["date"] for session in week["sessions"]] == [
        "2026-12-07", "2026-12-09", "2026-12-11"]  # Mon, Wed, Fri
    assert week["done"] is None and week["decision"] is None
    assert data["measure"] == "km" and data["cap_pct"] == 10
    assert data["race_ready"] is None  # no race date given


def test_four_runs_fall_on_alternate_days_with_the_longer_run_before_a_rest_day() -> None:
    plan = build_plan(PlanInputs("minutes", 4, 30, 200, goal_long_run=70, start=MONDAY))
    last = plan.weeks[-1]
    offsets = [(session.date - last.start).days for session in last.sessions]
    assert offsets == [0, 2, 4, 6]  # Mon/Wed/Fri/Sun
    longest = max(last.sessions, key=lambda session: session.run)
    assert (longest.date - last.start).days == 4
    assert "Longer easy run" in longest.description


def test_walk_run_until_twenty_minutes_then_continuous() -> None:
    plan = build_plan(PlanInputs("minutes", 3, 10, 90, start=MONDAY))
    for week in plan.weeks:
        walk_run = [session.is_walk_run for session in week.sessions]
        if week.longest < 20:
            assert all(walk_run)
        if week.longest >= 20:
            assert not any(walk_run)
        for session in week.sessions:
            if session.is_walk_run:
                assert session.run_interval is not None and session.repeats is not None
                final = session.final_run or 0
                assert session.run_interval * session.repeats + final == session.run
                assert session.walk == session.walk_interval * session.repeats
    # Run intervals get longer as the plan goes on.
    first = plan.weeks[0].sessions[0]
    later = [week for week in plan.weeks if week.sessions[0].is_walk_run][-1].sessions[0]
    assert later.run_interval is not None and first.run_interval is not None
    assert later.run_interval > first.run_interval


def test_tiny_runs_that_cannot_grow_in_whole_minutes_are_warned_not_inflated() -> None:
    # 10% of 5 minutes is half a minute: the printed plan cannot grow without breaking the cap.
    plan = build_plan(PlanInputs("minutes", 3, 5, 90, start=MONDAY))
    assert all(week.longest <= 5 and week.total <= 15 for week in plan.weeks)
    assert plan.goal_week is None
    assert any("cannot grow" in warning and "at least 10 min" in warning
               for warning in plan.warnings)
    # Progress still shows in the walk-run structure: fewer, longer run intervals.
    first, last = plan.weeks[0].sessions[0], plan.weeks[-1].sessions[0]
    assert first.run_interval is not None and last.run_interval is not None
    assert last.run_interval > first.run_interval


def test_the_smallest_growable_volume_grows_by_one_step() -> None:
    plan = build_plan(PlanInputs("minutes", 2, 10, 40, start=MONDAY))
    assert [week.longest for week in plan.weeks[:3]] == [10, 11, 12]
    assert [week.total for week in plan.weeks[:3]] == [20, 22, 24]


def test_lighter_weeks_drop_and_the_next_week_is_capped_against_them() -> None:
    plan = build_plan(PlanInputs("km", 3, 5, 60, start=MONDAY, lighter_every=4,
                                 lighter_pct=80))
    lighter = [week for week in plan.weeks if week.lighter]
    assert [week.week for week in lighter][:3] == [4, 8, 12]
    for week in lighter:
        before = plan.weeks[week.week - 2]
        assert week.total <= before.total * Decimal("0.8")
        if week.week < len(plan.weeks):
            after = plan.weeks[week.week]
            assert after.total <= week.total * Decimal("1.1")
        assert "Lighter week" in week.sessions[0].description


def test_lighter_weeks_are_skipped_while_the_running_is_too_little_to_regrow() -> None:
    plan = build_plan(PlanInputs("minutes", 2, 10, 60, start=MONDAY, lighter_every=2,
                                 lighter_pct=50))
    # 50% of 10-11 min would leave 5 min, which can never grow again at 10%.
    assert not plan.weeks[1].lighter
    assert any(warning.startswith("No lighter week in week 2") for warning in plan.warnings)


def test_a_goal_already_met_in_week_one_ends_the_plan_there() -> None:
    plan = build_plan(PlanInputs("km", 3, 5, 12, start=MONDAY,
                                 race_date=MONDAY + dt.timedelta(days=20)))
    assert len(plan.weeks) == 1 and plan.goal_week == 1
    assert plan.weeks[0].total == Decimal("12.0")
    assert plan.race_ready is True


def test_an_unreachable_goal_is_warned_at_the_52_week_horizon() -> None:
    plan = build_plan(PlanInputs("km", 3, 1, 400, start=MONDAY,
                                 race_date=MONDAY + dt.timedelta(weeks=30)))
    assert len(plan.weeks) == 52 and plan.goal_week is None and plan.race_ready is False
    assert any("not reached within 52 weeks" in warning for warning in plan.warnings)
    assert any("not reached before the race" in warning for warning in plan.warnings)


def test_history_weeks_come_first_and_the_plan_follows_what_was_done() -> None:
    history = (
        WeekLog(1, Decimal("4.0"), Decimal("1.5"), 2, "same"),  # less than planned, fine
        WeekLog(2, Decimal("4.4"), Decimal("1.6"), 4, "better"),  # amber: repeat
        WeekLog(3, Decimal("4.4"), Decimal("1.6"), 6, "worse", swelling=True),  # red
    )
    plan = build_plan(PlanInputs("km", 3, "1.5", 8, start=MONDAY, history=history))
    assert [week.decision for week in plan.weeks[:3]] == ["progress", "hold", "regress"]
    assert [week.done for week in plan.weeks[:3]] == list(history)
    assert plan.weeks[3].done is None and plan.weeks[3].decision is None
    assert plan.weeks[1].total <= Decimal("4.0") * Decimal("1.1")  # capped on what was done
    assert plan.weeks[2].total <= Decimal("4.4")  # hold
    assert plan.weeks[3].total < Decimal("4.4")  # regress
    assert any("Week 3" in warning and "contact the clinic" in warning
               for warning in plan.warnings)


def test_a_missed_week_repeats_the_last_week_actually_run() -> None:
    history = (WeekLog(1, Decimal("4.5"), Decimal("1.5"), 1, "same"),
               WeekLog(2, Decimal(0), Decimal(0), 0, "same"))
    plan = build_plan(PlanInputs("km", 3, "1.5", 8, start=MONDAY, history=history))
    assert plan.weeks[1].decision == "hold"
    assert plan.weeks[2].total <= Decimal("4.5")
    assert plan.weeks[3].total > plan.weeks[2].total


def test_regress_with_nothing_smaller_left_stops_the_plan() -> None:
    history = (WeekLog(1, Decimal(1), Decimal(1), 7, "worse"),)
    plan = build_plan(PlanInputs("minutes", 2, 1, 30, start=MONDAY, history=history))
    assert len(plan.weeks) == 1 and plan.goal_week is None
    assert any("stop running" in warning for warning in plan.warnings)


def test_goal_met_by_the_last_logged_week_ends_the_plan() -> None:
    history = (WeekLog(1, Decimal(12), Decimal(5), 1, "better"),)
    plan = build_plan(PlanInputs("km", 3, 5, 12, start=MONDAY, history=history))
    assert plan.goal_week == 1 and len(plan.weeks) == 1
