"""The patient list: a lazily paged, query-backed table model that stays instant at 100,000 rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from ptdesk.services.patients import PatientSummary, count_patients, search_patients
from ptdesk.services.uow import SessionFactory

PAGE_SIZE = 200
SEARCH_DELAY_MS = 120
COLUMNS = ("MRN", "Name", "Born", "Age")
MRN_COLUMN, NAME_COLUMN, BORN_COLUMN, AGE_COLUMN = range(4)
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex
Cells = tuple[str, str, str, str]
# Views ask data() for a dozen roles per cell on every paint: plain ints and a precomputed
# flags value keep each call a few dictionary-free comparisons.
_TEXT_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.AccessibleTextRole)})
_ALIGN_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
_ID_ROLE = int(PATIENT_ID_ROLE)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def _cells(patient: PatientSummary, today: date) -> Cells:
    born = patient.date_of_birth
    return (patient.mrn, patient.display_name, born.isoformat(), str(patient.age_on(today)))


class PatientListModel(QAbstractTableModel):
    """Rows are fetched a page at a time, in the order the search query returns them.

    Only the first page is queried per keystroke; later pages arrive through
    fetchMore as the view scrolls, and the total is counted after the list has
    been shown so typing never waits for a count.
    """

    search_applied = Signal(str)   # the text now shown (after the debounce)
    total_changed = Signal(int)    # how many patients match the search

    def __init__(self, session_factory: SessionFactory, actor: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session_factory = session_factory
        self._actor = actor  # the signed-in user: every search is checked against the account
        self._rows: list[PatientSummary] = []
        self._cells: list[Cells] = []
        self._text = ""
        self._has_more = False
        self._total: int | None = None
        self._today = date.today()
        self._pending_text = ""
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(0)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self._count_timer.timeout.connect(self._on_count_timer_timeout)

    # ---- searching ------------------------------------------------------------------

    @property
    def search_text(self) -> str:
        return self._text

    def search_later(self, text: str) -> None:
        """Debounced search for typing: waits until the keys pause briefly."""
        self._pending_text = text
        self._search_timer.start()

    def flush_pending_search(self) -> None:
        """Apply a debounced search now (Enter pressed before the pause ended)."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.set_search(self._pending_text)

    def set_search(self, text: str) -> None:
        """Show the first page of patients matching `text` (one indexed query)."""
        self._load(text.strip(), PAGE_SIZE)

    def refresh(self) -> None:
        """Re-run the current search (a patient was added or edited, here or elsewhere).

        As many rows as were loaded are read again, so a list scrolled down stays put.
        """
        self._load(self._text, max(PAGE_SIZE, len(self._rows)))

    def _load(self, text: str, limit: int) -> None:
        self._search_timer.stop()
        rows = search_patients(self._session_factory, text, actor=self._actor, limit=limit)
        today = date.today()
        cells = [_cells(row, today) for row in rows]
        self.beginResetModel()
        self._text = text
        self._rows, self._cells, self._today = rows, cells, today
        self._has_more = len(rows) == limit
        self._total = None if self._has_more else len(rows)
        self.endResetModel()
        self.search_applied.emit(text)
        if self._total is None:
            self._count_timer.start()
        else:
            self.total_changed.emit(self._total)

    @property
    def total(self) -> int | None:
        """Matching patients, or None while the count is still pending."""
        return self._total

    def _on_search_timer_timeout(self) -> None:
        self.set_search(self._pending_text)

    def _on_count_timer_timeout(self) -> None:
        self._total = count_patients(self._session_factory, self._text, actor=self._actor)
        self.total_changed.emit(self._total)

    # ---- lookups --------------------------------------------------------------------

    def patient_at(self, row: int) -> PatientSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def patient_id(self, row: int) -> int | None:
        patient = self.patient_at(row)
        return patient.id if patient else None

    def row_of(self, patient_id: int) -> int | None:
        """Row of a loaded patient (only fetched pages are searched)."""
        for row, patient in enumerate(self._rows):
            if patient.id == patient_id:
                return row
        return None

    # ---- Qt model API ---------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or not self._has_more:
            return False
        # Once counted, the total saves the extra query after an exactly full last page.
        return self._total is None or len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        page = search_patients(self._session_factory, self._text, actor=self._actor,
                               limit=PAGE_SIZE, offset=len(self._rows))
        self._has_more = len(page) == PAGE_SIZE
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self._cells.extend(_cells(row, self._today) for row in page)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == AGE_COLUMN:
                return _RIGHT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._cells) or not index.isValid():
            return None
        if role in _TEXT_ROLES:
            return self._cells[row][index.column()]
        if role == _ALIGN_ROLE:
            return _RIGHT if index.column() == AGE_COLUMN else None
        if role == _ID_ROLE:
            return self._rows[row].id
        if role == _TOOLTIP_ROLE:
            mrn, name, born, _age = self._cells[row]
            return f"{name} · MRN {mrn} · born {born}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags
