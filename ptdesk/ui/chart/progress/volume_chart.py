"""Weekly running volume: planned vs done, the cap's ceiling, weeks over the cap highlighted."""

from __future__ import annotations

import math
from datetime import date, timedelta

from PySide6.QtCharts import QLineSeries, QScatterSeries
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPalette, QPen

from ptdesk.services.progress.series import VolumeSeries, VolumeWeek
from ptdesk.ui.chart.progress.chart_frame import ChartFrame, series_entries
from ptdesk.ui.chart.progress.chart_theme import (
    DAY_MS,
    date_axis,
    ms,
    new_chart,
    nice_step,
    set_date_range,
    set_value_range,
    style_chart,
    value_axis,
)
from ptdesk.ui.chart.progress.date_window import DateWindow
from ptdesk.ui.kit.palette import series_colour, status_colour
from ptdesk.ui.kit.run_text import DECISION_LABELS, amount_text
from ptdesk.ui.kit.text import week_dates_text

WEEKS_AHEAD = 4  # planned weeks drawn past the period shown: what comes next
MEASURE_OF_UNIT = {"min": "minutes", "km": "km", "mi": "mi"}


def week_text(week: VolumeWeek, measure: str, cap_pct: float, today: date) -> str:
    def amount(value: float | None) -> str:
        return "—" if value is None else amount_text(value, measure)

    so_far = " so far" if week.start <= today < week.start + timedelta(days=7) else ""
    parts = [f"Week {week.week} ({week_dates_text(week.start)})",
             f"done{so_far} {amount(week.done_total)}", f"planned {amount(week.planned_total)}"]
    if week.ceiling is not None:
        parts.append(f"{cap_pct:g}% cap {amount(week.ceiling)}")
    if week.over_cap:
        parts.append("OVER THE CAP")
    if week.decision:
        parts.append(DECISION_LABELS.get(week.decision, week.decision))
    return " · ".join(parts)


class VolumeChart:
    title = "Weekly running: planned vs done"

    def __init__(self) -> None:
        self.chart = new_chart(self.title)
        self.planned = QLineSeries()
        self.planned.setName("Planned")
        self.planned.setPointsVisible(True)
        self.done = QLineSeries()
        self.done.setName("Done")
        self.done.setPointsVisible(True)
        self.ceiling = QLineSeries()
        self.ceiling.setName("Cap ceiling")
        self.over = QScatterSeries()
        self.over.setName("Over the cap")
        self.over.setMarkerSize(14)
        self.x_axis = date_axis()
        self.y_axis = value_axis("Running per week", 0, 10, 2, "%g")
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (self.ceiling, self.planned, self.done, self.over):
            self.chart.addSeries(series)
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        self.frame = ChartFrame(self.chart, "running")
        self.frame.date_axes.append(self.x_axis)
        for series in (self.planned, self.done, self.ceiling, self.over):
            self.frame.tips.watch(series)
        self.weeks_shown: list[VolumeWeek] = []

    def apply_palette(self, palette: QPalette) -> None:
        style_chart(self.chart, palette)
        planned, done = series_colour(6, palette), series_colour(0, palette)
        self.planned.setPen(QPen(planned, 2, Qt.PenStyle.DashLine))
        self.planned.setColor(planned)
        self.done.setPen(QPen(done, 2.8))
        self.done.setColor(done)
        grey = palette.color(QPalette.ColorRole.Text)
        grey.setAlpha(150)
        self.ceiling.setPen(QPen(grey, 1.5, Qt.PenStyle.DotLine))
        self.over.setColor(status_colour("worse", palette))
        self.over.setBorderColor(palette.color(QPalette.ColorRole.Base))
        self._show_legend()

    def _show_legend(self) -> None:
        self.frame.set_legend(series_entries([self.planned, self.done, self.ceiling, self.over]))

    def update(self, volume: VolumeSeries | None, window: DateWindow, today: date) -> None:
        if volume is None:
            self._clear()
            self.frame.set_empty("No active return-to-run plan. Make one in the Run plan tab; "
                                 "runs logged against it are drawn here.")
            return
        measure = MEASURE_OF_UNIT.get(volume.unit, "minutes")
        # The period shown, and when it reaches today, the next few planned weeks too.
        horizon = window.end
        if window.end >= today:
            horizon = max(window.end, today + timedelta(weeks=WEEKS_AHEAD))
        weeks = [w for w in volume.weeks
                 if w.start + timedelta(days=6) >= window.start and w.start <= horizon]
        self.weeks_shown = weeks
        def describe(w: VolumeWeek) -> str:
            return week_text(w, measure, volume.cap_pct, today)

        mid = [(ms(w.start) + 3 * DAY_MS, w) for w in weeks]  # points sit mid-week
        planned = [(x, w) for x, w in mid if w.planned_total is not None]
        done = [(x, w) for x, w in mid if w.done_total is not None]
        over = [(x, w) for x, w in done if w.over_cap]
        self.planned.replace([QPointF(x, w.planned_total) for x, w in planned])  # type: ignore[arg-type]
        self.done.replace([QPointF(x, w.done_total) for x, w in done])  # type: ignore[arg-type]
        self.over.replace([QPointF(x, w.done_total) for x, w in over])  # type: ignore[arg-type]
        steps, step_x, step_weeks = [], [], []
        for w in weeks:  # the ceiling holds for the whole week: a flat step per week
            if w.ceiling is None:
                continue
            for x in (ms(w.start), ms(w.start) + 6.9 * DAY_MS):
                steps.append(QPointF(x, w.ceiling))
                step_x.append(x)
                step_weeks.append(w)
        self.ceiling.replace(steps)
        self.ceiling.setName(f"{volume.cap_pct:g}% cap ceiling")
        for series, rows in ((self.planned, planned), (self.done, done), (self.over, over)):
            self.frame.tips.set_points(series, [x for x, _w in rows], [w for _x, w in rows],
                                       describe)
        self.frame.tips.set_points(self.ceiling, step_x, step_weeks, describe)
        values = [v for w in weeks for v in (w.planned_total, w.done_total, w.ceiling)
                  if v is not None]
        top = max(values, default=1.0)
        step = nice_step(top)
        self.y_axis.setTitleText(f"{volume.unit} per week")
        set_value_range(self.y_axis, 0, math.ceil(top / step) * step, step)
        # From the plan's first week shown (a plan starts late in an episode) to the last.
        start = max(window.start, weeks[0].start) if weeks else window.start
        end = weeks[-1].start + timedelta(days=6) if weeks else window.end
        set_date_range(self.x_axis, DateWindow(start, max(window.end, end)))
        self.over.setVisible(bool(over))
        if not weeks:
            self.frame.set_empty("No plan weeks in the period shown.")
            self._show_legend()
            return
        self.frame.set_empty(None)
        flagged = [str(w.week) for w in weeks if w.over_cap]
        note = (f"Over the {volume.cap_pct:g}% cap: week{'s' if len(flagged) > 1 else ''} "
                f"{', '.join(flagged)}." if flagged else f"No week ran over the "
                                                         f"{volume.cap_pct:g}% cap.")
        replan = [str(w.week) for w in weeks if w.planned_over_cap and w.start > today]
        if replan:
            note += (f" The plan for week{'s' if len(replan) > 1 else ''} {', '.join(replan)} "
                     f"is above the cap of what was done: consider re-planning (Run log tab).")
        self.frame.set_caption(note)
        self._show_legend()

    def _clear(self) -> None:
        self.weeks_shown = []
        for series in (self.planned, self.done, self.ceiling, self.over):
            series.clear()
        self.frame.set_caption("")
        self._show_legend()

