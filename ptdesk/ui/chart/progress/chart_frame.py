"""One chart on the Progress tab: the view, its legend and caption below it, Copy and Save as PNG, hover tooltips."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractSeries,
    QAreaSeries,
    QChart,
    QChartView,
    QScatterSeries,
    QXYSeries,
)
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QCursor,
    QGuiApplication,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

MIN_CHART_HEIGHT = 230
MAX_CHART_HEIGHT = 440
ASPECT = 0.55     # chart height per pixel of width: charts grow with the window
SPACING = 2
DATE_TICKS = 6    # most date labels on an axis
PLOT_INSET = 110  # the value axis titles and labels beside the plot


class HoverTips:
    """Tooltips with the exact value and visit for the point nearest the mouse on a series."""

    def __init__(self, view: QWidget) -> None:
        self._view = view
        # Per series: x values and what each point is, worded only when hovered (three years
        # of weekly tests are over a thousand points; wording them all would slow each draw).
        self._data: dict[int, tuple[list[float], list[Any], Callable[[Any], str]]] = {}

    def watch(self, series: QXYSeries) -> None:
        series.hovered.connect(
            lambda point, state, s=series: self._on_series_hovered(s, point, state))

    def set_points(self, series: QXYSeries, xs: Sequence[float], items: Sequence[Any],
                   describe: Callable[[Any], str]) -> None:
        """`xs` ascending; `describe(items[i])` is the tooltip of the point at xs[i]."""
        self._data[id(series)] = (list(xs), list(items), describe)

    def text_for(self, series: QXYSeries, x: float) -> str | None:
        xs, items, describe = self._data.get(id(series), ([], [], str))
        if not xs:
            return None
        i = bisect_left(xs, x)
        nearest = min((j for j in (i - 1, i) if 0 <= j < len(xs)), key=lambda j: abs(xs[j] - x))
        return describe(items[nearest])

    def _on_series_hovered(self, series: QXYSeries, point: QPointF, state: bool) -> None:
        text = self.text_for(series, point.x()) if state else None
        if text:
            QToolTip.showText(QCursor.pos(), text, self._view)
        else:
            QToolTip.hideText()


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: a coloured symbol and its words; with a `key`, a link that toggles it."""

    text: str
    colour: QColor
    symbol: str = "■"
    key: str | None = None
    faded: bool = False


def series_entries(series: Sequence[QAbstractSeries]) -> list[LegendEntry]:
    """Legend entries for the named, visible series, in their own colours and shapes."""
    entries = []
    for item in series:
        if not item.name() or not item.isVisible():
            continue
        points = item.upperSeries() if isinstance(item, QAreaSeries) else item
        if isinstance(points, QXYSeries) and points.count() == 0:
            continue  # nothing of it drawn in the period shown
        if isinstance(item, QAreaSeries):
            entries.append(LegendEntry(item.name(), item.brush().color(), "▇"))
        elif isinstance(item, QScatterSeries):
            round_ = item.markerShape() == QScatterSeries.MarkerShape.MarkerShapeCircle
            triangle = item.markerShape() == QScatterSeries.MarkerShape.MarkerShapeTriangle
            entries.append(LegendEntry(item.name(), item.color(),
                                       "▲" if triangle else "●" if round_ else "■"))
        elif isinstance(item, QXYSeries):
            pen = item.pen()
            dashed = pen.style() != Qt.PenStyle.SolidLine
            entries.append(LegendEntry(item.name(), pen.color(), "┅" if dashed else "━"))
    return entries


def legend_html(entries: Sequence[LegendEntry], text_colour: QColor) -> str:
    """Entries side by side; each stays whole (non-breaking spaces), the row wraps between them."""
    parts = []
    for entry in entries:
        symbol, words = QColor(entry.colour), QColor(text_colour)
        if entry.faded:
            symbol.setAlpha(70)
            words.setAlpha(110)
        text = escape(entry.text).replace(" ", "&nbsp;")
        item = (f"<span style='color:{symbol.name(QColor.NameFormat.HexArgb)}'>{entry.symbol}"
                f"</span>&nbsp;<span style='color:{words.name(QColor.NameFormat.HexArgb)}'>"
                f"{text}</span>")
        if entry.key is not None:
            item = f"<a href='{escape(entry.key)}' style='text-decoration:none'>{item}</a>"
        parts.append(item)
    return " &nbsp; ".join(parts)


def max_date_ticks(plot_width: int) -> int:
    """Date labels ("MMM yyyy", "d MMM yy") need about 80 px each; fewer ticks when narrow,
    so a label is never cut to "5 D…"."""
    return max(2, min(DATE_TICKS, plot_width // 85 + 1))


class ChartFrame(QFrame):
    """The chart with its legend, caption and buttons stacked, never on top of each other.

    The chart's height follows its width (ASPECT, within MIN/MAX_CHART_HEIGHT), so charts grow
    with the window; the legend and caption get the height their wrapped text needs. Sizes
    are worked out only when the width or a text changes: a redraw with the same texts never
    lays the chart out again.
    """

    def __init__(self, chart: QChart, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.chart = chart
        self.date_axes: list[QAbstractAxis] = []  # their tick count follows the width
        self.view = QChartView(chart)
        self.view.setObjectName(f"{key}_chart")
        self.view.setAccessibleName(chart.title())
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(MIN_CHART_HEIGHT)
        # QChartView asks for 600x600; the frame sets the height it works out from the width.
        self.view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # The "nothing to draw" message covers the view rather than replacing it: hiding
        # and showing the view would make QtCharts lay the whole chart out again.
        self.empty = QLabel(self.view)
        self.empty.setObjectName(f"{key}_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAutoFillBackground(True)
        self.empty.setBackgroundRole(QPalette.ColorRole.Base)
        self.empty.setMargin(24)
        self.empty.hide()
        self.view.installEventFilter(self)
        # Our own legend under the chart: QtCharts' legend shares the chart's box and cut
        # names short ("LEFS inta…") or sat over the caption at 1280 px.
        self.legend = QLabel()
        self.legend.setObjectName(f"{key}_legend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.legend_entries: list[LegendEntry] = []
        self.caption = QLabel()
        self.caption.setObjectName(f"{key}_caption")
        self.caption.setWordWrap(True)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.copy_button = QToolButton()
        self.copy_button.setText("Copy")
        self.copy_button.setAccessibleName(f"Copy {chart.title()}")
        self.copy_button.setToolTip("Copy the chart as a picture")
        self.save_button = QToolButton()
        self.save_button.setText("Save as PNG…")
        self.save_button.setAccessibleName(f"Save {chart.title()} as PNG")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.caption, 1, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        self._bar = bar
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACING)
        layout.addWidget(self.view)
        layout.addWidget(self.legend)
        layout.addLayout(bar)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fitted: tuple[int, str, str] | None = None
        self._heights: dict[tuple[str, str, int], int] = {}
        self._heights_set: tuple[int, int, int] | None = None
        self._button_height = max(self.copy_button.sizeHint().height(),
                                  self.save_button.sizeHint().height())
        self._buttons_width = (self.copy_button.sizeHint().width()
                               + self.save_button.sizeHint().width()
                               + 2 * max(0, bar.spacing()))
        self._texts = {"legend": "", "caption": ""}  # what the labels show, kept on this side
        self.tips = HoverTips(self.view)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        self.fit()

    # ---- texts and sizes ----------------------------------------------------------------------
    def set_caption(self, text: str) -> None:
        if text != self._texts["caption"]:
            self._texts["caption"] = text
            self.caption.setText(text)
            self.fit()

    def set_legend(self, entries: Sequence[LegendEntry], *, again: bool = False) -> None:
        if list(entries) == self.legend_entries and not again:
            return  # the same legend (most redraws): no text to lay out again
        self.legend_entries = list(entries)
        html = legend_html(entries, self.palette().color(QPalette.ColorRole.Text))
        if html != self._texts["legend"]:
            self._texts["legend"] = html
            self.legend.setText(html)
            self.fit()

    def chart_height(self, width: int) -> int:
        return max(MIN_CHART_HEIGHT, min(MAX_CHART_HEIGHT, round(width * ASPECT)))

    def _text_height(self, label: QLabel, width: int) -> int:
        """The wrapped text's height at `width`, remembered: switching patients back and
        forth shows the same captions again, and measuring rich text is dear."""
        text = self._texts["legend" if label is self.legend else "caption"]
        if not text:
            return 0
        key = (label.objectName(), text, width)
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 256:
                self._heights.clear()
            height = self._heights[key] = label.heightForWidth(width)
        return height

    def fit(self) -> None:
        """Heights for this width: the chart's from its width, the texts' from their wrapping."""
        width = max(self.width(), 1)
        key = (width, self._texts["legend"], self._texts["caption"])
        if key == self._fitted:
            return
        self._fitted = key
        self._fit_ticks(width)
        view_height = self.chart_height(width)
        legend_height = self._text_height(self.legend, width)
        caption_width = max(1, width - self._buttons_width)
        caption_height = self._text_height(self.caption, caption_width)
        bar_height = max(caption_height, self._button_height)
        heights = (view_height, legend_height, caption_height)
        if heights == self._heights_set:
            return  # new texts of the same size: nothing moves
        self._heights_set = heights
        self.view.setFixedHeight(view_height)
        # An empty legend stays, 0 px high: showing and hiding it costs a relayout each time.
        self.legend.setFixedHeight(legend_height)
        self.caption.setFixedHeight(caption_height)
        self.setFixedHeight(view_height + legend_height + 2 * SPACING + bar_height)

    def _fit_ticks(self, width: int) -> None:
        ticks = max_date_ticks(width - PLOT_INSET)
        for axis in self.date_axes:
            if axis.property("max_ticks") == ticks:
                continue
            axis.setProperty("max_ticks", ticks)
            wanted = axis.property("wanted_ticks")
            axis.setTickCount(max(2, min(int(wanted) if wanted else DATE_TICKS, ticks)))

    def regions(self) -> dict[str, QRect]:
        """Where the chart, its legend, caption and buttons are, in this frame's coordinates
        (tests check that none covers another)."""
        found = {"chart": self.view.geometry(),
                 "buttons": self.copy_button.geometry().united(self.save_button.geometry())}
        if self._texts["legend"]:
            found["legend"] = self.legend.geometry()
        if self._texts["caption"]:
            found["caption"] = self.caption.geometry()
        return found

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.legend_entries:
            self.set_legend(self.legend_entries, again=True)

    def set_empty(self, message: str | None) -> None:
        """Show `message` instead of the chart (None shows the chart)."""
        self.empty.setText(message or "")
        if bool(message) != self.empty.isVisibleTo(self.view):
            self.empty.setGeometry(self.view.rect())
            self.empty.setVisible(bool(message))
        self.copy_button.setEnabled(not message)
        self.save_button.setEnabled(not message)

    def is_empty(self) -> bool:
        return self.empty.isVisibleTo(self.view)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.empty.setGeometry(self.view.rect())
        return super().eventFilter(watched, event)

    def picture(self) -> QPixmap:
        """The chart as drawn (a chart scrolled out of sight is not drawn: show it first)."""
        self.view.show()
        return self.view.grab()

    def copy(self) -> None:
        QGuiApplication.clipboard().setPixmap(self.picture())

    def save_png(self) -> Path | None:
        suggested = f"{self.key}-chart-{date.today().isoformat()}.png"
        path, _ = QFileDialog.getSaveFileName(self, "Save chart as PNG", suggested,
                                              "PNG images (*.png)")
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_name(target.name + ".png")
        if not self.picture().save(str(target), "PNG"):
            QMessageBox.warning(self, "Save chart", "The picture could not be saved there. "
                                                    "Choose another folder and try again.")
            return None
        return target

    def _on_copy_button_clicked(self) -> None:
        self.copy()

    def _on_save_button_clicked(self) -> None:
        self.save_png()

    def _on_view_context_menu_requested(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction("Copy", self.copy)
        menu.addAction("Save as PNG…", self.save_png)
        menu.exec(self.view.mapToGlobal(position))
