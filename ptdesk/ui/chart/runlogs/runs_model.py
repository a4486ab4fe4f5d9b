"""Table model of a patient's logged runs, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ptdesk.services.runlogs import RunLogInfo
from ptdesk.ui.chart.exercises.labels import day_text
from ptdesk.ui.kit.run_text import KIND_LABELS, MORNING_LABELS, amount_text

Index = QModelIndex | QPersistentModelIndex
RUN_ROLE = Qt.ItemDataRole.UserRole + 1  # the RunLogInfo of the row
COLUMNS = ("Date", "Running", "Kind", "Pain during", "Next morning", "Swelling", "Limping",
           "Note")
DATE, AMOUNT, KIND, PAIN, MORNING, SWELLING, LIMPING, NOTE = range(len(COLUMNS))


class RunsTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RunLogInfo] = []

    def set_runs(self, runs: Sequence[RunLogInfo]) -> None:
        """Runs as the service lists them (oldest first); shown newest first."""
        self.beginResetModel()
        self._rows = sorted(runs, key=lambda r: (r.run_date, r.id), reverse=True)
        self.endResetModel()

    def run_at(self, row: int) -> RunLogInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        run, column = self._rows[index.row()], index.column()
        if role == RUN_ROLE:
            return run
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(run, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == NOTE and run.note:
            return run.note
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (AMOUNT, PAIN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(run: RunLogInfo, column: int) -> str:
        if column == DATE:
            return f"{run.run_date:%a} {day_text(run.run_date)}"
        if column == AMOUNT:
            return amount_text(run.amount, run.measure)
        if column == KIND:
            return KIND_LABELS.get(run.kind, run.kind)
        if column == PAIN:
            return f"{run.pain_during}/10"
        if column == MORNING:
            return MORNING_LABELS.get(run.next_morning, run.next_morning)
        if column == SWELLING:
            return "Yes" if run.swelling else "No"
        if column == LIMPING:
            return "Yes" if run.limping else "No"
        return run.note.replace("\n", " ")
