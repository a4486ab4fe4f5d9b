"""The dosage inputs shared by the default-dosage and new-exercise dialogs."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from ptdesk.domain import exercise_library as lib
from ptdesk.ui.chart.exercises.dosage_delegate import RANGES
from ptdesk.ui.kit.layout_cell import layout_cell


def _spin(name: str, label: str, field: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(*RANGES[field])
    spin.setObjectName(name)
    spin.setAccessibleName(label)
    return spin


class DosageFields(QWidget):
    """Sets, reps, hold, minutes, and how often (a number of times per day or per week)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sets = _spin("sets", "Sets", "sets")
        self.reps = _spin("reps", "Repetitions", "reps")
        self.hold = _spin("hold_seconds", "Hold (seconds)", "hold_seconds")
        self.minutes = _spin("minutes", "Minutes", "minutes")
        self.times = _spin("times", "How often", "per_day")
        self.times.setRange(1, 10)
        self.per = QComboBox()
        self.per.addItem("times a day", "day")
        self.per.addItem("days a week", "week")
        self.per.setObjectName("per")
        self.per.setAccessibleName("Per day or per week")
        self.note = QLineEdit()
        self.note.setObjectName("dosage_note")
        self.note.setAccessibleName("Dosage note")
        self.note.setPlaceholderText("e.g. build up to 50 over two weeks")
        often = QHBoxLayout()
        often.setContentsMargins(0, 0, 0, 0)
        often.addWidget(self.times)
        often.addWidget(self.per, 1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Sets", self.sets)
        form.addRow("Repetitions", self.reps)
        form.addRow("Hold (seconds)", self.hold)
        form.addRow("Minutes", self.minutes)
        form.addRow("How often", layout_cell(often))  # never addRow(label, layout): layout_cell
        form.addRow("Dosage note", self.note)

    def set_value(self, dosage: lib.Dosage) -> None:
        self.sets.setValue(max(dosage.sets, 1))
        self.reps.setValue(dosage.reps)
        self.hold.setValue(dosage.hold_seconds)
        self.minutes.setValue(dosage.minutes)
        weekly = dosage.per_week > 0 and dosage.per_day == 0
        self.per.setCurrentIndex(1 if weekly else 0)
        self.times.setValue(max(dosage.per_week if weekly else dosage.per_day, 1))
        self.note.setText(dosage.note)
        self.note.setCursorPosition(0)  # long notes show their beginning

    def value(self) -> lib.Dosage:
        times = self.times.value()
        weekly = self.per.currentData() == "week"
        return lib.Dosage(
            sets=self.sets.value(), reps=self.reps.value(), hold_seconds=self.hold.value(),
            per_day=0 if weekly else times, per_week=times if weekly else 0,
            note=self.note.text().strip(), minutes=self.minutes.value(),
        )
