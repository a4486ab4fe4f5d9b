"""RowsModel[T]: one read-only table (or list) model for any rows, driven by column declarations."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object itself (a DTO)
_R = Qt.ItemDataRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its heading, its text, and any other role (tooltip, font, colour...)."""

    title: str
    text: Callable[[T], str]
    roles: Mapping[int, Callable[[T], Any]] = field(default_factory=dict)
    # Read by screen readers when the text alone would not say what it is.
    accessible: bool = True
    header_tip: str = ""  # the heading's tooltip


class RowsModel(QAbstractTableModel, Generic[T]):
    """Rows of T, shown as the columns declare; a list view shows the first column.

    `key` names a row for `row_of` (a selection kept across a reload); `row_roles` are
    roles answered alike in every column (the row's id for a view, its DTO for a panel).
    """

    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None, *,
                 key: Callable[[T], Hashable] | None = None,
                 row_roles: Mapping[int, Callable[[T], Any]] | None = None,
                 numbered: bool = False) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._key = key
        self._row_roles = dict(row_roles or {})
        self._row_roles.setdefault(ROW_ROLE, lambda row: row)
        self._numbered = numbered  # row numbers in the vertical header
        self._rows: list[T] = []

    # ---- rows -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: Hashable) -> int | None:
        assert self._key is not None, "row_of needs a key"
        return next((n for n, row in enumerate(self._rows) if self._key(row) == key), None)

    # ---- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = _R.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(self.columns):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == _R.DisplayRole or (role == _R.AccessibleTextRole and column.accessible
                                      and _R.AccessibleTextRole not in column.roles):
            return column.text(row)
        if role in column.roles:
            return column.roles[role](row)
        if role in self._row_roles:
            return self._row_roles[role](row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _R.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns)
        if role == _R.ToolTipRole and horizontal:
            return self.columns[section].header_tip or None
        if role != _R.DisplayRole:
            return None
        if horizontal:
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical and self._numbered \
                and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)
