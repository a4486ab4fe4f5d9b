"""The prescription editor: the dosed list, template, reorder/remove and progress/regress actions."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import exercise_library as lib
from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.services.exercises import ExerciseInfo
from ptdesk.services.prescriptions import DosedItem, items_from_template, step_item
from ptdesk.ui.chart.exercises.prescription_model import (
    PrescriptionModel,
    dosage_words,
    item_problem,
)
from ptdesk.ui.chart.exercises.prescription_view import PrescriptionView
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.error_label import make_error_label, show_error
from ptdesk.ui.kit.text import plain_message


def item_for(info: ExerciseInfo) -> DosedItem:
    """A new line with the exercise's default dosage (the clinic's edited default if any)."""
    d = info.dosage
    return DosedItem(exercise_id=info.id, sets=max(d.sets, 1), reps=d.reps,
                     hold_seconds=d.hold_seconds, minutes=d.minutes, per_day=d.per_day,
                     per_week=d.per_week, side=info.side, exercise_name=info.name,
                     category=info.category, library_id=info.library_id)


def _button(text: str, name: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    return button


class PrescriptionPanel(QWidget):
    current_exercise_changed = Signal(int)  # exercise id of the selected line

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.patient_id: int | None = None  # a sprained-ankle template follows their ankle
        self.model = PrescriptionModel(self)
        self.view = PrescriptionView(self.model)
        self.view.setObjectName("prescription_table")
        self.view.setAccessibleName("Prescription")
        self.template = QComboBox()
        self.template.setObjectName("template")
        self.template.setAccessibleName("Template")
        # Sized to a few words, not its longest template name: the tab fits 1024 px.
        self.template.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.template.setMinimumContentsLength(8)
        self.template.setMinimumWidth(160)  # its placeholder would ask for 220 px
        for template_id, template in sorted(lib.load_templates().items(),
                                            key=lambda pair: pair[1].name):
            self.template.addItem(template.name, template_id)
            self.template.setItemData(self.template.count() - 1, template.description,
                                      Qt.ItemDataRole.ToolTipRole)
        self.template.setPlaceholderText("Choose a starting programme…")
        self.template.setCurrentIndex(-1)
        self.apply_button = _button("Apply template…", "apply_template",
                                    "Fill the list from the chosen template, then edit it")
        self.up_button = _button("Move up", "move_up", "Ctrl+Up")
        self.down_button = _button("Move down", "move_down", "Ctrl+Down")
        self.remove_button = _button("Remove", "remove_item", "Delete")
        self.progress_button = _button("Progress", "progress_item",
                                       "Swap for the harder version linked in the library")
        self.regress_button = _button("Regress", "regress_item",
                                      "Swap for the easier version linked in the library")
        self.words = QLabel()
        self.words.setObjectName("dosage_words")
        self.words.setWordWrap(True)
        self.error = make_error_label()
        self._build_layout()
        self._connect_signals()
        self._on_selection_changed()
        self._on_template_current_index_changed(self.template.currentIndex())

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Template"))
        top.addWidget(self.template, 1)
        top.addWidget(self.apply_button)
        actions = QHBoxLayout()
        for button in (self.up_button, self.down_button, self.remove_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.regress_button)
        actions.addWidget(self.progress_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addWidget(self.words)
        layout.addWidget(self.error)

    def _connect_signals(self) -> None:
        self.apply_button.clicked.connect(self._on_apply_button_clicked)
        self.template.currentIndexChanged.connect(self._on_template_current_index_changed)
        self.up_button.clicked.connect(self._on_up_button_clicked)
        self.down_button.clicked.connect(self._on_down_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.progress_button.clicked.connect(self._on_progress_button_clicked)
        self.regress_button.clicked.connect(self._on_regress_button_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        self.model.dataChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._on_selection_changed)
        self.model.rowsRemoved.connect(self._on_selection_changed)

    # --- actions used by the tab and the tests ---------------------------------------------
    def add_exercise(self, info: ExerciseInfo) -> None:
        row = self.model.add_item(item_for(info))
        self.view.select_row(row)

    def apply_template(self, template_id: str, *, replace_all: bool = True) -> None:
        items = items_from_template(self._ctx.session_factory, template_id,
                                    patient_id=self.patient_id)
        if replace_all:
            self.model.set_items(items)
            self.model.edited.emit()  # a template replacing the list is the clinician's edit
        else:
            for item in items:
                self.model.add_item(item)
        self.view.select_row(0)

    def step_current(self, direction: str) -> None:
        row = self.view.current_row()
        item = self.model.item_at(row)
        if item is None:
            return
        try:
            stepped = step_item(self._ctx.session_factory, item, direction)
        except (ServiceError, ValidationError) as exc:
            show_error(self.error, exc.message if isinstance(exc, ValidationError) else str(exc))
            return
        show_error(self.error, "")
        self.model.replace_item(row, stepped)
        self.view.select_row(row)
        self.current_exercise_changed.emit(stepped.exercise_id)

    def show_save_error(self, exc: ValidationError) -> None:
        """Point at the line a save refused ("items[2].sets", or "In items[2]: ..." from checks)."""
        message = plain_message(exc)
        found = re.search(r"items\[(\d+)\]", f"{exc.field} {exc.message}")
        if found:
            row = int(found.group(1))
            item = self.model.item_at(row)
            name = item.exercise_name if item else ""
            message = f"Line {row + 1} ({name}): {message}"
            self.view.select_row(row)
        show_error(self.error, message)

    # --- slots ---------------------------------------------------------------------------
    def _on_apply_button_clicked(self) -> None:
        template_id = self.template.currentData()
        if not template_id:
            return
        replace_all = True
        if self.model.rowCount():
            answer = QMessageBox.question(
                self, "Apply template",
                f"Replace the {self.model.rowCount()} exercises in the list with "
                f"“{self.template.currentText()}”?\n\nChoose No to add the template's "
                f"exercises after the ones already there.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            replace_all = answer == QMessageBox.StandardButton.Yes
        try:
            self.apply_template(template_id, replace_all=replace_all)
        except (ServiceError, ValidationError) as exc:
            show_error(self.error, exc.message if isinstance(exc, ValidationError) else str(exc))

    def _on_template_current_index_changed(self, index: int) -> None:
        self.apply_button.setEnabled(index >= 0)

    def _on_up_button_clicked(self) -> None:
        self.view.move_current(-1)
        self.view.setFocus()

    def _on_down_button_clicked(self) -> None:
        self.view.move_current(1)
        self.view.setFocus()

    def _on_remove_button_clicked(self) -> None:
        self.view.remove_current()

    def _on_progress_button_clicked(self) -> None:
        self.step_current("progress")

    def _on_regress_button_clicked(self) -> None:
        self.step_current("regress")

    def _on_view_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item_at(current.row()) if current.isValid() else None
        if item is not None:
            self.current_exercise_changed.emit(item.exercise_id)

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.view.current_row()
        item = self.model.item_at(row)
        count = self.model.rowCount()
        self.up_button.setEnabled(item is not None and row > 0)
        self.down_button.setEnabled(item is not None and row < count - 1)
        for button in (self.remove_button, self.progress_button, self.regress_button):
            button.setEnabled(item is not None)
        if item is None:
            self.words.setText("Add exercises from the library or apply a template."
                               if count == 0 else "Select a line to see its dosage in words.")
            return
        problem = item_problem(item, row)
        if problem:
            self.words.setText(f"<b>{html.escape(item.exercise_name)}:</b> needs attention — "
                               f"{html.escape(problem)}")
        else:
            self.words.setText(f"<b>On the handout:</b> {html.escape(dosage_words(item))}")
