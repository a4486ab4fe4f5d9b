"""The note's "Outcome measures" part: what the clinic asks for at this visit, and a button each."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ptdesk.domain.visit_rules import MEASURE_LABELS
from ptdesk.services.changes import ChangeKind
from ptdesk.services.errors import ServiceError
from ptdesk.services.evaluations import VisitSummary
from ptdesk.services.visit_measures import VisitMeasures, visit_measures
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.heading import heading as make_heading
from ptdesk.ui.kit.notify import Notifier


def status_text(measures: VisitMeasures, signed: bool) -> str:
    """One line per the visit: "NPRS recorded · LEFS missing · Kujala added late"."""
    if not measures.asked:
        return "The clinic asks for no outcome measures at this kind of visit."
    parts = []
    for key in measures.asked:
        state = ("recorded" if key in measures.in_note else
                 "added late" if key in measures.late else "missing")
        parts.append(f"{MEASURE_LABELS[key]} {state}")
    text = " · ".join(parts)
    if measures.missing and signed:
        text += (". The note is signed: a missing measure is added as a dated late entry, "
                 "beside the note.")
    elif measures.missing:
        them = "them" if len(measures.missing) > 1 else "it"
        text += f". Record {them} before signing (the Sign dialog lists what is missing)."
    return text


class OutcomeMeasuresPanel(QWidget):
    """Shows the visit's asked-for measures; "Record LEFS…" opens that form for this visit."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluationOutcomeMeasures")
        self.ctx = ctx
        self.measure_requested = Notifier()  # (visit id, measure)
        self._visit: VisitSummary | None = None
        self.measures: VisitMeasures | None = None
        self.heading = make_heading("Outcome measures", 1.25)
        self.status = QLabel()
        self.status.setObjectName("outcomeMeasuresStatus")
        self.status.setAccessibleName("Outcome measures of this visit")
        self.status.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        self.button_row = QHBoxLayout()
        for key, label in MEASURE_LABELS.items():
            button = QPushButton(f"Record {label}…")
            button.setObjectName(f"recordMeasure_{key}")
            button.setAccessibleName(f"Record {label}")
            button.clicked.connect(lambda _c=False, k=key: self._on_button_clicked(k))
            self.buttons[key] = button
            self.button_row.addWidget(button)
        self.button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addLayout(self.button_row)
        # A form saved in the Outcomes tab updates this list; the note itself is untouched,
        # so the Evaluation tab does not reload for it.
        ctx.signals.data_changed.connect(self._on_signals_data_changed)
        self.show_visit(None)

    def show_visit(self, visit: VisitSummary | None) -> None:
        self._visit = visit
        self.refresh()

    def refresh(self) -> None:
        visit = self._visit
        self.setVisible(visit is not None)
        if visit is None:
            self.measures = None
            return
        try:
            self.measures = visit_measures(self.ctx.session_factory, actor=self.ctx.actor,
                                           visit_id=visit.id)
        except ServiceError:
            self.measures = None
            self.status.setText("")
            return
        signed = visit.status == "signed"
        self.status.setText(status_text(self.measures, signed))
        may = self.ctx.can("edit_evaluation")
        for key, button in self.buttons.items():
            asked = key in self.measures.asked
            done = key in self.measures.in_note or key in self.measures.late
            # Measures the clinic did not ask for stay reachable from the Outcomes tab.
            button.setVisible(asked)
            button.setEnabled(may and not (signed and done))
            label = MEASURE_LABELS[key]
            if not signed:
                button.setText(f"Record {label}…")
            else:
                button.setText(f"{label} recorded" if done else f"Add {label} (late entry)…")

    def _on_signals_data_changed(self, kind: object, patient_id: int) -> None:
        if kind == ChangeKind.OUTCOMES and self._visit is not None \
                and patient_id == self._visit.patient_id:
            self.refresh()

    def _on_button_clicked(self, measure: str) -> None:
        if self._visit is not None:
            self.measure_requested.emit(self._visit.id, measure)
