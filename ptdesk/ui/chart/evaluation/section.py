"""Base for one evaluation section: a titled block whose inputs live in a FormFields registry."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.ui.chart.evaluation.fields import FormFields
from ptdesk.ui.chart.evaluation.quick_fill import Fill, QuickFillBar
from ptdesk.ui.kit.flow_layout import flow_box
from ptdesk.ui.kit.heading import heading as make_heading
from ptdesk.ui.kit.notify import Notifier


class EvaluationSection(QWidget):
    """One heading plus its inputs; subclasses build the form and map it to the domain."""

    title = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edited = Notifier()  # any input changed (plain Python: see notify.py)
        self.fields = FormFields()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 8, 0, 16)
        outer.setSpacing(8)
        self.heading = make_heading(self.title, 1.25, name="sectionHeading")
        outer.addWidget(self.heading)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(rule)
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        outer.addLayout(self.body)
        self.fields.edited.connect(self.edited.emit)

    # ---- overridden by sections --------------------------------------------------------

    def load(self, evaluation: ev.Evaluation) -> None:
        """Fill the inputs from the section's part of a saved evaluation."""
        raise NotImplementedError

    def to_domain(self) -> dict[str, Any]:
        """Evaluation keyword arguments for this section; raises ValidationError on bad input."""
        raise NotImplementedError

    # ---- shared behaviour --------------------------------------------------------------

    def raw(self) -> dict[str, Any]:
        return dict(self.fields.raw())

    def set_raw(self, raw: dict[str, Any]) -> None:
        self.fields.set_raw(raw)

    def clear(self) -> None:
        self.fields.clear()

    def set_read_only(self, read_only: bool) -> None:
        self.fields.set_read_only(read_only)
        if self.quick_fill_bar is not None:
            self.quick_fill_bar.set_read_only(read_only)

    def show_error(self, key: str, message: str) -> bool:
        return self.fields.show_error(key, message)

    def clear_errors(self) -> None:
        self.fields.clear_errors()

    def check_fields(self) -> list[ValidationError]:
        return self.fields.check_all()

    def focus_widget(self, key: str) -> QWidget | None:
        return self.fields.focus_widget(key)

    def first_input(self) -> QWidget | None:
        keys = self.fields.keys()
        return self.fields.widget(keys[0]) if keys else None

    # ---- quick fills ---------------------------------------------------------------------

    quick_fill_bar: QuickFillBar | None = None

    def add_quick_fills(self, fills: tuple[Fill, ...]) -> None:
        """A row of quick-fill buttons above the section's fields."""
        self.quick_fill_bar = QuickFillBar(self, fills)
        self.body.insertWidget(0, self.quick_fill_bar)

    @property
    def quick_fills(self) -> dict[str, QPushButton]:
        return self.quick_fill_bar.buttons if self.quick_fill_bar is not None else {}

    def forget_fills(self) -> None:
        if self.quick_fill_bar is not None:
            self.quick_fill_bar.forget()


# One label column width for every section, so fields line up down the whole form.
LABEL_WIDTH = 170
H_SPACING = 14


def form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(H_SPACING)
    form.setVerticalSpacing(6)
    # A row too wide for a narrow window puts its field under the label, never off-screen.
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form


def columns(*forms: tuple[QLayout, bool], spacing: int = 32) -> QWidget:
    """Form columns side by side when the width allows, one under the other when it does not.

    Each entry is (layout, grows): growing columns share the width left over. Fields keep
    their reading (and Tab) order either way: the first column's, then the next one's.
    """
    cells = []
    for form, grows in forms:
        cell = QWidget()
        form.setContentsMargins(0, 0, 0, 0)
        cell.setLayout(form)
        if grows:
            cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        cells.append(cell)
    return flow_box(cells, h_spacing=spacing, v_spacing=6, top=True)


def check_row(boxes: list[QWidget]) -> QWidget:
    """Check boxes in a row that wraps onto more rows in a narrow window."""
    return flow_box(boxes, h_spacing=H_SPACING, v_spacing=4)


def add_row(form: QFormLayout, text: str, field: QWidget | QLayout, width: int = LABEL_WIDTH) -> None:
    """A form row whose label has the shared width (so columns align across sections)."""
    label = QLabel(text)
    label.setMinimumWidth(width)
    if isinstance(field, QLayout):
        form.addRow(label, field)
    else:
        label.setBuddy(field)
        form.addRow(label, field)


def subheading(text: str) -> QLabel:
    """A bold sub-title inside a section (e.g. "Running history")."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 8, 0, 2)
    return label


def inline_label(text: str) -> QLabel:
    """A label inside a row (e.g. "Race date"), with breathing room on its left."""
    label = QLabel(text)
    label.setContentsMargins(H_SPACING, 0, 4, 0)
    return label


def side_grid() -> QGridLayout:
    """A label | Left | Right grid with the clinic's usual spacing and column headers."""
    grid = QGridLayout()
    grid.setColumnMinimumWidth(0, LABEL_WIDTH)
    grid.setHorizontalSpacing(H_SPACING)
    grid.setVerticalSpacing(6)
    grid.setColumnStretch(1, 1)
    grid.setColumnStretch(2, 1)
    for column, text in ((1, "Left"), (2, "Right")):
        header = QLabel(text)
        font = QFont(header.font())
        font.setBold(True)
        header.setFont(font)
        grid.addWidget(header, 0, column)
    return grid


def row_label(text: str, buddy: QWidget | None = None) -> QLabel:
    label = QLabel(text)
    if buddy is not None:
        label.setBuddy(buddy)
    return label
