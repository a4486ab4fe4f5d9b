"""Table model of the active plan's weeks: planned vs done and the pain rules' decision per week."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPixmap

from ptdesk.services.runlogs import LoggedWeek
from ptdesk.ui.kit.run_text import (
    DECISION_ADVICE,
    DECISION_LABELS,
    MORNING_LABELS,
    amount_text,
)
from ptdesk.ui.kit.text import week_dates_text

Index = QModelIndex | QPersistentModelIndex
WEEK_ROLE = Qt.ItemDataRole.UserRole + 1      # the LoggedWeek of the row
DECISION_ROLE = Qt.ItemDataRole.UserRole + 2  # "progress" / "hold" / "regress" / None
# The decision sits next to the dates: it is what the clinician looks for first.
COLUMNS = ("Week", "Dates", "Decision", "Planned", "Done", "Runs", "Worst pain",
           "Next morning", "Swelling, limping")
WEEK, DATES, DECISION, PLANNED, DONE, RUNS, PAIN, MORNING, FLAGS = range(len(COLUMNS))


def dot_icon(colour: QColor, size: int = 12) -> QIcon:
    """A filled circle: the decision's traffic-light colour beside its word."""
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() \
        if QGuiApplication.primaryScreen() else 1.0
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(colour.darker(130))
    painter.setBrush(colour)
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.end()
    return QIcon(pixmap)


class WeeksTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[LoggedWeek] = []
        self._colours: dict[str, QColor] = {}
        self._icons: dict[str, QIcon] = {}

    def set_weeks(self, weeks: Sequence[LoggedWeek]) -> None:
        self.beginResetModel()
        self._rows = list(weeks)
        self.endResetModel()

    def set_colours(self, colours: dict[str, QColor]) -> None:
        """Decision -> colour, from the palette (light or dark); icons are drawn once per colour."""
        self.beginResetModel()
        self._colours = dict(colours)
        self._icons = {}
        self.endResetModel()

    def week_at(self, row: int) -> LoggedWeek | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section in (PLANNED, DONE):
            return "Running for the week / the longest single run"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        week, column = self._rows[index.row()], index.column()
        if role == WEEK_ROLE:
            return week
        if role == DECISION_ROLE:
            return week.decision
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(week, column)
        if role == Qt.ItemDataRole.DecorationRole and column == DECISION and week.decision:
            return self._icon(week.decision)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(week, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (WEEK, RUNS, PAIN):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _icon(self, decision: str) -> QIcon | None:
        colour = self._colours.get(decision)
        if colour is None:
            return None
        if decision not in self._icons:
            self._icons[decision] = dot_icon(colour)
        return self._icons[decision]

    @staticmethod
    def _text(week: LoggedWeek, column: int) -> str:
        measure = week.measure
        waiting = week.waiting_for_pain  # imported runs: their pain columns are placeholders
        if waiting and column in (PAIN, MORNING, FLAGS) and waiting >= week.runs:
            return "Not entered"
        if column == WEEK:
            return str(week.week)
        if column == DATES:
            return week_dates_text(week.start)
        if column == PLANNED:
            if week.planned_total is None:
                return "—"
            return (f"{amount_text(week.planned_total, measure)} / "
                    f"{amount_text(week.planned_longest or 0, measure)}")
        if column == DONE:
            if not week.runs:
                return "No runs logged" if week.complete else "—"
            return (f"{amount_text(week.done_total, measure)} / "
                    f"{amount_text(week.done_longest, measure)}")
        if column == RUNS:
            return str(week.runs)
        if column == PAIN:
            if week.worst_pain is None:
                return "—"
            return f"{week.worst_pain}/10" + (f" ({waiting} not entered)" if waiting else "")
        if column == MORNING:
            return MORNING_LABELS.get(week.worst_next_morning or "", "—")
        if column == FLAGS:
            flags = [word for word, on in (("swelling", week.swelling), ("limping", week.limping))
                     if on]
            return ", ".join(flags).capitalize() if flags else "None"
        if week.decision is None:
            return f"Waiting for pain answers ({waiting})" if waiting else "—"
        word = DECISION_LABELS[week.decision]
        return word if week.complete else f"{word} (so far)"

    @staticmethod
    def _tooltip(week: LoggedWeek, column: int) -> str | None:
        if column == DECISION and week.decision:
            advice = DECISION_ADVICE[week.decision]
            if not week.complete:
                advice += " The week is not over yet, so this can still change."
            return advice
        if column == DONE and week.other_measure_runs:
            count = week.other_measure_runs
            return (f"{count} run{'s' if count > 1 else ''} logged in another unit "
                    f"(minutes vs distance) could not be added to this week.")
        return None
