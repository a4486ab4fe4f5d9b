"""The period the Progress charts show: presets (last 3 months …) and the dates they cover."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

PRESETS: tuple[tuple[str, int | None], ...] = (
    ("Whole episode", None), ("Last 3 months", 3), ("Last 6 months", 6), ("Last year", 12),
)
CUSTOM = "Custom dates"


@dataclass(frozen=True)
class DateWindow:
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def preset_window(months: int | None, today: date, dates: Iterable[date]) -> DateWindow:
    """`months` back from today, or (None) from the first to the last date the charts hold."""
    known = sorted(dates)
    if months is not None:
        return DateWindow(months_before(today, months), today)
    if not known:
        return DateWindow(months_before(today, 3), today)
    start, end = known[0], max(known[-1], today)
    if (end - start).days < 14:  # a single visit still gets a readable axis
        start = end - timedelta(days=14)
    return DateWindow(start, end)
