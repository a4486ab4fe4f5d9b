"""What the clinician enters for a return-to-run plan, and the rules that refuse bad input."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import KW_ONLY, dataclass
from decimal import Decimal
from fractions import Fraction

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan.amounts import (
    MAX_PLACES,
    MEASURES,
    UNIT_TEXT,
    Measure,
    format_pct,
    format_steps,
    steps_down,
    steps_up,
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
# Distance plans are for patients who already run continuously (CLINICAL.md: about
# 1.5 km or 1 mile or more); below that the plan is walk-run, counted in minutes.
DISTANCE_FLOOR: dict[Measure, Decimal] = {"km": Decimal("1.5"), "mi": Decimal("1.0")}
# A walk-run bout is at least 30 s (CLINICAL.md); a session holds at least two of them.
MIN_BOUT_SECONDS = 30
# No session is shorter than 20 steps (1:00 min, 1.0 km, 1.0 mi): a 5% cap (the lowest
# cap for which issue 14 promises growth every week) then always adds at least one
# printed step (3 s or 0.05 km/mi) to every run, so no plan can freeze by rounding.
MIN_RUN_STEPS = 20
# Dates a clinic can mean (and that leave room for a year of weeks after the start).
EARLIEST_START = dt.date(1900, 1, 1)
LATEST_START = dt.date(2199, 12, 31)
TAPER_WEEKS_RANGE = (0, 2)
TAPER_WEEKS_DEFAULT = 1  # race week itself
# Long run's share of the week with 3+ runs (CLINICAL.md: 40% by default, 33-50%).
LONG_RUN_PCT_RANGE = (33, 50)
LONG_RUN_PCT_DEFAULT = 40
# Each lighter-week cycle must gain at least 2% (CLINICAL.md, issue 14).
CYCLE_GAIN_MIN = Fraction(102, 100)


def cycle_gain(lighter_pct: int, every: int, cap_pct: Decimal) -> Fraction:
    """What one lighter-week cycle multiplies the peak by: share x (1 + cap)^(every - 1)."""
    cap = Fraction(cap_pct) / 100
    return Fraction(lighter_pct, 100) * (1 + cap) ** (every - 1)


def nearest_working_cycle(lighter_pct: int, every: int, cap_pct: Decimal,
                          ) -> tuple[int | None, int | None]:
    """(the fewest weeks between lighter weeks, the lowest lighter share) that gain 2%."""
    weeks = next((n for n in range(every, HORIZON_WEEKS + 1)
                  if cycle_gain(lighter_pct, n, cap_pct) >= CYCLE_GAIN_MIN), None)
    pct = next((p for p in range(lighter_pct, LIGHTER_PCT_RANGE[1] + 1)
                if cycle_gain(p, every, cap_pct) >= CYCLE_GAIN_MIN), None)
    return weeks, pct


def long_run_share(runs_per_week: int, long_run_max_pct: int) -> Fraction:
    """The most of a week's running its long run may hold.

    With 3+ runs: the clinician's share, and never so much that the other runs
    fall under a quarter of it (L <= 4T/(n+3)). With 2 runs only the quarter rule.
    """
    quarter = Fraction(4, runs_per_week + 3)
    if runs_per_week < 3:
        return quarter
    return min(Fraction(long_run_max_pct, 100), quarter)


def min_run_steps(measure: Measure) -> int:
    """The shortest run a session may hold, in steps (1:00 min, 1.0 km or 1.0 mi)."""
    return MIN_RUN_STEPS


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
    current_weekly: Decimal | None = None  # required: running in the last 7 days
    restart_weekly: Decimal | None = None  # a restart's week-1 dose
    taper_weeks: int | None = None  # only with a race date; default 1
    long_run_max_pct: int = LONG_RUN_PCT_DEFAULT
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
        low, high = LONG_RUN_PCT_RANGE
        _whole("long_run_max_pct", self.long_run_max_pct, "The long run's largest share of the "
                                                          "week (%)", low, high)
        self._check_amounts()
        self._check_dates()
        self._check_cap()
        self._check_week_one()
        self._check_goal_shape()
        self._check_lighter()
        self._check_history()

    @property
    def is_restart(self) -> bool:
        return self.restart_weekly is not None

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)  # frozen: normalise once, at construction

    def _check_amounts(self) -> None:
        unit = UNIT_TEXT[self.measure]
        limit = MAX_WEEKLY[self.measure]
        current = _amount("current_run", self.current_run, "The current run")
        if current <= 0:
            raise ValidationError("current_run", f"The current run must be more than 0 "
                                                 f"(got {current}).")
        floor = DISTANCE_FLOOR.get(self.measure)
        if floor is not None and current < floor:
            raise ValidationError("current_run", f"A current run under {floor} {unit} is "
                                                 f"walk-run: plan in minutes (--measure "
                                                 f"minutes) instead (got {current} {unit}).")
        if self.measure == "minutes" and current < 1:
            raise ValidationError("current_run", f"The current run is too small to plan: the "
                                                 f"shortest is 1 min (two 30-second bouts) "
                                                 f"(got {current}).")
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
        self._check_weekly(unit, limit)
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

    def _check_weekly(self, unit: str, limit: Decimal) -> None:
        if self.current_weekly is None:
            raise ValidationError("current_weekly", "Give the running done in the last 7 days "
                                                    "(0 if none).")
        weekly = _amount("current_weekly", self.current_weekly, "The current weekly running")
        if weekly < 0 or weekly > limit:
            raise ValidationError("current_weekly", f"The current weekly running must be from 0 "
                                                    f"to {limit} {unit} (got {weekly}).")
        self._set("current_weekly", weekly)
        if self.restart_weekly is None:
            if weekly == 0:
                raise ValidationError("restart_weekly", "With no running in the last 7 days, "
                                                        "give a restart dose for week 1.")
            return
        dose = _amount("restart_weekly", self.restart_weekly, "The restart dose")
        if not 0 < dose <= limit:
            raise ValidationError("restart_weekly", f"The restart dose must be more than 0 and "
                                                    f"at most {limit} {unit} (got {dose}).")
        self._set("restart_weekly", dose)

    def week_one_total(self) -> int:
        """Week 1's most running (steps): the restart dose, or the cap over last week."""
        cap = Fraction(self.cap_pct) / 100
        if self.restart_weekly is not None:
            base = steps_down(self.restart_weekly, self.measure)
        else:
            assert self.current_weekly is not None
            base = math.floor(steps_down(self.current_weekly, self.measure) * (1 + cap))
        return min(base, steps_up(self.goal_weekly, self.measure))

    def _check_week_one(self) -> None:
        total, runs = self.week_one_total(), self.runs_per_week
        need = runs * min_run_steps(self.measure)
        if total >= need:
            return
        field = "restart_weekly" if self.restart_weekly is not None else "current_weekly"
        shortest = format_steps(MIN_RUN_STEPS, self.measure)
        raise ValidationError(field, f"Week 1 ({format_steps(total, self.measure)}) is too "
                                     f"little for {runs} runs of at least {shortest}: plan fewer "
                                     f"runs a week, or declare a restart with a larger dose.")

    def _check_goal_shape(self) -> None:
        if self.goal_long_run is None:
            return
        share = long_run_share(self.runs_per_week, self.long_run_max_pct)
        goal_long = steps_up(self.goal_long_run, self.measure)
        goal_total = steps_up(self.goal_weekly, self.measure)
        even = math.ceil(Fraction(goal_total, self.runs_per_week))
        most = max(min(math.floor(share * goal_total),
                       goal_total - (self.runs_per_week - 1) * MIN_RUN_STEPS), even)
        if goal_long > most:
            pct = math.floor(share * 100)
            raise ValidationError("goal_long_run", f"The goal long run "
                                                   f"({format_steps(goal_long, self.measure)}) "
                                                   f"is more than {pct}% of the weekly goal "
                                                   f"(at most {format_steps(most, self.measure)}"
                                                   f"); raise the weekly goal or lower the long "
                                                   f"run.")

    def _check_dates(self) -> None:
        for name, label in (("start", "The start date"), ("race_date", "The race date")):
            value = getattr(self, name)
            if value is None and name == "race_date":
                continue
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                raise ValidationError(name, f"{label} must be a calendar date (got {value!r}).")
        if not EARLIEST_START <= self.start <= LATEST_START:
            raise ValidationError("start", f"The start date must be from "
                                           f"{EARLIEST_START.isoformat()} to "
                                           f"{LATEST_START.isoformat()} "
                                           f"(got {self.start.isoformat()}).")
        if self.race_date is not None and self.race_date <= self.start:
            raise ValidationError("race_date", f"The race date ({self.race_date.isoformat()}) must "
                                               f"be after the start date "
                                               f"({self.start.isoformat()}).")
        if self.race_date is None:
            if self.taper_weeks is not None:
                raise ValidationError("taper_weeks", "Taper weeks need a race date.")
            return
        if self.taper_weeks is None:
            self._set("taper_weeks", TAPER_WEEKS_DEFAULT)
        low, high = TAPER_WEEKS_RANGE
        _whole("taper_weeks", self.taper_weeks, "Taper weeks", low, high)

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
        assert self.lighter_pct is not None
        every, pct = self.lighter_every, self.lighter_pct
        gain = cycle_gain(pct, every, self.cap_pct)
        if gain >= CYCLE_GAIN_MIN:
            return
        weeks, share = nearest_working_cycle(pct, every, self.cap_pct)
        options = []
        if weeks is not None:
            options.append(f"--lighter-every {weeks}")
        if share is not None:
            options.append(f"--lighter-pct {share}")
        nearest = (" or ".join(options) if options
                   else "no lighter weeks at this cap")
        raise ValidationError("lighter_every", f"A lighter week every {every} weeks at {pct}% "
                                               f"cannot gain 2% a cycle under a "
                                               f"{format_pct(self.cap_pct)}% cap "
                                               f"({float(gain):.3f} < 1.02); the nearest "
                                               f"setting that works is {nearest}.")

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
