"""A light table cell for the run plan's "Your runs" column: bold days, then plain words.

A Paragraph per week (markup parsed, fragments measured, drawn fragment by fragment)
was most of the run plan's CPU time; these cells hold only our own fixed words, so a
greedy word wrap on two fonts draws the same lines for a fraction of the work.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

Segment = tuple[str, str]  # (font name, text)


class RunLines(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Lines of (bold label, words), each wrapped at spaces (not at non-breaking spaces)."""

    def __init__(self, lines: Sequence[tuple[str, str]], *, font: str, bold: str,
                 size: float, leading: float, colour: object) -> None:
        super().__init__()
        self.lines, self.font, self.bold = tuple(lines), font, bold
        self.size, self.leading, self.colour = size, leading, colour
        self._wrapped: tuple[float, list[list[Segment]]] | None = None

    def _break(self, width: float) -> list[list[Segment]]:
        space = {f: stringWidth(" ", f, self.size) for f in (self.font, self.bold)}
        out: list[list[Segment]] = []
        for label, words in self.lines:
            tokens = [(self.bold, t) for t in label.split(" ") if t]
            tokens += [(self.font, t) for t in words.split(" ") if t]
            line: list[Segment] = []
            used = 0.0
            for font, token in tokens:
                size = stringWidth(token, font, self.size)
                gap = space[font] if line else 0.0
                if line and used + gap + size > width:
                    out.append(line)
                    line, used, gap = [], 0.0, 0.0
                if line and line[-1][0] == font:
                    line[-1] = (font, f"{line[-1][1]} {token}")
                else:
                    line.append((font, f" {token}" if line else token))
                used += gap + size
            out.append(line)
        return out

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._wrapped is None or self._wrapped[0] != avail_width:
            self._wrapped = (avail_width, self._break(avail_width))
        self.width = avail_width
        self.height = len(self._wrapped[1]) * self.leading
        return self.width, self.height

    def draw(self) -> None:
        if self._wrapped is None:
            self.wrap(self.width, self.height)
        assert self._wrapped is not None
        text = self.canv.beginText()
        text.setFillColor(self.colour)
        y = self.height - self.size  # the first baseline, as a Paragraph puts it
        for line in self._wrapped[1]:
            text.setTextOrigin(0, y)
            for font, words in line:
                text.setFont(font, self.size, self.leading)
                text.textOut(words)
            y -= self.leading
        self.canv.drawText(text)
