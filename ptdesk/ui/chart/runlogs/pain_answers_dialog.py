"""Pain answers for imported runs: the watch does not know them, the weekly decision waits for them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.services.run_import import answer_pain, runs_waiting_for_pain
from ptdesk.services.runlogs import list_runs
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.run_text import MORNING_LABELS, amount_text
from ptdesk.ui.kit.text import day_text

NOT_CHOSEN = -1  # the pain box's "—": an imported run's 0/10 is a placeholder, never a default


class PainAnswersDialog(QDialog):
    """One waiting run at a time: pain during, next morning, swelling, limping; Save goes on."""

    answered = Signal(int)  # run id, after its answers were saved

    def __init__(self, ctx: AppContext, patient_id: int, parent: QWidget | None = None,
                 run_id: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pain answers for imported runs")
        self.setObjectName("pain_answers_dialog")
        self._ctx = ctx
        self._patient_id = patient_id
        intro = QLabel("Ask the runner about each run the watch recorded. Until the answers "
                       "are in, the run shows \u201cPain: not entered\u201d and its week's "
                       "decision waits.")
        intro.setWordWrap(True)
        self.run = QComboBox()
        self.run.setObjectName("waiting_run")
        self.run.setAccessibleName("Run waiting for pain answers")
        self.pain = QSpinBox()
        self.pain.setObjectName("answer_pain_during")
        self.pain.setAccessibleName("Pain during (0–10)")
        self.pain.setRange(NOT_CHOSEN, 10)
        self.pain.setSpecialValueText("—")
        self.morning = QComboBox()
        self.morning.setObjectName("answer_next_morning")
        self.morning.setAccessibleName("Next morning")
        self.morning.addItem("—", None)
        for key, label in MORNING_LABELS.items():
            self.morning.addItem(label, key)
        self.swelling = QCheckBox("Swelling")
        self.limping = QCheckBox("Limping")
        self.state = QLabel()
        self.state.setObjectName("pain_answers_state")
        self.state.setWordWrap(True)
        self.save_button = QPushButton("&Save answers")
        self.save_button.setObjectName("save_pain_answers")
        self.save_button.setDefault(True)
        close = QPushButton("Close")
        form = QFormLayout()
        form.addRow("Run", self.run)
        form.addRow("Pain during (0–10)", self.pain)
        form.addRow("Next morning", self.morning)
        checks = QHBoxLayout()
        checks.addWidget(self.swelling)
        checks.addWidget(self.limping)
        checks.addStretch(1)
        form.addRow("", checks)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        close.clicked.connect(self.accept)
        self.load(run_id)

    def load(self, run_id: int | None = None) -> None:
        """List the runs still waiting (oldest first) and pick `run_id` or the first one."""
        sf, actor = self._ctx.session_factory, self._ctx.actor
        waiting = runs_waiting_for_pain(sf, self._patient_id, actor=actor)
        runs = {r.id: r for r in list_runs(sf, self._patient_id, actor=actor)}
        self.run.clear()
        for waiting_id, day in waiting:
            info = runs.get(waiting_id)
            amount = f" · {amount_text(info.amount, info.measure)}" if info else ""
            self.run.addItem(f"{day:%a} {day_text(day)}{amount}", waiting_id)
        if run_id is not None and self.run.findData(run_id) >= 0:
            self.run.setCurrentIndex(self.run.findData(run_id))
        self._clear_answers()
        for widget in (self.run, self.pain, self.morning, self.swelling, self.limping,
                       self.save_button):
            widget.setEnabled(bool(waiting))
        if not waiting:
            self.state.setText("No imported run is waiting for pain answers.")

    def _clear_answers(self) -> None:
        self.pain.setValue(NOT_CHOSEN)
        self.morning.setCurrentIndex(0)
        self.swelling.setChecked(False)
        self.limping.setChecked(False)

    def save(self) -> bool:
        run_id = self.run.currentData()
        if run_id is None:
            return False
        if self.pain.value() == NOT_CHOSEN:
            self.state.setText("Enter the pain during the run (0 to 10).")
            self.pain.setFocus()
            return False
        morning = self.morning.currentData()
        if morning is None:
            self.state.setText("Choose how the next morning felt: better, same or worse.")
            self.morning.setFocus()
            return False
        try:
            answer_pain(self._ctx.session_factory, actor=self._ctx.actor, run_id=run_id,
                        pain_during=self.pain.value(), next_morning=morning,
                        swelling=self.swelling.isChecked(), limping=self.limping.isChecked())
        except (ValidationError, ServiceError) as exc:
            self.state.setText(f"Not saved: {exc}")
            return False
        saved = self.run.currentText()
        self.load()
        left = self.run.count()
        self.state.setText(f"Saved for {saved}. " + (f"{left} still waiting." if left else
                                                       "All pain answers are in."))
        self.answered.emit(run_id)
        return True

    def _on_save_button_clicked(self) -> None:
        self.save()
