"""Example-based tests of the return-to-run plan: the CLINICAL.md runners and worked cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ptdesk.domain.runplan import PlanInputs, WeekLog, build_plan, plan_to_json
from ptdesk.domain.runplan.sessions import rest_day_advice, run_days

MONDAY = dt.date(2027, 1, 4)


def test_barely_a_mile_is_walk_run_in_minutes_and_honestly_not_ready() -> None:
    # Patient 1: after a two-month break can barely finish a mile (about 10 minutes of
    # running in a session now, 20 a week); half marathon in 16 weeks.
    race = MONDAY + dt.timedelta(weeks=16, days=6)
    plan = build_plan(PlanInputs("minutes", 3, 10, 180, goal_long_run=70, start=MONDAY,
                                 current_weekly=20, race_date=race))
    week1 = plan.weeks[0]
    assert week1.total <= 22 and week1.longest <= 11
    assert all(session.is_walk_run and session.walk > 0 for session in week1.runs)
    assert plan.race_ready is False
    assert any("goal comes after the race" in warning for warning in plan.warnings)
    race_week = plan.weeks[16]
    assert [s.date for s in race_week.sessions if s.race] == [race]
    assert plan.goal_week is not None and plan.goal_week > 17
    last = plan.weeks[-1]
    assert not any(session.is_walk_run for session in last.sessions)


def test_ten_k_runner_is_ready_for_a_may_half_marathon() -> None:
    # Patient 2: ran a first 10k, sore knees for two weeks; now 15 km a week, longest 6 km.
    start, race = dt.date(2027, 1, 11), dt.date(2027, 5, 16)
    plan = build_plan(PlanInputs("km", 3, 6, 30, goal_long_run=12, start=start,
                                 current_weekly=15, race_date=race))
    assert plan.race_ready is True
    assert not any("race" in warning for warning in plan.warnings)
    assert plan.weeks[0].total <= Decimal("16.5")
    # Goal held until the taper; race week at about 70% with race day marked.
    last = plan.weeks[-1]
    assert last.taper and any(session.race for session in last.sessions)
    assert last.total <= Decimal("0.7") * 30
    assert all(session.date < race for session in last.runs)


def test_a_lower_cap_makes_the_same_runner_late_and_says_so_with_that_cap() -> None:
    start, race = dt.date(2027, 1, 11), dt.date(2027, 3, 14)
    plan = build_plan(PlanInputs("km", 3, 6, 30, goal_long_run=12, start=start,
                                 current_weekly=15, race_date=race, cap_pct=5))
    assert plan.race_ready is False
    assert any(w.startswith("At ≤5% a week the goal") for w in plan.warnings)


def test_contract_example_week_one_in_km() -> None:
    plan = build_plan(PlanInputs("km", 3, "1.5", 20, start=dt.date(2026, 12, 7),
                                 current_weekly="4.5"))
    data = plan_to_json(plan)
    week = data["weeks"][0]
    assert (week["week"], week["start"], week["total"], week["longest"]) == (
        1, "2026-12-07", 4.95, 1.65)
    assert [session["date"] for session in week["sessions"]] == [
        "2026-12-07", "2026-12-09", "2026-12-11"]  # Mon, Wed, Fri
    assert week["done"] is None and week["decision"] is None and week["version"] == 1
    assert data["restart"] is False and data["paused"] is False


def test_restart_starts_at_the_clinicians_dose_and_says_so() -> None:
    plan = build_plan(PlanInputs("minutes", 3, 10, 90, start=MONDAY, current_weekly=0,
                                 restart_weekly=15))
    assert plan.restart and plan.weeks[0].total == 15


def test_the_rest_day_advice_matches_the_schedule() -> None:
    assert "rest day" in rest_day_advice(run_days(3)) and "between" in rest_day_advice(
        run_days(3))
    assert "two hard days" in rest_day_advice(run_days(6))  # Mon-Sat: back to back


def test_four_runs_fall_on_alternate_days_with_the_longer_run_before_a_rest_day() -> None:
    plan = build_plan(PlanInputs("minutes", 4, 30, 200, goal_long_run=70, start=MONDAY,
                                 current_weekly=100))
    week = plan.weeks[3]
    assert [s.date.weekday() for s in week.sessions] == [0, 2, 4, 6]
    longest = max(week.sessions, key=lambda s: s.run)
    assert longest.date.weekday() == 4 and longest.run > min(s.run for s in week.sessions)


def test_a_goal_already_met_in_week_one_ends_the_plan_there() -> None:
    plan = build_plan(PlanInputs("km", 3, 5, 10, start=MONDAY, current_weekly=10))
    assert plan.goal_week == 1 and len(plan.weeks) == 1


def test_a_missed_week_repeats_the_last_week_actually_run() -> None:
    history = (WeekLog(1, Decimal(30), Decimal(11), 1, "better"),
               WeekLog(2, Decimal(0), Decimal(0), 0, "same"))
    plan = build_plan(PlanInputs("minutes", 3, 10, 90, start=MONDAY, current_weekly=30,
                                 history=history))
    assert plan.weeks[2].total == 30 and plan.weeks[2].version == 2


def test_two_or_three_missed_weeks_resume_at_three_quarters() -> None:
    history = (WeekLog(1, Decimal(32), Decimal(11), 1, "better"),
               WeekLog(2, Decimal(0), Decimal(0), 0, "same"),
               WeekLog(3, Decimal(0), Decimal(0), 0, "same"))
    plan = build_plan(PlanInputs("minutes", 3, 10, 90, start=MONDAY, current_weekly=30,
                                 history=history))
    assert plan.weeks[3].total <= Decimal("0.75") * 32


def test_regress_with_nothing_smaller_left_pauses_the_plan() -> None:
    history = (WeekLog(1, Decimal(3), Decimal(1), 8, "worse", limping=True),)
    plan = build_plan(PlanInputs("minutes", 3, 1, 20, start=MONDAY, current_weekly=3,
                                 history=history))
    assert plan.paused and plan.goal_week is None and len(plan.weeks) == 1


def test_goal_met_by_the_last_logged_week_ends_the_plan() -> None:
    history = (WeekLog(1, Decimal(11), Decimal(4), 1, "better"),)
    plan = build_plan(PlanInputs("km", 3, 4, 11, start=MONDAY, current_weekly=10,
                                 history=history))
    assert plan.goal_week == 1 and len(plan.weeks) == 1
