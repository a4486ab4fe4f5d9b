"""List model of the exercise library as the search box and filters narrow it."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ptdesk.services.exercises import ExerciseInfo
from ptdesk.ui.chart.exercises.labels import category_label

Index = QModelIndex | QPersistentModelIndex
EXERCISE_ROLE = Qt.ItemDataRole.UserRole + 1


class LibraryModel(QAbstractListModel):
    """One row per exercise; the panel fills it from `list_exercises` on every filter change."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ExerciseInfo] = []

    def set_exercises(self, exercises: list[ExerciseInfo]) -> None:
        self.beginResetModel()
        self._rows = list(exercises)
        self.endResetModel()

    def exercise_at(self, row: int) -> ExerciseInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, exercise_id: int) -> int:
        for row, info in enumerate(self._rows):
            if info.id == exercise_id:
                return row
        return -1

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mine = " (clinic's own)" if info.is_custom else ""
            return f"{info.name}{mine}"
        if role == Qt.ItemDataRole.ToolTipRole:
            muscles = ", ".join(info.target_muscles)
            parts = [category_label(info.category), info.purpose, muscles]
            return "\n".join(p for p in parts if p)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return category_label(info.category)
        if role == EXERCISE_ROLE:
            return info
        return None
