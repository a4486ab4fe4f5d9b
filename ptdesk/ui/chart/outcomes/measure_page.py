"""One page of the Outcomes tab: a measure's form, scrolling, with its live total and Save button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptdesk.ui.chart.outcomes.form_base import MeasureForm
from ptdesk.ui.chart.outcomes.result_view import ResultView


class MeasurePage(QWidget):
    def __init__(self, form: MeasureForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        scroll = QScrollArea()
        scroll.setObjectName(f"{form.measure}_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(8, 8, 16, 8)
        holder_layout.addWidget(form)
        scroll.setWidget(holder)
        self.total = QLabel()
        self.total.setObjectName(f"{form.measure}_total")
        self.total.setAccessibleName(f"{form.title} total")
        bold = QFont(self.total.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.total.setFont(bold)
        self.state = QLabel()
        self.state.setObjectName(f"{form.measure}_state")
        self.state.setWordWrap(True)
        self.result = ResultView(form.measure, form.title)
        self.save_button = QPushButton(f"Save {form.title}")
        self.save_button.setObjectName(f"save_{form.measure}")
        self.save_button.setAccessibleName(f"Save {form.title}")
        self.save_button.setToolTip("Ctrl+S saves every outcome form you changed")
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 4)
        texts = QVBoxLayout()
        texts.addWidget(self.total)
        texts.addWidget(self.state)
        texts.addWidget(self.result)
        bar.addLayout(texts, 1)
        bar.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(line)
        layout.addLayout(bar)
        self.update_total()
        self.set_state("")

    def set_state(self, text: str) -> None:
        """The line under the total ("Saved: …", "Not saved: …"); hidden while empty."""
        self.state.setText(text)
        self.state.setVisible(bool(text))

    def update_total(self) -> None:
        self.total.setText(self.form.summary_text())

    def set_editable(self, editable: bool) -> None:
        self.form.set_editable(editable)
        self.save_button.setEnabled(editable)
