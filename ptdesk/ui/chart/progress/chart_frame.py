"""One chart on the Progress tab: the view, Copy and Save as PNG, a caption and hover tooltips."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChart, QChartView, QXYSeries
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QCursor, QGuiApplication, QPainter, QPalette
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


class ChartFrame(QFrame):
    """The chart (or a message when there is nothing to draw) with its buttons and caption."""

    def __init__(self, chart: QChart, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.chart = chart
        self.view = QChartView(chart)
        self.view.setObjectName(f"{key}_chart")
        self.view.setAccessibleName(chart.title())
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(MIN_CHART_HEIGHT)
        # QChartView asks for 600x600; ignoring that lets four charts share the tab's height.
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
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
        self.caption = QLabel()
        self.caption.setObjectName(f"{key}_caption")
        self.caption.setWordWrap(True)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.copy_button = QToolButton()
        self.copy_button.setText("Copy")
        self.copy_button.setAccessibleName(f"Copy {chart.title()}")
        self.copy_button.setToolTip("Copy the chart as a picture")
        self.save_button = QToolButton()
        self.save_button.setText("Save as PNG…")
        self.save_button.setAccessibleName(f"Save {chart.title()} as PNG")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.tips = HoverTips(self.view)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)

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

    def copy(self) -> None:
        QGuiApplication.clipboard().setPixmap(self.view.grab())

    def save_png(self) -> Path | None:
        suggested = f"{self.key}-chart-{date.today().isoformat()}.png"
        path, _ = QFileDialog.getSaveFileName(self, "Save chart as PNG", suggested,
                                              "PNG images (*.png)")
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_name(target.name + ".png")
        if not self.view.grab().save(str(target), "PNG"):
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
