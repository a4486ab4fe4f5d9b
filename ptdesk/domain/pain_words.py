"""The traffic-light words every patient handout uses for pain, from one place.

The run plan and the exercise sheet print the same three lights (GO, HOLD, STOP) with
the same 0-10 pain ranges, so a patient never reads two sets of rules. The thresholds
are the clinician's `PainRules` (pain-monitoring model after Silbernagel 2007: pain up
to about 3/10 that settles by the next morning is acceptable during loading).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ptdesk.domain.handout_language import ENGLISH, phrase

if TYPE_CHECKING:
    from ptdesk.domain.runplan.painrules import PainRules

TrafficLight = tuple[str, str]  # (colour, plain words for the patient)

COLOURS: tuple[str, ...] = ("green", "amber", "red")


def light_words(language: str = ENGLISH) -> dict[str, str]:
    """The word on each light ("GO", "HOLD", "STOP"): it survives a greyscale copy."""
    return {c: phrase(language, f"pain.word.{c}") for c in COLOURS}


def run_actions(language: str = ENGLISH) -> dict[str, str]:
    """What to do, under the word, on a run plan."""
    return {c: phrase(language, f"pain.run.{c}") for c in COLOURS}


def exercise_actions(language: str = ENGLISH) -> dict[str, str]:
    """What to do, under the word, on the exercise sheet."""
    return {c: phrase(language, f"pain.exercise.{c}") for c in COLOURS}


def exercise_pain_title(language: str = ENGLISH) -> str:
    return phrase(language, "pain.title")


# English, for callers that print only English (the run plan until it learns Spanish).
LIGHT_WORDS: dict[str, str] = light_words()
RUN_ACTIONS: dict[str, str] = run_actions()
EXERCISE_ACTIONS: dict[str, str] = exercise_actions()
EXERCISE_PAIN_TITLE = exercise_pain_title()


def pain_range(low: int, high: int, language: str = ENGLISH) -> str:
    """'3 out of 10' or '0 to 3 out of 10' ('0 a 3 de 10')."""
    if low == high:
        return phrase(language, "pain.point", low=low)
    return phrase(language, "pain.range", low=low, high=high)


def exercise_pain_lights(rules: PainRules, language: str = ENGLISH) -> list[TrafficLight]:
    """The run plan's lights, worded for home exercises, on the same thresholds."""
    green = pain_range(0, rules.progress_max_pain, language)
    amber = pain_range(rules.progress_max_pain + 1, rules.hold_max_pain, language)
    return [
        ("green", phrase(language, "pain.line.green", range=green)),
        ("amber", phrase(language, "pain.line.amber", range=amber)),
        ("red", phrase(language, "pain.line.red", high=rules.hold_max_pain)),
    ]
