"""The "since last visit" panel: one line per measure, tagged better / worse / within error."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QWidget

from ptdesk.services.progress.series import ChangeLine
from ptdesk.ui.kit.notify import Notifier
from ptdesk.ui.kit.palette import status_colour
from ptdesk.ui.kit.text import day_text

TAGS = {"better": "✓ Better", "worse": "✗ Worse", "within_error": "≈ Within error"}
COLUMNS_FROM = 5  # from this many lines on, two columns keep the panel short …
TWO_COLUMN_WIDTH = 1000  # … when the panel is this wide; narrower, lines wrap in one column


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
        # The lines live in their own widget, hidden while labels are shown or hidden:
        # one relayout at the end instead of one per label (each also resized the charts).
        self.lines_box = QWidget()
        self.grid = QGridLayout(self.lines_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(2)
        layout = QGridLayout(self)
        layout.addLayout(top, 0, 0)
        layout.addWidget(self.lines_box, 1, 0)
        self._lines: list[ChangeLine] = []
        self._labels: list[tuple[QLabel, QLabel]] = []
        self._columns = 1
        self._placed = 0  # lines laid out in the grid (positions change with count or columns)
        self._shown_key: tuple[object, ...] | None = None
        self.compare.currentIndexChanged.connect(self._on_compare_current_index_changed)

    def mode(self) -> str:
        return str(self.compare.currentData())

    def set_lines(self, lines: Sequence[ChangeLine]) -> None:
        self._lines = list(lines)
        self._render()

    def shown(self) -> list[tuple[str, str]]:
        """(tag, text) per line as displayed."""
        return [(tag.text(), text.text()) for tag, text in self._labels[:len(self._lines)]]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._wanted_columns() != self._columns:
            self._render()

    def _wanted_columns(self) -> int:
        return 2 if len(self._lines) >= COLUMNS_FROM and self.width() >= TWO_COLUMN_WIDTH else 1

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self._labels:
            self._shown_key = None
            self._render()  # tag colours follow light/dark
        super().changeEvent(event)

    def _pair(self, n: int) -> tuple[QLabel, QLabel]:
        """The n-th (tag, text) labels, made once and reused: a redraw only changes texts."""
        while len(self._labels) <= n:
            tag, text = QLabel(), QLabel()
            tag.setObjectName(f"since_tag_{len(self._labels)}")
            bold = QFont(tag.font())
            bold.setBold(True)
            tag.setFont(bold)
            tag.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            text.setObjectName(f"since_text_{len(self._labels)}")
            text.setWordWrap(True)  # a narrow chart area wraps lines rather than scrolling
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._labels.append((tag, text))
        return self._labels[n]

    def _render(self) -> None:
        columns = self._wanted_columns()
        key = (tuple(self._lines), columns)
        if key == self._shown_key:
            return  # same lines: leave the layout alone (a relayout redraws every chart)
        self._shown_key = key
        if not self._lines:
            self.heading.setText("Nothing to compare yet: a measure needs two visits.")
        else:
            when = {line.after_date for line in self._lines}
            self.heading.setText(
                f"{len(self._lines)} measure{'s' if len(self._lines) > 1 else ''}"
                + ("" if len(when) > 1 else f", latest on {day_text(max(when))}"))
        placed = columns != self._columns or len(self._lines) != self._placed
        hidden = placed and self.lines_box.isVisible()
        if hidden:
            self.lines_box.hide()
        self._columns = columns
        per_column = max(1, -(-len(self._lines) // columns))
        for n, line in enumerate(self._lines):
            tag, text = self._pair(n)
            word = TAGS.get(line.flag, line.flag)
            tag.setText(word)
            palette = tag.palette()
            palette.setColor(QPalette.ColorRole.WindowText, status_colour(line.flag, self.palette()))
            tag.setPalette(palette)
            text.setText(line.text)
            text.setToolTip(f"{day_text(line.before_date)} → {day_text(line.after_date)}")
            text.setAccessibleName(f"{word}: {line.text}")
            if placed:
                row, column = n % per_column, 2 * (n // per_column)
                self.grid.addWidget(tag, row, column)
                self.grid.addWidget(text, row, column + 1)
            tag.show()
            text.show()
        for tag, text in self._labels[len(self._lines):]:
            tag.hide()
            text.hide()
        self._placed = len(self._lines)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1 if columns == 2 else 0)
        if hidden:
            self.lines_box.show()

    def _on_compare_current_index_changed(self, _index: int) -> None:
        self.setTitle("Since last visit" if self.mode() == "last" else "Since intake")
        self.compare_changed.emit()
