"""Table model of a patient's logged runs, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt

from ptdesk.services.runlogs import RunLogInfo
from ptdesk.ui.kit.rows_model import RIGHT, ROW_ROLE, Column, RowsModel
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


class RunsTableModel(RowsModel[RunLogInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent, numbered=True)

    def set_runs(self, runs: Sequence[RunLogInfo]) -> None:
        """Runs as the service lists them (oldest first); shown newest first."""
        self.set_rows(sorted(runs, key=lambda r: (r.run_date, r.id), reverse=True))

    run_at = RowsModel.row_at
