"""Carry forward: a new note filled in from the patient's earlier visits (history, measurements, plan)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.domain.carry import CARRIED_SUBJECTIVE
from ptdesk.domain.errors import ValidationError
from ptdesk.services.carry import Carried, carry_forward_all
from ptdesk.services.evaluations import VisitSummary
from ptdesk.ui.chart.evaluation.section import EvaluationSection
from ptdesk.ui.context import AppContext

# Form section -> the carried parts of the evaluation it shows (domain/carry.py).
CARRIED_PARTS: dict[str, tuple[str, ...]] = {
    "subjective": ("subjective",), "knee": ("knees", "special_tests"), "ankle": ("ankles",),
    "strength": ("strength",), "gait": ("gait",), "assessment": ("assessment",),
}
OBJECTIVE_SECTIONS = ("knee", "ankle", "strength", "gait")
# Working diagnosis and ICD-10 code are episode facts (issue 18): shown from the episode, never
# carried from an older note (see domain/carry.py).
PLAN_KEYS = ("problem_list", "visit_frequency", "plan_notes")
INJURIES = "prior_injuries"
Marks = dict[tuple[str, str], date]  # (section, field key) -> date of the visit carried from


def has_carried_input(sections: Mapping[str, EvaluationSection]) -> bool:
    """Anything typed where carried values would go (the clinician is asked first)."""
    for name in OBJECTIVE_SECTIONS:
        try:
            parts = sections[name].to_domain()
        except ValidationError:
            return True  # text that does not parse is still the clinician's input
        if any(parts.values()):
            return True
    raw = {**sections["subjective"].raw(), **sections["assessment"].raw()}
    keys = [k for k in (*CARRIED_SUBJECTIVE, *PLAN_KEYS) if k not in ("volume_unit", INJURIES)]
    return any(str(raw.get(k) or "").strip() for k in keys) or bool(raw.get(INJURIES))


def previous_record(parent: QWidget, ctx: AppContext, visit: VisitSummary,
                    sections: Mapping[str, EvaluationSection]) -> Carried | None:
    """The earlier visits' values to fill in; None when the clinician keeps what is typed."""
    if has_carried_input(sections) and QMessageBox.question(
        parent, "Carry forward",
        "Replace the history, measurements and plan you typed with the earlier visits' values? "
        "Today's complaint, pain, red-flag screen and SOAP note are left as they are.",
    ) != QMessageBox.StandardButton.Yes:
        return None
    return carry_forward_all(ctx.session_factory, actor=ctx.actor, patient_id=visit.patient_id,
                             before_visit_id=visit.id)


def _changed(section: EvaluationSection, before: dict[str, Any]) -> list[str]:
    after = section.raw()
    return [key for key, value in after.items() if value != before.get(key)
            and value not in ("", None, False, [])]


def fill_carried(sections: Mapping[str, EvaluationSection], carried: Carried) -> Marks:
    """Fill every carried section; returns the marks for the values that came in."""
    marks: Marks = {}
    evaluation = carried.evaluation
    for name, parts in CARRIED_PARTS.items():
        sources = [carried.sources[p] for p in parts if p in carried.sources]
        if not sources:
            continue
        section = sections[name]
        blank = type(section)().raw()  # what an untouched section shows
        if name == "subjective":
            found = evaluation.subjective
            assert found is not None
            for key in CARRIED_SUBJECTIVE:
                if key != INJURIES:
                    section.fields.set_value(key, getattr(found, key))
            section.injuries.load(found.prior_injuries)  # type: ignore[attr-defined]
        elif name == "assessment":
            plan = evaluation.assessment
            assert plan is not None
            for key in PLAN_KEYS:
                section.fields.set_value(key, getattr(plan, key))
        else:
            section.clear()
            section.load(evaluation)
        for key in _changed(section, blank):
            if name == "subjective" and key not in CARRIED_SUBJECTIVE:
                continue
            if name == "assessment" and key not in PLAN_KEYS:
                continue
            marks[(name, key)] = max(sources)
    return marks
