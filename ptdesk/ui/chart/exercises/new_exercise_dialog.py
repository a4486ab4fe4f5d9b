"""Dialog for a clinic's own exercise: name, category, side, steps, precautions, dosage."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import exercise_library as lib
from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.services.exercises import ExerciseInfo, add_custom_exercise
from ptdesk.services.uow import SessionFactory
from ptdesk.ui.chart.exercises.dosage_fields import DosageFields
from ptdesk.ui.chart.exercises.labels import category_label, side_label
from ptdesk.ui.kit.error_label import make_error_label, show_error
from ptdesk.ui.kit.text import plain_message


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


class NewExerciseDialog(QDialog):
    """OK adds the exercise through the service; errors appear under the field they concern."""

    def __init__(self, session_factory: SessionFactory, parent: QWidget | None = None, *,
                 actor: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("New exercise")
        self.setMinimumWidth(860)
        self._sf = session_factory
        self._actor = actor
        self.created: ExerciseInfo | None = None
        self.name = self._line("name", "Name")
        self.category = QComboBox()
        for code in lib.CATEGORIES:
            self.category.addItem(category_label(code), code)
        self.side = QComboBox()
        for code in lib.SIDES:
            self.side.addItem(side_label(code), code)
        self.purpose = self._line("purpose", "Purpose")
        self.muscles = self._line("target_muscles", "Target muscles")
        self.muscles.setPlaceholderText("Separate with commas, e.g. gluteus medius, TFL")
        self.steps = self._text("steps", "Steps (one per line)")
        self.precautions = self._text("precautions", "Precautions (one per line)")
        self.dosage = DosageFields()
        self.dosage.set_value(lib.Dosage(3, 10, 0, 1, 0))
        self.side.setCurrentIndex(self.side.findData("each"))
        for combo, name, label in ((self.category, "category", "Category"),
                                   (self.side, "side", "Side")):
            combo.setObjectName(name)
            combo.setAccessibleName(label)
        self.errors = {key: make_error_label() for key in
                       ("name", "category", "side", "steps", "dosage")}
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self._build_layout()
        self._connect_signals()

    def _line(self, name: str, label: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(label)
        return edit

    def _text(self, name: str, label: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(label)
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(90)
        return edit

    def _build_layout(self) -> None:
        about = QFormLayout()
        about.addRow("Name", self.name)
        about.addRow("", self.errors["name"])
        about.addRow("Category", self.category)
        about.addRow("Side", self.side)
        about.addRow("", self.errors["side"])
        about.addRow("Purpose", self.purpose)
        about.addRow("Target muscles", self.muscles)
        about.addRow("Steps (one per line)", self.steps)
        about.addRow("", self.errors["steps"])
        about.addRow("Precautions (one per line)", self.precautions)
        dosage_box = QGroupBox("Default dosage")
        dosage_layout = QVBoxLayout(dosage_box)
        dosage_layout.addWidget(self.dosage)
        dosage_layout.addWidget(self.errors["dosage"])
        dosage_layout.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(about, 3)
        columns.addWidget(dosage_box, 2)
        layout = QVBoxLayout(self)
        hint = QLabel("Your own exercise has no drawing; attach a photo after saving it.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(columns)
        layout.addWidget(self.errors["category"])
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def _on_buttons_accepted(self) -> None:
        for label in self.errors.values():
            show_error(label, "")
        try:
            self.created = add_custom_exercise(
                self._sf, actor=self._actor, name=self.name.text(), category=self.category.currentData(),
                steps=_lines(self.steps), dosage=self.dosage.value(),
                side=self.side.currentData(), purpose=self.purpose.text(),
                target_muscles=tuple(m.strip() for m in self.muscles.text().split(",")
                                     if m.strip()),
                precautions=_lines(self.precautions),
            )
        except ValidationError as exc:
            key = exc.field.split(".")[0].split("[")[0]
            show_error(self.errors.get(key, self.errors["dosage"]), plain_message(exc))
            return
        except ServiceError as exc:  # e.g. the signed-in role may not change the library
            show_error(self.errors["dosage"], str(exc))
            return
        self.accept()
