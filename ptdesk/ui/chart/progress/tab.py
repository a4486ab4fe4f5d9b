"""The Progress tab: change since last visit and four charts over a chosen period, printable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.changes import ChangeKind
from ptdesk.services.progress.series import ProgressOverview, progress_overview
from ptdesk.services.run_load import LoadView, load_view
from ptdesk.ui.chart.progress.range_bar import RangeBar
from ptdesk.ui.chart.progress.since_panel import SincePanel
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.wheel_guard import guard_wheels_in
from ptdesk.ui.printing.print_flow import PrintJob, start_print

if TYPE_CHECKING:  # QtCharts is imported when the charts are first drawn (start-up time)
    from ptdesk.ui.chart.progress.cadence_chart import CadenceChart
    from ptdesk.ui.chart.progress.load_chart import LoadChart
    from ptdesk.ui.chart.progress.lsi_chart import LsiChart
    from ptdesk.ui.chart.progress.outcome_chart import OutcomeChart
    from ptdesk.ui.chart.progress.pain_chart import PainChart
    from ptdesk.ui.chart.progress.volume_chart import VolumeChart


TWO_COLUMNS_FROM = 1300  # tab width (px) from which charts sit two side by side
SIGHT_MARGIN = 40  # px: a chart this close to the scrolled view is drawn already


def known_dates(overview: ProgressOverview, today: dt.date) -> list[dt.date]:
    """Dates with something measured or run (future plan weeks left out)."""
    dates = [p.visit_date for p in overview.pain]
    dates += [r.run_date for r in overview.run_pain]
    dates += [p.visit_date for s in overview.outcomes for p in s.points]
    dates += [p.visit_date for s in overview.strength for p in s.points]
    if overview.volume is not None:
        dates += [w.start for w in overview.volume.weeks
                  if w.done_total is not None and w.start <= today]
    return dates


class ProgressTab(ChartTab):
    """ChartTab that only reads: save() has nothing to do, there are no drafts."""

    title = "Progress"
    save_permission = None  # charts only: nothing here is edited
    refresh_kinds = frozenset({ChangeKind.EVALUATION, ChangeKind.OUTCOMES, ChangeKind.RUNLOG,
                               ChangeKind.RUNPLAN, ChangeKind.EPISODE})
    prints = "progress"
    print_menu_text = "&Progress report"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._ctx = ctx
        self._overview: ProgressOverview | None = None
        self._stale = False
        self._new_patient = True
        self.today: Callable[[], dt.date] = dt.date.today  # tests may pin the day
        self.report_job: PrintJob | None = None
        self.pain: PainChart | None = None
        self.outcomes: OutcomeChart | None = None
        self.strength: LsiChart | None = None
        self.running: VolumeChart | None = None
        self.load: LoadChart | None = None
        self.cadence: CadenceChart | None = None
        self._load_view: LoadView | None = None
        self.range_bar = RangeBar()
        self.print_button = QPushButton("&Print progress report…")
        self.print_button.setObjectName("print_progress_report")
        self.print_button.setToolTip("A PDF for the referring physician or insurer (Ctrl+P)")
        self.state = QLabel()
        self.state.setObjectName("progress_state")
        self.since = SincePanel()
        self.chart_grid = QGridLayout()
        self.chart_grid.setSpacing(10)
        self.chart_grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._columns = 0
        # Chart updates waiting for their chart to come into sight (keyed by its frame).
        self._pending: dict[QWidget, Callable[[], None]] = {}
        self._build_layout()
        self._connect_signals()
        self.set_patient(None)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.range_bar)
        top.addWidget(self.state, 1)
        top.addWidget(self.print_button)
        charts = QWidget()
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 4, 0)
        charts_layout.addWidget(self.since)
        charts_layout.addLayout(self.chart_grid, 1)
        scroll = self.scroll = QScrollArea()
        scroll.setObjectName("progress_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(charts)
        guard_wheels_in(charts)  # scrolling past "Compare with" never changes the comparison
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    def _connect_signals(self) -> None:
        self.range_bar.changed.connect(self._on_range_bar_changed)
        self.since.compare_changed.connect(self._on_since_compare_changed)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.scroll.verticalScrollBar().valueChanged.connect(self._on_scroll_value_changed)

    # --- ChartTab --------------------------------------------------------------------------
    def set_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        self._new_patient = True
        self.print_button.setEnabled(patient_id is not None)
        self.refresh()

    def reload(self, offer_draft: bool = False) -> None:
        """Another workstation saved: read again (nothing here is ever edited)."""
        self.refresh()

    # --- loading and drawing ---------------------------------------------------------------
    def refresh(self) -> None:
        """Read the patient's progress again (drawn now if shown, else when next shown)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        if self._patient_id is None:
            self._overview, self._load_view = None, None
        else:
            self._overview = progress_overview(self._ctx.session_factory, self._patient_id,
                                               today=self.today(), actor=self._ctx.actor)
            self._load_view = load_view(self._ctx.session_factory, self._patient_id,
                                        actor=self._ctx.actor, end=self.today())
        self._draw()

    def charts(self) -> list[Any]:
        self._ensure_charts()
        return [self.pain, self.outcomes, self.strength, self.running, self.load, self.cadence]

    def _ensure_charts(self) -> None:
        if self.pain is not None:
            return
        from ptdesk.ui.chart.progress.cadence_chart import CadenceChart
        from ptdesk.ui.chart.progress.load_chart import LoadChart
        from ptdesk.ui.chart.progress.lsi_chart import LsiChart
        from ptdesk.ui.chart.progress.outcome_chart import OutcomeChart
        from ptdesk.ui.chart.progress.pain_chart import PainChart
        from ptdesk.ui.chart.progress.volume_chart import VolumeChart

        self.pain, self.outcomes = PainChart(), OutcomeChart()
        self.strength, self.running = LsiChart(), VolumeChart()
        self.load, self.cadence = LoadChart(), CadenceChart()
        for chart in self.charts():
            chart.apply_palette(self.palette())
            # Space kept while the chart is scrolled out of sight and not drawn (see below).
            policy = chart.frame.view.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            chart.frame.view.setSizePolicy(policy)
            chart.frame.installEventFilter(self)
        self._place_charts()

    def chart_columns(self) -> int:
        """Two charts side by side when each gets a readable width, else one under another."""
        return 2 if self.width() >= TWO_COLUMNS_FROM else 1

    def _place_charts(self) -> None:
        """Pain, function, symmetry and volume in the grid; load and cadence span it (their
        notes need the width). Re-placed only when the number of columns changes."""
        if self.pain is None:
            return
        columns = self.chart_columns()
        if columns == self._columns:
            return
        self._columns = columns
        small = [self.pain, self.outcomes, self.strength, self.running]
        for n, chart in enumerate(small):
            self.chart_grid.addWidget(chart.frame, n // columns, n % columns,  # type: ignore[union-attr]
                                      Qt.AlignmentFlag.AlignTop)
        row = (len(small) + columns - 1) // columns
        for offset, chart in enumerate((self.load, self.cadence)):
            self.chart_grid.addWidget(chart.frame, row + offset, 0, 1, columns,  # type: ignore[union-attr]
                                      Qt.AlignmentFlag.AlignTop)
        for column in range(2):
            self.chart_grid.setColumnStretch(column, 1 if column < columns else 0)

    def _draw(self) -> None:
        self._ensure_charts()
        assert self.pain and self.outcomes and self.strength and self.running
        assert self.load and self.cadence
        overview, today = self._overview, self.today()
        if overview is None:
            self.range_bar.set_known_dates([], today)
            self.range_bar.setEnabled(False)
            self.since.set_lines([])
            self.state.setText("Select a patient to see their progress.")
            self._pending.clear()  # nothing of the patient closed is drawn when scrolled to
            for frame in (c.frame for c in self.charts()):
                frame.set_empty("Select a patient to see their progress.")
            return
        self.range_bar.setEnabled(True)
        runs = [r.day for r in self._load_view.runs] if self._load_view else []
        self.range_bar.set_known_dates(known_dates(overview, today) + runs, today)
        if self._new_patient:
            self.strength.reset_choice(overview.strength)
            self._new_patient = False
        window, load = self.range_bar.window(), self._load_view
        pain, outcomes, strength = self.pain, self.outcomes, self.strength
        running, load_chart, cadence = self.running, self.load, self.cadence
        self._when_in_sight(pain.frame, lambda: pain.update(overview.pain, window,
                                                            overview.run_pain))
        self._when_in_sight(outcomes.frame, lambda: outcomes.update(
            overview.outcome("lefs"), overview.outcome("kujala"), window))
        self._when_in_sight(strength.frame, lambda: strength.update(overview.strength, window))
        self._when_in_sight(running.frame, lambda: running.update(overview.volume, window, today))
        self._when_in_sight(load_chart.frame, lambda: load_chart.update(load, overview.volume,
                                                                        window))
        self._when_in_sight(cadence.frame, lambda: cadence.update(load, window))
        self._show_since()
        self.state.setText("")

    def _when_in_sight(self, frame: QWidget, update: Callable[[], None]) -> None:
        """Fill a chart now if it is in the scrolled view, else when it comes into sight.

        A patient switch used to fill all six charts although two fit on the screen; the
        others now get their data when scrolled to (before they are painted), or when
        `draw_all` is asked for (a picture of every chart).
        """
        if frame.view.isVisibleTo(frame):  # type: ignore[attr-defined]
            self._pending.pop(frame, None)
            update()
        else:
            self._pending[frame] = update

    def draw_all(self) -> None:
        """Fill every chart with the current data, in sight or not."""
        while self._pending:
            _frame, update = self._pending.popitem()
            update()

    def _show_since(self) -> None:
        overview = self._overview
        if overview is None:
            self.since.set_lines([])
            return
        self.since.set_lines(overview.since_last_visit if self.since.mode() == "last"
                             else overview.since_intake)

    # --- events and slots ------------------------------------------------------------------
    def _show_if_in_sight(self, frame: QWidget) -> None:
        """Only charts in the scrolled view are drawn: QtCharts lays out and paints a chart
        whose data changed even out of sight, which was most of a patient switch's drawing.
        A chart scrolled into view is drawn then."""
        top = self.scroll.verticalScrollBar().value()
        seen = QRect(0, top - SIGHT_MARGIN, frame.parentWidget().width(),
                     self.scroll.viewport().height() + 2 * SIGHT_MARGIN)
        view = frame.view  # type: ignore[attr-defined]
        in_sight = frame.geometry().intersects(seen)
        if in_sight and frame in self._pending:
            self._pending.pop(frame)()  # its data first, so it is painted once, right
        if view.isVisibleTo(frame) != in_sight:
            view.setVisible(in_sight)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize) and isinstance(watched, QWidget):
            self._show_if_in_sight(watched)
        return super().eventFilter(watched, event)

    def _on_scroll_value_changed(self, _value: int) -> None:
        if self.pain is not None:
            for chart in self.charts():
                self._show_if_in_sight(chart.frame)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_charts()
        self._on_scroll_value_changed(0)  # a taller window brings more charts into sight

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.pain is not None:
            for chart in self.charts():
                chart.apply_palette(self.palette())
        super().changeEvent(event)

    def _on_range_bar_changed(self) -> None:
        if self._overview is not None:
            self._draw()

    def _on_since_compare_changed(self) -> None:
        self._show_since()

    def on_local_change(self, kind: ChangeKind) -> None:
        self.refresh()  # a saved score, test, run or plan can move a chart

    def _on_print_button_clicked(self) -> None:
        self.print_report()

    def print_report(self) -> PrintJob | None:
        """Ctrl+P and the button: make the PDF in the background, then preview it."""
        if self._patient_id is None:
            return None
        self.report_job = start_print(self._ctx, self, "progress", self._patient_id)
        return self.report_job
