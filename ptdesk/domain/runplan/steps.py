"""Week-to-week steps under the cap: a normal week, a lighter week, and the plan's targets."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from ptdesk.domain.runplan.amounts import Measure, capped, steps_down, steps_up
from ptdesk.domain.runplan.inputs import PlanInputs
from ptdesk.domain.runplan.sessions import first_stage, is_continuous_amount, widest_stage


@dataclass(frozen=True, slots=True)
class WeekState:
    """A planned week in whole steps, before it is laid out as sessions."""

    total: int
    longest: int
    stage: int  # walk-run stage (index into the measure's ladder)
    continuous: bool  # once running is continuous it stays so
    lighter: bool = False

    def same_load(self, other: WeekState) -> bool:
        return (self.total, self.longest, self.stage, self.continuous) == (
            other.total, other.longest, other.stage, other.continuous)


@dataclass(frozen=True, slots=True)
class Targets:
    """Everything the steps need from the inputs, in steps."""

    measure: Measure
    runs: int
    cap: Fraction  # e.g. 1/10 for a 10% cap
    goal_total: int
    goal_long: int  # 0 when no long-run goal
    long_target: int  # how long the longest run should get
    current: int
    lighter_every: int | None
    lighter_share: Fraction | None  # e.g. 4/5 for 80%

    @classmethod
    def from_inputs(cls, inputs: PlanInputs) -> Targets:
        measure, runs = inputs.measure, inputs.runs_per_week
        goal_total = steps_up(inputs.goal_weekly, measure)
        goal_long = 0 if inputs.goal_long_run is None else steps_up(inputs.goal_long_run, measure)
        if goal_long:
            # Grow the long run only as far as the goal needs (or the sessions need to fit).
            long_target = max(goal_long, math.ceil(Fraction(goal_total, runs)))
        else:
            # Otherwise aim for one run about 1.5x the others at the goal volume.
            long_target = math.ceil(Fraction(goal_total * 3, 2 * runs + 1))
        share = None if inputs.lighter_pct is None else Fraction(inputs.lighter_pct, 100)
        return cls(measure=measure, runs=runs, cap=Fraction(inputs.cap_pct) / 100,
                   goal_total=goal_total, goal_long=goal_long,
                   long_target=long_target,
                   current=steps_down(inputs.current_run, measure),
                   lighter_every=inputs.lighter_every, lighter_share=share)

    def meets_goal(self, total: int, longest: int) -> bool:
        return total >= self.goal_total and longest >= self.goal_long

    def can_grow(self, total: int, longest: int) -> bool:
        """Whether any week after this one could have more running without breaking the cap."""
        return min(capped(total, self.cap), self.runs * capped(longest, self.cap)) > total

    def is_lighter_week(self, week: int) -> bool:
        return self.lighter_every is not None and week % self.lighter_every == 0


def shaped(targets: Targets, previous: WeekState, total: int, longest: int, *,
           advance: bool, lighter: bool = False) -> WeekState:
    """A state with the walk-run structure carried on from the week before."""
    continuous = previous.continuous or is_continuous_amount(longest, targets.measure)
    stage = min(previous.stage + (1 if advance else 0), widest_stage(longest, targets.measure))
    return WeekState(total, longest, stage, continuous, lighter)


def first_week(targets: Targets) -> WeekState:
    """Week 1: longest run = what the patient runs now, total = that many times a week."""
    longest = targets.current
    total = min(targets.runs * longest, max(targets.goal_total, longest))
    return WeekState(total, longest, first_stage(longest, targets.measure),
                     is_continuous_amount(longest, targets.measure))


def normal_step(targets: Targets, state: WeekState) -> WeekState:
    """The most running the cap allows after `state`, without overshooting the goals.

    If the cap leaves room to grow, the total grows: the longest run is raised
    at least enough for the sessions to carry the new total.
    """
    total_want = min(capped(state.total, targets.cap), max(targets.goal_total, state.total))
    long_want = max(targets.long_target, math.ceil(Fraction(total_want, targets.runs)))
    longest = min(capped(state.longest, targets.cap), long_want, total_want)
    total = min(total_want, targets.runs * longest)
    longest = min(longest, total)
    return shaped(targets, state, total, longest, advance=True)


def lighter_step(targets: Targets, state: WeekState) -> WeekState | None:
    """A lighter week at the chosen share of `state`, or None when it would stall the plan.

    With small volumes, rounding down after a drop can leave no printable step
    under the cap, so the plan would never grow again; such a week is skipped.
    """
    share = targets.lighter_share
    if share is None:
        return None
    longest = math.floor(state.longest * share)
    total = min(math.floor(state.total * share), targets.runs * longest)
    longest = min(longest, total)
    if longest < 1 or not targets.can_grow(total, longest):
        return None
    lighter = shaped(targets, state, total, longest, advance=False, lighter=True)
    return lighter if _cycle_gains(targets, state, lighter) else None


def _cycle_gains(targets: Targets, peak: WeekState, lighter: WeekState) -> bool:
    """Whether the normal weeks up to the next lighter week get past the week before this one.

    Rounding down small amounts can make a lighter week cost as much as the weeks
    after it gain (12, 13, 14, 11, 12, 13, 14, ...): such a plan would never move.
    """
    state = lighter
    for _ in range((targets.lighter_every or 1) - 1):
        state = normal_step(targets, state)
        if targets.meets_goal(state.total, state.longest):
            return True
    if peak.total < targets.goal_total:
        return state.total > peak.total
    return state.longest > peak.longest


def next_week(targets: Targets, state: WeekState, week: int) -> tuple[WeekState, bool]:
    """State for plan week `week` after `state`; the flag says a lighter week was skipped."""
    if targets.is_lighter_week(week):
        lighter = lighter_step(targets, state)
        if lighter is not None:
            return lighter, False
        return replace(normal_step(targets, state), lighter=False), True
    return normal_step(targets, state), False
