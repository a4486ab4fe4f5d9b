"""Autosaved drafts of one visit's evaluation form, kept in the database (never in files: PHI)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.domain.stamps import as_utc
from ptdesk.services import drafts
from ptdesk.services.evaluations import VisitSummary
from ptdesk.ui.context import AppContext

DRAFT_FORMAT = 1


def form_key(visit_id: int) -> str:
    return f"evaluation:visit:{visit_id}"


@dataclass(frozen=True)
class RestoredDraft:
    sections: dict[str, Any]  # section name -> raw input texts
    version: int | None       # the visit version the draft was typed on


class EvaluationDrafts:
    """Save, offer back and discard the raw form of a visit (invalid text included)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def save(self, visit: VisitSummary, version: int | None, sections: dict[str, Any]) -> None:
        payload = json.dumps({"format": DRAFT_FORMAT, "visit_id": visit.id, "version": version,
                              "sections": sections})
        drafts.save_draft(self.ctx.session_factory, actor=self.ctx.actor,
                          form_key=form_key(visit.id), payload=payload,
                          patient_id=visit.patient_id,
                          label=f"Evaluation {visit.visit_date:%Y-%m-%d}")

    def discard(self, visit_id: int) -> None:
        drafts.discard_draft(self.ctx.session_factory, actor=self.ctx.actor,
                             form_key=form_key(visit_id))

    def offer(self, parent: QWidget, visit: VisitSummary) -> RestoredDraft | None:
        """Ask to restore a saved draft; declining discards it. None when nothing to restore.

        Raises ValueError when the stored draft cannot be read (it is then left as it is).
        """
        draft = drafts.get_draft(self.ctx.session_factory, actor=self.ctx.actor,
                                 form_key=form_key(visit.id))
        if draft is None:
            return None
        answer = QMessageBox.question(
            parent, "Unsaved changes",
            f"Restore unsaved changes from {local_time(draft.saved_at)}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            self.discard(visit.id)
            return None
        try:
            data = json.loads(draft.payload)
            sections = data["sections"]
            version = data.get("version")
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError("unreadable draft") from exc
        if not isinstance(sections, dict):
            raise ValueError("unreadable draft")
        return RestoredDraft(sections, version if isinstance(version, int) else None)


def local_time(moment: datetime) -> str:
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M")
