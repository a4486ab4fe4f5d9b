"""Watch cadence per run (steps/min) against the gait assessment's cadence target."""

from __future__ import annotations

import math
from datetime import timedelta

from PySide6.QtCharts import QLineSeries, QScatterSeries
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPalette, QPen

from ptdesk.services.run_load import LoadView
from ptdesk.ui.chart.progress.chart_frame import ChartFrame, series_entries
from ptdesk.ui.chart.progress.chart_theme import (
    date_axis,
    ms,
    new_chart,
    set_date_range,
    set_value_range,
    style_chart,
    value_axis,
)
from ptdesk.ui.chart.progress.date_window import DateWindow
from ptdesk.ui.kit.palette import series_colour, status_colour
from ptdesk.ui.kit.text import day_text


class CadenceChart:
    title = "Cadence from the watch (steps/min) against the gait target"

    def __init__(self) -> None:
        self.chart = new_chart(self.title)
        self.runs = QScatterSeries()
        self.runs.setName("Average cadence of each run")
        self.runs.setMarkerSize(8)
        self.target = QLineSeries()
        self.target.setName("Gait target")
        self.x_axis = date_axis()
        self.y_axis = value_axis("Steps/min", 140, 200, 10)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (self.target, self.runs):
            self.chart.addSeries(series)
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        self.frame = ChartFrame(self.chart, "cadence")
        self.frame.date_axes.append(self.x_axis)
        self.frame.tips.watch(self.runs)
        self.points_shown: list[tuple[object, float]] = []

    def apply_palette(self, palette: QPalette) -> None:
        style_chart(self.chart, palette)
        self.runs.setColor(series_colour(2, palette))
        self.runs.setBorderColor(palette.color(QPalette.ColorRole.Base))
        self.target.setPen(QPen(status_colour("better", palette), 2, Qt.PenStyle.DashLine))
        self._show_legend()

    def _show_legend(self) -> None:
        self.frame.set_legend(series_entries([self.runs, self.target]))

    def update(self, view: LoadView | None, window: DateWindow) -> None:
        points = [(d, c) for d, c in (view.cadence if view else ()) if window.contains(d)]
        self.points_shown = list(points)
        if not points:
            self.runs.clear()
            self.target.clear()
            self.frame.set_caption("")
            self._show_legend()
            self.frame.set_empty("No cadence in the period shown: it comes from watch files "
                                 "imported in the Run log.")
            return
        self.runs.replace([QPointF(ms(d), c) for d, c in points])
        self.frame.tips.set_points(self.runs, [ms(d) for d, _c in points], points,
                                   lambda p: f"Run of {day_text(p[0])}: {p[1]:.0f} steps/min")
        target = view.cadence_target if view else None
        start, end = points[0][0], max(points[-1][0], points[0][0] + timedelta(days=14))
        values = [c for _d, c in points]
        if target is not None:
            self.target.replace([QPointF(ms(start), target), QPointF(ms(end), target)])
            values.append(target)
        else:
            self.target.clear()
        self.target.setVisible(target is not None)
        low = math.floor((min(values) - 5) / 10) * 10
        high = math.ceil((max(values) + 5) / 10) * 10
        set_value_range(self.y_axis, low, high, 10 if high - low <= 80 else 20)
        set_date_range(self.x_axis, DateWindow(start, end))
        self.frame.set_empty(None)
        last = points[-1][1]
        if target is None:
            self.frame.set_caption("No gait assessment with a cadence target yet "
                                       "(Evaluation › Gait).")
        else:
            reached = sum(1 for c in values[:len(points)] if c >= target - 0.5)
            self.frame.set_caption(
                f"Target {target:.0f} steps/min (gait assessment). Latest run {last:.0f}; "
                f"{reached} of {len(points)} run{'s' if len(points) > 1 else ''} at or above "
                "the target.")
        self._show_legend()
