"""Cell editors for the prescription table: bounded spin boxes, a side picker, a note line."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ptdesk.domain import exercise_library as lib
from ptdesk.ui.chart.exercises.labels import side_label
from ptdesk.ui.chart.exercises.prescription_model import COLUMNS, NUMBER_FIELDS

Index = QModelIndex | QPersistentModelIndex
# Generous clinical bounds: they stop typing slips without limiting real programmes.
RANGES: dict[str, tuple[int, int]] = {
    "sets": (1, 20),
    "reps": (0, 200),
    "hold_seconds": (0, 600),
    "minutes": (0, 240),
    "per_day": (0, 10),
    "per_week": (0, 7),
}


class DosageDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        field, header = COLUMNS[index.column()]
        editor: QWidget
        if field in NUMBER_FIELDS:
            spin = QSpinBox(parent)
            spin.setRange(*RANGES[field])
            spin.setSpecialValueText("–" if RANGES[field][0] == 0 else "")
            editor = spin
        elif field == "side":
            combo = QComboBox(parent)
            for code in lib.SIDES:
                combo.addItem(side_label(code), code)
            editor = combo
        else:
            line = QLineEdit(parent)
            line.setMaxLength(2000)
            editor = line
        editor.setAccessibleName(header)
        editor.setObjectName(f"edit_{field}")
        editor.setAutoFillBackground(True)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
