"""Free text on the handouts: visual order for right-to-left lines, emoji font, text layer."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import SimpleDocTemplate

from ptdesk.reports import fonts
from ptdesk.reports import styles as s
from ptdesk.reports.text_runs import Paragraph, markup
from ptdesk.reports.visual_order import has_rtl, paragraph_level, visual_order, visual_text

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
EMOJI = f'<font name="{fonts.EMOJI_FONT}">'


# ---- visual order -------------------------------------------------------------------------

def test_hebrew_is_drawn_right_to_left_and_latin_stays_put() -> None:
    assert visual_text("שלום עולם") == "םלוע םולש"
    assert visual_text("Anna שלום 12 end") == "Anna 12 םולש end"
    assert visual_text("Plain Latin, 3 sets.") == "Plain Latin, 3 sets."


def test_a_paragraph_reads_right_to_left_only_without_latin_letters() -> None:
    assert paragraph_level("שלום, מה?") == 1
    assert paragraph_level("Note: שלום") == 0
    assert paragraph_level("12 - 3") == 0
    # In a right-to-left paragraph the question mark ends the sentence on the left.
    assert visual_text("שלום, מה?") == "?המ ,םולש"


# Letters of both directions, digits, the separators numbers use, and brackets.
MIXED = st.text(alphabet="שלוםעברית" + "مرحبا" + "abcXYZ" + "0123456789" + " .,:-/%+#$()[]",
                min_size=1, max_size=40)
_BRACKETS = str.maketrans("()[]", "||||")


@settings(max_examples=300, deadline=None)
@given(text=MIXED, level=st.sampled_from([0, 1]))
def test_order_matches_the_reference_bidi_implementation(text: str, level: int) -> None:
    # python-bidi's Rust implementation (the unicode-bidi crate) is the reference; it does
    # not mirror brackets (we do, see below), so brackets are compared by position only.
    ours, reference = visual_text(text, level), get_display(text, base_dir="LR"[level])
    assert ours.translate(_BRACKETS) == reference.translate(_BRACKETS)


def test_brackets_are_mirrored_inside_right_to_left_text() -> None:
    # Drawn left to right, "(" must become ")" so the reader still sees an opening bracket.
    assert visual_text("דוד (בן)") == "(ןב) דוד"
    # A pair takes one direction even at the end of a line of English (rule N0).
    assert visual_text("Note: 3 סטים (10 חזרות)") == "Note: 3 (תורזח 10) םיטס"


def test_vowel_points_stay_on_their_own_letter() -> None:
    # Each letter keeps its points right after it, so they are drawn over that letter.
    assert visual_text("שָׁלוֹם") == "ם" + "וֹ" + "ל" + "שָׁ"


def test_an_override_control_cannot_turn_latin_text_around() -> None:
    assert visual_text("\u202eevil\u202c") == "\u202eevil\u202c"
    assert visual_text("a\u202eשלום abc\u202c") == "a\u202eםולש abc\u202c"


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60), level=st.sampled_from([0, 1]))
def test_any_text_reorders_without_losing_a_character(text: str, level: int) -> None:
    order = visual_order(text, level)
    assert sorted(index for index, _ in order) == list(range(len(text)))


# ---- markup -------------------------------------------------------------------------------

def test_plain_text_is_escaped_and_keeps_its_line_breaks() -> None:
    assert markup("  <b>Tom</b> & Co\r\nline 2 ") == "&lt;b&gt;Tom&lt;/b&gt; &amp; Co<br/>line 2"
    assert markup("Zoë Ødegård") == "Zoë Ødegård"


def test_emoji_are_set_in_the_emoji_font() -> None:
    assert markup("Anna 🏃") == f"Anna {EMOJI}🏃</font>"
    # The joiner and the emoji-style selector stay with their sequence.
    assert markup("👩\u200d⚕\ufe0f ok") == f"{EMOJI}👩\u200d⚕\ufe0f</font> ok"
    assert markup("<🏃>") == f"&lt;{EMOJI}🏃</font>&gt;"


def test_arabic_letters_are_joined_and_mean_the_same() -> None:
    joined = markup("مرحبا بالعالم")
    assert joined != "مرحبا بالعالم"
    assert all(0xFE70 <= ord(c) <= 0xFEFF for c in joined.replace(" ", ""))
    assert unicodedata.normalize("NFKC", joined) == "مرحبا بالعالم"
    # Vowel signs are part of a name: never dropped.
    assert "\u064e" in markup("عَلي")


def test_characters_no_font_has_stay_in_the_text_font() -> None:
    assert markup("王") == "王"


# ---- fonts and the text layer ------------------------------------------------------------

def test_the_emoji_font_ships_with_its_licence_and_is_small() -> None:
    font = FONTS / "NotoEmoji-Regular.ttf"
    assert font.stat().st_size < 2_000_000
    licence = (FONTS / "NotoEmoji-LICENSE.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Google LLC" in licence
    assert {"🏃", "👩", "⚕", "\u200d"} <= fonts.emoji_coverage()
    assert "🏃" not in fonts.text_coverage()


def test_text_layer_entries_are_utf16_and_arabic_forms_read_as_letters() -> None:
    def original(fontname: str, subset: list[int]) -> str:
        return "\n".join(f"<{i:02X}> <{v:04X}>" for i, v in enumerate(subset))

    cmap = fonts.fixed_to_unicode_cmap(original)("F", [0x41, 0x1F3C3, 0xFE8E, 0xFEFB, 0x5D0])
    assert cmap.splitlines() == ["<00> <0041>", "<01> <D83CDFC3>", "<02> <0627>",
                                 "<03> <06440627>", "<04> <05D0>"]


def _render(*paragraphs: Paragraph) -> bytes:
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=(300, 300), leftMargin=20, rightMargin=20, topMargin=20,
                      bottomMargin=20).build(list(paragraphs))
    return out.getvalue()


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_emoji_print_from_the_emoji_font_only_when_there_are_emoji() -> None:
    style = s.styles().body
    with_emoji = _render(Paragraph(markup("Anna 🏃 runs"), style))
    assert "Anna 🏃 runs" in _text(with_emoji)
    assert {"DejaVuSans", "NotoEmoji-Regular"} <= _fonts(with_emoji)
    assert "NotoEmoji-Regular" not in _fonts(_render(Paragraph(markup("Anna runs"), style)))
    assert pdfmetrics.getFont(fonts.EMOJI_FONT).face.name.endswith(b"NotoEmoji-Regular")


def _hebrew_words(count: int) -> list[str]:
    letters = [chr(c) for c in range(0x05D0, 0x05EB) if unicodedata.category(chr(c)) == "Lo"]
    return ["".join(letters[(n // len(letters) ** k) % len(letters)] for k in range(3))
            for n in range(count)]


@pytest.mark.parametrize("label", ["", "<b>Note:</b> "])
def test_a_long_right_to_left_note_wraps_and_splits_across_pages_in_order(label: str) -> None:
    words = _hebrew_words(700)
    pdf = _render(Paragraph(label + markup(" ".join(words)), s.styles().body))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) > 1
    # Every line comes back in the order typed, the lines in order, across the page break.
    assert re.sub(r"\s+", "", _text(pdf)) == "Note:" * bool(label) + "".join(words)


def test_mixed_paragraph_keeps_the_label_then_the_note() -> None:
    style = s.styles().body
    pdf = _render(Paragraph(f"<b>Note:</b> {markup('שלום עולם 🏃')}", style))
    assert re.sub(r"\s+", "", _text(pdf)) == "Note:שלוםעולם🏃"
    assert has_rtl("x שלום") and not has_rtl("Zoë 🏃")


def test_a_paragraph_wrapped_again_at_another_width_breaks_anew() -> None:
    from ptdesk.reports import styles
    from ptdesk.reports.text_runs import Paragraph

    style = styles.styles().body
    words = "Keep your knee over your second toe and go slowly on the way down. " * 6

    def fresh(width: float) -> tuple[float, float]:
        return Paragraph(words, style).wrap(width, 1000)

    para = Paragraph(words, style)
    for width in (300, 150, 300, 150, 500):
        assert para.wrap(width, 1000) == fresh(width)
        assert len(para.blPara.lines) == round(fresh(width)[1] / style.leading)
