"""The "since last visit" panel: one line per measure, tagged better / worse / within error."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QWidget

from ptdesk.services.progress import ChangeLine
from ptdesk.ui.evaluation.notify import Notifier
from ptdesk.ui.exercises.labels import day_text
from ptdesk.ui.progress.colours import status_colour

TAGS = {"better": "✓ Better", "worse": "✗ Worse", "within_error": "≈ Within error"}
COLUMNS_FROM = 5  # from this many lines on, two columns keep the panel short


class SincePanel(QGroupBox):
    """Shows `since_last_visit` lines, or the since-intake ones when the clinician asks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Since last visit", parent)
        self.setObjectName("since_last_visit")
        self.compare = QComboBox()
        self.compare.setObjectName("compare_with")
        self.compare.setAccessibleName("Compare with")
        self.compare.addItem("since the last visit", "last")
        self.compare.addItem("since intake", "intake")
        self.compare_changed = Notifier()
        self.heading = QLabel()
        self.heading.setObjectName("since_heading")
        top = QHBoxLayout()
        compare_label = QLabel("&Compare")
        compare_label.setBuddy(self.compare)
        top.addWidget(compare_label)
        top.addWidget(self.compare)
        top.addWidget(self.heading, 1)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(2)
        layout = QGridLayout(self)
        layout.addLayout(top, 0, 0)
        layout.addLayout(self.grid, 1, 0)
        self._lines: list[ChangeLine] = []
        self._labels: list[tuple[QLabel, QLabel]] = []
        self.compare.currentIndexChanged.connect(self._on_compare_current_index_changed)

    def mode(self) -> str:
        return str(self.compare.currentData())

    def set_lines(self, lines: Sequence[ChangeLine]) -> None:
        self._lines = list(lines)
        self._render()

    def shown(self) -> list[tuple[str, str]]:
        """(tag, text) per line as displayed."""
        return [(tag.text(), text.text()) for tag, text in self._labels]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self._labels:
            self._render()  # tag colours follow light/dark
        super().changeEvent(event)

    def _render(self) -> None:
        for tag, text in self._labels:
            self.grid.removeWidget(tag)
            self.grid.removeWidget(text)
            tag.deleteLater()
            text.deleteLater()
        self._labels = []
        if not self._lines:
            self.heading.setText("Nothing to compare yet: a measure needs two visits.")
            return
        when = {line.after_date for line in self._lines}
        self.heading.setText(f"{len(self._lines)} measure{'s' if len(self._lines) > 1 else ''}"
                             + ("" if len(when) > 1 else f", latest on {day_text(max(when))}"))
        per_column = len(self._lines) if len(self._lines) < COLUMNS_FROM \
            else -(-len(self._lines) // 2)
        for n, line in enumerate(self._lines):
            colour = status_colour(line.flag, self.palette()).name()
            tag = QLabel(TAGS.get(line.flag, line.flag))
            tag.setObjectName(f"since_tag_{n}")
            tag.setStyleSheet(f"color: {colour}; font-weight: 600;")
            text = QLabel(line.text)
            text.setObjectName(f"since_text_{n}")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setToolTip(f"{day_text(line.before_date)} → {day_text(line.after_date)}")
            text.setAccessibleName(f"{TAGS.get(line.flag, line.flag)}: {line.text}")
            row, column = n % per_column, 2 * (n // per_column)
            self.grid.addWidget(tag, row, column)
            self.grid.addWidget(text, row, column + 1)
            self._labels.append((tag, text))
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)

    def _on_compare_current_index_changed(self, _index: int) -> None:
        self.setTitle("Since last visit" if self.mode() == "last" else "Since intake")
        self.compare_changed.emit()
