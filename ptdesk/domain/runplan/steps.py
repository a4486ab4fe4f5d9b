"""Week-to-week steps under the cap: week shape, a normal week, a lighter week, the targets."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from ptdesk.domain.runplan.amounts import Measure, capped, steps_down, steps_up
from ptdesk.domain.runplan.inputs import MIN_RUN_STEPS, PlanInputs, long_run_share
from ptdesk.domain.runplan.walkrun import (
    first_rung,
    next_rung_fits,
    starts_continuous,
    switch_due,
)


@dataclass(frozen=True, slots=True)
class WeekState:
    """A planned week in whole steps, before it is laid out as sessions."""

    total: int
    longest: int
    rung: int  # walk-run bout rung (index into walkrun.RUNGS_S)
    continuous: bool  # once running is continuous it stays so
    lighter: bool = False

    def same_load(self, other: WeekState) -> bool:
        return (self.total, self.longest, self.rung, self.continuous) == (
            other.total, other.longest, other.rung, other.continuous)


@dataclass(frozen=True, slots=True)
class Targets:
    """Everything the steps need from the inputs, in steps."""

    measure: Measure
    runs: int
    cap: Fraction  # e.g. 1/10 for a 10% cap
    share: Fraction  # the long run's most share of the week
    goal_total: int
    goal_long: int  # 0 when no long-run goal
    long_target: int  # how long the longest run should get
    lighter_every: int | None
    lighter_share: Fraction | None  # e.g. 4/5 for 80%

    @classmethod
    def from_inputs(cls, inputs: PlanInputs) -> Targets:
        measure, runs = inputs.measure, inputs.runs_per_week
        share = long_run_share(runs, inputs.long_run_max_pct)
        goal_total = steps_up(inputs.goal_weekly, measure)
        goal_long = 0 if inputs.goal_long_run is None else steps_up(inputs.goal_long_run, measure)
        even = math.ceil(Fraction(goal_total, runs))
        if goal_long:
            long_target = max(goal_long, even)
        else:
            # Otherwise one run about 1.5x the others at the goal, within the share.
            long_target = max(min(math.ceil(Fraction(goal_total * 3, 2 * runs + 1)),
                                  math.floor(share * goal_total)), even)
        lighter = None if inputs.lighter_pct is None else Fraction(inputs.lighter_pct, 100)
        return cls(measure=measure, runs=runs, cap=Fraction(inputs.cap_pct) / 100, share=share,
                   goal_total=goal_total, goal_long=goal_long, long_target=long_target,
                   lighter_every=inputs.lighter_every, lighter_share=lighter)

    def meets_goal(self, total: int, longest: int) -> bool:
        return total >= self.goal_total and longest >= self.goal_long

    def is_lighter_week(self, week: int) -> bool:
        return self.lighter_every is not None and week % self.lighter_every == 0

    def longest_range(self, total: int, runs: int | None = None) -> tuple[int, int]:
        """The longest run a week of `total` may have: (even split, most the shape allows).

        At most the long-run share (an even split has no long run, so it is always
        allowed), and no other run under a quarter of it or under the shortest run.
        """
        runs = runs or self.runs
        even = math.ceil(Fraction(total, runs))
        if runs == 1:
            return total, total
        high = max(math.floor(self.share * total), even)
        high = min(high, total - (runs - 1) * MIN_RUN_STEPS)
        while high > even and 4 * ((total - high) // (runs - 1)) < high:
            high -= 1
        return even, max(high, even)

    def fit(self, total: int, longest: int, runs: int | None = None) -> tuple[int, int]:
        """(total, longest) with the longest moved into the week's allowed range."""
        low, high = self.longest_range(total, runs)
        return total, min(max(longest, low), high)


def with_structure(targets: Targets, previous: WeekState, total: int, longest: int, *,
                   advance: bool, lighter: bool = False) -> WeekState:
    """A state with the walk-run bouts carried on from the week before.

    Walk-run only in minutes plans. In a week that advances, the bouts climb one
    rung when two of them still fit in the long session; when they no longer do,
    the switch to continuous running is that week's own step (its run is still
    capped against last week's per-session running like any other week).
    """
    if previous.continuous or targets.measure != "minutes":
        return WeekState(total, longest, previous.rung, True, lighter)
    rung, continuous = previous.rung, False
    if advance:
        if next_rung_fits(rung, longest):
            rung += 1
        elif switch_due(rung, previous.longest):
            continuous = True
    return WeekState(total, longest, rung, continuous, lighter)


def first_week(inputs: PlanInputs, targets: Targets) -> WeekState:
    """Week 1: at most the cap over last week's total and over the current longest run."""
    total = inputs.week_one_total()
    long_cap = capped(steps_down(inputs.current_run, targets.measure), targets.cap)
    total = min(total, targets.runs * long_cap)
    want = min(long_cap, max(targets.long_target, math.ceil(Fraction(total, targets.runs))))
    total, longest = targets.fit(total, want)
    continuous = targets.measure != "minutes" or starts_continuous(
        steps_down(inputs.current_run, targets.measure))
    return WeekState(total, longest, first_rung(longest), continuous)


def normal_step(targets: Targets, state: WeekState) -> WeekState:
    """The most running the cap allows after `state`, without overshooting the goals."""
    total = min(capped(state.total, targets.cap), max(targets.goal_total, state.total))
    long_cap = capped(state.longest, targets.cap)
    total = min(total, targets.runs * long_cap)
    want = min(long_cap, max(targets.long_target, math.ceil(Fraction(total, targets.runs))))
    total, longest = targets.fit(total, want)
    return with_structure(targets, state, total, longest, advance=True)


def scaled(targets: Targets, base: WeekState, share: Fraction, *, lighter: bool = False,
           ) -> WeekState:
    """`base` at `share` of its total and longest run (never under one shortest run each)."""
    floor_total = targets.runs * MIN_RUN_STEPS
    total = max(math.floor(base.total * share), min(floor_total, base.total))
    total = min(total, base.total)
    longest = min(math.floor(base.longest * share), base.longest)
    total, longest = targets.fit(total, longest)
    return with_structure(targets, base, total, longest, advance=False, lighter=lighter)


def _cycle_end(targets: Targets, lighter: WeekState) -> WeekState:
    state = lighter
    for _ in range((targets.lighter_every or 1) - 1):
        state = normal_step(targets, state)
    return state


def _cycle_gains(targets: Targets, peak: WeekState, end: WeekState) -> bool:
    """The cycle ends higher than `peak`, in total and longest run, until each goal is met."""
    total_ok = end.total > peak.total or end.total >= targets.goal_total
    long_ok = end.longest > peak.longest or end.longest >= targets.long_target
    return total_ok and long_ok


def lighter_step(targets: Targets, state: WeekState) -> WeekState | None:
    """A lighter week after `state`, or None when no lighter week can keep the plan growing.

    The chosen share is where it starts; rounding down small amounts can make a
    lighter week cost what the weeks after it gain (2.3, 2.5, 2.7, 2.9, 2.3 ...),
    so the week is raised, a step at a time, until its cycle ends higher.
    """
    share = targets.lighter_share
    if share is None:
        return None
    lighter = scaled(targets, state, share, lighter=True)
    while lighter.total < state.total:
        if _cycle_gains(targets, state, _cycle_end(targets, lighter)):
            return lighter
        total = lighter.total + 1
        longest = min(lighter.longest + 1, state.longest)
        total, longest = targets.fit(total, longest)
        lighter = replace(lighter, total=total, longest=longest)
    return None


def next_week(targets: Targets, state: WeekState, week: int) -> tuple[WeekState, bool]:
    """State for plan week `week` after `state`; the flag says a lighter week was skipped."""
    if targets.is_lighter_week(week):
        lighter = lighter_step(targets, state)
        if lighter is not None:
            return lighter, False
        return normal_step(targets, state), True
    return normal_step(targets, state), False
