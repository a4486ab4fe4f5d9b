"""The progress report's load section: run_load.load_view's weeks and flags as printable rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from ptdesk.domain.load_flags import INFO_NOTE, RunSpike, WeekLoad
from ptdesk.domain.units import format_amount
from ptdesk.reports import progress_dto as dto
from ptdesk.services.progress.series import VolumeSeries, VolumeWeek
from ptdesk.services.run_load import LoadView

WEEKS_SHOWN = 8  # the last two months: what changed since the referral, not the whole log


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return format_amount(value, "min" if unit == "minutes" else unit,  # type: ignore[arg-type]
                         rounding="down")


def _dates(start: date) -> str:
    end = start + timedelta(days=6)
    if start.month == end.month:
        return f"{start:%b} {start.day}–{end.day}"
    return f"{start:%b} {start.day} – {end:%b} {end.day}"


def _two_week(week: WeekLoad) -> str:
    if week.after_restart:
        return "no baseline (restart)"
    if week.two_week_ratio is None:
        return "—"
    change = f"{week.two_week_ratio * 100 - 100:+.0f}%".replace("-", "\u2212")
    return f"{change} (flag)" if week.two_week_flag else change


def _info(week: WeekLoad) -> tuple[str, str]:
    change = "—" if week.change_pct is None else \
        f"{week.change_pct:+.0f}%".replace("-", "\u2212")
    ratio = "—" if week.acute_chronic is None else f"{week.acute_chronic:.2f}"
    return change, ratio


def _spike(spike: RunSpike, unit: str, extrapolated: bool) -> str:
    basis = " (running time)" if extrapolated else ""
    return (f"{spike.day:%B} {spike.day.day}, {spike.day.year}: "
            f"{_amount(spike.amount, unit)}{basis}, {spike.ratio * 100:.0f}% of the longest "
            f"run in the 30 days before ({_amount(spike.longest_before, unit)}).")


def load_section(view: LoadView, volume: VolumeSeries | None, on: date) -> dto.LoadSection | None:
    """The last WEEKS_SHOWN weeks up to `on` and every spike in them; None without runs."""
    weeks = [w for w in view.report.weeks if w.start <= on][-WEEKS_SHOWN:]
    if not weeks:
        return None
    plans: dict[date, VolumeWeek] = {w.start: w for w in (volume.weeks if volume else ())}
    rows = []
    for week in weeks:
        plan = plans.get(week.start)
        change, ratio = _info(week)
        rows.append(dto.LoadWeekRow(
            _dates(week.start), _amount(week.total, view.unit),
            _amount(plan.planned_total if plan else None, view.unit),
            _amount(plan.ceiling if plan else None, view.unit), _two_week(week),
            week.two_week_flag, change, ratio))
    first = weeks[0].start
    spikes = [s for s in view.report.spikes if first <= s.day <= on]
    jumps = sum(w.two_week_flag for w in weeks)
    summary = _summary(len(spikes), jumps, len(weeks))
    if view.waiting_for_pain:
        summary += (f" {view.waiting_for_pain} imported run"
                    f"{' is' if view.waiting_for_pain == 1 else 's are'} still waiting for "
                    "pain answers.")
    if view.left_out:
        summary += f" {view.left_out} run(s) logged in another unit are not counted."
    rules = tuple(n for n in view.report.notes if n != INFO_NOTE)
    return dto.LoadSection(view.unit, tuple(rows),
                           tuple(_spike(s, view.unit, view.report.extrapolated) for s in spikes),
                           summary, rules, INFO_NOTE, _cadence(view.cadence, view.cadence_target))


def _summary(spikes: int, jumps: int, weeks: int) -> str:
    if not spikes and not jumps:
        return f"No load flag in the last {weeks} week{'s' if weeks != 1 else ''}."
    parts = []
    if spikes:
        parts.append(f"{spikes} single-run spike{'s' if spikes != 1 else ''}")
    if jumps:
        parts.append(f"{jumps} two-week jump{'s' if jumps != 1 else ''}")
    return f"Flagged in the last {weeks} weeks: {' and '.join(parts)}."


def _cadence(points: Sequence[tuple[date, float]], target: float | None) -> str:
    if not points:
        return ""
    recent = [c for _d, c in points[-5:]]
    text = (f"Cadence from the watch: {sum(recent) / len(recent):.0f} steps/min on average over "
            f"the last {len(recent)} run{'s' if len(recent) != 1 else ''}")
    if target is None:
        return text + "."
    return text + f"; the gait target is {target:.0f} steps/min."
