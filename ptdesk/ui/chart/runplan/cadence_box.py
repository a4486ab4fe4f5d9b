"""Run plan tab: the baseline cadence (intake, or confirmed by the clinician) and its target."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ptdesk.domain.cadence import CADENCE_INCREASE_MAX_PCT, cadence_target_spm
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.units import CADENCE_MAX_SPM, CADENCE_MIN_SPM
from ptdesk.services.cadence import CadenceBaseline, confirm_baseline_cadence, get_cadence
from ptdesk.services.errors import ServiceError
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.error_label import make_error_label, show_error
from ptdesk.ui.kit.layout_cell import layout_cell
from ptdesk.ui.kit.text import day_text


class CadenceBox(QGroupBox):
    """The clinician confirms the cadence the target grows from; `saved` after each change.

    The target itself is never typed: it is the baseline raised by the increase chosen at
    the gait assessment, at most +10%, rounded half up (domain/cadence.py), the number
    the run plan, the exercise sheet's cadence drill and the Overview print.
    """

    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Cadence target", parent)
        self.setObjectName("cadence_box")
        self._ctx = ctx
        self._patient_id: int | None = None
        self._cadence = CadenceBaseline()
        self.intake = QLabel()
        self.intake.setObjectName("cadence_intake")
        self.intake.setWordWrap(True)
        self.baseline = QSpinBox()
        self.baseline.setObjectName("baseline_cadence")
        self.baseline.setAccessibleName("Baseline cadence")
        self.baseline.setRange(int(CADENCE_MIN_SPM), int(CADENCE_MAX_SPM))
        self.baseline.setSuffix(" steps/min")
        self.confirm_button = QPushButton("Confirm baseline")
        self.confirm_button.setObjectName("confirm_baseline_cadence")
        self.confirm_button.setToolTip("Use this cadence as the baseline for this episode")
        self.intake_button = QPushButton("Use intake")
        self.intake_button.setObjectName("use_intake_cadence")
        self.intake_button.setToolTip("Go back to the first measured cadence as the baseline")
        self.target = QLabel()
        self.target.setObjectName("cadence_target")
        self.target.setWordWrap(True)
        self.error = make_error_label()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.baseline, self.confirm_button, self.intake_button):
            row.addWidget(widget)
        row.addStretch(1)
        form = QFormLayout(self)
        form.addRow(self.intake)
        form.addRow("Baseline", layout_cell(row))  # never addRow(label, layout): see layout_cell
        form.addRow("", self.error)
        form.addRow(self.target)
        self.baseline.valueChanged.connect(self._on_baseline_value_changed)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.intake_button.clicked.connect(self._on_intake_button_clicked)

    def show_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        self._cadence = (get_cadence(self._ctx.session_factory, actor=self._ctx.actor,
                                     patient_id=patient_id)
                         if patient_id is not None else CadenceBaseline())
        self._show()

    def _show(self) -> None:
        c = self._cadence
        show_error(self.error, "")
        if c.intake_spm is not None and c.intake_on is not None:
            self.intake.setText(f"Intake cadence {c.intake_spm} steps/min "
                                f"({day_text(c.intake_on)}).")
        else:
            self.intake.setText("No cadence measured yet (gait assessment).")
        self.baseline.blockSignals(True)
        self.baseline.setValue(c.baseline_spm or int(CADENCE_MIN_SPM))
        self.baseline.blockSignals(False)
        editable = self._patient_id is not None and self._ctx.can("edit_plan")
        self.baseline.setEnabled(editable and (c.baseline_spm is not None))
        self.confirm_button.setEnabled(editable and c.intake_spm is not None)
        self.intake_button.setEnabled(editable and c.confirmed_spm is not None)
        self._show_target()

    def _show_target(self) -> None:
        c = self._cadence
        typed = self.baseline.value()
        if c.baseline_spm is None:
            self.target.setText("")
            return
        pending = typed != c.baseline_spm
        source = "confirmed baseline" if c.confirmed_spm is not None else "intake"
        self.target.setToolTip("The baseline raised by the increase chosen at the gait "
                               "assessment, at most +10%, rounded half up. It prints on the "
                               "run plan and on the cadence drill.")
        if c.increase_pct is None:
            self.target.setText("No target yet: choose the increase at the gait assessment.")
            return
        target = cadence_target_spm(typed if pending else c.baseline_spm, c.increase_pct)
        pct = min(c.increase_pct, float(CADENCE_INCREASE_MAX_PCT))
        self.target.setText(f"Target {target} steps/min once confirmed (not saved yet)."
                            if pending else
                            f"Target {target} steps/min ({source} +{pct:g}%, at most +10%).")

    def _store(self, spm: int | None) -> None:
        if self._patient_id is None:
            return
        try:
            self._cadence = confirm_baseline_cadence(
                self._ctx.session_factory, actor=self._ctx.actor, patient_id=self._patient_id,
                spm=spm)
        except ValidationError as exc:
            show_error(self.error, exc.message)
            return
        except ServiceError as exc:
            show_error(self.error, str(exc))
            return
        self._show()
        self.saved.emit()

    def _on_baseline_value_changed(self, _value: int) -> None:
        self._show_target()

    def _on_confirm_button_clicked(self) -> None:
        self._store(self.baseline.value())

    def _on_intake_button_clicked(self) -> None:
        self._store(None)
