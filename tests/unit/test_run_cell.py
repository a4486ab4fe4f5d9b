"""The run plan's light "Your runs" cell: wraps at spaces only, like the Paragraph it replaced."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase.pdfmetrics import stringWidth

from ptdesk.reports import styles as s
from ptdesk.reports.run_cell import RunLines

WORDS = st.lists(st.sampled_from(["Run", "2:30,", "walk", "1:00\u00a0×\u00a06", "(whole",
                                  "session", "24:00)", "Easy", "run", "5.35\u00a0km"]),
                 min_size=1, max_size=14)


def _cell(lines: list[tuple[str, str]]) -> RunLines:
    s.register_fonts()
    return RunLines(lines, font=s.FONT, bold=s.FONT_BOLD, size=12, leading=15, colour=s.INK)


@given(WORDS, st.floats(min_value=120, max_value=400))
def test_lines_fit_keep_every_word_and_never_break_a_no_break_space(words: list[str],
                                                                      width: float) -> None:
    cell = _cell([("Mon, Wed:", " ".join(words))])
    _, height = cell.wrap(width, 1000)
    drawn = cell._wrapped[1]  # type: ignore[index]
    assert height == len(drawn) * 15
    texts = ["".join(text for _, text in line) for line in drawn]
    assert " ".join(t.strip() for t in texts).split(" ") == ["Mon,", "Wed:", *words]
    for line, text in zip(drawn, texts, strict=True):
        if len(text.strip().split(" ")) > 1:  # a single long word may overflow, as in a Paragraph
            assert sum(stringWidth(t, f, 12) for f, t in line) <= width + 0.01


def test_days_are_bold_and_the_rest_regular() -> None:
    cell = _cell([("Mon, Fri:", "Easy run 5.3\u00a0km"), ("Wed:", "Longer easy run 6\u00a0km")])
    cell.wrap(400, 1000)
    first, second = cell._wrapped[1]  # type: ignore[index]
    assert first == [(s.FONT_BOLD, "Mon, Fri:"), (s.FONT, " Easy run 5.3\u00a0km")]
    assert second[0] == (s.FONT_BOLD, "Wed:")
