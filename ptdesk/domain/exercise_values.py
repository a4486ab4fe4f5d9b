"""Exercise library values (dosage, exercise, template) and the plain-words dosage for handouts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ptdesk.domain.exercise_texts import ENGLISH, ExerciseText, text_for

CATEGORIES: tuple[str, ...] = (
    "strength",
    "stretch",
    "mobility",
    "balance",
    "running_drill",
    "cross_training",
)
# "each" = one leg at a time, done on both sides; "both" = both legs work together.
SIDES: tuple[str, ...] = ("left", "right", "both", "each")

# The whole numbers of a dosage, which a template item or prescription may override.
DOSAGE_NUMBERS: tuple[str, ...] = (
    "sets",
    "reps",
    "hold_seconds",
    "minutes",
    "per_day",
    "per_week",
)
# Exercises that work the trunk, so "each" means each side of the body, not each leg.
_TRUNK_EXERCISES = frozenset({"side_plank", "side_plank_hip_abduction", "bird_dog"})


@dataclass(frozen=True)
class Dosage:
    """How much and how often.

    Exactly one of `per_day` / `per_week` is above 0. The amount is repetitions
    (`reps`, optionally holding each for `hold_seconds`), timed holds (`reps` 0,
    `hold_seconds` > 0, done `sets` times) or a duration in `minutes` for
    cross-training and drills done by time (then `reps` and `hold_seconds` are 0).
    `minutes` is optional in the TOML files and defaults to 0.
    """

    sets: int
    reps: int
    hold_seconds: int
    per_day: int
    per_week: int
    note: str = ""
    minutes: int = 0


@dataclass(frozen=True)
class BuildUp:
    """The library's own target for the patient ("Build up to 20 in each set").

    The numbers say where the text leads, so a handout can tell whether it still fits
    the prescribed dosage; `None` = the text does not raise that number. No numbers at
    all = an open-ended build-up ("Add a few minutes each week").
    """

    text: str
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class CrossReference:
    """A line that names another exercise ("Then do the calf stretch"); prints only with it."""

    exercise: str
    text: str


@dataclass(frozen=True)
class LibraryExercise:
    """One exercise as shipped: what it is for, how to do it, and its default dosage."""

    id: str
    name: str
    purpose: str
    target_muscles: tuple[str, ...]
    category: str
    steps: tuple[str, ...]
    side: str
    precautions: tuple[str, ...]
    progression: str
    regression: str
    illustration: str
    dosage: Dosage
    build_up: BuildUp | None = None
    # Printed as "Next step, when your therapist says: ..." (a harder version).
    next_step: str = ""
    # True only for a weekly programme ("Do these on days you do not run").
    off_days_note: str = ""
    cross_references: tuple[CrossReference, ...] = ()
    # Optional in the files (a clinic's own exercise may leave them out).
    aliases: tuple[str, ...] = ()
    dosage_source: str = ""  # the published source of the default dosage
    translations: tuple[ExerciseText, ...] = ()  # patient texts in other languages

    def text(self, language: str) -> ExerciseText:
        """Name, purpose, steps, precautions and notes in `language`, English if absent."""
        text = text_for(self, language, self.dosage.note)
        if text.language != ENGLISH:
            return text
        return replace(text, build_up=self.build_up.text if self.build_up else "",
                       next_step=self.next_step, off_days_note=self.off_days_note,
                       cross_references=tuple(ref.text for ref in self.cross_references))

    @property
    def limb(self) -> str:
        """The body word that goes with the side in dosage wording ("" = say no side)."""
        return limb_for(self.id, self.category)


@dataclass(frozen=True)
class TemplateItem:
    """One exercise in a programme template; `None` keeps the exercise's default."""

    exercise: str
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    per_day: int | None = None
    per_week: int | None = None
    side: str | None = None
    note: str | None = None

    def dosage_for(self, exercise: LibraryExercise) -> Dosage:
        """The exercise's default dosage with this item's overrides applied."""
        return _apply_overrides(exercise.dosage, self)

    def side_for(self, exercise: LibraryExercise) -> str:
        """This item's side, or the exercise's default side."""
        return self.side if self.side is not None else exercise.side


@dataclass(frozen=True)
class ProgrammeTemplate:
    """A named starting programme a clinician applies to a patient and then edits."""

    id: str
    name: str
    description: str
    items: tuple[TemplateItem, ...]


def limb_for(exercise_id: str, category: str) -> str:
    """Drills and cross-training use the whole body, so their dosage names no side."""
    if category in ("running_drill", "cross_training"):
        return ""
    return "side" if exercise_id in _TRUNK_EXERCISES else "leg"


def amount_in_words(dosage: Dosage) -> str:
    """How much, without side or frequency, e.g. "3 sets of 10" (the summary table's column)."""
    return _amount_words(dosage)


def frequency_in_words(dosage: Dosage) -> str:
    """How often, e.g. "once a day" or "3 days a week" (the summary table's column)."""
    return _frequency_words(dosage)


def _count_words(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _seconds_words(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return _count_words(seconds // 60, "minute")
    return _count_words(seconds, "second")


def _times_words(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _amount_words(dosage: Dosage) -> str:
    if dosage.minutes > 0:
        amount = _count_words(dosage.minutes, "minute")
        return amount if dosage.sets == 1 else f"{dosage.sets} rounds of {amount}"
    if dosage.reps > 0:
        amount = (
            _count_words(dosage.reps, "time")
            if dosage.sets == 1
            else f"{_count_words(dosage.sets, 'set')} of {dosage.reps}"
        )
        if dosage.hold_seconds > 0:
            amount += f", holding each for {_seconds_words(dosage.hold_seconds)}"
        return amount
    return f"Hold {_seconds_words(dosage.hold_seconds)}, {_times_words(dosage.sets)}"


def _side_words(side: str, limb: str) -> str:
    if not limb:
        return ""
    if side == "both":
        return "both legs" if limb == "leg" else "both sides"
    if side == "each":
        return f"each {limb}"
    return f"{side} {limb}"


def _frequency_words(dosage: Dosage) -> str:
    if dosage.per_day > 0:
        return f"{_times_words(dosage.per_day)} a day"
    if dosage.per_week >= 7:
        return "every day"
    # "3 days a week" rather than "3 times a week": it reads better after "6 times".
    return "once a week" if dosage.per_week == 1 else f"{dosage.per_week} days a week"


def dosage_in_words(dosage: Dosage, side: str, *, limb: str = "leg") -> str:
    """Plain words for a handout, e.g. "3 sets of 15, both legs, once a day".

    `limb` is the body word for the side ("leg", "side"); "" leaves the side out
    (running drills, cross-training). Use `LibraryExercise.limb` to get it. The
    clinician's `note` is not included: handouts print it on its own line.
    """
    parts = [_amount_words(dosage), _side_words(side, limb), _frequency_words(dosage)]
    return ", ".join(part for part in parts if part)


def exercise_dosage_in_words(
    exercise: LibraryExercise, dosage: Dosage | None = None, side: str | None = None
) -> str:
    """`dosage_in_words` for a library exercise, optionally with a prescribed dosage/side."""
    return dosage_in_words(dosage or exercise.dosage, side or exercise.side, limb=exercise.limb)


def _apply_overrides(dosage: Dosage, item: TemplateItem) -> Dosage:
    changes: dict[str, Any] = {
        f: getattr(item, f) for f in DOSAGE_NUMBERS if getattr(item, f) is not None
    }
    if item.note is not None:
        changes["note"] = item.note
    # Switching a daily exercise to weekly (or back) clears the other frequency.
    if "per_week" in changes and "per_day" not in changes:
        changes["per_day"] = 0
    if "per_day" in changes and "per_week" not in changes:
        changes["per_week"] = 0
    return replace(dosage, **changes)
