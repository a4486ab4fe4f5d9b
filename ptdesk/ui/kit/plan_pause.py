"""The run plan's pause banner with Pause and Resume, shared by the Run plan and Run log tabs."""
# In the kit because two chart tabs (Run plan, Run log) show it and features never import
# each other.

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan.amounts import UNIT_WORDS
from ptdesk.services.changes import ChangeKind
from ptdesk.services.errors import ServiceError
from ptdesk.services.runplans import StoredPlan, pause_plan, resume_plan
from ptdesk.ui.context import AppContext

PAUSED_TEXT = ("Running is paused: the patient should contact the clinic and not run until "
               "the plan is resumed.")


class PauseBar(QWidget):
    """Says when the active plan is paused; Pause and Resume (with a restart dose) save a version."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._plan: StoredPlan | None = None
        self.today: Callable[[], dt.date] = dt.date.today  # tests may pin the day
        self.banner = QLabel()
        self.banner.setObjectName("plan_paused")
        self.banner.setWordWrap(True)
        self.pause_button = QPushButton("Pause plan…")
        self.pause_button.setObjectName("pause_plan")
        self.resume_button = QPushButton("Resume plan…")
        self.resume_button.setObjectName("resume_plan")
        for button in (self.pause_button, self.resume_button):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner, 1)
        layout.addStretch(0)
        layout.addWidget(self.pause_button)
        layout.addWidget(self.resume_button)
        self.pause_button.clicked.connect(self._on_pause_button_clicked)
        self.resume_button.clicked.connect(self._on_resume_button_clicked)
        self.set_plan(None)

    def set_plan(self, plan: StoredPlan | None) -> None:
        self._plan = plan
        paused = plan is not None and plan.plan.paused
        may_edit = self._ctx.can("edit_plan")
        self.banner.setText(PAUSED_TEXT if paused else "")
        self.banner.setVisible(paused)
        self.pause_button.setVisible(plan is not None and not paused and may_edit)
        self.resume_button.setVisible(paused and may_edit)

    def pause(self) -> bool:
        plan = self._plan
        if plan is None:
            return False
        answer = QMessageBox.question(
            self, "Pause the run plan",
            "Pause running? The patient is told to contact the clinic, and the plan stays "
            "paused until you resume it with a restart dose. Past weeks are kept.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._save(lambda: pause_plan(self._ctx.session_factory, actor=self._ctx.actor,
                                             patient_id=plan.patient_id, today=self.today()))

    def resume(self) -> bool:
        plan = self._plan
        if plan is None:
            return False
        unit = UNIT_WORDS[plan.inputs.measure]
        dose, ok = QInputDialog.getDouble(
            self, "Resume the run plan",
            f"Restart dose for this week, in {unit} of running (the plan grows from it "
            f"under the weekly cap):", 0.0, 0.0, 3000.0, 2)
        if not ok:
            return False
        return self._save(lambda: resume_plan(
            self._ctx.session_factory, actor=self._ctx.actor, patient_id=plan.patient_id,
            restart_weekly=str(dose), today=self.today()))

    def _save(self, action: Callable[[], StoredPlan]) -> bool:
        try:
            stored = action()
        except (ValidationError, ServiceError) as exc:
            self.banner.setText(getattr(exc, "message", None) or str(exc))
            self.banner.setVisible(True)
            return False
        self.set_plan(stored)
        self._ctx.signals.data_changed.emit(ChangeKind.RUNPLAN, stored.patient_id)
        self.changed.emit()
        return True

    def _on_pause_button_clicked(self) -> None:
        self.pause()

    def _on_resume_button_clicked(self) -> None:
        self.resume()
