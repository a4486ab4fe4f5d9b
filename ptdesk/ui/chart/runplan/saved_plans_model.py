"""List model of a patient's saved return-to-run plans, newest first."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from ptdesk.services.runplans import StoredPlan
from ptdesk.ui.chart.runplan.plan_table_model import amount_text
from ptdesk.ui.kit.rows_model import ROW_ROLE, Column, RowsModel
from ptdesk.ui.kit.text import day_text

PLAN_ROLE = ROW_ROLE
STATUS_WORDS = {"active": "active", "archived": "earlier"}


def plan_text(stored: StoredPlan) -> str:
    goal = amount_text(stored.inputs.goal_weekly, stored.inputs.measure)
    status = STATUS_WORDS.get(stored.status, stored.status)
    return (f"{day_text(stored.created_on)} · {status} · {len(stored.plan.weeks)} weeks · "
            f"goal {goal} a week")


def _font(stored: StoredPlan) -> QFont | None:
    if stored.status != "active":
        return None
    font = QFont()
    font.setBold(True)
    return font


class SavedPlansModel(RowsModel[StoredPlan]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([Column("Plan", plan_text, {
            Qt.ItemDataRole.ToolTipRole:
                lambda s: f"Starts {day_text(s.inputs.start)}; {s.note}".rstrip("; "),
            Qt.ItemDataRole.FontRole: _font}, accessible=False)], parent)

    set_plans = RowsModel.set_rows
    plan_at = RowsModel.row_at
