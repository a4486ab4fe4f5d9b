"""Limb symmetry index per muscle group over time, with the 90% line and the test-error band."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import QAreaSeries, QLineSeries
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QPalette, QPen

from ptdesk.domain import symmetry as sym
from ptdesk.domain.evaluation import VISIT_TYPE_LABELS
from ptdesk.services.progress.series import LsiPoint, LsiSeries
from ptdesk.ui.chart.progress.chart_frame import ChartFrame, LegendEntry, series_entries
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
from ptdesk.ui.kit.palette import series_colour, status_colour, translucent
from ptdesk.ui.kit.text import day_text

DEFAULT_SHOWN = 3   # groups drawn at first when none is under 90%
MAX_FLAGGED = 4     # at most this many flagged groups drawn at first
SHORT = {key: label.split(" (")[0] for key, label in sym.MUSCLE_GROUPS}


def point_text(label: str, point: LsiPoint) -> str:
    kind = VISIT_TYPE_LABELS.get(point.visit_type, point.visit_type)
    flag = " · under 90%" if point.flagged else ""
    return (f"{label} LSI {sym.lsi_text(point.lsi)}{flag} · L {point.left or '—'} · R {point.right or '—'}"
            f" · {day_text(point.visit_date)} · {kind}")


def default_groups(series: Sequence[LsiSeries]) -> set[str]:
    """Groups under 90% (the weakest first, at most 4); otherwise the 3 least even."""
    def points(g: LsiSeries) -> list[float]:
        return [p.lsi for p in g.points if p.lsi is not None]

    measured = [g for g in series if points(g)]
    flagged = [g for g in measured if any(p.flagged for p in g.points)]
    if flagged:
        flagged.sort(key=lambda g: points(g)[-1])
        return {g.muscle_group for g in flagged[:MAX_FLAGGED]}
    measured.sort(key=lambda g: min(points(g)))
    return {g.muscle_group for g in measured[:DEFAULT_SHOWN]}


@dataclass
class _Group:
    line: QLineSeries
    upper: QLineSeries  # band edges, kept alive here (QAreaSeries does not own them)
    lower: QLineSeries
    band: QAreaSeries
    has_data: bool = False
    stale: bool = False  # hidden when the data changed: its points are put in when shown


class LsiChart:
    title = "Strength symmetry: LSI per muscle group (%)"

    def __init__(self) -> None:
        self.chart = new_chart(self.title)
        self.x_axis = date_axis()
        self.y_axis = value_axis("LSI (%)", 50, 120, 10)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.target = QLineSeries()
        self.target.setName("90% goal")
        self.groups: dict[str, _Group] = {}
        for key, _label in sym.MUSCLE_GROUPS:
            upper, lower = QLineSeries(), QLineSeries()
            band = QAreaSeries(upper, lower)
            line = QLineSeries()
            line.setName(SHORT[key])
            line.setPointsVisible(True)
            self.groups[key] = _Group(line, upper, lower, band)
        for series in (*[g.band for g in self.groups.values()], self.target,
                       *[g.line for g in self.groups.values()]):
            self.chart.addSeries(series)
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        self.frame = ChartFrame(self.chart, "strength")
        self.frame.date_axes.append(self.x_axis)
        # Up to eight groups in the legend under the chart, each a link that shows or hides it.
        self.frame.legend.linkActivated.connect(self.toggle)
        self.frame.legend.setToolTip("Click a muscle group to show or hide it")
        self.chosen: set[str] = set()
        self._palette: QPalette | None = None
        self._by_key: dict[str, LsiSeries] = {}
        self._window: DateWindow | None = None
        for group in self.groups.values():
            self.frame.tips.watch(group.line)

    def apply_palette(self, palette: QPalette) -> None:
        self._palette = palette
        style_chart(self.chart, palette)
        self.target.setPen(QPen(status_colour("worse", palette), 1.5, Qt.PenStyle.DashLine))
        for n, group in enumerate(self.groups.values()):
            colour = series_colour(n, palette)
            group.line.setPen(QPen(colour, 2.2))
            group.line.setColor(colour)
            group.band.setBrush(QBrush(translucent(colour, 32)))
            group.band.setPen(QPen(Qt.PenStyle.NoPen))
        self._sync_visibility()

    def reset_choice(self, series: Sequence[LsiSeries]) -> None:
        """A new patient: start again from the weakest groups."""
        self.chosen = default_groups(series)

    def toggle(self, key: str) -> None:
        """Show or hide a muscle group (a click on its legend entry)."""
        self.chosen.symmetric_difference_update({key})
        self._fill(key, self._in_window(key))
        self._sync_visibility()

    def _in_window(self, key: str) -> list[LsiPoint]:
        data, window = self._by_key.get(key), self._window
        return [p for p in (data.points if data else ()) if p.lsi is not None
                and window is not None and window.contains(p.visit_date)]

    def _fill(self, key: str, points: list[LsiPoint]) -> None:
        """Put a chosen group's points (those in the window) in its line and band; hidden
        ones wait: a patient switch redraws only what is shown, most of the nine groups are not."""
        group = self.groups[key]
        if key not in self.chosen:
            group.stale = True
            return
        if not group.stale:
            return
        group.stale = False
        xs = [ms(p.visit_date) for p in points]
        group.line.replace([QPointF(x, p.lsi) for x, p in zip(xs, points, strict=True)])  # type: ignore[arg-type]
        group.upper.replace([QPointF(x, p.band_high) for x, p in zip(xs, points, strict=True)])  # type: ignore[arg-type]
        group.lower.replace([QPointF(x, p.band_low) for x, p in zip(xs, points, strict=True)])  # type: ignore[arg-type]
        self.frame.tips.set_points(group.line, xs, points,
                                   lambda p, name=SHORT[key]: point_text(name, p))

    def update(self, series: Sequence[LsiSeries], window: DateWindow) -> None:
        self._by_key = {s.muscle_group: s for s in series}
        self._window = window
        values: list[float] = []
        shown_any = False
        for key, group in self.groups.items():
            points = self._in_window(key)
            data = self._by_key.get(key)
            group.has_data = bool(data and any(p.lsi is not None for p in data.points))
            group.stale = True
            self._fill(key, points)
            if points and key in self.chosen:
                values += [p.band_low for p in points] + [p.band_high for p in points]  # type: ignore[misc]
            shown_any = shown_any or bool(points)
        self.target.replace([QPointF(ms(window.start), 90), QPointF(ms(window.end), 90)])
        low = min([80.0, *values])
        high = max([110.0, *values])
        set_value_range(self.y_axis, max(0, math.floor(low / 10) * 10), math.ceil(high / 10) * 10,
                        10)
        set_date_range(self.x_axis, window)
        self._sync_visibility()
        if shown_any:
            self.frame.set_empty(None)
        elif any(g.has_data for g in self.groups.values()):
            self.frame.set_empty("No strength tests in the period shown.")
        else:
            self.frame.set_empty("No strength tested on both sides in this episode yet.")
        self.frame.set_caption(
            f"LSI = involved ÷ other side. Shaded: ±{sym.DYNAMOMETER_ERROR_PCT:.0f}% test error, so "
            "a change inside it may be noise. Click a name in the legend to show or hide it.")

    def _sync_visibility(self) -> None:
        for group_key, group in self.groups.items():
            on = group_key in self.chosen and group.has_data
            group.line.setVisible(on)
            group.band.setVisible(on)
        # A hidden group keeps its legend entry, faded, so it can be clicked back on.
        entries = series_entries([self.target])
        entries += [LegendEntry(SHORT[key], group.line.color(), "●", key=key,
                                faded=key not in self.chosen)
                    for key, group in self.groups.items() if group.has_data]
        self.frame.set_legend(entries)

    def visible_groups(self) -> list[str]:
        return [k for k, g in self.groups.items() if g.line.isVisible()]
