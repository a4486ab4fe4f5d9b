"""Table model of the prescription being edited: dosed items that can be edited, moved and removed."""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QApplication, QStyle

from ptdesk.domain import exercise_library as lib
from ptdesk.domain.errors import ValidationError
from ptdesk.services.prescriptions import DosedItem
from ptdesk.ui.chart.exercises.labels import side_label
from ptdesk.ui.kit.text import plain_message

Index = QModelIndex | QPersistentModelIndex
ROWS_MIME = "application/x-ptdesk-prescription-rows"
# (DosedItem field, column header); the first column names the exercise and is not editable.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("exercise_name", "Exercise"),
    ("sets", "Sets"),
    ("reps", "Reps"),
    ("hold_seconds", "Hold s"),
    ("minutes", "Minutes"),
    ("per_day", "Per day"),
    ("per_week", "Per week"),
    ("side", "Side"),
    ("note", "Note"),
)
NUMBER_FIELDS = frozenset({"sets", "reps", "hold_seconds", "minutes", "per_day", "per_week"})
# Setting one of these to more than 0 clears the others, because a dosage is either
# daily or weekly, and either repetitions/holds or minutes (see `check_dosage`).
_EXCLUSIVE: dict[str, tuple[str, ...]] = {
    "per_day": ("per_week",),
    "per_week": ("per_day",),
    "minutes": ("reps", "hold_seconds"),
    "reps": ("minutes",),
    "hold_seconds": ("minutes",),
}


def dosage_words(item: DosedItem) -> str:
    """The dosage as the handout will print it, or the reason it cannot be printed yet."""
    try:
        lib.check_dosage(item.dosage, "dosage")
    except ValidationError as exc:
        return plain_message(exc)
    limb = lib.limb_for(item.library_id or "", item.category)
    return lib.dosage_in_words(item.dosage, item.side, limb=limb)


def item_problem(item: DosedItem, row: int) -> str:
    """Plain words for what is wrong with one line, or "" when it is fine."""
    try:
        item.validate(row)
    except ValidationError as exc:
        return plain_message(exc)
    return ""


class PrescriptionModel(QAbstractTableModel):
    """The ordered dosed items; `edited` fires on every change the clinician makes."""

    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[DosedItem] = []

    # --- whole-list access -------------------------------------------------------------
    def items(self) -> list[DosedItem]:
        return list(self._items)

    def set_items(self, items: list[DosedItem]) -> None:
        """Replace everything (loading a patient, a template or a draft); not an edit."""
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item_at(self, row: int) -> DosedItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def add_item(self, item: DosedItem, row: int | None = None) -> int:
        row = len(self._items) if row is None else max(0, min(row, len(self._items)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.insert(row, item)
        self.endInsertRows()
        self.edited.emit()
        return row

    def replace_item(self, row: int, item: DosedItem) -> None:
        if not 0 <= row < len(self._items):
            return
        self._items[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.edited.emit()

    def move_row(self, row: int, offset: int) -> int:
        """Move one line up (-1) or down (+1); returns its new row (unchanged at the ends)."""
        target = row + offset
        if not 0 <= row < len(self._items) or not 0 <= target < len(self._items):
            return row
        # moveRows' destination is the row the item goes *before*, counted before the move.
        destination = target if offset < 0 else target + 1
        return target if self.moveRows(QModelIndex(), row, 1, QModelIndex(), destination) else row

    # --- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._items)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(COLUMNS):
                return None
            # Two-word headers wrap so the narrow number columns leave room for the name.
            return COLUMNS[section][1].replace("Per ", "Per\n")
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            # Only the gaps between rows accept drops, so a drop never lands "on" a line.
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                 | Qt.ItemFlag.ItemIsDragEnabled)
        if index.column() > 0:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        field = COLUMNS[index.column()][0]
        value = getattr(item, field)
        if role == Qt.ItemDataRole.DisplayRole:
            if field == "side":
                return side_label(value)
            if field in NUMBER_FIELDS:
                return "–" if value == 0 else str(value)
            return value
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            return item_problem(item, index.row()) or dosage_words(item)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            if item_problem(item, index.row()):
                return QApplication.style().standardIcon(
                    QStyle.StandardPixmap.SP_MessageBoxWarning)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and field in NUMBER_FIELDS:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        if not 0 <= index.row() < len(self._items):
            return False
        field = COLUMNS[index.column()][0]
        item = self._items[index.row()]
        changes: dict[str, object] = {}
        if field in NUMBER_FIELDS:
            try:
                number = int(value)  # type: ignore[call-overload]
            except (TypeError, ValueError):
                return False
            if number < 0:
                return False
            changes[field] = number
            if number > 0:
                changes.update({other: 0 for other in _EXCLUSIVE.get(field, ())})
        elif field == "side":
            if value not in lib.SIDES:
                return False
            changes[field] = value
        else:
            changes[field] = "" if value is None else str(value)
        updated = replace(item, **changes)  # type: ignore[arg-type]
        if updated == item:
            return True
        self._items[index.row()] = updated
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(COLUMNS) - 1))
        self.edited.emit()
        return True

    def removeRows(self, row: int, count: int, parent: Index | None = None) -> bool:
        if parent is not None and parent.isValid():
            return False
        if count < 1 or row < 0 or row + count > len(self._items):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._items[row:row + count]
        self.endRemoveRows()
        self.edited.emit()
        return True

    def moveRows(self, sourceParent: Index, sourceRow: int, count: int,
                 destinationParent: Index, destinationChild: int) -> bool:
        n = len(self._items)
        if sourceParent.isValid() or destinationParent.isValid():
            return False
        if count < 1 or sourceRow < 0 or sourceRow + count > n or not 0 <= destinationChild <= n:
            return False
        if sourceRow <= destinationChild <= sourceRow + count:
            return False  # moving a block next to itself changes nothing
        if not self.beginMoveRows(QModelIndex(), sourceRow, sourceRow + count - 1,
                                  QModelIndex(), destinationChild):
            return False
        block = self._items[sourceRow:sourceRow + count]
        del self._items[sourceRow:sourceRow + count]
        insert_at = destinationChild if destinationChild < sourceRow else destinationChild - count
        self._items[insert_at:insert_at] = block
        self.endMoveRows()
        self.edited.emit()
        return True

    # --- drag and drop -----------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(ROWS_MIME, QByteArray(json.dumps(rows).encode()))
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        if action != Qt.DropAction.MoveAction or not data.hasFormat(ROWS_MIME):
            return False
        try:
            rows = json.loads(bytes(data.data(ROWS_MIME).data()).decode())
        except ValueError:
            return False
        if len(rows) != 1:
            return False
        destination = row if row >= 0 else (parent.row() if parent.isValid() else len(self._items))
        self.moveRows(QModelIndex(), int(rows[0]), 1, QModelIndex(), destination)
        # We moved the row ourselves; answering False stops the view from also removing
        # the "source" row afterwards, as it does for a MoveAction between models.
        return False
