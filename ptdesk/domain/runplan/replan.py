"""Re-planning after a logged week: the next week comes from what was actually done."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ptdesk.domain.runplan.amounts import steps_down
from ptdesk.domain.runplan.inputs import MIN_RUN_STEPS
from ptdesk.domain.runplan.model import Decision, WeekLog
from ptdesk.domain.runplan.steps import Targets, WeekState, next_week, scaled, with_structure


@dataclass(frozen=True, slots=True)
class DoneWeek:
    """The last week with running in it: what was done and what had been planned (steps)."""

    total: int
    longest: int
    planned: WeekState


def done_steps(log: WeekLog, targets: Targets) -> tuple[int, int]:
    return (steps_down(log.done_total, targets.measure),
            steps_down(log.done_longest, targets.measure))


def updated_last_done(log: WeekLog, targets: Targets, planned: WeekState,
                      last_done: DoneWeek | None) -> DoneWeek | None:
    """Remember this week as the last one done if it had running in it."""
    done_total, done_longest = done_steps(log, targets)
    if done_total > 0:
        return DoneWeek(done_total, done_longest, planned)
    return last_done


def completed_base(targets: Targets, planned: WeekState, last_done: DoneWeek | None,
                   ) -> WeekState:
    """The smaller of done and planned, so the cap holds against the week actually done
    and never exceeds the printed plan either (doing more than planned is not a reason
    to jump ahead). Without any running done yet, the plan as printed."""
    if last_done is None:
        return planned
    total = min(last_done.total, last_done.planned.total, planned.total)
    longest = min(last_done.longest, last_done.planned.longest, planned.longest, total)
    # Never below one shortest run per session (the plan's smallest week).
    total = max(total, min(targets.runs * MIN_RUN_STEPS, planned.total))
    total, longest = targets.fit(total, longest)
    return with_structure(targets, planned, total, longest, advance=False)


def after_missed(targets: Targets, base: WeekState, missed: int, pct: int) -> WeekState:
    """The week after `missed` missed weeks: `pct`% of the last completed week."""
    if missed <= 1 or pct >= 100:
        return base
    return scaled(targets, base, Fraction(pct, 100))


def replan(targets: Targets, week: int, planned: WeekState, before: WeekState | None,
           log: WeekLog, decision: Decision, last_done: DoneWeek | None,
           ) -> tuple[WeekState | None, bool]:
    """The state for week `week + 1` after logged week `week`.

    Returns (state, lighter_week_skipped); state is None when the rules say to
    go back but there is nothing smaller left to plan.
    """
    last_done = updated_last_done(log, targets, planned, last_done)
    base = completed_base(targets, planned, last_done)
    done_enough = last_done is None or last_done.total >= targets.runs * MIN_RUN_STEPS
    if decision == "progress" and done_enough:
        return next_week(targets, base, week + 1)
    if decision == "progress":
        return base, False  # less than the smallest week was done: repeat the smallest
    if decision == "hold":
        return base, False
    # Regress: go back one week - one cap step down, and no more than the week before's
    # plan - and always below what was done.
    back_total = math.floor(base.total / (1 + targets.cap))
    back_longest = math.floor(base.longest / (1 + targets.cap))
    if before is not None:
        back_total = min(back_total, before.total)
        back_longest = min(back_longest, before.longest)
    total = min(back_total, base.total - 1)
    if total < targets.runs * MIN_RUN_STEPS:
        return None, False
    total, longest = targets.fit(total, min(back_longest, base.longest))
    return with_structure(targets, base, total, longest, advance=False), False
