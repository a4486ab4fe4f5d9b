"""What the clinician enters for a return-to-run plan, and the rules that refuse bad input."""

from __future__ import annotations

import datetime as dt
from dataclasses import KW_ONLY, dataclass
from decimal import Decimal

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan.amounts import (
    MAX_PLACES,
    MEASURES,
    UNIT_TEXT,
    Measure,
    format_pct,
    steps_down,
    to_decimal,
    too_precise,
)
from ptdesk.domain.runplan.model import HORIZON_WEEKS, WeekLog

CAP_MAX_PCT = Decimal(10)
RUNS_PER_WEEK_RANGE = (2, 6)
LIGHTER_PCT_RANGE = (50, 95)
LIGHTER_PCT_DEFAULT = 80  # CLINICAL.md's example: every 4th week at 80%
# Upper bounds that catch typing slips (e.g. 5000 km) without limiting real runners.
MAX_WEEKLY: dict[Measure, Decimal] = {
    "minutes": Decimal(3000), "km": Decimal(500), "mi": Decimal(300)}


def _amount(field: str, value: object, label: str) -> Decimal:
    try:
        amount = to_decimal(value, field)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError(field, f"{label} must be a number (got {value!r}).") from None
    if too_precise(amount):
        raise ValidationError(field, f"{label} can have at most {MAX_PLACES} decimals "
                                     f"(got {value!r}).")
    return amount


def _whole(field: str, value: object, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"{label} must be a whole number from {low} to {high} "
                                     f"(got {value!r}).")
    return value


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """Inputs of one plan; amounts are in `measure` (minutes of running, km or miles).

    Numbers may be given as int, float, str or Decimal; they are kept as exact
    Decimals. Construction validates everything and raises ValidationError
    whose `field` is the input's name (the CLI option is the same with dashes).
    """

    measure: Measure
    runs_per_week: int
    current_run: Decimal
    goal_weekly: Decimal
    _: KW_ONLY
    start: dt.date
    goal_long_run: Decimal | None = None
    race_date: dt.date | None = None
    cap_pct: Decimal = CAP_MAX_PCT
    lighter_every: int | None = None
    lighter_pct: int | None = None
    history: tuple[WeekLog, ...] = ()

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValidationError("measure", f"The plan's measure must be minutes, km or mi "
                                             f"(got {self.measure!r}).")
        low, high = RUNS_PER_WEEK_RANGE
        _whole("runs_per_week", self.runs_per_week, "Runs per week", low, high)
        self._check_amounts()
        self._check_dates()
        self._check_cap()
        self._check_lighter()
        self._check_history()

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)  # frozen: normalise once, at construction

    def _check_amounts(self) -> None:
        unit = UNIT_TEXT[self.measure]
        limit = MAX_WEEKLY[self.measure]
        current = _amount("current_run", self.current_run, "The current run")
        if current <= 0:
            raise ValidationError("current_run", f"The current run must be more than 0 "
                                                 f"(got {current}).")
        if steps_down(current, self.measure) < 1:
            smallest = "1 min" if self.measure == "minutes" else f"0.1 {unit}"
            raise ValidationError("current_run", f"The current run is too small to plan: the "
                                                 f"smallest amount is {smallest} (got {current}).")
        goal = _amount("goal_weekly", self.goal_weekly, "The weekly goal")
        if goal <= 0:
            raise ValidationError("goal_weekly", f"The weekly goal must be more than 0 "
                                                 f"(got {goal}).")
        if goal > limit:
            raise ValidationError("goal_weekly", f"The weekly goal must be at most {limit} {unit} "
                                                 f"(got {goal}).")
        if goal < current:
            raise ValidationError("goal_weekly", f"The weekly goal ({goal} {unit}) cannot be below "
                                                 f"the current run ({current} {unit}).")
        self._set("current_run", current)
        self._set("goal_weekly", goal)
        if self.goal_long_run is None:
            return
        long_run = _amount("goal_long_run", self.goal_long_run, "The goal long run")
        if long_run <= 0:
            raise ValidationError("goal_long_run", f"The goal long run must be more than 0 "
                                                   f"(got {long_run}).")
        if long_run < current:
            raise ValidationError("goal_long_run", f"The goal long run ({long_run} {unit}) cannot "
                                                   f"be below the current run ({current} {unit}).")
        if long_run > goal:
            raise ValidationError("goal_long_run", f"The goal long run ({long_run} {unit}) cannot "
                                                   f"be more than the weekly goal ({goal} {unit}).")
        self._set("goal_long_run", long_run)

    def _check_dates(self) -> None:
        for name, label in (("start", "The start date"), ("race_date", "The race date")):
            value = getattr(self, name)
            if value is None and name == "race_date":
                continue
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                raise ValidationError(name, f"{label} must be a calendar date (got {value!r}).")
        if self.race_date is not None and self.race_date <= self.start:
            raise ValidationError("race_date", f"The race date ({self.race_date.isoformat()}) must "
                                               f"be after the start date "
                                               f"({self.start.isoformat()}).")

    def _check_cap(self) -> None:
        cap = _amount("cap_pct", self.cap_pct, "The weekly increase cap")
        if not 0 < cap <= CAP_MAX_PCT:
            raise ValidationError("cap_pct", f"The weekly increase cap must be more than 0% and at "
                                             f"most 10% (got {format_pct(cap)}%).")
        self._set("cap_pct", cap)

    def _check_lighter(self) -> None:
        if self.lighter_every is None:
            if self.lighter_pct is not None:
                raise ValidationError("lighter_every", "Say how often the lighter week comes "
                                                       "(every N weeks) when giving its percentage.")
            return
        _whole("lighter_every", self.lighter_every, "A lighter week every N weeks", 2,
               HORIZON_WEEKS)
        if self.lighter_pct is None:
            self._set("lighter_pct", LIGHTER_PCT_DEFAULT)
        low, high = LIGHTER_PCT_RANGE
        _whole("lighter_pct", self.lighter_pct, "The lighter week's percentage of the week "
                                                "before", low, high)

    def _check_history(self) -> None:
        history = self.history
        if isinstance(history, (str, bytes)) or not isinstance(history, (tuple, list)):
            raise ValidationError("history", "The history must be a list of logged weeks.")
        if len(history) > HORIZON_WEEKS:
            raise ValidationError("history", f"The history can hold at most {HORIZON_WEEKS} weeks "
                                             f"(got {len(history)}).")
        for position, log in enumerate(history, start=1):
            if not isinstance(log, WeekLog):
                raise ValidationError("history", f"Entry {position} of the history is not a "
                                                 f"logged week.")
            if log.week != position:
                raise ValidationError("history", f"Logged weeks must be numbered 1, 2, 3, ... in "
                                                 f"order (entry {position} says week {log.week}).")
            if log.done_total > 0 and steps_down(log.done_longest, self.measure) < 1:
                smallest = "1 min" if self.measure == "minutes" else f"0.1 {UNIT_TEXT[self.measure]}"
                raise ValidationError("history", f"Week {log.week}: a run shorter than {smallest} "
                                                 f"cannot be counted; log 0 for a week without "
                                                 f"running.")
        self._set("history", tuple(history))
