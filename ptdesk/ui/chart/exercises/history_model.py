"""List model of a patient's prescription versions, newest first."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ptdesk.services.prescriptions import PrescriptionInfo
from ptdesk.ui.chart.exercises.labels import day_text
from ptdesk.ui.chart.exercises.prescription_model import dosage_words

Index = QModelIndex | QPersistentModelIndex
VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_WORDS = {"active": "current", "superseded": "replaced", "retired": "stopped"}


class HistoryModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PrescriptionInfo] = []

    def set_versions(self, versions: list[PrescriptionInfo]) -> None:
        self.beginResetModel()
        self._rows = list(versions)
        self.endResetModel()

    def version_at(self, row: int) -> PrescriptionInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            count = len(info.items)
            noun = "exercise" if count == 1 else "exercises"
            status = STATUS_WORDS.get(info.status, info.status)
            return f"{day_text(info.effective_date)} · {status} · {count} {noun}"
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{i.exercise_name}: {dosage_words(i)}" for i in info.items]
            if info.note:
                lines.append(f"Note: {info.note}")
            return "\n".join(lines)
        if role == VERSION_ROLE:
            return info
        return None
