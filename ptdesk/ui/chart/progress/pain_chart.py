"""Pain (NPRS) over time: one point per visit (evaluations marked) and pain during logged runs."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QLineSeries, QScatterSeries
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPalette, QPen

from ptdesk.domain.evaluation import VISIT_TYPE_LABELS
from ptdesk.services.progress.measures import RunPainPoint
from ptdesk.services.progress.series import PainPoint
from ptdesk.ui.chart.progress.chart_frame import ChartFrame, LegendEntry, series_entries
from ptdesk.ui.chart.progress.chart_theme import (
    date_axis,
    ms,
    new_chart,
    set_date_range,
    style_chart,
    value_axis,
)
from ptdesk.ui.chart.progress.date_window import DateWindow
from ptdesk.ui.kit.palette import error_colour, series_colour
from ptdesk.ui.kit.text import day_text

EVALUATION_TYPES = ("initial_evaluation", "re_evaluation", "discharge")
SOURCES = {"nprs": "NPRS form", "subjective": "subjective exam"}


def point_text(point: PainPoint) -> str:
    kind = VISIT_TYPE_LABELS.get(point.visit_type, point.visit_type)
    value = f"{point.value:g}"
    return (f"Pain {value}/10 · {day_text(point.visit_date)} · {kind} "
            f"({SOURCES.get(point.source, point.source)})")


def run_text(point: RunPainPoint) -> str:
    words = [f"Run pain {point.pain_during}/10 · {day_text(point.run_date)}",
             f"next morning {point.next_morning}"]
    words += [w for w, on in (("swelling", point.swelling), ("limping", point.limping)) if on]
    return " · ".join(words) + (" · red run" if point.red else "")


class PainChart:
    title = "Pain now (NPRS 0–10, lower is better)"

    def __init__(self) -> None:
        self.chart = new_chart(self.title)
        self.line = QLineSeries()
        self.line.setName("Pain at each visit")
        self.line.setPointsVisible(True)
        self.evaluations = QScatterSeries()
        self.evaluations.setName("Evaluation visit")
        self.evaluations.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        self.evaluations.setMarkerSize(11)
        # Pain between visits (issue 17), as in the progress report: small hollow squares
        # for logged runs, not joined to the visit line; red runs filled red on top.
        self.runs = QScatterSeries()
        self.runs.setName("Run pain")
        self.runs.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        self.runs.setMarkerSize(7)
        self.red_runs = QScatterSeries()
        self.red_runs.setName("Red run")
        self.red_runs.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        self.red_runs.setMarkerSize(9)
        self.x_axis = date_axis()
        self.y_axis = value_axis("Pain (0–10)", 0, 10, 2)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (self.line, self.evaluations, self.runs, self.red_runs):
            self.chart.addSeries(series)
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        self.frame = ChartFrame(self.chart, "pain")
        self.frame.date_axes.append(self.x_axis)
        self.frame.tips.watch(self.line)
        self.frame.tips.watch(self.evaluations)
        self.frame.tips.watch(self.runs)
        self.frame.tips.watch(self.red_runs)

    def apply_palette(self, palette: QPalette) -> None:
        style_chart(self.chart, palette)
        colour = series_colour(0, palette)
        self.line.setPen(QPen(colour, 2.5))
        self.line.setColor(colour)
        self.evaluations.setColor(series_colour(1, palette))
        self.evaluations.setBorderColor(palette.color(QPalette.ColorRole.Base))
        self.runs.setColor(palette.color(QPalette.ColorRole.Base))  # hollow
        self.runs.setBorderColor(palette.color(QPalette.ColorRole.Text))
        red = error_colour(palette)
        self.red_runs.setColor(red)
        self.red_runs.setBorderColor(red)
        self._show_legend()

    def _show_legend(self) -> None:
        entries = series_entries([self.line, self.evaluations])
        if self.runs.count():  # hollow: the legend shows its outline colour
            entries.append(LegendEntry(self.runs.name(), self.runs.borderColor(), "□"))
        self.frame.set_legend(entries + series_entries([self.red_runs]))

    def update(self, pain: Sequence[PainPoint], window: DateWindow,
               runs: Sequence[RunPainPoint] = ()) -> None:
        self._update_runs(runs, window)
        shown = [p for p in pain if window.contains(p.visit_date)]
        xs = [ms(p.visit_date) for p in shown]
        self.line.replace([QPointF(x, p.value) for x, p in zip(xs, shown, strict=True)])
        marked = [(x, p) for x, p in zip(xs, shown, strict=True)
                  if p.visit_type in EVALUATION_TYPES]
        self.evaluations.replace([QPointF(x, p.value) for x, p in marked])
        self.frame.tips.set_points(self.line, xs, shown, point_text)
        self.frame.tips.set_points(self.evaluations, [x for x, _p in marked],
                                   [p for _x, p in marked], point_text)
        set_date_range(self.x_axis, window)
        runs_shown = [r for r in runs if window.contains(r.run_date)]
        if shown or runs_shown:
            self.frame.set_empty(None)
        elif pain or runs:
            self.frame.set_empty("No pain scores in the period shown. Choose a longer period.")
        else:
            self.frame.set_empty("No pain scores in this episode yet. They come from the NPRS "
                                 "form or the evaluation's 'pain now'.")
        caption = (f"{len(shown)} visit{'s' if len(shown) != 1 else ''} shown; large squares "
                   f"mark evaluation visits." if shown else "")
        if runs_shown:
            red = sum(r.red for r in runs_shown)
            caption += (f" {len(runs_shown)} logged run{'s' if len(runs_shown) != 1 else ''}: "
                        f"small hollow squares, red runs filled red ({red}).")
        self.frame.set_caption(caption.strip())
        self._show_legend()

    def _update_runs(self, runs: Sequence[RunPainPoint], window: DateWindow) -> None:
        for series, red in ((self.runs, False), (self.red_runs, True)):
            chosen = [r for r in runs if r.red == red and window.contains(r.run_date)]
            xs = [ms(r.run_date) for r in chosen]
            series.replace([QPointF(x, r.pain_during) for x, r in zip(xs, chosen, strict=True)])
            self.frame.tips.set_points(series, xs, chosen, run_text)
