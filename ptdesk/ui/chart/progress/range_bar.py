"""The date-range selector above the Progress charts: a preset list and From/To dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ptdesk.ui.chart.progress.date_window import CUSTOM, PRESETS, DateWindow, preset_window
from ptdesk.ui.kit.date_field import DateField
from ptdesk.ui.kit.notify import Notifier


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class RangeBar(QWidget):
    """`changed` (plain Python) fires when the clinician picks another period."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changed = Notifier()
        self._dates: list[date] = []
        self._today = date.today()
        self.preset = QComboBox()
        self.preset.setObjectName("progress_range")
        self.preset.setAccessibleName("Show")
        for text, months in PRESETS:
            self.preset.addItem(text, months)
        self.preset.addItem(CUSTOM, "custom")
        self.start = DateField(required=True, label="From")
        self.end = DateField(required=True, label="To")
        for edit, name in ((self.start, "From"), (self.end, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(name)
            edit.setObjectName(f"progress_{name.lower()}")
        show_label = QLabel("&Show")
        show_label.setBuddy(self.preset)
        from_label = QLabel("&From")
        from_label.setBuddy(self.start)
        to_label = QLabel("&To")
        to_label.setBuddy(self.end)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (show_label, self.preset, from_label, self.start, to_label, self.end):
            layout.addWidget(widget)
        self._setting = False
        self.preset.currentIndexChanged.connect(self._on_preset_current_index_changed)
        self.start.dateChanged.connect(self._on_date_changed)
        self.end.dateChanged.connect(self._on_date_changed)

    def set_known_dates(self, dates: Iterable[date], today: date) -> None:
        """The dates the charts hold (for "Whole episode"); keeps the chosen preset."""
        self._dates = sorted(dates)
        self._today = today
        months = self.preset.currentData()
        if months != "custom":
            self._show(preset_window(months, today, self._dates))

    def window(self) -> DateWindow:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        return DateWindow(min(start, end), max(start, end))

    def choose(self, text: str) -> None:
        self.preset.setCurrentIndex(self.preset.findText(text))

    def set_custom(self, window: DateWindow) -> None:
        self._show(window)
        self._setting = True
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self._setting = False
        self.changed.emit()

    def _show(self, window: DateWindow) -> None:
        self._setting = True
        self.start.setDate(_qdate(window.start))
        self.end.setDate(_qdate(window.end))
        self._setting = False

    def _on_preset_current_index_changed(self, _index: int) -> None:
        if self._setting:
            return
        months = self.preset.currentData()
        if months == "custom":
            return  # the dates shown stay; the clinician edits them
        self._show(preset_window(months, self._today, self._dates))
        self.changed.emit()

    def _on_date_changed(self, _day: QDate) -> None:
        if self._setting:
            return
        self._setting = True
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self._setting = False
        self.changed.emit()
