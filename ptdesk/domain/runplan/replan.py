"""Re-planning after a logged week: the next week comes from what was actually done."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ptdesk.domain.runplan.amounts import steps_down
from ptdesk.domain.runplan.model import Decision, WeekLog
from ptdesk.domain.runplan.steps import Targets, WeekState, next_week, shaped


@dataclass(frozen=True, slots=True)
class DoneWeek:
    """The last week with running in it: what was done and what had been planned (steps)."""

    total: int
    longest: int
    planned: WeekState


def done_steps(log: WeekLog, targets: Targets) -> tuple[int, int]:
    return (steps_down(log.done_total, targets.measure),
            steps_down(log.done_longest, targets.measure))


def replan(targets: Targets, week: int, planned: WeekState, before: WeekState | None,
           log: WeekLog, decision: Decision, last_done: DoneWeek | None,
           ) -> tuple[WeekState | None, bool]:
    """The state for week `week + 1` after logged week `week`.

    Returns (state, lighter_week_skipped); state is None when the rules say to
    go back but there is nothing smaller left to plan.

    The base is the smaller of done and planned, so the cap holds against the
    week actually done and never exceeds the printed plan either (doing more
    than planned is not a reason to jump ahead). A week with no running is not
    a week done: the base is then the last week that had running in it.
    """
    done_total, done_longest = done_steps(log, targets)
    if done_total > 0:
        last_done = DoneWeek(done_total, done_longest, planned)
    if last_done is None:
        base_total, base_longest = planned.total, planned.longest
    else:
        base_total = min(last_done.total, planned.total)
        base_longest = min(last_done.longest, planned.longest)
    base_total = min(base_total, targets.runs * base_longest)
    base_longest = min(base_longest, base_total)
    base = shaped(targets, planned, base_total, base_longest, advance=False)
    if decision == "progress":
        return next_week(targets, base, week + 1)
    if decision == "hold":
        return base, False
    # Regress: go back one week - one cap step down, and no more than the week before's
    # plan - and always below what was done.
    back_total = math.floor(base_total / (1 + targets.cap))
    back_longest = math.floor(base_longest / (1 + targets.cap))
    if before is not None:
        back_total, back_longest = min(back_total, before.total), min(back_longest, before.longest)
    total = min(back_total, base_total - 1)
    longest = min(back_longest, base_longest, total)
    total = min(total, targets.runs * longest)
    if total < 1 or longest < 1:
        return None, False
    stage = max(base.stage - 1, 0)
    return shaped(targets, WeekState(base_total, base_longest, stage, base.continuous),
                  total, longest, advance=False), False


def updated_last_done(log: WeekLog, targets: Targets, planned: WeekState,
                      last_done: DoneWeek | None) -> DoneWeek | None:
    """Remember this week as the last one done if it had running in it."""
    done_total, done_longest = done_steps(log, targets)
    if done_total > 0:
        return DoneWeek(done_total, done_longest, planned)
    return last_done
