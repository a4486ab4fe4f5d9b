"""List model of the exercise library as the search box and filters narrow it."""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtCore import QObject, Qt

from ptdesk.services.exercises import ExerciseInfo
from ptdesk.ui.chart.exercises.labels import category_label
from ptdesk.ui.kit.rows_model import ROW_ROLE, Column, RowsModel

EXERCISE_ROLE = ROW_ROLE
_R = Qt.ItemDataRole


def _tooltip(info: ExerciseInfo) -> str:
    parts = [category_label(info.category), info.purpose, ", ".join(info.target_muscles)]
    return "\n".join(p for p in parts if p)


class LibraryModel(RowsModel[ExerciseInfo]):
    """One row per exercise; the panel fills it from `list_exercises` on every filter change."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([Column(
            "Exercise", lambda i: i.name + (" (clinic's own)" if i.is_custom else ""),
            {_R.ToolTipRole: _tooltip,
             _R.AccessibleDescriptionRole: lambda i: category_label(i.category)},
            accessible=False)], parent, key=lambda i: i.id)

    set_exercises = RowsModel.set_rows
    exercise_at = RowsModel.row_at

    def row_of(self, key: Hashable) -> int:
        """-1 when the exercise is not listed (filtered out)."""
        row = super().row_of(key)
        return -1 if row is None else row
