"""Chart styling from the widget palette (light or dark), and the date axis the charts share."""

from __future__ import annotations

import math
import time
from datetime import date
from functools import lru_cache

from PySide6.QtCharts import QAbstractAxis, QChart, QDateTimeAxis, QValueAxis
from PySide6.QtCore import QDateTime, QMargins
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QPen

from ptdesk.ui.chart.progress.date_window import DateWindow

DAY_MS = 86_400_000


@lru_cache(maxsize=4096)  # the same visit dates come back on every redraw
def ms(day: date) -> float:
    """Local noon of `day` in epoch milliseconds (noon keeps daylight-saving shifts off the day)."""
    return time.mktime((day.year, day.month, day.day, 12, 0, 0, 0, 0, -1)) * 1000


def blend(a: QColor, b: QColor, share_of_a: float) -> QColor:
    s = share_of_a
    return QColor(round(a.red() * s + b.red() * (1 - s)), round(a.green() * s + b.green() * (1 - s)),
                  round(a.blue() * s + b.blue() * (1 - s)))


def new_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    # The frame draws the legend under the chart (ChartFrame.set_legend): QtCharts' own
    # legend took the plot's room, cut names short and costs a layout on every redraw.
    chart.legend().hide()
    # Animations would make a refresh after saving a score feel slow and flicker in tests.
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def style_chart(chart: QChart, palette: QPalette) -> None:
    """Background, titles, legend, axes and grid in the palette's colours."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    chart.setBackgroundBrush(QBrush(base))
    chart.setBackgroundPen(QPen(blend(text, base, 0.25)))
    chart.setPlotAreaBackgroundVisible(False)
    chart.setTitleBrush(QBrush(text))
    title_font = QFont(chart.titleFont())
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    for axis in chart.axes():
        style_axis(axis, palette)


def style_axis(axis: QAbstractAxis, palette: QPalette, colour: QColor | None = None) -> None:
    base = palette.color(QPalette.ColorRole.Base)
    text = colour or palette.color(QPalette.ColorRole.Text)
    axis.setLabelsBrush(QBrush(text))
    axis.setTitleBrush(QBrush(text))
    axis.setGridLineColor(blend(palette.color(QPalette.ColorRole.Text), base, 0.15))
    axis.setLinePenColor(blend(palette.color(QPalette.ColorRole.Text), base, 0.45))


def date_axis() -> QDateTimeAxis:
    axis = QDateTimeAxis()
    axis.setTickCount(6)
    return axis


def set_date_range(axis: QDateTimeAxis, window: DateWindow, ticks: int = 6) -> None:
    """Range with a little air either side; labels with the day for short periods."""
    pad = max(1, window.days // 40) * DAY_MS
    short = window.days <= 200
    axis.setFormat("d MMM" if short and window.start.year == window.end.year
                   else "d MMM yy" if short else "MMM yyyy")
    if not short:
        months = max(1, round(window.days / 30))
        ticks = min(ticks, months + 1)  # never two ticks with the same month's name
    # The frame caps the count by the chart's width (ChartFrame.fit): labels never cut short.
    axis.setProperty("wanted_ticks", ticks)
    most = axis.property("max_ticks")
    axis.setTickCount(max(2, min(ticks, int(most) if most else ticks)))
    axis.setRange(QDateTime.fromMSecsSinceEpoch(int(ms(window.start) - pad)),
                  QDateTime.fromMSecsSinceEpoch(int(ms(window.end) + pad)))


def value_axis(title: str, low: float, high: float, step: float, fmt: str = "%d") -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setLabelFormat(fmt)
    set_value_range(axis, low, high, step)
    return axis


def set_value_range(axis: QValueAxis, low: float, high: float, step: float) -> None:
    """Ticks every `step` from `low` to `high`, with a little air so a point on the bottom
    or top line (pain 0, a full score) shows its whole marker."""
    pad = (high - low) * 0.03
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(low)
    axis.setTickInterval(step)
    axis.setRange(low - pad, high + pad)


def nice_step(top: float, most_ticks: int = 6) -> float:
    """1, 2 or 5 times a power of ten, so at most `most_ticks` steps reach `top`."""
    if top <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(top / most_ticks))
    for factor in (1, 2, 5, 10):
        if top / (factor * scale) <= most_ticks:
            return factor * scale
    return 10 * scale
