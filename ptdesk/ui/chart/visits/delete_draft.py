"""Deleting an unsigned visit note from the Visits list, after the clinician confirms."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.services.errors import ServiceError
from ptdesk.services.evaluations import VisitSummary
from ptdesk.services.visit_drafts import delete_draft_visit
from ptdesk.ui.context import AppContext


def delete_question(visit: VisitSummary) -> str:
    return (f"Delete the unsigned {visit.type_label.lower()} note of "
            f"{visit.visit_date:%Y-%m-%d}?\n\nEverything charted in it, and its outcome "
            "forms, are removed. This cannot be undone; the deletion is recorded in the "
            "audit log.")


def confirm_and_delete(parent: QWidget, ctx: AppContext, visit: VisitSummary) -> bool:
    """Ask, then delete; True when the note is gone. Refusals are said in a message box."""
    if visit.status == "signed":
        QMessageBox.information(parent, "Delete note", "This note is signed and cannot be "
                                "deleted; add an addendum to correct it.")
        return False
    if QMessageBox.question(parent, "Delete unsigned note", delete_question(visit)) \
            != QMessageBox.StandardButton.Yes:
        return False
    try:
        delete_draft_visit(ctx.session_factory, actor=ctx.actor, visit_id=visit.id)
    except ServiceError as exc:
        QMessageBox.warning(parent, "Note not deleted", str(exc))
        return False
    return True
