"""One week's sessions: run days, walk-run intervals or easy continuous runs, and race day."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

from ptdesk.domain.runplan.amounts import (
    SECONDS_PER_STEP,
    Measure,
    clock,
    format_steps,
    from_steps,
)
from ptdesk.domain.runplan.model import TAPER_PREFIX, Intervals, Session
from ptdesk.domain.runplan.walkrun import WARM_UP_WALK_S, intervals_for

# Day offsets from the week's first day: alternate days where seven days allow it
# (four runs: Mon/Wed/Fri/Sun when the plan starts on a Monday).
RUN_DAYS: dict[int, tuple[int, ...]] = {
    1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 2, 4, 6), 5: (0, 1, 3, 4, 6), 6: (0, 1, 2, 3, 4, 5)}


def run_days(runs: int, before: int = 7) -> tuple[int, ...]:
    """Offsets of `runs` run days among the first `before` days of the week, spread out."""
    usual = RUN_DAYS[runs]
    if usual[-1] < before:
        return usual
    return tuple(sorted({math.floor(Fraction(i * before, runs)) for i in range(runs)}))


def split_week(total: int, longest: int, runs: int) -> list[int]:
    """Session amounts (steps): one run of `longest`, the rest spread evenly, each <= longest."""
    if runs == 1:
        return [total]
    base, extra = divmod(total - longest, runs - 1)
    return [longest] + [base + 1 if i < extra else base for i in range(runs - 1)]


def _long_run_index(days: tuple[int, ...]) -> int:
    """Put the longer run on the last run day that is followed by a rest day."""
    taken = set(days)
    for index in range(len(days) - 1, -1, -1):
        if (days[index] + 1) % 7 not in taken:
            return index
    return len(days) - 1


def _times(repeats: int) -> str:
    return {1: "once", 2: "twice"}.get(repeats, f"{repeats} times")


def walk_run_text(intervals: Intervals) -> str:
    """The patient's words for a walk-run session, with the whole session's length."""
    text = (f"Walk {clock(WARM_UP_WALK_S)} to warm up. Then run {clock(intervals.run_s)} and "
            f"walk {clock(intervals.walk_s)}, {_times(intervals.repeats)}.")
    if intervals.then_run_s:
        text += f" Then run {clock(intervals.then_run_s)}."
    whole = WARM_UP_WALK_S + intervals.running_s + intervals.walking_s
    return (f"{text} You run {clock(intervals.running_s)} in all; the whole session takes "
            f"{clock(whole)}. Easy pace, flat ground.")


def walk_run_session(day: dt.date, amount: int, rung: int, prefix: str) -> Session:
    intervals = intervals_for(amount, rung)
    return Session(date=day, run=from_steps(amount, "minutes"),
                   walk=from_steps(intervals.walking_s // SECONDS_PER_STEP, "minutes"),
                   description=prefix + walk_run_text(intervals), intervals=intervals)


def continuous_session(day: dt.date, amount: int, measure: Measure, prefix: str,
                       longer: bool) -> Session:
    if measure == "minutes":
        seconds = amount * SECONDS_PER_STEP
        text = (f"Walk {clock(WARM_UP_WALK_S)} to warm up. Then run {clock(seconds)} without "
                f"stopping, at a pace you could talk at. The whole session takes "
                f"{clock(WARM_UP_WALK_S + seconds)}.")
    else:
        kind = "Longer easy run" if longer else "Easy run"
        text = f"{kind}: {format_steps(amount, measure)}, at a pace you could talk at."
    return Session(date=day, run=from_steps(amount, measure), walk=from_steps(0, measure),
                   description=prefix + text)


RACE_TEXT = "Race day! Enjoy your race. No other run today."


def race_session(day: dt.date, measure: Measure, prefix: str = "") -> Session:
    zero = from_steps(0, measure)
    return Session(date=day, run=zero, walk=zero, description=prefix + RACE_TEXT, race=True)


def build_sessions(start: dt.date, amounts: list[int], days: tuple[int, ...], rung: int,
                   continuous: bool, measure: Measure, prefix: str,
                   race_day: dt.date | None = None) -> tuple[Session, ...]:
    """The week's sessions in date order; their runs add up to the week's total exactly."""
    long_index = _long_run_index(days) if days else 0
    ordered = amounts[1:]
    if amounts:
        ordered.insert(long_index, amounts[0])
    has_longer = len(amounts) > 1 and amounts[0] > max(amounts[1:])
    sessions = []
    for index, (offset, amount) in enumerate(zip(days, ordered, strict=True)):
        day = start + dt.timedelta(days=offset)
        if continuous or measure != "minutes":
            sessions.append(continuous_session(day, amount, measure, prefix,
                                               has_longer and index == long_index))
        else:
            sessions.append(walk_run_session(day, amount, rung, prefix))
    if race_day is not None:
        # Race week is a taper week even when the race leaves no day to run before it.
        sessions.append(race_session(race_day, measure, prefix if prefix == TAPER_PREFIX
                                     else ""))
    return tuple(sorted(sessions, key=lambda session: session.date))


def rest_day_advice(days: tuple[int, ...]) -> str:
    """Advice that matches the printed schedule."""
    if not days:
        return "Rest this week before your race."
    taken = set(days)
    back_to_back = any((day + 1) in taken for day in days)
    if back_to_back:
        return ("Run only on the days shown. Rest or do easy cross-training on the other "
                "days. Never run two hard days in a row.")
    return "Run only on the days shown, with a rest day (or easy cross-training) between runs."
