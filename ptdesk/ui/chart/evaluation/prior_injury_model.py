"""Table model of the patient's prior injuries (description, side, date) as typed in the form."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.ui.kit.notify import Notifier

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Description", "Side", "Date")
SIDE_COLUMN = 1
INJURY_SIDES = (("left", "Left"), ("right", "Right"), ("both", "Both"))
_SIDE_LABELS = dict(INJURY_SIDES)


class PriorInjuryModel(QAbstractTableModel):
    """Rows of raw text, so a half-typed date survives autosave; parsed only on save."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.edited = Notifier()
        self._rows: list[list[str]] = []
        self._read_only = False

    # ---- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _SIDE_LABELS.get(value, value) if index.column() == SIDE_COLUMN else value
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return "Date as YYYY-MM-DD (leave empty if unknown)"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self._read_only:
            return False
        text = "" if value is None else str(value)
        if index.column() == SIDE_COLUMN and text not in _SIDE_LABELS:
            return False
        if self._rows[index.row()][index.column()] == text:
            return True
        self._rows[index.row()][index.column()] = text
        self.dataChanged.emit(index, index,
             [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.edited.emit()
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self._read_only else base | Qt.ItemFlag.ItemIsEditable

    # ---- editing -----------------------------------------------------------------------

    def add_row(self, side: str = "left") -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(["", side, ""])
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        self.edited.emit()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    # ---- raw text and domain values ----------------------------------------------------

    def raw(self) -> list[list[str]]:
        return [list(row) for row in self._rows]

    def set_raw(self, rows: list[list[str]]) -> None:
        self.beginResetModel()
        self._rows = [[str(cell) for cell in (list(row) + ["", "left", ""])[:3]] for row in rows]
        self.endResetModel()

    def load(self, injuries: tuple[ev.PriorInjury, ...]) -> None:
        self.set_raw([
            [i.description, i.side, i.injury_date.isoformat() if i.injury_date else ""]
            for i in injuries
        ])

    def injuries(self) -> tuple[ev.PriorInjury, ...]:
        """Parsed rows; fully empty rows are skipped, a bad date names its row."""
        out = []
        for n, (description, side, when) in enumerate(self._rows):
            if not description.strip() and not when.strip():
                continue
            injury_date = None
            if when.strip():
                try:
                    injury_date = date.fromisoformat(when.strip())
                except ValueError:
                    raise ValidationError(
                        f"prior_injuries[{n}].injury_date",
                        f"Prior injury {n + 1}: enter the date as YYYY-MM-DD, e.g. 2026-07-10.",
                    ) from None
            out.append(ev.PriorInjury(description.strip(), side, injury_date))
        return tuple(out)
