"""Table model of the fields another clinician changed: field, their version, your version."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from ptdesk.domain.conflicts import FieldChange

Index = QModelIndex | QPersistentModelIndex
FIELD, THEIRS, YOURS = range(3)
HEADERS = ("Field", "Their version", "Your version")
BLANK = "(blank)"
CELL_LIMIT = 240  # long notes are cut in the cell; the tooltip has the whole text


def cell_text(text: str) -> str:
    if not text:
        return BLANK
    flat = " ".join(text.split())
    return flat if len(flat) <= CELL_LIMIT else flat[: CELL_LIMIT - 1].rstrip() + "…"


class ChangesModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._changes: tuple[FieldChange, ...] = ()

    def set_changes(self, changes: Sequence[FieldChange]) -> None:
        self.beginResetModel()
        self._changes = tuple(changes)
        self.endResetModel()

    def change_at(self, row: int) -> FieldChange | None:
        return self._changes[row] if 0 <= row < len(self._changes) else None

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._changes)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        change = self.change_at(index.row()) if index.isValid() else None
        if change is None or not 0 <= index.column() < len(HEADERS):
            return None
        full = (change.label, change.theirs, change.yours)[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return change.label if index.column() == FIELD else cell_text(full)
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == FIELD:
                return ("You both changed this field." if change.you_changed_too
                        else "Only they changed this field.")
            return full or BLANK
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[index.column()]}: {full or BLANK}"
        if role == Qt.ItemDataRole.ForegroundRole and index.column() != FIELD and not full:
            # "(blank)" is a note about the value, not the value: shown like placeholder text.
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.FontRole and change.you_changed_too:
            font = QFont()
            font.setBold(True)  # both of you changed it: the field to look at first
            return font
        return None
