"""Table model of a patient's logged runs, newest first."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from ptdesk.services.runlogs import RunLogInfo
from ptdesk.ui.kit.rows_model import RIGHT, ROW_ROLE, Column, Index, RowsModel
from ptdesk.ui.kit.run_text import KIND_LABELS, MORNING_LABELS, amount_text
from ptdesk.ui.kit.text import day_text

RUN_ROLE = ROW_ROLE  # the RunLogInfo of the row
_RIGHT = {Qt.ItemDataRole.TextAlignmentRole: lambda _run: RIGHT}
COLUMNS: tuple[Column[RunLogInfo], ...] = (
    Column("Date", lambda r: f"{r.run_date:%a} {day_text(r.run_date)}", accessible=False),
    Column("Running", lambda r: amount_text(r.amount, r.measure), _RIGHT, accessible=False),
    Column("Kind", lambda r: KIND_LABELS.get(r.kind, r.kind), accessible=False),
    Column("Pain during", lambda r: f"{r.pain_during}/10", _RIGHT, accessible=False),
    Column("Next morning", lambda r: MORNING_LABELS.get(r.next_morning, r.next_morning),
           accessible=False),
    Column("Swelling", lambda r: "Yes" if r.swelling else "No", accessible=False),
    Column("Limping", lambda r: "Yes" if r.limping else "No", accessible=False),
    Column("Note", lambda r: r.note.replace("\n", " "),
           {Qt.ItemDataRole.ToolTipRole: lambda r: r.note or None}, accessible=False),
)
DATE, AMOUNT, KIND, PAIN, MORNING, SWELLING, LIMPING, NOTE = range(len(COLUMNS))
# An imported run's pain columns hold placeholders (0/10, "same") until answered.
NOT_ENTERED = "Pain: not entered"
_ANSWER_COLUMNS = (PAIN, MORNING, SWELLING, LIMPING)


class RunsTableModel(RowsModel[RunLogInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent, numbered=True)
        self._waiting: frozenset[int] = frozenset()

    def set_runs(self, runs: Sequence[RunLogInfo], waiting: Collection[int] = ()) -> None:
        """Runs as the service lists them (oldest first); shown newest first.

        `waiting` are ids of imported runs whose pain answers are not in yet.
        """
        self._waiting = frozenset(waiting)
        self.set_rows(sorted(runs, key=lambda r: (r.run_date, r.id), reverse=True))

    def is_waiting(self, row: int) -> bool:
        run = self.row_at(row)
        return run is not None and run.id in self._waiting

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() in _ANSWER_COLUMNS and self.is_waiting(index.row()):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return NOT_ENTERED if index.column() == PAIN else "—"
            if role == Qt.ItemDataRole.ToolTipRole:
                return ("Imported from a watch file: ask the runner about pain during the run "
                        "and next morning (Enter pain answers…).")
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return None
            if role == Qt.ItemDataRole.FontRole and index.column() == PAIN:
                font = QFont()
                font.setItalic(True)  # not a value: a question still to ask
                return font
        return super().data(index, role)

    run_at = RowsModel.row_at
