"""Checks that turn parsed exercise and template TOML into library values or a ValidationError."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.exercise_texts import TRANSLATED, NoteShape, parse_aliases, parse_translation
from ptdesk.domain.exercise_values import (
    CATEGORIES,
    DOSAGE_NUMBERS,
    SIDES,
    BuildUp,
    CrossReference,
    Dosage,
    LibraryExercise,
    ProgrammeTemplate,
    TemplateItem,
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_ILLUSTRATION_PATTERN = re.compile(r"^[a-z0-9_\-]+\.(svg|png)$")
_EXERCISE_KEYS = frozenset(
    {
        "id",
        "name",
        "purpose",
        "target_muscles",
        "category",
        "steps",
        "side",
        "precautions",
        "progression",
        "regression",
        "illustration",
        "dosage",
        "build_up",
        "next_step",
        "off_days_note",
        "cross_references",
        "aliases",
        "dosage_source",
        *TRANSLATED,
    }
)
_BUILD_UP_NUMBERS = ("sets", "reps", "hold_seconds", "minutes")
_BUILD_UP_KEYS = frozenset({"text", *_BUILD_UP_NUMBERS})
_CROSS_REFERENCE_KEYS = frozenset({"exercise", "text"})
_DOSAGE_KEYS = frozenset({*DOSAGE_NUMBERS, "note"})
_TEMPLATE_KEYS = frozenset({"id", "name", "description", "items"})
_TEMPLATE_ITEM_KEYS = frozenset({"exercise", "side", "note", *DOSAGE_NUMBERS})
# Upper bounds catch typos (300 reps, 3000 s) in shipped files and clinician edits alike.
_LIMITS: dict[str, tuple[int, int, str]] = {
    "sets": (1, 20, "The number of sets"),
    "reps": (0, 200, "The number of repetitions"),
    "hold_seconds": (0, 600, "The hold time in seconds"),
    "minutes": (0, 240, "The number of minutes"),
    "per_day": (0, 10, "The times per day"),
    "per_week": (0, 7, "The times per week"),
}


def fail(field: str, source: str, message: str) -> ValidationError:
    return ValidationError(field, f"In {source}: {message}")


def _text(data: Mapping[str, Any], key: str, source: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise fail(key, source, f"'{key}' must be text in quotes.")
    if required and not value.strip():
        raise fail(key, source, f"'{key}' is missing or empty.")
    return value.strip()


def _text_list(data: Mapping[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise fail(key, source, f"'{key}' must be a list of non-empty texts.")
    return tuple(item.strip() for item in value)


def _whole_number(value: Any, field: str, source: str) -> int:
    low, high, label = _LIMITS[field]
    # bool is a subclass of int; `sets = true` is a typo, not 1.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise fail(field, source, f"{label} must be a whole number from {low} to {high}.")
    return value


def _unknown_keys(data: Mapping[str, Any], allowed: frozenset[str], source: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise fail(unknown[0], source, f"'{unknown[0]}' is not a field we know.")


def check_dosage(dosage: Dosage, source: str) -> Dosage:
    """Check that the parts of a dosage fit together; return it unchanged."""
    for field in DOSAGE_NUMBERS:
        _whole_number(getattr(dosage, field), field, source)
    if (dosage.per_day > 0) == (dosage.per_week > 0):
        raise fail(
            "per_day", source, "Give either times per day or times per week, not both or neither."
        )
    if dosage.minutes > 0 and (dosage.reps > 0 or dosage.hold_seconds > 0):
        raise fail(
            "minutes", source, "A dosage in minutes cannot also have repetitions or a hold time."
        )
    if dosage.minutes == 0 and dosage.reps == 0 and dosage.hold_seconds == 0:
        raise fail("reps", source, "Give repetitions, a hold time or minutes.")
    return dosage


def _dosage(data: Any, source: str) -> Dosage:
    if not isinstance(data, dict):
        raise fail("dosage", source, "The [dosage] table is missing.")
    _unknown_keys(data, _DOSAGE_KEYS, source)
    for field in ("sets", "reps", "hold_seconds", "per_day", "per_week"):
        if field not in data:
            raise fail(field, source, f"The dosage needs '{field}' (use 0 when it does not apply).")
    numbers = {f: _whole_number(data.get(f, 0), f, source) for f in DOSAGE_NUMBERS}
    return check_dosage(Dosage(note=_text(data, "note", source, required=False), **numbers), source)


def _build_up(data: Any, source: str) -> BuildUp | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise fail("build_up", source, "[build_up] must be a table.")
    _unknown_keys(data, _BUILD_UP_KEYS, source)
    numbers = {f: _whole_number(data[f], f, source) for f in _BUILD_UP_NUMBERS if f in data}
    return BuildUp(text=_text(data, "text", source), **numbers)


def _cross_references(data: Any, own_id: str, source: str) -> tuple[CrossReference, ...]:
    if data is None:
        return ()
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise fail("cross_references", source, "Each [[cross_references]] entry must be a table.")
    out = []
    for entry in data:
        _unknown_keys(entry, _CROSS_REFERENCE_KEYS, source)
        target = _link(entry, "exercise", own_id, source)
        if not target:
            raise fail("exercise", source, "A cross-reference must name an exercise.")
        out.append(CrossReference(exercise=target, text=_text(entry, "text", source)))
    return tuple(out)


def _link(data: Mapping[str, Any], key: str, own_id: str, source: str) -> str:
    value = _text(data, key, source, required=False)
    if value and not ID_PATTERN.match(value):
        raise fail(key, source, f"'{value}' is not a valid exercise id.")
    if value == own_id:
        raise fail(key, source, "An exercise cannot link to itself.")
    return value


def validate_exercise(data: Mapping[str, Any], source: str) -> LibraryExercise:
    """Turn one parsed exercise file into a `LibraryExercise` or raise `ValidationError`.

    `source` names the file in the message. Links to other exercises are only
    checked for form here; `load_library_from` checks that they resolve.
    """
    _unknown_keys(data, _EXERCISE_KEYS, source)
    exercise_id = _text(data, "id", source)
    if not ID_PATTERN.match(exercise_id):
        raise fail("id", source, "The id may use only lowercase letters, digits and '_'.")
    category = _text(data, "category", source)
    if category not in CATEGORIES:
        raise fail("category", source, f"The category must be one of: {', '.join(CATEGORIES)}.")
    side = _text(data, "side", source)
    if side not in SIDES:
        raise fail("side", source, f"The side must be one of: {', '.join(SIDES)}.")
    steps = _text_list(data, "steps", source)
    if not 3 <= len(steps) <= 6:
        raise fail("steps", source, "Give between 3 and 6 steps.")
    muscles = _text_list(data, "target_muscles", source)
    if not muscles:
        raise fail("target_muscles", source, "Name at least one target muscle.")
    illustration = _text(data, "illustration", source)
    if not _ILLUSTRATION_PATTERN.match(illustration):
        raise fail("illustration", source, "The illustration must be a .svg or .png file name.")
    precautions = _text_list(data, "precautions", source)
    dosage = _dosage(data.get("dosage"), source)
    build_up = _build_up(data.get("build_up"), source)
    next_step = _text(data, "next_step", source, required=False)
    off_days_note = _text(data, "off_days_note", source, required=False)
    cross_references = _cross_references(data.get("cross_references"), exercise_id, source)
    translations = tuple(
        parse_translation(data[code], code, source, steps=len(steps),
                          precautions=len(precautions), has_note=bool(dosage.note),
                          notes=NoteShape(build_up is not None, bool(next_step),
                                          bool(off_days_note), len(cross_references)))
        for code in TRANSLATED if code in data
    )
    return LibraryExercise(
        id=exercise_id,
        name=_text(data, "name", source),
        purpose=_text(data, "purpose", source),
        target_muscles=muscles,
        category=category,
        steps=steps,
        side=side,
        precautions=precautions,
        progression=_link(data, "progression", exercise_id, source),
        regression=_link(data, "regression", exercise_id, source),
        illustration=illustration,
        dosage=dosage,
        build_up=build_up,
        next_step=next_step,
        off_days_note=off_days_note,
        cross_references=cross_references,
        aliases=parse_aliases(data, source),
        dosage_source=_text(data, "dosage_source", source, required=False),
        translations=translations,
    )


def _template_item(data: Any, source: str, library: Mapping[str, LibraryExercise]) -> TemplateItem:
    if not isinstance(data, dict):
        raise fail("items", source, "Each [[items]] entry must be a table.")
    _unknown_keys(data, _TEMPLATE_ITEM_KEYS, source)
    exercise_id = _text(data, "exercise", source)
    if exercise_id not in library:
        raise fail("exercise", source, f"'{exercise_id}' is not in the exercise library.")
    side = data.get("side")
    if side is not None and side not in SIDES:
        raise fail("side", source, f"The side must be one of: {', '.join(SIDES)}.")
    note = _text(data, "note", source, required=False) if "note" in data else None
    numbers = {f: _whole_number(data[f], f, source) for f in DOSAGE_NUMBERS if f in data}
    item = TemplateItem(exercise=exercise_id, side=side, note=note, **numbers)
    check_dosage(item.dosage_for(library[exercise_id]), source)
    return item


def validate_template(
    data: Mapping[str, Any], source: str, library: Mapping[str, LibraryExercise]
) -> ProgrammeTemplate:
    """Turn one parsed template file into a `ProgrammeTemplate` or raise `ValidationError`."""
    _unknown_keys(data, _TEMPLATE_KEYS, source)
    template_id = _text(data, "id", source)
    if not ID_PATTERN.match(template_id):
        raise fail("id", source, "The id may use only lowercase letters, digits and '_'.")
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise fail("items", source, "A template needs at least one [[items]] entry.")
    return ProgrammeTemplate(
        id=template_id,
        name=_text(data, "name", source),
        description=_text(data, "description", source),
        items=tuple(_template_item(item, source, library) for item in items),
    )
