"""Header of the Evaluation tab: which visit is open, its status, save and carry-forward buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.evaluations import VisitSummary
from ptdesk.ui.chart.evaluation.fields import ErrorLabel
from ptdesk.ui.kit.notify import Notifier

STATUS_TEXT = {"draft": "Draft — not signed", "signed": "Signed"}


def visit_label(visit: VisitSummary) -> str:
    status = "signed" if visit.status == "signed" else "draft"
    late = " · late entry" if visit.late_entry else ""
    return f"{visit.visit_date:%Y-%m-%d} · {visit.type_label} · {status}{late}"


class VisitHeader(QWidget):
    """Visit selector, status, Save, Carry forward, a message line and section jump buttons."""

    def __init__(self, section_titles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Plain-Python notifications (see notify.py); Save and Carry forward are the
        # buttons' own clicked signals.
        self.visit_chosen = Notifier()
        self.section_chosen = Notifier()
        self._updating = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 4)
        layout.setSpacing(6)

        top = QHBoxLayout()
        visit_label_widget = QLabel("&Visit")
        self.visit_combo = QComboBox()
        self.visit_combo.setObjectName("evaluationVisit")
        self.visit_combo.setAccessibleName("Visit")
        self.visit_combo.setMinimumContentsLength(24)  # fits a 1024 px window
        self.visit_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        visit_label_widget.setBuddy(self.visit_combo)
        self.status_label = QLabel()
        self.status_label.setObjectName("evaluationStatus")
        self.status_label.setAccessibleName("Visit status")
        bold = QFont(self.status_label.font())
        bold.setBold(True)
        self.status_label.setFont(bold)
        self.late_label = QLabel()
        self.late_label.setObjectName("evaluationLateEntry")
        self.late_label.setAccessibleName("Late entry")
        self.late_label.hide()
        self.carry_button = QPushButton("Carry &forward from last visit")
        self.carry_button.setAccessibleName("Carry forward from last visit")
        self.carry_button.setToolTip(
            "Fill knee, ankle, strength, gait and special tests with the previous visit's "
            "values for editing")
        self.save_button = QPushButton("Save")
        self.save_button.setAccessibleName("Save")
        self.save_button.setToolTip("Save the evaluation (Ctrl+S)")
        self.save_button.setDefault(False)
        top.addWidget(visit_label_widget)
        top.addWidget(self.visit_combo)
        top.addSpacing(12)
        top.addWidget(self.status_label)
        top.addSpacing(8)
        top.addWidget(self.late_label)
        top.addStretch(1)
        top.addWidget(self.carry_button)
        top.addWidget(self.save_button)
        layout.addLayout(top)

        self.info_label = QLabel()
        self.info_label.setObjectName("evaluationInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.info_label.setMargin(6)
        self.info_label.hide()
        layout.addWidget(self.info_label)
        self.error_label = ErrorLabel()
        self.error_label.setObjectName("evaluationError")
        self.error_label.setAccessibleName("Evaluation message")
        layout.addWidget(self.error_label)

        jumps = QHBoxLayout()
        jumps.setSpacing(4)
        jumps.addWidget(QLabel("Go to:"))
        self.jump_buttons: list[QToolButton] = []
        for n, title in enumerate(section_titles, start=1):
            button = QToolButton()
            button.setText(title)
            button.setAccessibleName(f"Go to {title}")
            button.setToolTip(f"Alt+{n}")
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the tab's Alt+n shortcuts do this
            button.clicked.connect(lambda _checked=False, i=n - 1: self.section_chosen.emit(i))
            self.jump_buttons.append(button)
            jumps.addWidget(button)
        jumps.addStretch(1)
        layout.addLayout(jumps)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.visit_combo.currentIndexChanged.connect(self._on_visit_combo_changed)

    def _on_visit_combo_changed(self, index: int) -> None:
        if self._updating or index < 0:
            return
        self.visit_chosen.emit(int(self.visit_combo.itemData(index)))

    # ---- updates from the tab ----------------------------------------------------------

    def set_visits(self, visits: list[VisitSummary], current_id: int | None) -> None:
        self._updating = True
        try:
            self.visit_combo.clear()
            for visit in visits:
                self.visit_combo.addItem(visit_label(visit), visit.id)
            index = self.visit_combo.findData(current_id) if current_id is not None else -1
            self.visit_combo.setCurrentIndex(index)
            self.visit_combo.setEnabled(bool(visits))
        finally:
            self._updating = False

    def select_visit(self, visit: VisitSummary) -> None:
        self._updating = True
        try:
            index = self.visit_combo.findData(visit.id)
            if index < 0:
                self.visit_combo.addItem(visit_label(visit), visit.id)
                index = self.visit_combo.count() - 1
            self.visit_combo.setItemText(index, visit_label(visit))
            self.visit_combo.setCurrentIndex(index)
        finally:
            self._updating = False
        self.status_label.setText(STATUS_TEXT.get(visit.status, visit.status))
        # A note written after its day of service says so, with both dates (issue 18).
        self.late_label.setText(visit.late_entry_text)
        self.late_label.setVisible(visit.late_entry)

    def set_actions(self, *, can_save: bool, can_carry_forward: bool) -> None:
        self.save_button.setEnabled(can_save)
        self.carry_button.setEnabled(can_carry_forward)

    def show_info(self, text: str) -> None:
        self.info_label.setText(text)
        self.info_label.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.error_label.show_message(text)
