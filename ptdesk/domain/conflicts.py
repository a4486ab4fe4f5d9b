"""What another clinician changed while you were editing: field-by-field comparison of flat texts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

# `based_on_id` value meaning "the editor started with no active version" (ids start at 1).
STARTED_EMPTY = 0


@dataclass(frozen=True)
class FieldChange:
    """One field the other person saved differently from what you started from."""

    label: str
    theirs: str
    yours: str
    you_changed_too: bool  # you edited the same field, so the two texts compete

    @property
    def same_as_yours(self) -> bool:
        return self.theirs == self.yours


def _labels(*mappings: Mapping[str, str]) -> list[str]:
    """Every label once, in the order the saved record lists them (the form's order)."""
    seen: dict[str, None] = {}
    for mapping in mappings:
        seen.update(dict.fromkeys(mapping))
    return list(seen)


def changed_by_them(
    started_from: Mapping[str, str], saved_now: Mapping[str, str], yours: Mapping[str, str],
) -> tuple[FieldChange, ...]:
    """Fields whose saved text differs from the text you started from.

    A label missing from a mapping counts as blank, so a field they cleared or filled
    in shows up like any other change. Fields only you changed are not listed: they
    are yours and nobody else touched them.
    """
    changes = []
    for label in _labels(saved_now, started_from, yours):
        base, theirs, mine = (m.get(label, "") for m in (started_from, saved_now, yours))
        if theirs != base:
            changes.append(FieldChange(label, theirs, mine, you_changed_too=mine != base))
    return tuple(changes)


def differing_fields(
    saved_now: Mapping[str, str], yours: Mapping[str, str],
) -> tuple[FieldChange, ...]:
    """Fallback when the starting point is unknown (a restored draft): every field that differs."""
    changes = []
    for label in _labels(saved_now, yours):
        theirs, mine = saved_now.get(label, ""), yours.get(label, "")
        if theirs != mine:
            changes.append(FieldChange(label, theirs, mine, you_changed_too=True))
    return tuple(changes)


def as_text(fields: Mapping[str, str], title: str = "") -> str:
    """Plain "Label: text" lines of every filled field, for the clipboard."""
    lines = [title] if title else []
    for label, text in fields.items():
        if not text:
            continue
        if "\n" in text:
            indented = "\n".join(f"  {line}" for line in text.splitlines())
            lines.append(f"{label}:\n{indented}")
        else:
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


def words(choice: str) -> str:
    """A stored choice key as plain words ("knee_valgus" -> "knee valgus")."""
    return choice.replace("_", " ")


def value_text(value: object) -> str:
    """One stored value as the text a clinician would read ("" for nothing recorded)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "Yes"
    if isinstance(value, float):
        return f"{int(value)}" if value.is_integer() else f"{value}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(t for t in (value_text(v) for v in value) if t)
    return str(value).strip()


def fields_of(
    record: object, labels: Mapping[str, str],
    choices: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, str]:
    """The labelled attributes of `record` as texts; stored choice keys become their wording."""
    out: dict[str, str] = {}
    for name, label in labels.items():
        value = getattr(record, name, None)
        wording = (choices or {}).get(name)
        if wording is not None and isinstance(value, str):
            out[label] = wording.get(value, words(value))
        else:
            out[label] = value_text(value)
    return out


def without_blanks(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {label: text for label, text in pairs if text}
