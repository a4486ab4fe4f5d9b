"""A layout as one widget, for a form row: the only safe way to put a layout in a QFormLayout."""

from __future__ import annotations

from PySide6.QtWidgets import QLayout, QWidget


def layout_cell(layout: QLayout) -> QWidget:
    """`layout` (and every widget in it) held by a plain widget, ready for `form.addRow`.

    PySide's QFormLayout.addRow(label, layout) leaves the widgets already in `layout` owned
    by Python although Qt makes them children of the form. When Python later collects the
    form, Qt deletes those widgets with their parent and Python deletes them again: a
    segfault (seen as crashed test workers). QWidget.setLayout hands the widgets over
    properly, and addRow(label, widget) hands over the cell.
    """
    cell = QWidget()
    cell.setLayout(layout)
    return cell
