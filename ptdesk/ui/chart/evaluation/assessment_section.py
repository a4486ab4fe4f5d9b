"""Assessment and plan section: problem list, diagnosis with ICD-10, frequency, plan and SOAP notes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGridLayout, QHBoxLayout, QPushButton, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.ui.chart.evaluation.section import (
    EvaluationSection,
    add_row,
    form_layout,
    inline_label,
    subheading,
)
from ptdesk.ui.kit.shortcuts import DRAFT_NOTE_KEY

_PLAN_FIELDS = ("problem_list", "working_diagnosis", "icd10_code", "visit_frequency", "plan_notes")
DRAFT_SHORTCUT = DRAFT_NOTE_KEY
_SOAP = (("soap_subjective", "S — Subjective"), ("soap_objective", "O — Objective"),
         ("soap_assessment", "A — Assessment"), ("soap_plan", "P — Plan"))


def _icd10_check(value: Any) -> None:
    ev.AssessmentPlan(icd10_code=str(value)).validate()


class AssessmentSection(EvaluationSection):
    title = "Assessment and plan"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        f = self.fields
        form = form_layout()
        add_row(form, "Problem list", f.text_area(
            "problem_list", "Problem list", rows=3,
            placeholder="One problem per line, e.g. right hip abductor weakness"))
        diagnosis = QHBoxLayout()
        diagnosis.addWidget(f.line("working_diagnosis", "Working diagnosis",
                                   placeholder="e.g. Patellofemoral pain syndrome"), 1)
        diagnosis.addWidget(inline_label("ICD-10"))
        diagnosis.addWidget(f.line("icd10_code", "ICD-10", width=110, placeholder="M22.2X1"))
        add_row(form, "Working diagnosis", diagnosis)
        add_row(form, "Visit frequency", f.line("visit_frequency", "Visit frequency",
                                              placeholder="e.g. 1x/week for 6 weeks"))
        add_row(form, "Plan", f.text_area("plan_notes", "Plan", rows=3,
                                        placeholder="Treatment, home program, return-to-run"))
        self.body.addLayout(form)
        # ICD-10 is checked as soon as the clinician leaves the field, like the numbers.
        icd = f.widget("icd10_code")
        icd.editingFinished.connect(self._on_icd10_editing_finished)  # type: ignore[attr-defined]

        soap_head = QHBoxLayout()
        soap_head.addWidget(subheading("SOAP note"))
        # Drafts S, O, A and P from the charted exam (the tab wires it: soap_draft.py).
        self.draft_button = QPushButton("Draft from exam")
        self.draft_button.setObjectName("draftFromExam")
        self.draft_button.setAccessibleName("Draft note from exam")
        self.draft_button.setToolTip(f"Write S, O, A and P from the fields above "
                                     f"({DRAFT_SHORTCUT}); typed text is only replaced if you say so")
        soap_head.addWidget(self.draft_button)
        soap_head.addStretch(1)
        self.body.addLayout(soap_head)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for n, (key, label) in enumerate(_SOAP):
            cell = QFormLayout()
            cell.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
            cell.addRow(label, f.text_area(key, label, rows=4))
            grid.addLayout(cell, n // 2, n % 2)
        self.body.addLayout(grid)

    def _on_icd10_editing_finished(self) -> None:
        message = ""
        code = self.fields.value("icd10_code")
        if code:
            try:
                _icd10_check(code)
            except ValidationError as exc:
                message = exc.message
        self.fields.show_error("icd10_code", message)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.draft_button.setEnabled(not read_only)

    def load(self, evaluation: ev.Evaluation) -> None:
        plan = evaluation.assessment or ev.AssessmentPlan()
        for name in _PLAN_FIELDS:
            self.fields.set_value(name, getattr(plan, name))
        for key, _label in _SOAP:
            self.fields.set_value(key, getattr(evaluation, key))

    def to_domain(self) -> dict[str, Any]:
        plan = ev.AssessmentPlan(**{name: self.fields.value(name) for name in _PLAN_FIELDS})
        out: dict[str, Any] = {"assessment": None if plan == ev.AssessmentPlan() else plan}
        out.update({key: self.fields.value(key) for key, _label in _SOAP})
        return out

    def first_input(self) -> QWidget | None:
        return self.fields.widget("problem_list")
