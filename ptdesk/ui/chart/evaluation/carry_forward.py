"""Carry forward: a follow-up's measurements filled in from the patient's previous visit."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.services.evaluations import VisitSummary, carry_forward
from ptdesk.ui.chart.evaluation.section import EvaluationSection
from ptdesk.ui.context import AppContext

# Sections whose values carry forward to a follow-up (measurements, not today's story).
OBJECTIVE_SECTIONS = ("knee", "ankle", "strength", "gait")


def has_objective_input(sections: Mapping[str, EvaluationSection]) -> bool:
    for name in OBJECTIVE_SECTIONS:
        try:
            parts = sections[name].to_domain()
        except ValidationError:
            return True  # text that does not parse is still the clinician's input
        if any(parts.values()):
            return True
    return False


def previous_measurements(
    parent: QWidget, ctx: AppContext, visit: VisitSummary,
    sections: Mapping[str, EvaluationSection],
) -> ev.Evaluation | None:
    """The last visit's findings to fill in; None when the clinician keeps what is typed."""
    if has_objective_input(sections) and QMessageBox.question(
        parent, "Carry forward",
        "Replace the knee, ankle, strength and gait entries with the last visit's values?",
    ) != QMessageBox.StandardButton.Yes:
        return None
    return carry_forward(ctx.session_factory, actor=ctx.actor, patient_id=visit.patient_id,
                         before_visit_id=visit.id)


def fill_objective(sections: Mapping[str, EvaluationSection], previous: ev.Evaluation) -> None:
    for name in OBJECTIVE_SECTIONS:
        sections[name].clear()
        sections[name].load(previous)
