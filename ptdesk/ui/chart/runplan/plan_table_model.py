"""Table model of a return-to-run plan's weeks: dates, sessions, weekly total, longest run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from ptdesk.domain.runplan import Plan, PlanWeek, Session
from ptdesk.domain.runplan.amounts import Measure, format_amount
from ptdesk.ui.kit.text import week_dates_text

Index = QModelIndex | QPersistentModelIndex
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value behind a cell (Decimal, date, bool)
COLUMNS: tuple[str, ...] = ("Week", "Dates", "Sessions", "Total", "Longest", "Lighter")
WEEK, DATES, SESSIONS, TOTAL, LONGEST, LIGHTER = range(len(COLUMNS))


def amount_text(value: Decimal, measure: Measure) -> str:
    """The plan's own printed form: "13:12 min", "4.55 km" (never rounded up)."""
    return format_amount(value, measure)


dates_text = week_dates_text  # the kit's wording, shared with the run log and progress charts


def sessions_text(sessions: tuple[Session, ...]) -> str:
    """One line per distinct session, with the days it falls on ("Mon, Wed: Walk-run: …")."""
    groups: dict[str, list[str]] = {}
    for session in sessions:
        groups.setdefault(session.description, []).append(f"{session.date:%a}")
    return "\n".join(f"{', '.join(days)}: {text}" for text, days in groups.items())


class PlanTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None

    def set_plan(self, plan: Plan | None) -> None:
        self.beginResetModel()
        self._plan = plan
        self.endResetModel()

    def plan(self) -> Plan | None:
        return self._plan

    def _weeks(self) -> tuple[PlanWeek, ...]:
        return self._plan.weeks if self._plan is not None else ()

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._weeks())

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        weeks = self._weeks()
        if not index.isValid() or not 0 <= index.row() < len(weeks) or self._plan is None:
            return None
        week = weeks[index.row()]
        column = index.column()
        measure = self._plan.measure
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), column, measure)
        if role == VALUE_ROLE:
            values: tuple[object, ...] = (week.week, week.start, week.sessions, week.total,
                                          week.longest, week.lighter)
            return values[column] if 0 <= column < len(values) else None
        if role == Qt.ItemDataRole.ToolTipRole and column == DATES:
            return dates_text(week.start)
        if role == Qt.ItemDataRole.ToolTipRole and column == SESSIONS:
            return "\n".join(f"{s.date:%a %d %b}: {s.description}" for s in week.sessions)
        if role == Qt.ItemDataRole.FontRole and week.lighter:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (WEEK, TOTAL, LONGEST, LIGHTER):
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: int, column: int, measure: Measure) -> str | None:
        weeks = self._weeks()
        week = weeks[row]
        if column == WEEK:
            return str(week.week)
        if column == DATES:
            # The year only where it is news: the first week and when a new year starts.
            end_year = (week.start + dt.timedelta(days=6)).year
            before = weeks[row - 1] if row > 0 else None
            new_year = before is None or (before.start + dt.timedelta(days=6)).year != end_year
            return dates_text(week.start, with_year=new_year)
        if column == SESSIONS:
            return sessions_text(week.sessions)
        if column == TOTAL:
            return amount_text(week.total, measure)
        if column == LONGEST:
            return amount_text(week.longest, measure)
        if column == LIGHTER:
            return "Lighter" if week.lighter else ""
        return None
