"""Load as the evidence sees it: weekly running against plan and cap, two-week jumps, single-run spikes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from html import escape

from PySide6.QtCharts import QAreaSeries, QLineSeries, QScatterSeries, QXYSeries
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPalette, QPen

from ptdesk.domain.load_flags import INFO_NOTE, RunAmount, RunSpike, WeekLoad
from ptdesk.services.progress.series import VolumeSeries, VolumeWeek
from ptdesk.services.run_load import LoadView
from ptdesk.ui.chart.progress.chart_frame import ChartFrame, series_entries
from ptdesk.ui.chart.progress.chart_theme import (
    DAY_MS,
    date_axis,
    ms,
    new_chart,
    nice_step,
    set_date_range,
    set_value_range,
    style_axis,
    style_chart,
    value_axis,
)
from ptdesk.ui.chart.progress.date_window import DateWindow
from ptdesk.ui.kit.palette import series_colour, status_colour, translucent
from ptdesk.ui.kit.run_text import amount_text
from ptdesk.ui.kit.text import day_text, week_dates_text

UNIT_MEASURE = {"minutes": "minutes", "km": "km", "mi": "mi"}
INFO_GREY = "#808080"  # information only: neither red nor amber, on light and dark


def _amount(value: float, unit: str) -> str:
    return amount_text(round(value, 2), UNIT_MEASURE.get(unit, "minutes"))


def week_text(week: WeekLoad, unit: str, plan: VolumeWeek | None = None) -> str:
    """The tooltip of one week: total, plan and cap, the flag, then the information."""
    parts = [f"Week of {week_dates_text(week.start)}: {_amount(week.total, unit)} in "
             f"{week.runs} run{'s' if week.runs != 1 else ''}"]
    if plan is not None and plan.planned_total is not None:
        parts.append(f"planned {_amount(plan.planned_total, unit)}")
    if plan is not None and plan.ceiling is not None:
        parts.append(f"cap {_amount(plan.ceiling, unit)}")
    if week.after_restart:
        parts.append("restart week: no baseline, not flagged")
    elif week.two_week_flag and week.two_week_ratio is not None:
        parts.append(f"FLAG: {week.two_week_ratio * 100 - 100:+.0f}% on two weeks before "
                     "(more than 30%)")
    info = []
    if week.change_pct is not None:
        info.append(f"change on the week before {week.change_pct:+.0f}%")
    if week.acute_chronic is not None:
        info.append(f"acute:chronic {week.acute_chronic:.2f}")
    if info:
        parts.append("information only: " + ", ".join(info))
    return " · ".join(parts)


def spike_text(spike: RunSpike, unit: str, extrapolated: bool) -> str:
    basis = " (running time: an extrapolation)" if extrapolated else ""
    return (f"FLAG: run of {day_text(spike.day)}, {_amount(spike.amount, unit)}, is "
            f"{spike.ratio * 100:.0f}% of the longest run in the 30 days before "
            f"({_amount(spike.longest_before, unit)}){basis} · Frandsen et al. 2025")


def caption_html(view: LoadView, weeks: Sequence[WeekLoad], spikes: Sequence[RunSpike]) -> str:
    """Flags found in the weeks shown, the notes, the information lines in grey."""
    jumps = [w for w in weeks if w.two_week_flag]
    found = []
    if spikes:
        found.append(f"single-run spike{'s' if len(spikes) > 1 else ''} on "
                     + ", ".join(day_text(s.day) for s in spikes))
    if jumps:
        found.append(f"two-week jump{'s' if len(jumps) > 1 else ''} in the week"
                     f"{'s' if len(jumps) > 1 else ''} of "
                     + ", ".join(week_dates_text(w.start, with_year=False) for w in jumps))
    head = ("<b>Flagged:</b> " + "; ".join(found) + "." if found
            else "<b>No load flags</b> in the period shown.")
    if view.waiting_for_pain:
        head += (f" {view.waiting_for_pain} imported run{'s' if view.waiting_for_pain > 1 else ''}"
                 " still wait for pain answers (Run log).")
    if view.left_out:
        head += (f" {view.left_out} run{'s' if view.left_out > 1 else ''} in another unit "
                 "left out.")
    rules = [n for n in view.report.notes if n != INFO_NOTE]
    last = next((w for w in reversed(weeks) if w.runs), None)
    info = INFO_NOTE
    if last is not None:
        bits = []
        if last.change_pct is not None:
            bits.append(f"weekly change {last.change_pct:+.0f}%")
        if last.acute_chronic is not None:
            bits.append(f"acute:chronic {last.acute_chronic:.2f}")
        if bits:
            info = (f"Week of {week_dates_text(last.start, with_year=False)}: "
                    f"{', '.join(bits)}. " + INFO_NOTE)
    return (f"{head}<br>{' '.join(escape(n) for n in rules)}<br>"
            f"<span style='color:{INFO_GREY}'>{escape(info)}</span>")


def _bars(series: QLineSeries, weeks: Sequence[WeekLoad]) -> None:
    """A bar per week as one outline: up, across, down (the area below it is filled)."""
    points = []
    for week in weeks:
        left, right = ms(week.start) - 0.4 * DAY_MS, ms(week.start) + 6.4 * DAY_MS
        points += [QPointF(left, 0), QPointF(left, week.total), QPointF(right, week.total),
                   QPointF(right, 0)]
    series.replace(points)


def _steps(series: QLineSeries, weeks: Sequence[tuple[date, float]]) -> None:
    points = []
    for start, value in weeks:
        points += [QPointF(ms(start) - 0.45 * DAY_MS, value),
                   QPointF(ms(start) + 6.45 * DAY_MS, value)]
    series.replace(points)


class LoadChart:
    title = "Load between visits: weekly running, flags as the evidence sets them"

    def __init__(self) -> None:
        self.chart = new_chart(self.title)
        self._bar_lines = {k: QLineSeries() for k in ("weeks", "jumps", "restarts")}
        self.weeks = QAreaSeries(self._bar_lines["weeks"])
        self.weeks.setName("Week's running")
        self.jumps = QAreaSeries(self._bar_lines["jumps"])
        self.jumps.setName("Jump >30% (flag)")
        self.restarts = QAreaSeries(self._bar_lines["restarts"])
        self.restarts.setName("No baseline")
        self.planned = QLineSeries()
        self.planned.setName("Planned")
        self.ceiling = QLineSeries()
        self.ceiling.setName("Cap ceiling")
        self.tops = QScatterSeries()  # the weeks' hover points, not in the legend
        self.tops.setMarkerSize(7)
        self.runs = QScatterSeries()
        self.runs.setName("Runs")
        self.runs.setMarkerSize(7)
        self.spikes = QScatterSeries()
        self.spikes.setName("Spike >110% (flag)")
        self.spikes.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeTriangle)
        self.spikes.setMarkerSize(15)
        self.ratio = QLineSeries()
        self.ratio.setName("A:C ratio (info)")
        self.ratio.setPointsVisible(True)
        self.x_axis = date_axis()
        self.y_axis = value_axis("Running per week", 0, 10, 2, "%g")
        self.ratio_axis = value_axis("A:C ratio (info)", 0, 2, 0.5, "%.1f")
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(self.ratio_axis, Qt.AlignmentFlag.AlignRight)
        self._all: tuple[QXYSeries | QAreaSeries, ...] = (
            self.restarts, self.weeks, self.jumps, self.ceiling, self.planned, self.tops,
            self.runs, self.spikes, self.ratio)
        for series in self._all:
            self.chart.addSeries(series)
            series.attachAxis(self.x_axis)
            series.attachAxis(self.ratio_axis if series is self.ratio else self.y_axis)
        for marker in self.chart.legend().markers(self.tops):
            marker.setVisible(False)
        self.frame = ChartFrame(self.chart, "load")
        self.frame.date_axes.append(self.x_axis)
        for series in (self.tops, self.runs, self.spikes, self.planned, self.ratio):
            self.frame.tips.watch(series)
        self.weeks_shown: list[WeekLoad] = []
        self.spikes_shown: list[RunSpike] = []

    def apply_palette(self, palette: QPalette) -> None:
        style_chart(self.chart, palette)
        bar, plan = series_colour(0, palette), series_colour(6, palette)
        flag = status_colour("worse", palette)
        text = palette.color(QPalette.ColorRole.Text)
        self.weeks.setBrush(QBrush(translucent(bar, 110)))
        self.weeks.setPen(QPen(bar, 1))
        self.jumps.setBrush(QBrush(translucent(bar, 110)))
        self.jumps.setPen(QPen(flag, 3))
        self.restarts.setBrush(QBrush(translucent(text, 28), Qt.BrushStyle.BDiagPattern))
        self.restarts.setPen(QPen(Qt.PenStyle.NoPen))
        self.planned.setPen(QPen(plan, 2, Qt.PenStyle.DashLine))
        self.ceiling.setPen(QPen(translucent(text, 160), 1.5, Qt.PenStyle.DotLine))
        # Hover targets only (a week's tooltip): the bar itself shows the total.
        self.tops.setColor(Qt.GlobalColor.transparent)
        self.tops.setBorderColor(Qt.GlobalColor.transparent)
        self.runs.setColor(translucent(text, 150))
        self.runs.setBorderColor(palette.color(QPalette.ColorRole.Base))
        self.spikes.setColor(flag)
        self.spikes.setBorderColor(palette.color(QPalette.ColorRole.Base))
        grey = QColor(INFO_GREY)
        self.ratio.setPen(QPen(grey, 1.5, Qt.PenStyle.DashDotLine))
        self.ratio.setColor(grey)
        style_axis(self.ratio_axis, palette, grey)
        self._show_legend()

    def _show_legend(self) -> None:
        self.frame.set_legend(series_entries([s for s in self._all if s is not self.tops]))

    def update(self, view: LoadView | None, volume: VolumeSeries | None,
               window: DateWindow) -> None:
        if view is None or not view.report.weeks:
            self._clear()
            self.frame.set_empty("No runs logged or imported yet. Runs from the Run log "
                                 "(typed or imported from watch files) are drawn here.")
            return
        unit = view.unit
        weeks = [w for w in view.report.weeks
                 if w.start + timedelta(days=6) >= window.start and w.start <= window.end]
        runs: list[tuple[int, RunAmount]] = [(i, r) for i, r in enumerate(view.runs)
                                             if window.contains(r.day)]
        spikes = [s for s in view.report.spikes if window.contains(s.day)]
        self.weeks_shown, self.spikes_shown = weeks, spikes
        plan_weeks = [w for w in (volume.weeks if volume else ())
                      if w.start + timedelta(days=6) >= window.start and w.start <= window.end]
        by_start = {w.start: w for w in plan_weeks}
        _bars(self._bar_lines["weeks"], [w for w in weeks if not w.two_week_flag])
        _bars(self._bar_lines["jumps"], [w for w in weeks if w.two_week_flag])
        values = [v for w in weeks for v in (w.total,)]
        values += [v for w in plan_weeks for v in (w.planned_total, w.ceiling) if v is not None]
        values += [r.amount for _i, r in runs]
        top = max(values, default=1.0) or 1.0
        step = nice_step(top)
        high = math.ceil(top / step) * step
        restart_weeks = [w for w in weeks if w.after_restart]
        restart_bars = [WeekLoad(w.start, high, 0, True, None, False, None, None)
                        for w in restart_weeks]
        _bars(self._bar_lines["restarts"], restart_bars)
        _steps(self.planned, [(w.start, w.planned_total) for w in plan_weeks
                              if w.planned_total is not None])
        _steps(self.ceiling, [(w.start, w.ceiling) for w in plan_weeks if w.ceiling is not None])
        if volume is not None:
            self.ceiling.setName(f"{volume.cap_pct:g}% cap")
        mid = [ms(w.start) + 3 * DAY_MS for w in weeks]
        self.tops.replace([QPointF(x, w.total) for x, w in zip(mid, weeks, strict=True)])
        self.frame.tips.set_points(self.tops, mid, weeks,
                                   lambda w: week_text(w, unit, by_start.get(w.start)))
        spiked = {s.index for s in spikes}
        plain = [(i, r) for i, r in runs if i not in spiked]
        self.runs.replace([QPointF(ms(r.day), r.amount) for _i, r in plain])
        self.frame.tips.set_points(self.runs, [ms(r.day) for _i, r in plain],
                                   [r for _i, r in plain],
                                   lambda r: f"Run of {day_text(r.day)}: {_amount(r.amount, unit)}")
        self.spikes.replace([QPointF(ms(s.day), s.amount) for s in spikes])
        self.frame.tips.set_points(self.spikes, [ms(s.day) for s in spikes], spikes,
                                   lambda s: spike_text(s, unit, view.report.extrapolated))
        plan_x = [ms(w.start) for w in plan_weeks if w.planned_total is not None]
        self.frame.tips.set_points(
            self.planned, [x for x in plan_x for _ in (0, 1)],
            [w for w in plan_weeks if w.planned_total is not None for _ in (0, 1)],
            lambda w: f"Planned week {w.week}: {_amount(w.planned_total or 0, unit)}")
        ratio = [(x, w) for x, w in zip(mid, weeks, strict=True) if w.acute_chronic is not None]
        self.ratio.replace([QPointF(x, w.acute_chronic) for x, w in ratio])  # type: ignore[arg-type]
        self.frame.tips.set_points(self.ratio, [x for x, _w in ratio], [w for _x, w in ratio],
                                   lambda w: week_text(w, unit))
        ratio_top = max([w.acute_chronic or 0 for _x, w in ratio] + [2.0])
        set_value_range(self.ratio_axis, 0, math.ceil(ratio_top * 2) / 2, 0.5)
        self.y_axis.setTitleText(f"{unit} per week")
        set_value_range(self.y_axis, 0, high, step)
        for series, shown in ((self.jumps, any(w.two_week_flag for w in weeks)),
                              (self.restarts, bool(restart_weeks)), (self.spikes, bool(spikes)),
                              (self.planned, bool(plan_weeks)), (self.ceiling, bool(plan_weeks)),
                              (self.ratio, bool(ratio))):
            series.setVisible(shown)
        self.ratio_axis.setVisible(bool(ratio))
        for marker in self.chart.legend().markers(self.tops):
            marker.setVisible(False)
        if not weeks:
            self.frame.set_empty("No running in the period shown.")
            self._show_legend()
            return
        set_date_range(self.x_axis, DateWindow(max(window.start, weeks[0].start),
                                               max(window.end, weeks[-1].start)))
        self.frame.set_empty(None)
        self.frame.set_caption(caption_html(view, weeks, spikes))
        self._show_legend()

    def _clear(self) -> None:
        self.weeks_shown, self.spikes_shown = [], []
        for line in self._bar_lines.values():
            line.clear()
        for series in (self.planned, self.ceiling, self.tops, self.runs, self.spikes, self.ratio):
            series.clear()
        self.frame.set_caption("")
        self._show_legend()
