"""Assessment and plan section: problem list, diagnosis with ICD-10, frequency, plan and SOAP notes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGridLayout, QHBoxLayout, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.ui.chart.evaluation.section import (
    EvaluationSection,
    add_row,
    form_layout,
    inline_label,
    subheading,
)

_PLAN_FIELDS = ("problem_list", "working_diagnosis", "icd10_code", "visit_frequency", "plan_notes")
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

        self.body.addWidget(subheading("SOAP note"))
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
