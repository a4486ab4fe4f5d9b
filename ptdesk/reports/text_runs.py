"""Free text onto paper as typed: any script, right-to-left lines in order, emoji in their font.

`markup` turns a clinician's or patient's text into Paragraph markup: escaped, Arabic
letters joined, and every run of characters DejaVu Sans cannot draw but the emoji font
can wrapped in that font. `Paragraph` is reportlab's, except that a line holding Hebrew or
Arabic is drawn in visual order; the stored text and its line breaks stay in the order typed.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph as _Paragraph

from ptdesk.reports.fonts import EMOJI_FONT, emoji_coverage, text_coverage
from ptdesk.reports.visual_order import has_rtl, paragraph_level, visual_order

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
# Parts of an emoji sequence DejaVu also has: drawn with the emoji so the sequence stays whole.
_EMOJI_GLUE = frozenset({"\u200d", "\ufe0f"})
_EMOJI_STYLE = "\ufe0f"
_OBJECT = "\ufffc"  # stands in for a picture or anchor while a line is reordered


def markup(value: str) -> str:
    """Paragraph markup for free text: trimmed, escaped, line breaks kept, emoji in their font."""
    value = value.strip().replace("\r\n", "\n")
    if value.isascii():  # the common case stays as cheap as it always was
        return escape(value).replace("\n", "<br/>")
    if _ARABIC.search(value):
        value = _join_arabic(value)
    return "<br/>".join(_font_runs(line) for line in value.split("\n"))


def _font_runs(line: str) -> str:
    main = text_coverage()
    if main.issuperset(line):
        return escape(line)
    emoji = emoji_coverage()

    def needs_emoji_font(pair: tuple[str, str]) -> bool:
        char, following = pair
        if char not in emoji:
            return False  # neither font has it: DejaVu's empty box at least shows it is there
        return char not in main or char in _EMOJI_GLUE or following == _EMOJI_STYLE

    pairs = zip(line, itertools.chain(line[1:], [""]), strict=True)
    parts = []
    for in_emoji, run in itertools.groupby(pairs, key=needs_emoji_font):
        text = escape("".join(char for char, _ in run))
        parts.append(f'<font name="{EMOJI_FONT}">{text}</font>' if in_emoji else text)
    return "".join(parts)


@functools.cache
def _arabic_reshaper() -> Any:
    # Imported on first Arabic text only: most handouts never need it.
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper(configuration={
        "delete_harakat": False,  # vowel signs are part of the name: never drop them
        "support_ligatures": True,  # lam-alef must join; DejaVu has those ligatures
        "ARABIC LIGATURE ALLAH": False,  # not in DejaVu Sans
    })


def _join_arabic(value: str) -> str:
    """Arabic letters in their joined (initial, medial, final) forms, still in typed order."""
    joined = _arabic_reshaper().reshape(value)
    # A form the font lacks would print as a box: the unjoined letters are better than that.
    missing = set(joined) - text_coverage() - set(value)
    return value if missing else joined


# --- drawing lines in visual order ------------------------------------------------------


class Paragraph(_Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """reportlab's Paragraph; lines with right-to-left text are drawn in visual order."""

    def __init__(self, text: Any, style: Any = None, bulletText: Any = None,  # noqa: N803
                 frags: Any = None, caseSensitive: int = 1, encoding: str = "utf8") -> None:  # noqa: N803
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        self._bidi_level: int | None = None
        # One search of the markup keeps Latin-only paragraphs as cheap as reportlab's own.
        if isinstance(text, str) and not has_rtl(text):
            return
        plain = "".join(map(_frag_text, self.frags))
        if has_rtl(plain):
            # Decided once for the whole paragraph so every line of it reads the same way.
            self._bidi_level = paragraph_level(plain)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # Tables wrap every cell two or three times at the same width (measure, lay out,
        # draw); the lines depend on the width only, so they are broken once per width.
        cached = self.__dict__.get("_wrapped")
        if cached is not None and cached[0] == availWidth:
            _, self.width, self.height, self.blPara, self._wrapWidths = cached
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara"):  # a width too narrow to use sets no lines
            self._wrapped = (availWidth, self.width, self.height, self.blPara, self._wrapWidths)
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        parts: list[Any] = super().split(availWidth, availHeight)
        for part in parts:  # both halves keep the direction of the whole paragraph
            if isinstance(part, Paragraph):
                part._bidi_level = self._bidi_level
        return parts

    def drawPara(self, debug: int = 0) -> Any:  # noqa: N802 - reportlab's name
        if self._bidi_level is None:
            return super().drawPara(debug)
        logical = self.blPara
        # Only the drawing sees the visual lines: split() keeps working on the typed order.
        self.blPara = _visual_lines(logical, self._bidi_level)
        try:
            return super().drawPara(debug)
        finally:
            self.blPara = logical


def _frag_text(frag: Any) -> str:
    # A paragraph split across pages is rebuilt from words rather than text: plain words
    # (one style) or styled words, each a list [width, (frag, text), (frag, text), ...].
    if isinstance(frag, list):
        return "".join(part[1] for part in frag[1:] if isinstance(part, tuple)) + " "
    text = getattr(frag, "text", None)
    return text if isinstance(text, str) else " ".join(getattr(frag, "words", None) or ())


def _visual_lines(para: Any, level: int) -> Any:
    if para.kind == 0:  # one style: each line is (extra space, words)
        lines = []
        for extra, words in para.lines:
            text = " ".join(words)
            if has_rtl(text) or level:
                words = "".join(char for _, char in visual_order(text, level)).split(" ")
            lines.append((extra, [w for w in words if w]))
        return para.clone(lines=lines)
    return para.clone(lines=[
        line.clone(words=_visual_frags(line.words, level)) for line in para.lines
    ])


def _visual_frags(frags: list[Any], level: int) -> list[Any]:
    """One styled line's fragments, cut and reordered so they draw left to right."""
    chars: list[str] = []
    owners: list[int] = []
    trailing: list[Any] = []  # empty fragments (the <br/> marker) draw nothing: keep them last
    for number, frag in enumerate(frags):
        text = getattr(frag, "text", None)
        if hasattr(frag, "cbDefn") or not isinstance(text, str):
            chars.append(_OBJECT)
            owners.append(number)
        elif text:
            chars.extend(text)
            owners.extend([number] * len(text))
        else:
            trailing.append(frag)
    line = "".join(chars)
    if not (has_rtl(line) or level):
        return frags
    out: list[Any] = []
    for owner, group in itertools.groupby(visual_order(line, level), key=lambda p: owners[p[0]]):
        frag = frags[owner]
        if hasattr(frag, "cbDefn") or not isinstance(getattr(frag, "text", None), str):
            out.extend(frag for _ in group)
        else:
            out.append(frag.clone(text="".join(char for _, char in group)))
    return out + trailing
