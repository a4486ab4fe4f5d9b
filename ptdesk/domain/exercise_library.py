"""The shipped exercise library and programme templates: TOML files in, validated frozen values out.

The public API lives here; the values and the checks are in `exercise_values` and
`exercise_validation` to keep modules small.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ptdesk.domain.exercise_texts import (
    ENGLISH,
    LANGUAGES,
    ExerciseText,
    has_language,
    search,
)
from ptdesk.domain.exercise_validation import (
    check_dosage,
    fail,
    validate_exercise,
    validate_template,
)
from ptdesk.domain.exercise_values import (
    CATEGORIES,
    SIDES,
    BuildUp,
    CrossReference,
    Dosage,
    LibraryExercise,
    ProgrammeTemplate,
    TemplateItem,
    amount_in_words,
    dosage_in_words,
    exercise_dosage_in_words,
    frequency_in_words,
    limb_for,
)

__all__ = [
    "ENGLISH",
    "LANGUAGES",
    "ExerciseText",
    "has_language",
    "search_library",
    "template_for_side",
    "CATEGORIES",
    "SIDES",
    "BuildUp",
    "CrossReference",
    "Dosage",
    "LibraryExercise",
    "ProgrammeTemplate",
    "TemplateItem",
    "amount_in_words",
    "check_dosage",
    "dosage_in_words",
    "exercise_dosage_in_words",
    "frequency_in_words",
    "illustration_path",
    "limb_for",
    "load_library",
    "load_library_from",
    "load_templates",
    "load_templates_from",
    "resources_root",
    "validate_exercise",
    "validate_template",
]

RESOURCE_PACKAGE = "ptdesk_resources"


def _read_toml(path: Traversable | Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise fail("file", path.name, f"The file is not valid TOML ({exc}).") from exc


def _toml_files(directory: Traversable | Path) -> list[Traversable | Path]:
    return sorted(
        (p for p in directory.iterdir() if p.is_file() and p.name.endswith(".toml")),
        key=lambda p: p.name,
    )


def _check_id_matches_file(
    found_id: str, path: Traversable | Path, seen: Mapping[str, Any]
) -> None:
    if found_id != path.name.removesuffix(".toml"):
        raise fail("id", path.name, f"The id '{found_id}' must match the file name.")
    if found_id in seen:
        raise fail("id", path.name, f"The id '{found_id}' is used twice.")


def load_library_from(directory: Traversable | Path) -> dict[str, LibraryExercise]:
    """Load and check every `<id>.toml` in `directory`, including the links between them."""
    library: dict[str, LibraryExercise] = {}
    for path in _toml_files(directory):
        exercise = validate_exercise(_read_toml(path), path.name)
        _check_id_matches_file(exercise.id, path, library)
        library[exercise.id] = exercise
    for exercise in library.values():
        targets = [(f, getattr(exercise, f)) for f in ("progression", "regression")]
        targets += [("cross_references", ref.exercise) for ref in exercise.cross_references]
        for field, target in targets:
            if target and target not in library:
                raise fail(
                    field, f"{exercise.id}.toml", f"'{target}' is not in the exercise library."
                )
    return library


def load_templates_from(
    directory: Traversable | Path, library: Mapping[str, LibraryExercise]
) -> dict[str, ProgrammeTemplate]:
    """Load and check every template `<id>.toml` in `directory` against `library`."""
    templates: dict[str, ProgrammeTemplate] = {}
    for path in _toml_files(directory):
        template = validate_template(_read_toml(path), path.name, library)
        _check_id_matches_file(template.id, path, templates)
        templates[template.id] = template
    return templates


def resources_root() -> Traversable:
    """The installed `resources/` directory (package `ptdesk_resources`)."""
    return files(RESOURCE_PACKAGE)


@cache
def _shipped_library() -> tuple[tuple[str, LibraryExercise], ...]:
    return tuple(load_library_from(resources_root() / "exercises").items())


@cache
def _shipped_templates() -> tuple[tuple[str, ProgrammeTemplate], ...]:
    library = dict(_shipped_library())
    return tuple(load_templates_from(resources_root() / "templates", library).items())


def load_library() -> dict[str, LibraryExercise]:
    """The shipped exercise library by id (parsed once per process; a fresh dict each call)."""
    return dict(_shipped_library())


def load_templates() -> dict[str, ProgrammeTemplate]:
    """The shipped programme templates by id (parsed once per process)."""
    return dict(_shipped_templates())


def illustration_path(exercise: LibraryExercise, language: str = ENGLISH) -> Traversable:
    """Where the exercise's shipped drawing lives (may not exist for a clinician's own exercise).

    With a `language`, the copy whose panel words ("Start", "Hold") are in that
    language when one is shipped, else the English drawing.
    """
    return illustration_path_for(exercise.illustration, language)


def illustration_path_for(filename: str, language: str = ENGLISH) -> Path:
    """A shipped drawing by file name, as a real path (reportlab and Qt both need one)."""
    folder = resources_root() / "illustrations"
    if language != ENGLISH:
        translated = Path(str(folder / language / filename))
        if translated.is_file():
            return translated
    return Path(str(folder / filename))


def search_library(query: str, library: Mapping[str, LibraryExercise] | None = None) -> list[str]:
    """Ids of the exercises found by name, alias, Spanish name or target muscle.

    "heel raise" finds `calf_raise`; "glute med" finds the gluteus medius work.
    Searches the shipped library unless `library` is given (e.g. with a clinic's own).
    """
    return search((library if library is not None else load_library()).values(), query)


# Templates whose side-bearing items work the sprained ankle, which is often on the other
# leg from the sore knee (CLINICAL.md, "Opposite ankle"): they follow that ankle's side.
SPRAINED_ANKLE_TEMPLATES = frozenset({"opposite_ankle_sprain"})


def template_for_side(template: ProgrammeTemplate, side: str) -> ProgrammeTemplate:
    """`template` with every item that names a side in the file ("each", "left" or "right")
    set to `side`; items that leave the side to the exercise, or say "both", keep it.

    The sprained-ankle template writes `side = "each"` on its ankle items, so a
    programme made without knowing the sprained side works both ankles; the app
    calls this with the sprained ankle's side to print them for that ankle only.
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    items = tuple(
        replace(item, side=side) if item.side not in (None, "both") else item
        for item in template.items
    )
    return replace(template, items=items)
