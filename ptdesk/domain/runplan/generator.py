"""Builds the week-by-week plan: start from today's tolerance, grow under the cap, check the race."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

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


class _PlanBuilder:
    """Walks the weeks in order: logged weeks re-plan from what was done, then the cap rules."""

    def __init__(self, inputs: PlanInputs, rules: PainRules) -> None:
        self.inputs, self.rules = inputs, rules
        self.targets = Targets.from_inputs(inputs)
        self.cap_text = format_pct(inputs.cap_pct)
        self.warnings: list[str] = []
        self.weeks: list[PlanWeek] = []
        self.skipped: list[int] = []
        self.last_done: DoneWeek | None = None

    def build(self) -> Plan:
        history, targets = self.inputs.history, self.targets
        state, before = first_week(targets), None
        goal_week: int | None = None
        week = 1
        while True:
            log = history[week - 1] if week <= len(history) else None
            decision = decide(log, self.rules) if log is not None else None
            self.weeks.append(_plan_week(self.inputs, targets, week, state, log, decision))
            if self._goal_reached(week, state, log, decision):
                goal_week = week
                break
            if week >= HORIZON_WEEKS:
                self.warnings.append(f"The goal is not reached within {HORIZON_WEEKS} weeks at "
                                     f"≤{self.cap_text}% a week.")
                break
            following = self._following(week, state, before, log, decision)
            if following is None:
                break
            state, before = following, state
            week += 1
        return self._finish(goal_week)

    def _goal_reached(self, week: int, state: WeekState, log: WeekLog | None,
                      decision: Decision | None) -> bool:
        if state.total == 0:  # stopped after red flags
            return False
        if log is None:
            return self.targets.meets_goal(state.total, state.longest)
        # A logged week counts only as the latest news, and only if the rules say go on.
        return (week == len(self.inputs.history) and decision == "progress"
                and self.targets.meets_goal(*done_steps(log, self.targets)))

    def _following(self, week: int, state: WeekState, before: WeekState | None,
                   log: WeekLog | None, decision: Decision | None) -> WeekState | None:
        """The next week's state, or None when the plan ends after `week`."""
        more_history = week < len(self.inputs.history)
        if state.total == 0:
            # Stopped: logged weeks after the stop are still shown, with no running planned.
            return state if more_history else None
        if log is None or decision is None:
            following, skipped = next_week(self.targets, state, week + 1)
            if not following.lighter and following.same_load(state):
                self.warnings.append(_stall_warning(self.targets, state, week, self.cap_text))
                return None
        else:
            result, skipped = replan(self.targets, week, state, before, log, decision,
                                     self.last_done)
            self.last_done = updated_last_done(log, self.targets, state, self.last_done)
            if decision == "regress":
                self.warnings.append(f"Week {week}: the pain rules say go back one week and "
                                     f"contact the clinic.")
            if result is None:
                self.warnings.append(f"After week {week} there is no smaller week to go back "
                                     f"to: stop running until the clinician has seen the "
                                     f"patient and made a new plan.")
                return replace(state, total=0, longest=0, lighter=False) if more_history else None
            following = result
        if skipped:
            self.skipped.append(week + 1)
        return following

    def _finish(self, goal_week: int | None) -> Plan:
        warnings = list(self.warnings)
        if self.skipped:
            listed = ", ".join(str(number) for number in self.skipped)
            warnings.insert(0, f"No lighter week in week {listed}: at these amounts a lighter "
                               f"week would undo what the weeks before it gained under the cap.")
        inputs = self.inputs
        goal_date = (None if goal_week is None
                     else inputs.start + dt.timedelta(weeks=goal_week - 1))
        race_ready, race_warning = _race_check(inputs, goal_date, self.cap_text)
        if race_warning is not None:
            warnings.append(race_warning)
        return Plan(measure=inputs.measure, cap_pct=inputs.cap_pct, weeks=tuple(self.weeks),
                    goal_week=goal_week, goal_date=goal_date, race_ready=race_ready,
                    warnings=tuple(warnings))


def build_plan(inputs: PlanInputs, rules: PainRules | None = None) -> Plan:
    """The plan for `inputs`: logged weeks first (with their decisions), then the weeks to come.

    Every week after the first has total and longest run at most (1 + cap) times
    the week before's printed numbers; the plan ends in the first week that meets
    the goal, when it can no longer grow, when the pain rules leave nothing
    smaller to go back to, or at the 52-week horizon (each with a warning).
    """
    return _PlanBuilder(inputs, rules or PainRules()).build()
