"""List model of a patient's prescription versions, newest first."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from ptdesk.services.prescriptions import PrescriptionInfo
from ptdesk.ui.chart.exercises.prescription_model import dosage_words
from ptdesk.ui.kit.rows_model import ROW_ROLE, Column, RowsModel
from ptdesk.ui.kit.text import day_text

VERSION_ROLE = ROW_ROLE
STATUS_WORDS = {"active": "current", "superseded": "replaced", "retired": "stopped"}


def version_text(info: PrescriptionInfo) -> str:
    count = len(info.items)
    noun = "exercise" if count == 1 else "exercises"
    return f"{day_text(info.effective_date)} · {STATUS_WORDS.get(info.status, info.status)} · " \
           f"{count} {noun}"


def version_tooltip(info: PrescriptionInfo) -> str:
    lines = [f"{i.exercise_name}: {dosage_words(i)}" for i in info.items]
    return "\n".join(lines + ([f"Note: {info.note}"] if info.note else []))


class HistoryModel(RowsModel[PrescriptionInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([Column("Version", version_text,
                                 {Qt.ItemDataRole.ToolTipRole: version_tooltip})], parent)

    set_versions = RowsModel.set_rows
    version_at = RowsModel.row_at
