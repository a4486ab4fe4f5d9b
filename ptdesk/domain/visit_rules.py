"""Visit-note rules: date of service and late entries, the unsigned-note reminder, visit measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ptdesk.domain.errors import ValidationError

MEASURE_KEYS = ("nprs", "lefs", "kujala", "psfs")
MEASURE_LABELS = {"nprs": "NPRS", "lefs": "LEFS", "kujala": "Kujala", "psfs": "PSFS"}
# Visits that evaluate (and so ask for the evaluation measures): the intake, the
# re-evaluation and the discharge, where payers expect a functional outcome score.
EVALUATION_VISITS = ("initial_evaluation", "re_evaluation", "discharge")
STALE_DRAFT_DAYS = 3  # the clinic's default reminder age (issue 18), adjustable 1-60 days
STALE_DRAFT_DAYS_RANGE = (1, 60)
FUTURE_DATE = "The date of service cannot be in the future."


def check_date_of_service(day: date | None, today: date) -> date:
    """A date of service: today or earlier (a note written later is a late entry)."""
    if day is None:
        raise ValidationError("visit_date", "Enter the date of service as YYYY-MM-DD.")
    if day > today:
        raise ValidationError("visit_date", FUTURE_DATE)
    return day


def is_late_entry(date_of_service: date, first_saved_on: date | None) -> bool:
    """Written on a later day than the service it documents (unknown for older notes)."""
    return first_saved_on is not None and date_of_service < first_saved_on


def late_entry_text(date_of_service: date, first_saved_on: date) -> str:
    """ "Late entry — service 2026-12-05, written 2026-12-06" """
    return (f"Late entry — service {date_of_service:%Y-%m-%d}, "
            f"written {first_saved_on:%Y-%m-%d}")


def parse_measures(text: str) -> tuple[str, ...]:
    """Stored "nprs,lefs" -> ("nprs", "lefs"); unknown keys are dropped."""
    wanted = {part.strip() for part in text.split(",")}
    return tuple(key for key in MEASURE_KEYS if key in wanted)


@dataclass(frozen=True)
class VisitRules:
    """The clinic's choices: which measures each visit asks for, when drafts are stale."""

    every_visit: tuple[str, ...] = ("nprs",)
    evaluations: tuple[str, ...] = ("lefs",)
    patellofemoral: tuple[str, ...] = ("kujala",)
    stale_draft_days: int = STALE_DRAFT_DAYS

    def __post_init__(self) -> None:
        low, high = STALE_DRAFT_DAYS_RANGE
        if not low <= self.stale_draft_days <= high:
            raise ValidationError("stale_draft_days",
                                  f"Choose between {low} and {high} days.")
        for group in (self.every_visit, self.evaluations, self.patellofemoral):
            for key in group:
                if key not in MEASURE_KEYS:
                    raise ValidationError("measures", "Measures must be NPRS, LEFS, Kujala "
                                                      "or PSFS.")

    def measures_for(self, visit_type: str, patellofemoral: bool) -> tuple[str, ...]:
        """The measures this visit asks for, in form order (no repeats)."""
        wanted = set(self.every_visit)
        if visit_type in EVALUATION_VISITS:
            wanted |= set(self.evaluations)
            if patellofemoral:
                wanted |= set(self.patellofemoral)
        return tuple(key for key in MEASURE_KEYS if key in wanted)


def missing_measures(rules: VisitRules, visit_type: str, patellofemoral: bool,
                     recorded: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(m for m in rules.measures_for(visit_type, patellofemoral) if m not in recorded)


def measures_sentence(keys: tuple[str, ...]) -> str:
    """("lefs", "kujala") -> "LEFS and Kujala"."""
    labels = [MEASURE_LABELS[k] for k in keys]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
