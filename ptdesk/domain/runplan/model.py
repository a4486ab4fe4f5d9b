"""The plan's value types: a logged week, a session, a week of the plan and the plan itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan.amounts import MAX_PLACES, Measure, to_decimal, too_precise

Decision = Literal["progress", "hold", "regress"]
DECISIONS: tuple[Decision, ...] = ("progress", "hold", "regress")
# "stiff-settled": stiff the next morning but it settled (CLINICAL.md's amber rule).
NextMorning = Literal["better", "same", "stiff-settled", "worse"]
NEXT_MORNING: tuple[NextMorning, ...] = ("better", "same", "stiff-settled", "worse")

TAPER_PREFIX = "Taper week. "

# Longest history a plan accepts: the same horizon the generator plans to.
HORIZON_WEEKS = 52


def _history_error(week: object, message: str) -> ValidationError:
    return ValidationError("history", f"Week {week}: {message}")


@dataclass(frozen=True, slots=True)
class WeekLog:
    """What the patient logged for one week of the plan (amounts in the plan's measure)."""

    week: int
    done_total: Decimal
    done_longest: Decimal
    pain_during: int
    next_morning: NextMorning
    swelling: bool = False
    limping: bool = False

    def __post_init__(self) -> None:
        week = self.week
        if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= HORIZON_WEEKS:
            raise ValidationError(
                "history", f"A logged week number must be a whole number from 1 to "
                           f"{HORIZON_WEEKS} (got {week!r}).")
        amounts = {}
        for name, label in (("done_total", "the week's running"),
                            ("done_longest", "the longest run")):
            try:
                amount = to_decimal(getattr(self, name), name)
            except (TypeError, ValueError, ArithmeticError):
                raise _history_error(week, f"{label} ({name}) must be a number "
                                           f"(got {getattr(self, name)!r}).") from None
            if too_precise(amount):
                raise _history_error(week, f"{label} ({name}) can have at most {MAX_PLACES} "
                                           f"decimals.")
            if amount < 0:
                raise _history_error(week, f"{label} ({name}) cannot be negative.")
            amounts[name] = amount
            object.__setattr__(self, name, amount)
        if amounts["done_longest"] > amounts["done_total"]:
            raise _history_error(week, "the longest run cannot be more than the week's total.")
        if (amounts["done_total"] > 0) != (amounts["done_longest"] > 0):
            raise _history_error(week, "give a longest run when the week has running in it, "
                                       "and 0 for both when nothing was run.")
        pain = self.pain_during
        if isinstance(pain, bool) or not isinstance(pain, int) or not 0 <= pain <= 10:
            raise _history_error(week, f"pain during running (pain_during) must be a whole "
                                       f"number from 0 to 10 (got {pain!r}).")
        if self.next_morning not in NEXT_MORNING:
            raise _history_error(week, f"next_morning must be better, same, stiff-settled or "
                                       f"worse (got {self.next_morning!r}).")
        for name in ("swelling", "limping"):
            if not isinstance(getattr(self, name), bool):
                raise _history_error(week, f"{name} must be true or false "
                                           f"(got {getattr(self, name)!r}).")

    @property
    def missed(self) -> bool:
        """A week with no running and no pain, swelling or limping: simply not done."""
        return (self.done_total == 0 and self.pain_during == 0 and not self.swelling
                and not self.limping)


@dataclass(frozen=True, slots=True)
class Intervals:
    """A walk-run session after its 5-minute warm-up walk, in seconds.

    `repeats` rounds of `run_s` running then `walk_s` walking, then `then_run_s`
    more running (0 when the rounds already hold all the running).
    """

    run_s: int
    walk_s: int
    repeats: int
    then_run_s: int = 0

    @property
    def running_s(self) -> int:
        return self.run_s * self.repeats + self.then_run_s

    @property
    def walking_s(self) -> int:
        return self.walk_s * self.repeats


@dataclass(frozen=True, slots=True)
class Session:
    """One run on one day, as the patient reads it (or race day, `race` True, `run` 0).

    `run` is running only (walking never counts toward volume), in the plan's
    measure; `walk` is the walking between running bouts in the same measure
    (the warm-up walk is not counted). Walk-run sessions carry their
    `intervals`; continuous runs have None.
    """

    date: dt.date
    run: Decimal
    walk: Decimal
    description: str
    intervals: Intervals | None = None
    race: bool = False

    @property
    def is_walk_run(self) -> bool:
        return self.intervals is not None


@dataclass(frozen=True, slots=True)
class PlanWeek:
    """One week of the plan; `done` and `decision` are filled for weeks already logged."""

    week: int
    start: dt.date
    total: Decimal
    longest: Decimal
    lighter: bool
    sessions: tuple[Session, ...]
    done: WeekLog | None = None
    decision: Decision | None = None
    version: int = 1

    @property
    def taper(self) -> bool:
        """A taper week before the race (its runs say so)."""
        return any(session.description.startswith(TAPER_PREFIX) for session in self.sessions)

    @property
    def runs(self) -> tuple[Session, ...]:
        """The training runs (race day is not one)."""
        return tuple(session for session in self.sessions if not session.race)


@dataclass(frozen=True, slots=True)
class Plan:
    """A whole return-to-run plan with its goal and race check.

    `goal_week`/`goal_date` are None when the goal is not reached within the
    plan (or the plan is paused); `race_ready` is None when no race date was
    given; `paused` means two red weeks in a row stopped running until the
    clinician resumes the plan; `restart` that week 1 is a clinician-set dose.
    """

    measure: Measure
    cap_pct: Decimal
    weeks: tuple[PlanWeek, ...]
    goal_week: int | None
    goal_date: dt.date | None
    race_ready: bool | None
    warnings: tuple[str, ...] = ()
    paused: bool = False
    restart: bool = False
