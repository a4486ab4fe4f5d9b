"""LEFS (left axis) and Kujala (right axis) over time, each with its intake ± MCID band."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCharts import QAreaSeries, QLineSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QPalette, QPen

from ptdesk.domain.evaluation import VISIT_TYPE_LABELS
from ptdesk.services.progress.series import OutcomePoint, OutcomeSeries
from ptdesk.ui.chart.progress.chart_frame import ChartFrame, series_entries
from ptdesk.ui.chart.progress.chart_theme import (
    date_axis,
    ms,
    new_chart,
    set_date_range,
    style_axis,
    style_chart,
    value_axis,
)
from ptdesk.ui.chart.progress.date_window import DateWindow
from ptdesk.ui.kit.palette import series_colour, translucent
from ptdesk.ui.kit.text import day_text

MEASURES = ("lefs", "kujala")
COLOUR_INDEX = {"lefs": 2, "kujala": 3}


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def point_text(name: str, max_total: float, point: OutcomePoint) -> str:
    kind = VISIT_TYPE_LABELS.get(point.visit_type, point.visit_type)
    missing = ""
    if point.missing_items:
        missing = f" ({point.missing_items} item{'s' if point.missing_items > 1 else ''} missing)"
    return f"{name} {_fmt(point.value)}/{_fmt(max_total)}{missing} · {day_text(point.visit_date)} · {kind}"


@dataclass
class _Measure:
    line: QLineSeries
    upper: QLineSeries  # the band's edges; QAreaSeries does not own them, so they live here
    lower: QLineSeries
    band: QAreaSeries
    axis: QValueAxis


class OutcomeChart:
    title = "Function: LEFS and Kujala (higher is better)"

    def __init__(self) -> None:
        self.chart = new_chart(self.title)
        self.x_axis = date_axis()
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.measures: dict[str, _Measure] = {}
        for measure, title, high, side in (
                ("lefs", "LEFS (0–80)", 80, Qt.AlignmentFlag.AlignLeft),
                ("kujala", "Kujala (0–100)", 100, Qt.AlignmentFlag.AlignRight)):
            axis = value_axis(title, 0, high, high / 4)  # both axes share four grid rows
            axis.setGridLineVisible(measure == "lefs")
            self.chart.addAxis(axis, side)
            upper, lower = QLineSeries(), QLineSeries()
            band = QAreaSeries(upper, lower)
            line = QLineSeries()
            line.setPointsVisible(True)
            for series in (band, line):
                self.chart.addSeries(series)
                series.attachAxis(self.x_axis)
                series.attachAxis(axis)
            self.measures[measure] = _Measure(line, upper, lower, band, axis)
        self.frame = ChartFrame(self.chart, "outcomes")
        self.frame.date_axes.append(self.x_axis)
        for entry in self.measures.values():
            self.frame.tips.watch(entry.line)
        self._palette: QPalette | None = None

    def apply_palette(self, palette: QPalette) -> None:
        self._palette = palette
        style_chart(self.chart, palette)
        for measure, entry in self.measures.items():
            colour = series_colour(COLOUR_INDEX[measure], palette)
            entry.line.setPen(QPen(colour, 2.5))
            entry.line.setColor(colour)
            # Kujala's band is hatched so it still reads where it overlaps the LEFS band.
            style = Qt.BrushStyle.SolidPattern if measure == "lefs" else Qt.BrushStyle.BDiagPattern
            entry.band.setBrush(QBrush(translucent(colour, 38 if measure == "lefs" else 140),
                                       style))
            entry.band.setPen(QPen(translucent(colour, 170), 1, Qt.PenStyle.DashLine))
            style_axis(entry.axis, palette, colour)  # each axis in its line's colour
        self._show_legend()

    def _show_legend(self) -> None:
        self.frame.set_legend(series_entries(
            [s for m in self.measures.values() for s in (m.line, m.band)]))

    def update(self, lefs: OutcomeSeries, kujala: OutcomeSeries, window: DateWindow) -> None:
        shown_any, known_any = False, False
        captions = []
        for series in (lefs, kujala):
            entry = self.measures[series.measure]
            shown = [p for p in series.points if window.contains(p.visit_date)]
            xs = [ms(p.visit_date) for p in shown]
            entry.line.replace([QPointF(x, p.value) for x, p in zip(xs, shown, strict=True)])
            entry.line.setName(series.name)
            self.frame.tips.set_points(
                entry.line, xs, shown,
                lambda p, n=series.name, top=series.max_total: point_text(n, top, p))
            has_band = series.band_low is not None and series.band_high is not None
            if has_band:
                left, right = ms(window.start), ms(window.end)
                entry.upper.replace([QPointF(left, series.band_high), QPointF(right, series.band_high)])
                entry.lower.replace([QPointF(left, series.band_low), QPointF(right, series.band_low)])
                entry.band.setName(f"{series.name} intake ± MCID")
                captions.append(f"{series.name} intake {_fmt(series.intake or 0)} ± "
                                f"{_fmt(series.mcid)} (MCID); outside the band is a meaningful "
                                f"change")
            visible = bool(series.points)
            entry.line.setVisible(visible)
            entry.band.setVisible(visible and has_band)
            entry.axis.setVisible(visible)
            shown_any = shown_any or bool(shown)
            known_any = known_any or visible
        set_date_range(self.x_axis, window)
        if shown_any:
            self.frame.set_empty(None)
        elif known_any:
            self.frame.set_empty("No LEFS or Kujala scores in the period shown.")
        else:
            self.frame.set_empty("No LEFS or Kujala scores in this episode yet. Enter them in "
                                 "the Outcomes tab.")
        self.frame.set_caption("Bands: " + "; ".join(captions) + "." if captions else "")
        self._show_legend()
