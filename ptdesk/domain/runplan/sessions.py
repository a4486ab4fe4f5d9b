"""One week's sessions: run days on alternate days, walk-run intervals or easy continuous runs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ptdesk.domain.runplan.amounts import UNIT_TEXT, Measure, from_steps, steps_down
from ptdesk.domain.runplan.model import Session

# Walk-run until the longest run reaches about 20 minutes (CLINICAL.md: walk-run while
# the patient cannot run 20-30 minutes). For distance plans this assumes an easy pace
# of about 6.5-7 min/km or 10-11 min/mile: 3.0 km or 2.0 mi. A slower runner gets
# there after more than 20 minutes, a faster one a little before; intervals stay in
# the plan's measure, so no pace assumption ever enters the capped numbers.
CONTINUOUS_FROM: dict[Measure, int] = {"minutes": 20, "km": 30, "mi": 20}  # in steps

# Walk-run stages, easiest first: (run interval, walk interval) in steps of the
# measure. The walk is roughly 1-2 minutes whatever the measure (0.1 km of walking
# takes about a minute, 0.1 mile about two).
LADDERS: dict[Measure, tuple[tuple[int, int], ...]] = {
    "minutes": ((1, 2), (1, 1), (2, 1), (3, 1), (5, 1), (8, 1), (10, 1)),
    "km": ((2, 2), (2, 1), (3, 1), (5, 1), (8, 1), (10, 1), (15, 1)),
    "mi": ((1, 1), (2, 1), (3, 1), (5, 1), (7, 1), (10, 1)),
}

# Day offsets from the week's first day: alternate days where seven days allow it
# (four runs: Mon/Wed/Fri/Sun when the plan starts on a Monday).
RUN_DAYS: dict[int, tuple[int, ...]] = {
    1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 2, 4, 6), 5: (0, 1, 3, 4, 6), 6: (0, 1, 2, 3, 4, 5)}


def first_stage(longest: int, measure: Measure) -> int:
    """Stage for week 1: run intervals about a third of what the patient runs now."""
    ladder = LADDERS[measure]
    fitting = [i for i, (run, _) in enumerate(ladder) if run * 3 <= longest]
    return fitting[-1] if fitting else 0


def widest_stage(longest: int, measure: Measure) -> int:
    """Longest run interval that still splits the longest run into at least two rounds."""
    ladder = LADDERS[measure]
    fitting = [i for i, (run, _) in enumerate(ladder) if run * 2 <= longest]
    return fitting[-1] if fitting else 0


def is_continuous_amount(longest: int, measure: Measure) -> bool:
    return longest >= CONTINUOUS_FROM[measure]


def split_week(total: int, longest: int, runs_per_week: int) -> list[int]:
    """Session amounts (steps): one run of `longest`, the rest spread evenly, each <= longest."""
    rest = total - longest
    others = min(runs_per_week - 1, rest)
    amounts = [longest]
    if others > 0:
        base, extra = divmod(rest, others)
        amounts += [base + 1 if i < extra else base for i in range(others)]
    return amounts


def _long_run_index(days: tuple[int, ...]) -> int:
    """Put the longer run on the last run day that is followed by a rest day."""
    taken = set(days)
    for index in range(len(days) - 1, -1, -1):
        if (days[index] + 1) % 7 not in taken:
            return index
    return len(days) - 1


def _times(repeats: int) -> str:
    return {1: "once", 2: "twice"}.get(repeats, f"{repeats} times")


def _amount(steps: int, measure: Measure) -> str:
    return f"{from_steps(steps, measure)} {UNIT_TEXT[measure]}"


def walk_run_session(day: dt.date, amount: int, stage: int, measure: Measure,
                     prefix: str) -> Session:
    run_step, walk_step = LADDERS[measure][stage]
    run_step = min(run_step, amount)
    repeats, final = divmod(amount, run_step)
    text = (f"{prefix}Walk-run: run {_amount(run_step, measure)}, walk "
            f"{_amount(walk_step, measure)}, {_times(repeats)}")
    if final:
        text += f", then run {_amount(final, measure)}"
    text += f" ({_amount(amount, measure)} running). Easy pace, flat ground."
    return Session(
        date=day, run=from_steps(amount, measure),
        walk=from_steps(walk_step * repeats, measure), description=text,
        run_interval=from_steps(run_step, measure), walk_interval=from_steps(walk_step, measure),
        repeats=repeats, final_run=from_steps(final, measure) if final else None)


def continuous_session(day: dt.date, amount: int, measure: Measure, prefix: str,
                       longer: bool) -> Session:
    kind = "Longer easy run" if longer else "Easy run"
    return Session(date=day, run=from_steps(amount, measure), walk=from_steps(0, measure),
                   description=f"{prefix}{kind}: {_amount(amount, measure)}, at a pace you "
                               f"could talk at.")


def build_sessions(start: dt.date, total: int, longest: int, runs_per_week: int, stage: int,
                   continuous: bool, lighter: bool, measure: Measure) -> tuple[Session, ...]:
    """The week's sessions in date order; their runs add up to `total` exactly.

    A week with nothing planned (the plan stopped after red flags) is one rest day
    telling the patient to see the clinician first.
    """
    if total == 0:
        return (Session(date=start, run=from_steps(0, measure), walk=from_steps(0, measure),
                        description="No running this week. See your clinician before you run "
                                    "again."),)
    amounts = split_week(total, longest, runs_per_week)
    days = RUN_DAYS[len(amounts)]
    long_index = _long_run_index(days)
    ordered = amounts[1:]
    ordered.insert(long_index, amounts[0])
    prefix = "Lighter week. " if lighter else ""
    has_longer = len(amounts) > 1 and longest > max(amounts[1:])
    sessions = []
    for index, (offset, amount) in enumerate(zip(days, ordered, strict=True)):
        day = start + dt.timedelta(days=offset)
        if continuous:
            sessions.append(continuous_session(day, amount, measure, prefix,
                                               has_longer and index == long_index))
        else:
            sessions.append(walk_run_session(day, amount, stage, measure, prefix))
    return tuple(sessions)


_NUMBER = r"(\d+(?:\.\d)?) (?:min|km|mi)"
_WALK_RUN = re.compile(rf"Walk-run: run {_NUMBER}, walk {_NUMBER}, (once|twice|\d+ times)"
                       rf"(?:, then run {_NUMBER})?")


def intervals_from_description(
        description: str, measure: Measure,
) -> tuple[Decimal | None, Decimal | None, int | None, Decimal | None]:
    """Read (run_interval, walk_interval, repeats, final_run) back out of a stored description.

    Stored plans keep only the patient's text per session (the JSON contract),
    so the structure is recovered from the wording `walk_run_session` writes.
    """
    match = _WALK_RUN.search(description)
    if match is None:
        return None, None, None, None
    run, walk, times, final = match.groups()
    repeats = {"once": 1, "twice": 2}.get(times) or int(times.split()[0])

    def exact(text: str) -> Decimal:
        return from_steps(steps_down(Decimal(text), measure), measure)

    return exact(run), exact(walk), repeats, exact(final) if final else None
