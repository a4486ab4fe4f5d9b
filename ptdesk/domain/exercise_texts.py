"""Patient-facing exercise texts per language, search words (aliases) and library search.

A library file keeps its English text in the top-level fields and each other
language in a table named by its code (`[es]`), written for patients in that
language rather than translated word for word. Callers ask for a language and
get English back for anything the file does not have, so a clinic's own
exercise without Spanish text still prints (in English).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from ptdesk.domain.errors import ValidationError

ENGLISH = "en"
# Handout languages a library file may carry; English is the top-level text.
LANGUAGES: tuple[str, ...] = (ENGLISH, "es")
TRANSLATED: tuple[str, ...] = tuple(code for code in LANGUAGES if code != ENGLISH)
_TEXT_KEYS = frozenset({"name", "purpose", "steps", "precautions", "dosage_note",
                        "build_up", "next_step", "off_days_note", "cross_references"})


@dataclass(frozen=True)
class ExerciseText:
    """The words a patient reads about one exercise, in one language."""

    language: str
    name: str
    purpose: str
    steps: tuple[str, ...]
    precautions: tuple[str, ...]
    dosage_note: str = ""
    # The library notes a handout prints only where they fit the prescription
    # (ptdesk.domain.handout_notes): build-up target, harder version, rest-day note,
    # and the lines that name another exercise, in the English file's order.
    build_up: str = ""
    next_step: str = ""
    off_days_note: str = ""
    cross_references: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoteShape:
    """Which conditional notes the English has, so each language has the same ones."""

    build_up: bool = False
    next_step: bool = False
    off_days_note: bool = False
    cross_references: int = 0


class _HasTexts(Protocol):
    """What `text_for` needs from a library exercise (kept structural to avoid an import cycle)."""

    @property
    def name(self) -> str: ...

    @property
    def purpose(self) -> str: ...

    @property
    def steps(self) -> tuple[str, ...]: ...

    @property
    def precautions(self) -> tuple[str, ...]: ...

    @property
    def translations(self) -> tuple[ExerciseText, ...]: ...


def _fail(field: str, source: str, message: str) -> ValidationError:
    return ValidationError(field, f"In {source}: {message}")


def _text(data: Mapping[str, Any], key: str, where: str, source: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or not value.strip():
        raise _fail(key, source, f"'{key}' in [{where}] must be non-empty text in quotes.")
    return value.strip()


def _texts(data: Mapping[str, Any], key: str, where: str, source: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(key, source, f"'{key}' in [{where}] must be a list of non-empty texts.")
    return tuple(v.strip() for v in value)


def parse_translation(
    data: Any, language: str, source: str, *, steps: int, precautions: int, has_note: bool,
    notes: NoteShape = NoteShape(),  # noqa: B008 - a frozen value
) -> ExerciseText:
    """Check one `[es]`-style table against the English it stands beside.

    It needs the same number of steps and precautions as the English (a card
    shows them side by side in the clinician's preview) and a dosage note
    exactly when the English has one.
    """
    if not isinstance(data, dict):
        raise _fail(language, source, f"[{language}] must be a table.")
    unknown = sorted(set(data) - _TEXT_KEYS)
    if unknown:
        raise _fail(unknown[0], source, f"'{unknown[0]}' in [{language}] is not a field we know.")
    text = ExerciseText(
        language=language,
        name=_text(data, "name", language, source),
        purpose=_text(data, "purpose", language, source),
        steps=_texts(data, "steps", language, source),
        precautions=_texts(data, "precautions", language, source),
        dosage_note=str(data.get("dosage_note", "")).strip(),
        build_up=str(data.get("build_up", "")).strip(),
        next_step=str(data.get("next_step", "")).strip(),
        off_days_note=str(data.get("off_days_note", "")).strip(),
        cross_references=_texts(data, "cross_references", language, source),
    )
    if len(text.steps) != steps:
        raise _fail("steps", source, f"[{language}] needs {steps} steps, like the English.")
    if len(text.precautions) != precautions:
        raise _fail("precautions", source,
                    f"[{language}] needs {precautions} precautions, like the English.")
    if bool(text.dosage_note) != has_note:
        raise _fail("dosage_note", source, f"[{language}] needs a dosage_note exactly when "
                    "the English dosage has a note.")
    for key in ("build_up", "next_step", "off_days_note"):
        if bool(getattr(text, key)) != getattr(notes, key):
            raise _fail(key, source, f"[{language}] needs '{key}' exactly when the English "
                        "has one.")
    if len(text.cross_references) != notes.cross_references:
        raise _fail("cross_references", source, f"[{language}] needs "
                    f"{notes.cross_references} cross_references, like the English.")
    return text


def parse_aliases(data: Mapping[str, Any], source: str) -> tuple[str, ...]:
    """Other names clinicians and patients search by; optional, a list of texts."""
    value = data.get("aliases", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail("aliases", source, "'aliases' must be a list of non-empty texts.")
    return tuple(v.strip() for v in value)


def text_for(exercise: _HasTexts, language: str, english_note: str = "") -> ExerciseText:
    """The exercise's words in `language`, or its English words when it has none there.

    `english_note` is the English dosage note (it lives on the dosage); pass it
    so the English fallback carries it too.
    """
    for text in exercise.translations:
        if text.language == language:
            return text
    return ExerciseText(ENGLISH, exercise.name, exercise.purpose, exercise.steps,
                        exercise.precautions, english_note)


def has_language(exercise: _HasTexts, language: str) -> bool:
    """Whether the exercise prints in `language` (English always does)."""
    return language == ENGLISH or any(t.language == language for t in exercise.translations)


def fold(text: str) -> str:
    """Lower case without accents or punctuation, so "Elevación" matches "elevacion"."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def _singular(word: str) -> str:
    # "raises" finds "raise", "lunges" finds "lunge"; short words ("abs") stay as typed.
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> tuple[str, ...]:
    return tuple(_singular(w) for w in fold(text).split())


class _Searchable(_HasTexts, Protocol):
    def __hash__(self) -> int: ...

    @property
    def id(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...

    @property
    def target_muscles(self) -> tuple[str, ...]: ...


# The groups clinicians search by for the anatomical names the library lists (issue 19:
# "search by target muscle"): "hip abductors" finds the gluteus medius work, "VMO" the
# vastus medialis, "core" the trunk muscles.
MUSCLE_GROUPS: dict[str, tuple[str, ...]] = {
    "gluteus medius": ("hip abductors", "glute med"),
    "gluteus minimus": ("hip abductors", "glute min"),
    "tensor fasciae latae": ("hip abductors", "tfl"),
    "gluteus maximus": ("glute max", "hip extensors"),
    "quadriceps": ("quads", "knee extensors", "thigh"),
    "vastus medialis": ("vmo", "quads", "inner quad"),
    "rectus femoris": ("quads", "hip flexors"),
    "iliopsoas": ("hip flexors", "psoas"),
    "hamstrings": ("knee flexors", "back of thigh"),
    "gastrocnemius": ("calf", "calves", "plantar flexors"),
    "soleus": ("calf", "calves", "plantar flexors"),
    "peroneus longus": ("peroneals", "fibularis", "evertors"),
    "peroneus brevis": ("peroneals", "fibularis", "evertors"),
    "tibialis posterior": ("tib post", "invertors", "arch"),
    "tibialis anterior": ("shin", "dorsiflexors"),
    "deep hip rotators": ("hip external rotators", "hip rotators"),
    "piriformis": ("hip external rotators", "hip rotators"),
    "obliques": ("core", "abdominals", "abs"),
    "multifidus": ("core", "low back"),
    "trunk muscles": ("core", "abdominals", "abs"),
    "quadratus lumborum": ("core", "low back"),
    "erector spinae": ("core", "low back"),
}


@lru_cache(maxsize=4096)  # exercises are frozen values; folding accents is the slow part
def search_words(exercise: _Searchable) -> tuple[str, ...]:
    """Every phrase an exercise is found by: names in all languages, aliases, id, muscles
    and the muscle groups they belong to (name, id and aliases first: search() ranks on it)."""
    groups = [group for muscle in exercise.target_muscles
              for group in MUSCLE_GROUPS.get(fold(muscle).split(" (")[0], ())]
    phrases = [exercise.name, exercise.id.replace("_", " "), *exercise.aliases,
               *exercise.target_muscles, *(t.name for t in exercise.translations), *groups]
    return tuple(" ".join(_words(p)) for p in phrases)


def matches(exercise: _Searchable, query: str) -> bool:
    """True when every word of `query` starts a word of one of the exercise's phrases.

    "heel raise" finds the calf raise through its alias; "glute med" finds
    exercises for the gluteus medius; "puente" finds the bridge by its Spanish name.
    """
    wanted = _words(query)
    if not wanted:
        return False
    for phrase in search_words(exercise):
        words = phrase.split()
        if all(any(w.startswith(q) for w in words) for q in wanted):
            return True
    return False


def search(exercises: Iterable[_Searchable], query: str) -> list[str]:
    """Ids of the exercises `query` finds, exact name or alias hits first, then by id."""
    target = " ".join(_words(query))
    hits = [e for e in exercises if matches(e, query)]

    def rank(e: _Searchable) -> tuple[int, str]:
        # search_words starts with the name, then the id, then the aliases.
        names = search_words(e)
        exact = target == names[0] or target in names[2:2 + len(e.aliases)]
        return (0 if exact else 1, e.id)

    return [e.id for e in sorted(hits, key=rank)]
