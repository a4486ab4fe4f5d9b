"""List model of a patient's saved return-to-run plans, newest first."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from ptdesk.services.runplans import StoredPlan
from ptdesk.ui.chart.exercises.labels import day_text
from ptdesk.ui.chart.runplan.plan_table_model import amount_text

Index = QModelIndex | QPersistentModelIndex
PLAN_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_WORDS = {"active": "active", "archived": "earlier"}


class SavedPlansModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StoredPlan] = []

    def set_plans(self, plans: list[StoredPlan]) -> None:
        self.beginResetModel()
        self._rows = list(plans)
        self.endResetModel()

    def plan_at(self, row: int) -> StoredPlan | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        stored = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            weeks = len(stored.plan.weeks)
            goal = amount_text(stored.inputs.goal_weekly, stored.inputs.measure)
            status = STATUS_WORDS.get(stored.status, stored.status)
            return (f"{day_text(stored.created_on)} · {status} · {weeks} weeks · "
                    f"goal {goal} a week")
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Starts {day_text(stored.inputs.start)}; {stored.note}".rstrip("; ")
        if role == Qt.ItemDataRole.FontRole and stored.status == "active":
            font = QFont()
            font.setBold(True)
            return font
        if role == PLAN_ROLE:
            return stored
        return None
