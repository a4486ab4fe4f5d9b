"""Text every screen writes the same way: dates as clinicians write them, plain validation messages."""

from __future__ import annotations

import datetime as dt
import re

from ptdesk.domain.errors import ValidationError


def day_text(day: dt.date) -> str:
    """A date the way a clinician writes it: "1 Oct 2026"."""
    return f"{day.day} {day:%b %Y}"


def week_dates_text(start: dt.date, *, with_year: bool = True) -> str:
    """A plan week: "23–29 Nov 2026", "30 Nov – 6 Dec" (the year only when asked)."""
    end = start + dt.timedelta(days=6)
    year = f" {end.year}" if with_year else ""
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%b}{year}"
    return f"{start.day} {start:%b} – {end.day} {end:%b}{year}"


def plain_message(exc: ValidationError) -> str:
    """The clinician-facing part of a library check ("In items[2]: Give ..." -> "Give ...")."""
    return re.sub(r"^In [^:]+: ", "", exc.message)
