"""Vector charts for the progress report (reportlab graphics): dated lines, weekly volume bars."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Path,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from ptdesk.reports import styles as s
from ptdesk.reports.progress_dto import LineChart, VolumeChart

# Distinct in colour and, through dash patterns, on a black-and-white photocopy.
LINE_COLOURS = (s.ACCENT, colors.HexColor("#c2410c"), colors.HexColor("#6d28d9"),
                colors.HexColor("#0f766e"))
LINE_DASHES: tuple[tuple[float, ...] | None, ...] = (None, (4, 2), (1.5, 1.5), (6, 2, 1.5, 2))
BAND_FILL = colors.HexColor("#dcebdc")
GRID_COLOUR = colors.HexColor("#d5dae0")
PLANNED_FILL = colors.HexColor("#c9d8ec")
TITLE_SIZE = 9.5
LABEL_SIZE = 7
_LEFT, _RIGHT, _BOTTOM = 30.0, 8.0, 16.0
_MAX_MARKERS = 40  # beyond this many points the dots hide the line


def _text(x: float, y: float, value: str, size: float = LABEL_SIZE, *, bold: bool = False,
          anchor: str = "start", colour: colors.Color = s.MUTED) -> String:
    return String(x, y, value, fontName=s.FONT_BOLD if bold else s.FONT, fontSize=size,
                  fillColor=colour, textAnchor=anchor)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round-numbered ticks covering low..high (1, 2, 2.5 or 5 times a power of ten)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 6))
        value += step
    return ticks


def date_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """Readable ticks for the span: weeks, months, quarters or years."""
    span = (end - start).days
    if span <= 70:
        step = 7 if span > 14 else max(1, span // 4 or 1)
        return [(start + dt.timedelta(days=d), _short(start + dt.timedelta(days=d)))
                for d in range(0, span + 1, step)]
    months = 1 if span <= 250 else 3 if span <= 800 else 12
    day = dt.date(start.year, start.month, 1)
    ticks = []
    while day <= end:
        if day >= start and (day.month - 1) % months == 0:
            label = f"{day:%b}" if months == 1 and day.month != 1 else f"{day:%b} {day:%y}"
            ticks.append((day, str(day.year) if months == 12 else label))
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return ticks


def _short(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


class _Frame:
    """Maps data to drawing coordinates inside the plot area."""

    def __init__(self, x0: float, y0: float, w: float, h: float, lo: float, hi: float) -> None:
        self.x0, self.y0, self.w, self.h, self.lo, self.hi = x0, y0, w, h, lo, hi

    def y(self, value: float) -> float:
        value = min(max(value, self.lo), self.hi)
        return self.y0 + (value - self.lo) / (self.hi - self.lo) * self.h


def _legend(group: Group, x: float, y: float, width: float,
            items: Sequence[tuple[str, object, str]]) -> float:
    """Rows of (kind, colour-or-dash, label) keys; returns the y of the last row.

    Kinds: line, band, shade, box, bar. A key that would run past `width` starts a new row.
    """
    left = x
    for kind, style, label in items:
        needed = 15 + stringWidth(label, s.FONT, LABEL_SIZE)
        if x > left and x + needed > width:
            x, y = left, y - 10
        if kind == "band":
            group.add(Rect(x, y - 1, 12, 6, fillColor=BAND_FILL, strokeColor=None))
        elif kind == "shade":
            group.add(Rect(x, y - 1, 12, 6, fillColor=s.ACCENT, fillOpacity=0.13,
                           strokeColor=None))
        elif kind == "box":
            group.add(Rect(x, y - 1, 10, 6, fillColor=PLANNED_FILL, strokeColor=s.ACCENT,
                           strokeWidth=0.5))
        elif kind == "bar":
            group.add(Rect(x, y - 1, 10, 6, fillColor=style, strokeColor=None))
        elif kind == "mark":
            group.add(_square(x + 6, y + 2, style == "red"))
        else:
            colour, dash = style if isinstance(style, tuple) else (style, None)
            group.add(Line(x, y + 2, x + 12, y + 2, strokeColor=colour, strokeWidth=1.6,
                           strokeDashArray=dash))
        group.add(_text(x + 15, y, label))
        x += needed + 9
    return y


def _square(cx: float, cy: float, red: bool) -> Rect:
    """A logged run's pain: a square (visits are circles); a red run is filled red."""
    size = 4.2 if red else 3.4
    return Rect(cx - size / 2, cy - size / 2, size, size,
                fillColor=s.RED if red else colors.white,
                strokeColor=s.RED if red else s.INK, strokeWidth=0.8)


def _axes(group: Group, frame: _Frame, ticks: Sequence[float], fmt: str) -> None:
    for tick in ticks:
        y = frame.y(tick)
        group.add(Line(frame.x0, y, frame.x0 + frame.w, y, strokeColor=GRID_COLOUR,
                       strokeWidth=0.4))
        group.add(_text(frame.x0 - 3, y - 2.4, fmt.format(tick), anchor="end"))
    group.add(Line(frame.x0, frame.y0, frame.x0 + frame.w, frame.y0, strokeColor=s.RULE,
                   strokeWidth=0.8))


def _header(drawing: Drawing, title: str, legend: Sequence[tuple[str, object, str]]) -> float:
    """Title and legend at the top; returns the y where the plot area may start."""
    top = float(drawing.height)
    drawing.add(_text(0, top - TITLE_SIZE - 1, title, TITLE_SIZE, bold=True, colour=s.INK))
    if legend:
        last = _legend(drawing, 2, top - TITLE_SIZE - 13, drawing.width, legend)
        return last - 12  # room for the top tick label under the legend
    return top - TITLE_SIZE - 12


def _drawing(width: float, height: float) -> Drawing:
    s.register_fonts()
    drawing = Drawing(width, height)
    # The renderer starts each drawing in its initial font; left alone that is Helvetica,
    # which would be referenced (not embedded) in the PDF.
    drawing.initialFontName = s.FONT
    return drawing


def _empty(drawing: Drawing, message: str) -> Drawing:
    drawing.add(_text(drawing.width / 2, drawing.height / 2 - 10, message, 8, anchor="middle"))
    return drawing


def line_chart(chart: LineChart, width: float, height: float) -> Drawing:
    """Dated lines with an optional horizontal band (e.g. MCID) and threshold line (e.g. 90%)."""
    drawing = _drawing(width, height)
    legend: list[tuple[str, object, str]] = []
    if len(chart.lines) > 1:
        legend += [("line", (LINE_COLOURS[i % 4], LINE_DASHES[i % 4]), line.label)
                   for i, line in enumerate(chart.lines)]
    if chart.band is not None and chart.band_label:
        legend.append(("band", None, chart.band_label))
    if chart.threshold is not None and chart.threshold_label:
        legend.append(("line", (s.RED, (3, 2)), chart.threshold_label))
    if any(line.band for line in chart.lines) and chart.line_band_label:
        legend.append(("shade", None, chart.line_band_label))
    if chart.marks and chart.marks_label:
        legend.insert(0, ("line", (LINE_COLOURS[0], None), "At visits"))
        legend.append(("mark", "plain", chart.marks_label))
    if chart.red_label:
        legend.append(("mark", "red", chart.red_label))
    top = _header(drawing, chart.title, legend)
    days = [p.day for line in chart.lines for p in line.points] + [m.day for m in chart.marks]
    if not days:
        return _empty(drawing, "Not measured yet")
    values = [p.value for line in chart.lines for p in line.points]
    values += [m.value for m in chart.marks]
    if chart.threshold is not None:
        values.append(chart.threshold)
    ticks = nice_ticks(min(chart.y_min, *values), max(chart.y_max, *values))
    frame = _Frame(_LEFT, _BOTTOM, width - _LEFT - _RIGHT, top - _BOTTOM, ticks[0], ticks[-1])
    start, end = min(days), max(days)
    if start == end:
        start, end = start - dt.timedelta(days=7), end + dt.timedelta(days=7)
    pad = max(1, (end - start).days // 30)
    start, end = start - dt.timedelta(days=pad), end + dt.timedelta(days=pad)

    def x(day: dt.date) -> float:
        return frame.x0 + (day - start).days / (end - start).days * frame.w

    if chart.band is not None:
        low, high = frame.y(chart.band[0]), frame.y(chart.band[1])
        drawing.add(Rect(frame.x0, low, frame.w, high - low, fillColor=BAND_FILL, strokeColor=None))
    _axes(drawing, frame, ticks, "{:g}")
    for day, label in date_ticks(start, end):
        drawing.add(Line(x(day), frame.y0, x(day), frame.y0 - 2.5, strokeColor=s.RULE,
                         strokeWidth=0.6))
        drawing.add(_text(x(day), frame.y0 - 10, label, anchor="middle"))
    if chart.threshold is not None:
        y = frame.y(chart.threshold)
        drawing.add(Line(frame.x0, y, frame.x0 + frame.w, y, strokeColor=s.RED, strokeWidth=0.9,
                         strokeDashArray=(3, 2)))
    for index, line in enumerate(chart.lines):
        colour, dash = LINE_COLOURS[index % 4], LINE_DASHES[index % 4]
        # Only the first (weakest) line gets its error band: overlapping bands turn to mud.
        if index == 0 and len(line.band) > 1:
            upper = [(x(d), frame.y(hi)) for d, _, hi in line.band]
            lower = [(x(d), frame.y(lo)) for d, lo, _ in reversed(line.band)]
            points = [c for pair in upper + lower for c in pair]
            drawing.add(Polygon(points, fillColor=colour, fillOpacity=0.13, strokeColor=None))
        coords = [c for p in line.points for c in (x(p.day), frame.y(p.value))]
        if len(line.points) > 1:
            drawing.add(PolyLine(coords, strokeColor=colour, strokeWidth=1.5,
                                 strokeDashArray=dash, strokeLineJoin=1))
        if len(line.points) <= _MAX_MARKERS:
            for p in line.points:
                drawing.add(Circle(x(p.day), frame.y(p.value), 2.1, fillColor=colors.white,
                                   strokeColor=colour, strokeWidth=1.1))
    # Pain between visits: squares, not joined to the visit line (a different measure). The
    # plain ones are one path (years of runs would be hundreds of shapes); red ones on top.
    plain = [(x(m.day), frame.y(m.value)) for m in chart.marks if not m.red]
    if plain:
        drawing.add(_squares(plain))
    for mark in chart.marks:
        if mark.red:
            drawing.add(_square(x(mark.day), frame.y(mark.value), True))
    return drawing


def _squares(centres: Sequence[tuple[float, float]], size: float = 3.4) -> Path:
    """Many plain run marks as one path of small squares."""
    path = Path(fillColor=colors.white, strokeColor=s.INK, strokeWidth=0.8)
    half = size / 2
    for cx, cy in centres:
        path.moveTo(cx - half, cy - half)
        path.lineTo(cx + half, cy - half)
        path.lineTo(cx + half, cy + half)
        path.lineTo(cx - half, cy + half)
        path.closePath()
    return path


def volume_chart(chart: VolumeChart, width: float, height: float) -> Drawing:
    """Planned vs done per week, the cap's ceiling as a dashed step, over-cap weeks in red."""
    drawing = _drawing(width, height)
    cap = f"{chart.cap_pct:g}%"
    legend = [("box", None, "Planned"), ("bar", s.ACCENT, "Done"),
              ("bar", s.RED, f"Over the {cap} cap"), ("line", (s.INK, (3, 1.5)), "Ceiling")]
    top = _header(drawing, chart.title, legend)
    bars = chart.bars
    if not bars:
        return _empty(drawing, "No plan weeks yet")
    values = [v for b in bars for v in (b.planned, b.done, b.ceiling) if v is not None]
    ticks = nice_ticks(0, max(values, default=1) or 1)
    frame = _Frame(_LEFT, _BOTTOM, width - _LEFT - _RIGHT, top - _BOTTOM, ticks[0], ticks[-1])
    _axes(drawing, frame, ticks, "{:g}")
    slot = frame.w / len(bars)
    every = max(1, math.ceil(len(bars) / 13))
    for index, bar in enumerate(bars):
        left = frame.x0 + index * slot
        inner = slot * 0.8
        x0 = left + slot * 0.1
        if bar.planned is not None:
            drawing.add(Rect(x0, frame.y0, inner, frame.y(bar.planned) - frame.y0,
                             fillColor=PLANNED_FILL, strokeColor=s.ACCENT, strokeWidth=0.4))
        if bar.done is not None and bar.done > 0:
            colour = s.RED if bar.over_cap else s.ACCENT
            drawing.add(Rect(x0 + inner * 0.25, frame.y0, inner * 0.5,
                             frame.y(bar.done) - frame.y0, fillColor=colour, strokeColor=None))
        if bar.ceiling is not None:
            y = frame.y(bar.ceiling)
            # Dark, not red: it must stay visible across a red over-cap bar.
            drawing.add(Line(left, y, left + slot, y, strokeColor=s.INK, strokeWidth=1.0,
                             strokeDashArray=(3, 1.5)))
        if index % every == 0:
            drawing.add(_text(left + slot / 2, frame.y0 - 10, str(bar.week), anchor="middle"))
    drawing.add(_text(frame.x0 - 3, frame.y0 - 10, "Week", anchor="end"))
    return drawing
