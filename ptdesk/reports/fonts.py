"""The fonts handouts print with: DejaVu Sans for text, Noto Emoji for what DejaVu lacks."""

from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
# Monochrome (outline) emoji: colour emoji fonts (CBDT/sbix) cannot be embedded by reportlab.
EMOJI_FONT = "NotoEmoji"

_FILES = (
    (FONT, "DejaVuSans.ttf"),
    (FONT_BOLD, "DejaVuSans-Bold.ttf"),
    (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
    (EMOJI_FONT, "NotoEmoji-Regular.ttf"),
)


@functools.cache
def register_fonts() -> None:
    """Register the shipped fonts (embedded as subsets) and fix their text layer."""
    folder = Path(str(importlib.resources.files("ptdesk_resources"))) / "fonts"
    for name, filename in _FILES:
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    # No bold-oblique face ships; bold reads better than a fake slant.
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
    )
    # Emoji inside <b> or <i> keep the one emoji face instead of failing to find a bold one.
    pdfmetrics.registerFontFamily(
        EMOJI_FONT, normal=EMOJI_FONT, bold=EMOJI_FONT, italic=EMOJI_FONT,
        boldItalic=EMOJI_FONT,
    )
    _install_text_layer_fix()


def _coverage(name: str) -> frozenset[str]:
    face = pdfmetrics.getFont(name).face
    return frozenset(map(chr, face.charToGlyph))


@functools.cache
def text_coverage() -> frozenset[str]:
    """Characters DejaVu Sans draws upright and bold (Latin, Greek, Cyrillic, Hebrew, Arabic)."""
    register_fonts()
    return _coverage(FONT) & _coverage(FONT_BOLD)


@functools.cache
def _oblique_gaps() -> frozenset[str]:
    register_fonts()
    return text_coverage() - _coverage(FONT_ITALIC)


def oblique_can_print(value: str) -> bool:
    """False when the oblique face lacks a letter of the text (it has no Arabic at all)."""
    return value.isascii() or _oblique_gaps().isdisjoint(value)


@functools.cache
def emoji_coverage() -> frozenset[str]:
    """Characters the emoji font can draw."""
    register_fonts()
    return _coverage(EMOJI_FONT)


# --- the text layer (what copy-paste, search and screen readers get) ----------------------

# reportlab 5.1 writes ToUnicode values as "%04X" of the code point: five or six hex digits
# for anything past U+FFFF, which PDF readers reject (they must be UTF-16BE), so every emoji
# would read back as nothing. Arabic is printed in its joined presentation forms; the text
# layer maps those back to the plain letters the clinician typed.
_ENTRY = re.compile(r"^(<[0-9A-F]{2}> )<([0-9A-F]+)>$", re.MULTILINE)
_PRESENTATION_FORMS = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _unicode_for(code_point: int) -> str:
    char = chr(code_point)
    if any(lo <= code_point <= hi for lo, hi in _PRESENTATION_FORMS):
        char = unicodedata.normalize("NFKC", char) or char
    return char


def _fix_entry(match: re.Match[str]) -> str:
    code_point = int(match[2], 16)
    if code_point < 0xFB50:  # nothing to change: keep reportlab's own entry
        return match[0]
    return f"{match[1]}<{_utf16_hex(_unicode_for(code_point))}>"


def fixed_to_unicode_cmap(original: object) -> object:
    """Wrap reportlab's ToUnicode CMap writer so its entries are valid UTF-16BE."""

    def make(fontname: str, subset: list[int]) -> str:
        return _ENTRY.sub(_fix_entry, original(fontname, subset))  # type: ignore[operator]

    make.ptdesk_fixed = True  # type: ignore[attr-defined]
    return make


def _install_text_layer_fix() -> None:
    current = ttfonts.makeToUnicodeCMap
    if not getattr(current, "ptdesk_fixed", False):
        ttfonts.makeToUnicodeCMap = fixed_to_unicode_cmap(current)
