"""Table model of audit-log entries (who, when, where, what) for the administrator's viewer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ptdesk.services.audit.log import AuditRow

COLUMNS = ("When", "User", "Workstation", "Action", "Patient (MRN)", "Record", "What changed")
ACTION_LABELS = {
    "view": "Viewed", "create": "Created", "update": "Changed", "delete": "Deleted",
    "sign": "Signed", "addendum": "Addendum", "print": "Printed", "export": "Exported",
    "backup": "Backup", "restore": "Restore", "login": "Signed in", "logout": "Signed out",
    "failed_login": "Failed sign-in", "lock": "Locked",
}
Index = QModelIndex | QPersistentModelIndex


def when_text(row: AuditRow) -> str:
    """Local clinic time to the second: the time a person would remember."""
    return row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def record_text(row: AuditRow) -> str:
    kind = row.record_type.replace("_", " ")
    return f"{kind} {row.record_id}" if row.record_id is not None else kind


class AuditModel(QAbstractTableModel):
    """Read-only rows, oldest first, as `ptdesk.services.audit.log.report` returns them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []

    def set_rows(self, rows: Sequence[AuditRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry(self, row: int) -> AuditRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (when_text(row), row.actor, row.workstation,
                    ACTION_LABELS.get(row.action, row.action), row.patient_mrn,
                    record_text(row), row.summary)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6 and row.summary:
            return row.summary
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None
