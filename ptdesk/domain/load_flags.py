"""Load between visits as the evidence sees it: single-run spikes, two-week jumps, info-only ratios."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Basis = Literal["distance", "duration"]

# Frandsen et al. 2025, Br J Sports Med ("How much running is too much? Identifying
# high-risk running sessions in a 5200-person cohort study"): a single run longer than
# 110% of the longest run in the previous 30 days was associated with more overuse
# injuries. Defined on distance; on running time it is our extrapolation.
SPIKE_RATIO = 1.10
SPIKE_WINDOW_DAYS = 30
# Nielsen et al. 2014, J Orthop Sports Phys Ther 44(10):739-747: runners whose weekly
# distance rose more than 30% over two weeks had more distance-related injuries
# (patellofemoral pain, iliotibial band syndrome). Issue 24 / CLINICAL.md read it as a
# week compared with the week two weeks earlier.
TWO_WEEK_RATIO = 1.30
# Information only (never a rule): the acute:chronic ratio compares a week with the mean
# of the four weeks before it ("uncoupled", so the week is not in its own baseline).
# Frandsen 2025 found neither it nor week-to-week change associated with injury, and
# Impellizzeri et al. 2020 (Int J Sports Physiol Perform 15(6):907-913) set out its
# statistical flaws.
CHRONIC_WEEKS = 4
# No running for this long is a restart (two full weeks: the two-week comparison has no
# baseline). The first week after a restart is not flagged (CLINICAL.md, Load between
# visits); a plan start can be given as a restart too.
RESTART_GAP_DAYS = 14
# Amounts carry two decimals; "more than" must not fire on float noise at exactly 110%/130%.
_EPSILON = 1e-9

SPIKE_NOTE = ("Flag: a run more than 10% longer than the longest run in the 30 days before "
              "(Frandsen et al. 2025, BJSM; measured on distance).")
EXTRAPOLATION_NOTE = ("This plan counts minutes, so running time is used instead of distance: "
                      "an extrapolation of the study, not its finding.")
TWO_WEEK_NOTE = ("Flag: a week with more than 30% more running than the week two weeks "
                 "earlier (Nielsen et al. 2014; distance-related injuries).")
INFO_NOTE = ("Weekly change and the acute:chronic ratio are information only, not rules: in "
             "Frandsen 2025 they were not linked to injury, and the ratio has statistical "
             "limits (Impellizzeri et al. 2020).")
RESTART_NOTE = "The first week after a restart has no baseline and is not flagged."


@dataclass(frozen=True)
class RunAmount:
    """One run: its day and amount (km or miles on distance, minutes on duration)."""

    day: date
    amount: float


@dataclass(frozen=True)
class RunSpike:
    index: int  # position of the run in the input
    day: date
    amount: float
    longest_before: float
    ratio: float


@dataclass(frozen=True)
class WeekLoad:
    """One week; `two_week_flag` is the only rule here, the rest is information."""

    start: date
    total: float
    runs: int
    after_restart: bool
    two_week_ratio: float | None
    two_week_flag: bool
    change_pct: float | None
    acute_chronic: float | None


@dataclass(frozen=True)
class LoadReport:
    basis: Basis
    extrapolated: bool
    spikes: tuple[RunSpike, ...]
    weeks: tuple[WeekLoad, ...]
    notes: tuple[str, ...]


def restart_days(runs: Sequence[RunAmount], extra: Sequence[date] = ()) -> list[date]:
    """The first run, every run after RESTART_GAP_DAYS or more without one, and `extra`."""
    days = sorted({r.day for r in runs})
    found = set(extra)
    for before, after in zip([None, *days], days, strict=False):
        if before is None or (after - before).days >= RESTART_GAP_DAYS:
            found.add(after)
    return sorted(found)


def _after_restart(day: date, restarts: Sequence[date]) -> bool:
    return any(r <= day < r + timedelta(days=7) for r in restarts)


def single_run_spikes(runs: Sequence[RunAmount],
                      restarts: Sequence[date] = ()) -> list[RunSpike]:
    """Runs longer than SPIKE_RATIO x the longest in the SPIKE_WINDOW_DAYS before them.

    `runs` are in the order they were run (same-day runs count as earlier in order).
    A run with no earlier run in the window has no baseline and is not flagged.
    """
    starts = restart_days(runs, restarts)
    spikes = []
    # Runs in day order (the usual case) let the window's first run only move forward:
    # linear in the runs instead of rescanning every earlier run (three years is ~500 runs).
    in_order = all(a.day <= b.day for a, b in zip(runs, runs[1:], strict=False))
    first = 0
    for index, run in enumerate(runs):
        window = run.day - timedelta(days=SPIKE_WINDOW_DAYS)
        if in_order:
            while runs[first].day < window:
                first += 1
            earlier = [r.amount for r in runs[first:index]]
        else:
            earlier = [r.amount for r in runs[:index] if window <= r.day <= run.day]
        if not earlier or _after_restart(run.day, starts):
            continue
        longest = max(earlier)
        if longest > 0 and run.amount > SPIKE_RATIO * longest + _EPSILON:
            spikes.append(RunSpike(index, run.day, run.amount, longest, run.amount / longest))
    return spikes


def weekly_load(runs: Sequence[RunAmount], *, week_start: date | None = None,
                end: date | None = None, restarts: Sequence[date] = ()) -> list[WeekLoad]:
    """Weeks from `week_start` (default: the Monday of the first run) to `end`'s week."""
    if not runs:
        return []
    first = min(r.day for r in runs)
    anchor = week_start or first - timedelta(days=first.weekday())
    last = max(end or first, max(r.day for r in runs))
    count = (last - anchor).days // 7 + 1
    totals = [0.0] * count
    numbers = [0] * count
    for run in runs:
        if run.day >= anchor:
            week = (run.day - anchor).days // 7
            if week < count:
                totals[week] += run.amount
                numbers[week] += 1
    starts = restart_days(runs, restarts)
    first_week = max(0, (first - anchor).days // 7)
    weeks = []
    for n in range(count):
        start = anchor + timedelta(weeks=n)
        restarted = any(start <= r < start + timedelta(days=7) for r in starts)
        ratio = totals[n] / totals[n - 2] if n >= 2 and totals[n - 2] > 0 else None
        jump = n >= 2 and totals[n - 2] > 0 and totals[n] > TWO_WEEK_RATIO * totals[n - 2] + _EPSILON
        change = ((totals[n] - totals[n - 1]) / totals[n - 1] * 100
                  if n >= 1 and totals[n - 1] > 0 else None)
        chronic = totals[n - CHRONIC_WEEKS:n] if n - CHRONIC_WEEKS >= first_week else []
        mean = sum(chronic) / CHRONIC_WEEKS if chronic else 0.0
        weeks.append(WeekLoad(
            start=start, total=totals[n], runs=numbers[n], after_restart=restarted,
            two_week_ratio=ratio,
            two_week_flag=jump and not restarted,
            change_pct=change, acute_chronic=totals[n] / mean if mean > 0 else None))
    return weeks


def load_report(runs: Sequence[RunAmount], *, basis: Basis, week_start: date | None = None,
                end: date | None = None, restarts: Sequence[date] = ()) -> LoadReport:
    """Spikes and weeks with the notes a chart or report prints next to them."""
    extrapolated = basis == "duration"
    notes = (SPIKE_NOTE, *((EXTRAPOLATION_NOTE,) if extrapolated else ()), TWO_WEEK_NOTE,
             INFO_NOTE, RESTART_NOTE)
    return LoadReport(basis, extrapolated, tuple(single_run_spikes(runs, restarts)),
                      tuple(weekly_load(runs, week_start=week_start, end=end,
                                        restarts=restarts)), notes)
