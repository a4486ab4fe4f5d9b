"""The traffic-light words every patient handout uses for pain, from one place.

The run plan and the exercise sheet print the same three lights (GO, HOLD, STOP) with
the same 0-10 pain ranges, so a patient never reads two sets of rules. The thresholds
are the clinician's `PainRules` (pain-monitoring model after Silbernagel 2007: pain up
to about 3/10 that settles by the next morning is acceptable during loading).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ptdesk.domain.runplan.painrules import PainRules

TrafficLight = tuple[str, str]  # (colour, plain words for the patient)

COLOURS: tuple[str, ...] = ("green", "amber", "red")
# The word survives a greyscale copy, so the colour is never the only signal.
LIGHT_WORDS: dict[str, str] = {"green": "GO", "amber": "HOLD", "red": "STOP"}
# What to do, under the word: for a run plan and for home exercises.
RUN_ACTIONS: dict[str, str] = {
    "green": "Keep going", "amber": "Repeat the week", "red": "Go back and call",
}
EXERCISE_ACTIONS: dict[str, str] = {
    "green": "Keep going", "amber": "Ease off", "red": "Stop and call",
}
EXERCISE_PAIN_TITLE = "Check your pain during exercise and the next morning"


def pain_range(low: int, high: int) -> str:
    """'3 out of 10' or '0 to 3 out of 10'."""
    if low == high:
        return f"{low} out of 10"
    return f"{low} to {high} out of 10"


def exercise_pain_lights(rules: PainRules) -> list[TrafficLight]:
    """The run plan's lights, worded for home exercises, on the same thresholds."""
    green = pain_range(0, rules.progress_max_pain)
    amber = pain_range(rules.progress_max_pain + 1, rules.hold_max_pain)
    return [
        ("green", f"Pain {green} while you exercise, and no worse the next morning: "
                  "this is fine. Keep going."),
        ("amber", f"Pain {amber}: do fewer, go slower or make the move smaller. Stay at "
                  "this level until it settles."),
        ("red", f"Pain above {rules.hold_max_pain} out of 10, pain worse the next morning, "
                "swelling, or limping: stop the exercise that hurts and call the clinic."),
    ]
