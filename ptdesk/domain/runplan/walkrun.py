"""Walk-run sessions in minutes plans: bout rungs, intervals to the second, the switch step."""

from __future__ import annotations

from ptdesk.domain.runplan.amounts import SECONDS_PER_STEP
from ptdesk.domain.runplan.inputs import MIN_BOUT_SECONDS
from ptdesk.domain.runplan.model import Intervals

# Running bouts, shortest first (seconds). Rungs are close together so the bouts can
# lengthen every week (CLINICAL.md: 1:00 -> 1:15 -> 1:30 -> 2:00 ...); the session's
# running, not the bout, is what the cap limits.
RUNGS_S: tuple[int, ...] = (30, 45, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480, 600, 720,
                            900, 1200)
WARM_UP_WALK_S = 300  # every session starts with a 5-minute walk (CLINICAL.md)
# Walk-run while the patient cannot run 20-30 minutes continuously (CLINICAL.md).
CONTINUOUS_FROM_S = 20 * 60


def walk_for(run_s: int) -> int:
    """The walk break after a bout: longer after short bouts, shrinking as they grow."""
    if run_s <= 60:
        return 90
    if run_s <= 120:
        return 75
    return 60


def starts_continuous(current_steps: int) -> bool:
    return current_steps * SECONDS_PER_STEP >= CONTINUOUS_FROM_S


def first_rung(longest_steps: int) -> int:
    """Week 1's bouts: about a quarter of the long session's running."""
    seconds = longest_steps * SECONDS_PER_STEP
    fitting = [index for index, run_s in enumerate(RUNGS_S) if run_s * 4 <= seconds]
    return fitting[-1] if fitting else 0


def next_rung_fits(rung: int, longest_steps: int) -> bool:
    """Whether two bouts of the rung above `rung` fit in the long session."""
    following = rung + 1
    return (following < len(RUNGS_S)
            and RUNGS_S[following] * 2 <= longest_steps * SECONDS_PER_STEP)


def switch_due(rung: int, previous_longest_steps: int) -> bool:
    """Last week's long session was at most two full bouts (and a part): run it in one go."""
    return RUNGS_S[rung] * 3 > previous_longest_steps * SECONDS_PER_STEP


def intervals_for(running_steps: int, rung: int) -> Intervals:
    """A session's running split into equal bouts of about the week's rung.

    The bouts are the session's running shared evenly, none longer than the rung (nor
    under 30 s); the few seconds the even split leaves over go on the last bout.
    """
    seconds = running_steps * SECONDS_PER_STEP
    fitting = [run_s for run_s in RUNGS_S[:rung + 1] if run_s * 2 <= seconds]
    target = fitting[-1] if fitting else max(seconds // 2, MIN_BOUT_SECONDS)
    bouts = -(-seconds // target)  # enough bouts that none is longer than the rung
    if seconds // bouts < MIN_BOUT_SECONDS:
        bouts = max(seconds // target, 1)
    bout = seconds // bouts // SECONDS_PER_STEP * SECONDS_PER_STEP
    rest = seconds - bout * bouts
    if rest == 0:
        return Intervals(run_s=bout, walk_s=walk_for(bout), repeats=bouts, then_run_s=0)
    return Intervals(run_s=bout, walk_s=walk_for(bout), repeats=bouts - 1,
                     then_run_s=bout + rest)
