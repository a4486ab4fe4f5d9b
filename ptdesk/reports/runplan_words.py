"""The run plan handout's words in the patient's language, all from the one phrase table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ptdesk.domain import handout_language as hl
from ptdesk.domain.pain_words import TrafficLight
from ptdesk.domain.runplan import PainRules, PlanWeek, Session, describe_pain_rules
from ptdesk.domain.runplan.amounts import clock, format_amount
from ptdesk.domain.runplan.sessions import RACE_TEXT, rest_day_advice
from ptdesk.domain.runplan.versions import PAUSED_WEEK
from ptdesk.domain.runplan.walkrun import WARM_UP_WALK_S


def say(language: str, key: str, **values: object) -> str:
    """The run plan's phrase `key` (without its "run." prefix) in `language`."""
    return hl.phrase(language, f"run.{key}", **values)


# The domain words some English sentences (rest-day advice, a paused week); the handout
# prints the table's phrase that has the same English words, in the patient's language.
_DOMAIN_KEYS: dict[str, str] = {
    rest_day_advice(()): "rest.race_week",
    rest_day_advice((0, 2, 4)): "rest.between",
    rest_day_advice((0, 1)): "rest.back_to_back",
    PAUSED_WEEK: "paused_week",
    RACE_TEXT: "race_text",
}


def domain_words(english: str, language: str) -> str:
    """A sentence the domain writes in English, in `language` (as is when not in the table)."""
    key = _DOMAIN_KEYS.get(english)
    return english if key is None or language == hl.ENGLISH else say(language, key)


def pain_lights(rules: PainRules, language: str = hl.ENGLISH) -> list[TrafficLight]:
    """The run plan's traffic light for `rules`, in `language`."""
    return describe_pain_rules(rules, language)


def amount_text(value: Decimal, measure: str) -> str:
    """An amount as printed, e.g. '25:30 min' or '4.5 km' (the domain's own rounding).

    The short units (min, km, mi) read the same in English and Spanish.
    """
    return format_amount(value, measure)  # type: ignore[arg-type]


def unit_words(measure: str, language: str) -> str:
    """'km' or 'miles' for the 'counted in' sentence."""
    return say(language, f"unit.{measure}")


def week_dates(start: dt.date, language: str) -> str:
    """'Mar 4–10' / '4–10 mar' as a plain table string (non-breaking spaces)."""
    end = start + dt.timedelta(days=6)
    short = hl.MONTHS_SHORT[language]
    a, b = short[start.month - 1], short[end.month - 1]
    if language == hl.SPANISH:
        if end.month == start.month:
            return f"{start.day}–{end.day}\u00a0{a}"
        return f"{start.day}\u00a0{a} – {end.day}\u00a0{b}"
    if end.month == start.month:
        return f"{a}\u00a0{start.day}–{end.day}"
    return f"{a}\u00a0{start.day} – {b}\u00a0{end.day}"


def log_date(day: dt.date, language: str) -> str:
    """'Mon Mar 4' / 'lun 4 mar' for the log grid."""
    return f"{hl.weekday_short(day, language)} {hl.short_date(day, language)}"


def session_text(session: Session, week: PlanWeek, measure: str,
                 language: str = hl.ENGLISH) -> str:
    """Short words for one run, e.g. 'Run 1:00, walk 1:30 × 6' or 'Easy run 25:00 min'."""
    if session.race:
        return say(language, "race_day")
    if session.run <= 0:
        return domain_words(session.description, language)
    intervals = session.intervals
    if intervals is not None:
        words = say(language, "intervals", run=clock(intervals.run_s),
                    walk=clock(intervals.walk_s), n=intervals.repeats)
        if intervals.then_run_s:
            words += say(language, "then_run", run=clock(intervals.then_run_s))
        whole = WARM_UP_WALK_S + intervals.running_s + intervals.walking_s
        return words + say(language, "whole_session", time=clock(whole))
    if measure == "minutes":
        seconds = int(session.run * 60)
        return say(language, "nonstop", run=clock(seconds),
                   time=clock(WARM_UP_WALK_S + seconds))
    others = [other.run for other in week.runs if other is not session]
    kind = "longer_run" if others and session.run > max(others) else "easy_run"
    return say(language, kind, amount=amount_text(session.run, measure))
