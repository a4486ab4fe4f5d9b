"""Which library notes a handout may print next to a prescribed dosage (one dosage voice).

The prescription is what the patient does. A library text prints only when it cannot
contradict it: a note that holds for any dosage; a build-up target the prescribed
dosage has not yet reached (said as the therapist's call when the dosage was changed);
a rest-day note only for a weekly programme; a pointer to another exercise only when
that exercise is on the same sheet.
"""

from __future__ import annotations

from collections.abc import Sequence

from ptdesk.domain.exercise_values import BuildUp, Dosage, LibraryExercise
from ptdesk.domain.handout_language import ENGLISH, phrase

NEXT_STEP = phrase(ENGLISH, "card.next_step")
_AMOUNTS = ("sets", "reps", "hold_seconds", "minutes")


def _targets(build_up: BuildUp) -> dict[str, int]:
    return {f: getattr(build_up, f) for f in _AMOUNTS if getattr(build_up, f) is not None}


def build_up_fits(build_up: BuildUp, prescribed: Dosage) -> bool:
    """True when the target still lies ahead of the prescribed dosage, in the same units.

    "Build up to 20 holds of 10 seconds" fits 10 holds of 5 seconds; it contradicts
    10 holds of 30 seconds (already past it) and a timed hold done without repetitions.
    An open-ended build-up ("add a few minutes each week") fits any dosage.
    """
    targets = _targets(build_up)
    if not targets:
        return True
    ahead = False
    for field, target in targets.items():
        have = getattr(prescribed, field)
        if have <= 0 or have > target:
            return False
        ahead = ahead or have < target
    return ahead


def _same_amount(a: Dosage, b: Dosage) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in _AMOUNTS)


def library_lines(exercise: LibraryExercise, prescribed: Dosage, programme: Sequence[str],
                  language: str = "en") -> tuple[str, ...]:
    """The library's lines that fit `prescribed`, in print order, in `language`.

    `programme` is the library ids on the sheet, in order; a cross-reference to one of
    them says which number it has on the sheet.
    """
    text = exercise.text(language)
    # The sheet's own words around a library line follow the line's language.
    next_step = phrase(text.language, "card.next_step")

    def as_next_step(line: str) -> str:
        return next_step + line[:1].lower() + line[1:]

    lines = []
    if text.dosage_note:
        lines.append(text.dosage_note)  # written to hold for any dosage
    if text.off_days_note and prescribed.per_day == 0 and 0 < prescribed.per_week < 7:
        lines.append(text.off_days_note)
    if exercise.build_up is not None and build_up_fits(exercise.build_up, prescribed):
        # The library's own pace belongs to its own dosage; a changed dosage is the
        # therapist's plan, so the target becomes their call.
        same = _same_amount(prescribed, exercise.dosage)
        lines.append(text.build_up if same else as_next_step(text.build_up))
    if text.next_step:
        lines.append(as_next_step(text.next_step))
    for ref, line in zip(exercise.cross_references, text.cross_references, strict=True):
        if ref.exercise in programme:
            number = phrase(text.language, "card.number", n=programme.index(ref.exercise) + 1)
            lines.append(f"{line} {number}")
    return tuple(lines)
