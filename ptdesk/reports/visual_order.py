"""Left-to-right drawing order for one printed line that holds right-to-left text (UAX #9).

A PDF draws glyphs left to right, so Hebrew or Arabic must be handed over in *visual*
order, one line at a time, after the line has been broken. The embedding levels come from
python-bidi's pure-Python implementation of the Unicode Bidirectional Algorithm, plus the
bracket-pair rule N0 it lacks; the reordering (rules L1 and L2) is done here because only
this module knows which character of the line came from which styled fragment.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bidi import algorithm as _uba
from bidi.mirror import MIRRORED

# Blocks written right to left (Hebrew to Arabic Extended, their presentation forms, the
# right-to-left supplementary blocks) plus RIGHT-TO-LEFT MARK and ARABIC LETTER MARK.
_RTL = re.compile(
    "[\u0590-\u08ff\u200f\u061c\ufb1d-\ufdff\ufe70-\ufefe"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)

# Embedding, override and isolate controls are honoured by no printed line: a hostile
# RIGHT-TO-LEFT OVERRIDE would otherwise print "evil" as "live". They stay in the text,
# invisible, and take no part in the ordering.
_IGNORED_CONTROLS = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
# L1: these sink to the paragraph level at the end of a line and before a tab or break.
_TRAILING = frozenset({"WS", "BN"}) | _IGNORED_CONTROLS
_SEPARATORS = frozenset({"S", "B"})
_STRONG_RTL = frozenset({"R", "AL"})


def has_rtl(text: str) -> bool:
    """True when the text holds a character written right to left."""
    return _RTL.search(text) is not None


def paragraph_level(text: str) -> int:
    """0 (left to right) unless the text has right-to-left letters and no left-to-right one.

    Handouts are English, so a line that mixes a Hebrew name with English words reads left
    to right; a paragraph that is all Hebrew or Arabic reads right to left, which puts its
    punctuation and numbers where its reader expects them.
    """
    classes = {unicodedata.bidirectional(char) for char in text}
    return 1 if classes & _STRONG_RTL and "L" not in classes else 0


def embedding_levels(text: str, base_level: int) -> list[int]:
    """The resolved embedding level of every character (rules X1 to I2)."""
    storage = _uba.get_empty_storage()
    storage["base_level"] = base_level
    storage["base_dir"] = "LR"[base_level]
    _uba.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
        kind = char["type"]
        if kind in _IGNORED_CONTROLS:
            char["type"] = "BN"  # removed by X9, so it cannot open an embedding
        elif not kind:
            char["type"] = "L"  # an unassigned code point: the algorithm's default class
    _uba.explicit_embed_and_overrides(storage)
    _uba.resolve_weak_types(storage)
    for run in storage["runs"]:
        _resolve_brackets(storage["chars"][run["start"]:run["start"] + run["length"]], run["sor"])
    _uba.resolve_neutral_types(storage, False)
    _uba.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for char in storage["chars"]:
        levels[char["index"]] = char["level"]
    # Characters X9 removed (controls, zero-width marks) ride with the one before them.
    resolved: list[int] = []
    for level in levels:
        resolved.append(level if level is not None else resolved[-1] if resolved else base_level)
    return resolved


# Paired brackets (BD16): an opening bracket whose mirror image is a closing bracket.
_OPENING = {o: c for o, c in MIRRORED.items()
            if unicodedata.category(o) == "Ps" and unicodedata.category(c) == "Pe"}
_MAX_BRACKET_DEPTH = 63

# python-bidi's record of one character: "ch", "level", "type" and "orig" (its bidi class).
_BidiChar = dict[str, Any]


def _strong(kind: str) -> str | None:
    return "R" if kind in ("R", "EN", "AN") else "L" if kind == "L" else None


def _bracket_pairs(chars: list[_BidiChar]) -> list[tuple[int, int]]:
    stack: list[tuple[str, int]] = []
    pairs = []
    for index, char in enumerate(chars):
        if char["type"] != "ON":
            continue
        if char["ch"] in _OPENING:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break
            stack.append((_OPENING[char["ch"]], index))
        else:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char["ch"]:
                    pairs.append((stack[depth][1], index))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _resolve_brackets(chars: list[_BidiChar], sor: str) -> None:
    """Rule N0 (which the pure-Python algorithm lacks): a bracket pair takes one direction."""
    if not chars:
        return
    embedding = "R" if chars[0]["level"] % 2 else "L"
    for opening, closing in _bracket_pairs(chars):
        inside = {_strong(char["type"]) for char in chars[opening + 1:closing]}
        if embedding in inside:
            direction = embedding
        elif inside - {None}:
            # Only opposite-direction text inside: follow the text before the bracket.
            direction = next((s for char in reversed(chars[:opening])
                              if (s := _strong(char["type"]))), sor)
        else:
            continue
        for index in (opening, closing):
            chars[index]["type"] = direction
            for mark in chars[index + 1:]:  # marks on a bracket follow it
                if mark["orig"] != "NSM":
                    break
                mark["type"] = direction


def _reset_trailing(text: str, levels: list[int], base_level: int) -> None:
    """Rule L1: separators and the white space before them or at line end take the base level."""
    trailing = True
    for index in range(len(text) - 1, -1, -1):
        kind = unicodedata.bidirectional(text[index])
        if kind in _SEPARATORS:
            levels[index] = base_level
            trailing = True
        elif trailing and kind in _TRAILING:
            levels[index] = base_level
        else:
            trailing = False


def _joins_previous(char: str, previous: str) -> bool:
    # Combining marks, joiners and emoji modifiers stay after their base character, so a
    # Hebrew point or Arabic vowel sign is drawn over its own letter, not its neighbour.
    return (
        previous == "\u200d"
        or char == "\u200d"
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
    )


def _clusters(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(text)):
        if not _joins_previous(text[index], text[index - 1]):
            spans.append((start, index))
            start = index
    if text:
        spans.append((start, len(text)))
    return spans


def visual_order(text: str, base_level: int) -> list[tuple[int, str]]:
    """(logical index, character to draw) for the line, left to right (rules L1, L2, L4)."""
    if not text:
        return []
    levels = embedding_levels(text, base_level)
    _reset_trailing(text, levels, base_level)
    clusters = _clusters(text)
    cluster_levels = [levels[start] for start, _ in clusters]
    highest = max(cluster_levels)
    lowest_odd = min((lvl for lvl in cluster_levels if lvl % 2), default=highest + 1)
    order = list(range(len(clusters)))
    # L2: from the highest level down to the lowest odd one, reverse every run at or above it.
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if cluster_levels[order[index]] < level:
                index += 1
                continue
            end = index
            while end < len(order) and cluster_levels[order[end]] >= level:
                end += 1
            order[index:end] = order[index:end][::-1]
            index = end
    # L4: a bracket inside a right-to-left run is drawn as its mirror image.
    return [(i, MIRRORED.get(text[i], text[i]) if levels[i] % 2 else text[i])
            for c in order for i in range(*clusters[c])]


def visual_text(text: str, base_level: int | None = None) -> str:
    """The whole line as drawn left to right."""
    level = paragraph_level(text) if base_level is None else base_level
    return "".join(char for _, char in visual_order(text, level))
