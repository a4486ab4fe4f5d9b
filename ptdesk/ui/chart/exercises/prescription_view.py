"""The prescription table view: drag to reorder, Ctrl+Up/Down to move, Delete to remove."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ptdesk.ui.chart.exercises.dosage_delegate import DosageDelegate
from ptdesk.ui.chart.exercises.prescription_model import COLUMNS, PrescriptionModel

NOTE = len(COLUMNS) - 1
NOTE_MIN, NOTE_MAX, NAME_ROOM = 100, 360, 220
NAME_MIN = 170  # px: "Single-leg bridge", "Cadence drill with a …" read whole


class PrescriptionView(QTableView):
    def __init__(self, model: PrescriptionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setItemDelegate(DosageDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragDropOverwriteMode(False)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The exercise name gets the room; the note is read in full in its editor or tooltip.
        # Not Stretch: a stretched column shrinks to "…" in a narrow window (resizeEvent).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.setColumnWidth(NOTE, NOTE_MIN)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Wide windows give the spare room to the note; narrow ones keep it for the name.
        header = self.horizontalHeader()
        fixed = sum(header.sectionSize(c) for c in range(1, NOTE))
        spare = self.viewport().width() - fixed - NAME_ROOM
        note = max(NOTE_MIN, min(NOTE_MAX, spare))
        self.setColumnWidth(NOTE, note)
        # The name takes what is left, never less than NAME_MIN: a narrow table scrolls
        # sideways inside itself rather than cut every name to "…".
        self.setColumnWidth(0, max(NAME_MIN, self.viewport().width() - fixed - note))

    def current_row(self) -> int:
        rows = self.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        current = self.currentIndex()
        return current.row() if current.isValid() else -1

    def select_row(self, row: int, column: int = 0) -> None:
        if not 0 <= row < self._model.rowCount():
            self.clearSelection()
            return
        index = self._model.index(row, column)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(index)

    def move_current(self, offset: int) -> None:
        row = self.current_row()
        if row < 0:
            return
        column = max(self.currentIndex().column(), 0)
        self.select_row(self._model.move_row(row, offset), column)

    def remove_current(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        self._model.removeRows(row, 1)
        self.select_row(min(row, self._model.rowCount() - 1))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ctrl and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_current(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Delete and self.state() != self.State.EditingState:
            self.remove_current()
            event.accept()
            return
        super().keyPressEvent(event)
