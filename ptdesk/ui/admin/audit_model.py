"""Table model of audit-log entries (who, when, where, what) for the administrator's viewer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ptdesk.services.audit.log import AuditRow
from ptdesk.ui.kit.rows_model import Column, RowsModel

ACTION_LABELS = {
    "view": "Viewed", "create": "Created", "update": "Changed", "delete": "Deleted",
    "sign": "Signed", "addendum": "Addendum", "print": "Printed", "export": "Exported",
    "backup": "Backup", "restore": "Restore", "login": "Signed in", "logout": "Signed out",
    "failed_login": "Failed sign-in", "lock": "Locked",
}


def when_text(row: AuditRow) -> str:
    """Local clinic time to the second: the time a person would remember."""
    return row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def record_text(row: AuditRow) -> str:
    kind = row.record_type.replace("_", " ")
    return f"{kind} {row.record_id}" if row.record_id is not None else kind


COLUMNS: tuple[Column[AuditRow], ...] = (
    Column("When", when_text),
    Column("User", lambda r: r.actor),
    Column("Workstation", lambda r: r.workstation),
    Column("Action", lambda r: ACTION_LABELS.get(r.action, r.action)),
    Column("Patient (MRN)", lambda r: r.patient_mrn),
    Column("Record", record_text),
    Column("What changed", lambda r: r.summary,
           {Qt.ItemDataRole.ToolTipRole: lambda r: r.summary or None}),
)


class AuditModel(RowsModel[AuditRow]):
    """Read-only rows, oldest first, as `ptdesk.services.audit.log.report` returns them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent, row_roles={Qt.ItemDataRole.UserRole: lambda r: r.id})

    entry = RowsModel.row_at
