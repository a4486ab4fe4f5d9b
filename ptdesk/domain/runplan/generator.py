"""Builds the week-by-week plan: start from today's tolerance, grow under the cap, check the race."""

from __future__ import annotations

import datetime as dt
import math

from ptdesk.domain.runplan.amounts import format_pct, format_steps, from_steps, step_text
from ptdesk.domain.runplan.inputs import PlanInputs
from ptdesk.domain.runplan.model import HORIZON_WEEKS, Decision, Plan, PlanWeek, WeekLog
from ptdesk.domain.runplan.painrules import PainRules, decide
from ptdesk.domain.runplan.replan import DoneWeek, done_steps, replan, updated_last_done
from ptdesk.domain.runplan.sessions import build_sessions
from ptdesk.domain.runplan.steps import Targets, WeekState, first_week, next_week


def _plan_week(inputs: PlanInputs, targets: Targets, week: int, state: WeekState,
               log: WeekLog | None, decision: Decision | None) -> PlanWeek:
    start = inputs.start + dt.timedelta(weeks=week - 1)
    sessions = build_sessions(start, state.total, state.longest, targets.runs, state.stage,
                              state.continuous, state.lighter, targets.measure)
    return PlanWeek(week=week, start=start, total=from_steps(state.total, targets.measure),
                    longest=from_steps(state.longest, targets.measure), lighter=state.lighter,
                    sessions=sessions, done=log, decision=decision)


def _stall_warning(targets: Targets, state: WeekState, week: int, cap_text: str) -> str:
    measure = targets.measure
    # Growth by one printed step needs amount x cap >= 1 step.
    needed = format_steps(math.ceil(1 / targets.cap), measure)
    if state.total >= targets.goal_total or state.total >= targets.runs * state.longest:
        what, which = f"the longest run ({format_steps(state.longest, measure)})", "longest run"
    else:
        what, which = f"the weekly total ({format_steps(state.total, measure)})", "weekly total"
    return (f"The plan cannot grow after week {week} at ≤{cap_text}% a week: {cap_text}% of "
            f"{what} is less than {step_text(measure)}, the smallest step the plan prints "
            f"(the {which} must be at least {needed} to grow). The goal is not reached; "
            f"review the plan in clinic.")


def _race_check(inputs: PlanInputs, goal_date: dt.date | None, cap_text: str,
                ) -> tuple[bool | None, str | None]:
    race = inputs.race_date
    if race is None:
        return None, None
    if goal_date is not None and goal_date <= race:
        return True, None
    if goal_date is None:
        return False, (f"At ≤{cap_text}% a week the goal is not reached before the race "
                       f"({race.isoformat()}).")
    late = math.ceil((goal_date - race).days / 7)
    weeks = "week" if late == 1 else "weeks"
    return False, f"At ≤{cap_text}% a week the goal is reached {late} {weeks} after the race."


def build_plan(inputs: PlanInputs, rules: PainRules | None = None) -> Plan:
    """The plan for `inputs`: logged weeks first (with their decisions), then the weeks to come.

    Every week after the first has total and longest run at most (1 + cap) times
    the week before's printed numbers; the plan ends in the first week that meets
    the goal, when it can no longer grow, or at the 52-week horizon.
    """
    rules = rules or PainRules()
    targets = Targets.from_inputs(inputs)
    cap_text = format_pct(inputs.cap_pct)
    history = inputs.history
    warnings: list[str] = []
    weeks: list[PlanWeek] = []
    skipped: list[int] = []
    goal_week: int | None = None
    state, before = first_week(targets), None
    last_done: DoneWeek | None = None
    week = 1
    while True:
        log = history[week - 1] if week <= len(history) else None
        decision = decide(log, rules) if log is not None else None
        weeks.append(_plan_week(inputs, targets, week, state, log, decision))
        if log is None and targets.meets_goal(state.total, state.longest):
            goal_week = week
            break
        if (log is not None and week == len(history) and decision == "progress"
                and targets.meets_goal(*done_steps(log, targets))):
            goal_week = week
            break
        if week >= HORIZON_WEEKS:
            warnings.append(f"The goal is not reached within {HORIZON_WEEKS} weeks at "
                            f"≤{cap_text}% a week.")
            break
        if log is not None and decision is not None:
            following, skipped_here = replan(targets, week, state, before, log, decision,
                                             last_done)
            last_done = updated_last_done(log, targets, state, last_done)
            if decision == "regress":
                warnings.append(f"Week {week}: the pain rules say go back one week and contact "
                                f"the clinic.")
            if following is None:
                warnings.append(f"After week {week} there is no smaller week to go back to: "
                                f"stop running until the clinician has seen the patient.")
                break
        else:
            following, skipped_here = next_week(targets, state, week + 1)
            if not following.lighter and following.same_load(state):
                warnings.append(_stall_warning(targets, state, week, cap_text))
                break
        if skipped_here:
            skipped.append(week + 1)
        state, before = following, state
        week += 1
    if skipped:
        listed = ", ".join(str(number) for number in skipped)
        warnings.insert(0, f"No lighter week in week {listed}: the running is still too little "
                           f"to drop and then grow again under the cap.")
    goal_date = None if goal_week is None else inputs.start + dt.timedelta(weeks=goal_week - 1)
    race_ready, race_warning = _race_check(inputs, goal_date, cap_text)
    if race_warning is not None:
        warnings.append(race_warning)
    return Plan(measure=inputs.measure, cap_pct=inputs.cap_pct, weeks=tuple(weeks),
                goal_week=goal_week, goal_date=goal_date, race_ready=race_ready,
                warnings=tuple(warnings))
