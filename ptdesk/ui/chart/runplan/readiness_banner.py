"""Run plan tab banner: which return-to-run readiness criteria are met (warns, never blocks)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QStyle

from ptdesk.services.readiness import readiness_status
from ptdesk.ui.chart.readiness_text import readiness_text
from ptdesk.ui.chart.runplan.preview_parts import warning_frame
from ptdesk.ui.context import AppContext


class ReadinessBanner:
    """A label in an amber frame above the plan preview, from readiness.readiness_status."""

    def __init__(self, ctx: AppContext, style: QStyle) -> None:
        self.ctx = ctx
        self.label = QLabel()
        self.label.setObjectName("plan_readiness")
        self.label.setAccessibleName("Readiness to run")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.frame: QFrame = warning_frame(self.label, style)

    def show_patient(self, patient_id: int | None) -> None:
        if patient_id is None:
            self.frame.setVisible(False)
            return
        status = readiness_status(self.ctx.session_factory, patient_id, actor=self.ctx.actor)
        text = readiness_text(status)
        if not status.all_met:
            text += "\nYou can still build and save a plan."
        self.label.setText(("Readiness to run: " if status.all_met
                            else "Check before running starts: ") + text)
        self.label.setProperty("allMet", status.all_met)
        self.frame.setVisible(True)
