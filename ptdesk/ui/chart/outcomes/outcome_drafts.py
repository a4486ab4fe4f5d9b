"""Autosaved outcome forms, one draft per visit and measure, kept in the database (PHI)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.services import drafts
from ptdesk.services.evaluations import VisitSummary
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.drafts import local_time_text

DRAFT_FORMAT = 1
LABELS = {"nprs": "Pain (NPRS)", "lefs": "LEFS", "kujala": "Kujala", "psfs": "PSFS"}


def form_key(visit_id: int, measure: str) -> str:
    return f"outcomes:visit:{visit_id}:{measure}"


def save(ctx: AppContext, visit: VisitSummary, measure: str, state: dict[str, Any]) -> None:
    payload = json.dumps({"format": DRAFT_FORMAT, "state": state})
    drafts.save_draft(ctx.session_factory, actor=ctx.actor, form_key=form_key(visit.id, measure),
                      payload=payload, patient_id=visit.patient_id,
                      label=f"{LABELS[measure]} {visit.visit_date:%Y-%m-%d}")


def discard(ctx: AppContext, visit_id: int, measure: str) -> None:
    drafts.discard_draft(ctx.session_factory, actor=ctx.actor,
                         form_key=form_key(visit_id, measure))


def offer(parent: QWidget, ctx: AppContext, visit: VisitSummary,
          measures: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Ask once for all of this visit's drafts; declined drafts are discarded.

    Returns measure -> saved form state; a draft that cannot be read is left in place.
    """
    found = {}
    for measure in measures:
        draft = drafts.get_draft(ctx.session_factory, actor=ctx.actor,
                                 form_key=form_key(visit.id, measure))
        if draft is not None:
            found[measure] = draft
    if not found:
        return {}
    newest = max(d.saved_at for d in found.values())
    names = ", ".join(LABELS[m] for m in found)
    answer = QMessageBox.question(
        parent, "Restore unsaved changes",
        f"Restore unsaved changes from {local_time_text(newest)}?\n\n"
        f"Outcome forms not yet saved for this visit: {names}.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        for measure in found:
            discard(ctx, visit.id, measure)
        return {}
    states = {}
    for measure, draft in found.items():
        try:
            state = json.loads(draft.payload)["state"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(state, dict):
            states[measure] = state
    return states
