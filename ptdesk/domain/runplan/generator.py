"""Builds the week-by-week plan: start from now, grow under the cap, pause, taper, race day."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from ptdesk.domain.runplan.amounts import format_pct, from_steps, steps_down
from ptdesk.domain.runplan.inputs import PlanInputs
from ptdesk.domain.runplan.model import (
    HORIZON_WEEKS,
    TAPER_PREFIX,
    Decision,
    Plan,
    PlanWeek,
    WeekLog,
)
from ptdesk.domain.runplan.painrules import GapRules, PainRules, decide
from ptdesk.domain.runplan.race import RaceCalendar
from ptdesk.domain.runplan.replan import (
    DoneWeek,
    after_missed,
    completed_base,
    done_steps,
    replan,
    updated_last_done,
)
from ptdesk.domain.runplan.sessions import build_sessions, run_days, split_week
from ptdesk.domain.runplan.steps import Targets, WeekState, first_week, next_week, scaled

# Taper weeks run at about 70% of the goal level (CLINICAL.md).
TAPER_SHARE = Fraction(7, 10)


class _PlanBuilder:
    """Walks the weeks in order: logged weeks re-plan from what was done, then the cap rules."""

    def __init__(self, inputs: PlanInputs, rules: PainRules, gaps: GapRules) -> None:
        self.inputs, self.rules, self.gaps = inputs, rules, gaps
        self.targets = Targets.from_inputs(inputs)
        self.race = RaceCalendar.of(inputs)
        self.cap_text = format_pct(inputs.cap_pct)
        self.warnings: list[str] = []
        self.weeks: list[PlanWeek] = []
        self.skipped: list[int] = []
        self.last_done: DoneWeek | None = None
        self.missed = 0
        self.paused = False
        self.goal_week: int | None = None
        self.last_running: WeekState | None = None

    # --- one week -------------------------------------------------------------------
    def _plan_week(self, week: int, state: WeekState, log: WeekLog | None,
                   decision: Decision | None) -> PlanWeek:
        inputs, targets = self.inputs, self.targets
        start = inputs.start + dt.timedelta(weeks=week - 1)
        race_day = self.race.day_in(week)
        taper = self.race.is_taper(week)
        runs = targets.runs
        days = run_days(runs)
        total, longest = state.total, state.longest
        if race_day is not None:
            # Race week: even, easy runs (the race is the long run), none on race day or
            # the day before it; runs that do not fit before then are dropped.
            free = max((race_day - start).days - 1, 0)
            days = run_days(min(runs, free), free) if free else ()
            longest = total // runs
            total = longest * len(days)
        amounts = split_week(total, longest, len(days)) if days else []
        prefix = "Lighter week. " if state.lighter else (TAPER_PREFIX if taper else "")
        sessions = build_sessions(start, amounts, days, state.rung, state.continuous,
                                  targets.measure, prefix, race_day)
        runs_only = [s.run for s in sessions if not s.race]
        zero = from_steps(0, targets.measure)
        version = 2 if inputs.history and week > len(inputs.history) else 1
        return PlanWeek(week=week, start=start, total=sum(runs_only, start=zero),
                        longest=max(runs_only, default=zero), lighter=state.lighter,
                        sessions=sessions, done=log, decision=decision, version=version)

    # --- the walk ------------------------------------------------------------------
    def build(self) -> Plan:
        history, targets = self.inputs.history, self.targets
        state, before = first_week(self.inputs, targets), None
        week, previous_decision = 1, None
        while True:
            log = history[week - 1] if week <= len(history) else None
            decision = decide(log, self.rules) if log is not None else None
            printed = self._plan_week(week, state, log, decision)
            self.weeks.append(printed)
            if printed.runs:
                # What was printed (race week may hold fewer runs than planned).
                self.last_running = self._printed_state(printed, state)
            shown = self._printed_state(printed, state) if printed.runs else None
            if self.goal_week is None and shown is not None and self._goal_reached(
                    week, shown, log, decision):
                self.goal_week = week
            if decision == "regress" and previous_decision == "regress":
                self._pause(week)
                break
            if self._ends_after(week):
                break
            following = self._following(week, state, before, log, decision)
            if following is None:
                break
            state, before = following, state
            previous_decision = decision
            week += 1
        return self._finish()

    def _printed_state(self, printed: PlanWeek, state: WeekState) -> WeekState:
        total = sum(self._steps(session.run) for session in printed.runs)
        longest = max(self._steps(session.run) for session in printed.runs)
        return replace(state, total=total, longest=longest)

    def _steps(self, value: Decimal) -> int:
        return steps_down(value, self.targets.measure)

    def _ends_after(self, week: int) -> bool:
        race_week = self.race.week
        if self.goal_week is not None and (race_week is None or week >= race_week
                                           or race_week > HORIZON_WEEKS):
            return week >= len(self.inputs.history)
        if week >= HORIZON_WEEKS:
            self.warnings.append(f"The goal is not reached within {HORIZON_WEEKS} weeks at "
                                 f"≤{self.cap_text}% a week.")
            return True
        return False

    def _pause(self, week: int) -> None:
        self.paused = True
        self.goal_week = None
        self.warnings.append(f"Week {week}: two red weeks in a row. Running is paused: contact "
                             f"the clinic before you run again. The clinician resumes the plan.")

    def _goal_reached(self, week: int, state: WeekState, log: WeekLog | None,
                      decision: Decision | None) -> bool:
        if self.race.is_taper(week) or state.lighter:
            return False
        if log is None:
            return week > len(self.inputs.history) and self.targets.meets_goal(
                state.total, state.longest)
        # A logged week counts only as the latest news, and only if the rules say go on.
        return (week == len(self.inputs.history) and decision == "progress"
                and self.targets.meets_goal(*done_steps(log, self.targets)))

    def _following(self, week: int, state: WeekState, before: WeekState | None,
                   log: WeekLog | None, decision: Decision | None) -> WeekState | None:
        """The next week's state, or None when the plan ends after `week`."""
        targets = self.targets
        if log is not None and decision is not None:
            return self._after_log(week, state, before, log, decision)
        if self.race.is_taper(week + 1):
            return state if self.race.is_taper(week) else scaled(targets, state, TAPER_SHARE)
        if self.race.week is not None and week == self.race.week:
            # After race day: on to the goal from race week as planned (race week itself is
            # cut short by the race, so it is not a fair base).
            base = state
            following, skipped = next_week(targets, base, week + 1)
        elif self.goal_week is not None:
            return WeekState(state.total, state.longest, state.rung, state.continuous)
        else:
            following, skipped = next_week(targets, state, week + 1)
        stalled = following.same_load(state) and not following.lighter and not state.lighter
        if stalled and not targets.meets_goal(following.total, following.longest):
            self.warnings.append(f"The plan cannot grow after week {week} at "
                                 f"≤{self.cap_text}% a week; the goal is not reached. Review "
                                 f"the plan in clinic.")
            return None
        if skipped:
            self.skipped.append(week + 1)
        return following

    def _after_log(self, week: int, state: WeekState, before: WeekState | None,
                   log: WeekLog, decision: Decision) -> WeekState | None:
        if log.missed:
            self.missed += 1
            base = completed_base(self.targets, state, self.last_done)
            pct = self.gaps.share_after(self.missed)
            if self.missed == self.gaps.long_gap_weeks:
                self.warnings.append(f"Week {week}: {self.missed} weeks missed in a row. "
                                     f"The plan restarts lower; book a re-assessment.")
            return after_missed(self.targets, base, self.missed, pct)
        self.missed = 0
        result, skipped = replan(self.targets, week, state, before, log, decision,
                                 self.last_done)
        self.last_done = updated_last_done(log, self.targets, state, self.last_done)
        if decision == "regress":
            self.warnings.append(f"Week {week}: the pain rules say go back one week and "
                                 f"contact the clinic.")
        if result is None:
            self.paused = True
            self.goal_week = None
            self.warnings.append(f"After week {week} there is no smaller week to go back to. "
                                 f"Running is paused: contact the clinic before you run again.")
            return None
        if skipped:
            self.skipped.append(week + 1)
        return result

    def _finish(self) -> Plan:
        warnings = list(self.warnings)
        if self.skipped:
            listed = ", ".join(str(number) for number in self.skipped)
            warnings.insert(0, f"No lighter week in week {listed}: at these amounts a lighter "
                               f"week would undo what the weeks before it gained under the cap.")
        inputs, goal_week = self.inputs, self.goal_week
        goal_date = (None if goal_week is None
                     else inputs.start + dt.timedelta(weeks=goal_week - 1))
        race_ready = self.race.ready(goal_week, self.paused)
        race_warning = self.race.warning(goal_week, self.cap_text, self.paused)
        if race_warning is not None:
            warnings.append(race_warning)
        return Plan(measure=inputs.measure, cap_pct=inputs.cap_pct, weeks=tuple(self.weeks),
                    goal_week=goal_week, goal_date=goal_date, race_ready=race_ready,
                    warnings=tuple(warnings), paused=self.paused, restart=inputs.is_restart)


def build_plan(inputs: PlanInputs, rules: PainRules | None = None,
               gaps: GapRules | None = None) -> Plan:
    """The plan for `inputs`: logged weeks first (with their decisions), then the weeks to come.

    Week 1 is at most (1 + cap) times last week's running and the current
    longest run (or a restart dose); every week after it has total and longest
    run at most (1 + cap) times the week before's printed numbers. The plan
    ends at the goal (or, with a race, at race week), when it cannot grow, when
    two red weeks pause it, or at the 52-week horizon (each with a warning).
    """
    return _PlanBuilder(inputs, rules or PainRules(), gaps or GapRules()).build()


