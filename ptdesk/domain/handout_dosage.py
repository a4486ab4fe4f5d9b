"""A prescribed dose in a handout language: "3 sets of 15, each leg, once a day" / "3 series de 15…".

The same sentence shapes as `exercise_values.dosage_in_words` (a test holds the English
equal to it), with every word from the phrase table in `handout_language`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ptdesk.domain.handout_language import ENGLISH, phrase

if TYPE_CHECKING:
    from ptdesk.domain.exercise_values import Dosage


def _count(language: str, n: int, unit: str) -> str:
    return f"{n} {phrase(language, f'unit.{unit}' if n == 1 else f'unit.{unit}s')}"


def _seconds(language: str, seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return _count(language, seconds // 60, "minute")
    return _count(language, seconds, "second")


def _times(language: str, n: int) -> str:
    if n in (1, 2):
        return phrase(language, "dose.once" if n == 1 else "dose.twice")
    return phrase(language, "dose.n_times", n=n)


def amount_words(dosage: Dosage, language: str = ENGLISH) -> str:
    """How much, e.g. "3 sets of 10" / "3 series de 10" (no side, no frequency)."""
    if dosage.minutes > 0:
        amount = _count(language, dosage.minutes, "minute")
        return amount if dosage.sets == 1 else phrase(language, "dose.rounds",
                                                      sets=dosage.sets, amount=amount)
    if dosage.reps > 0:
        amount = (_count(language, dosage.reps, "time") if dosage.sets == 1 else
                  phrase(language, "dose.sets_of", sets=_count(language, dosage.sets, "set"),
                         reps=dosage.reps))
        if dosage.hold_seconds > 0:
            amount = phrase(language, "dose.holding", amount=amount,
                            hold=_seconds(language, dosage.hold_seconds))
        return amount
    return phrase(language, "dose.hold", hold=_seconds(language, dosage.hold_seconds),
                  times=_times(language, dosage.sets))


def frequency_words(dosage: Dosage, language: str = ENGLISH) -> str:
    """How often, e.g. "once a day" / "1 vez al día", "3 days a week"."""
    if dosage.per_day > 0:
        return phrase(language, "dose.per_day", times=_times(language, dosage.per_day))
    if dosage.per_week >= 7:
        return phrase(language, "dose.every_day")
    if dosage.per_week == 1:
        return phrase(language, "dose.once_a_week")
    return phrase(language, "dose.days_a_week", n=dosage.per_week)


def side_words(side: str, limb: str, language: str = ENGLISH) -> str:
    """The side inside the dosage words ("each leg"); "" for drills (no `limb`)."""
    if not limb or side not in ("left", "right", "both", "each"):
        return ""
    return phrase(language, f"dose.{side}.{limb}")


def side_label(side: str, limb: str, language: str = ENGLISH) -> str:
    """The side as the card's label and the summary's column ("Each leg"); "" when none."""
    if not limb or side not in ("left", "right", "both", "each"):
        return ""
    return phrase(language, f"side.{side}.{limb}")


def dosage_words(dosage: Dosage, side: str, *, limb: str = "leg",
                 language: str = ENGLISH) -> str:
    """The whole dose for a handout: "3 sets of 15, each leg, once a day"."""
    parts = [amount_words(dosage, language), side_words(side, limb, language),
             frequency_words(dosage, language)]
    return ", ".join(part for part in parts if part)
