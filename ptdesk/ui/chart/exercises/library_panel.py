"""The library picker: search as you type, category and target-muscle filters, add to programme."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import exercise_library as lib
from ptdesk.services.exercises import ExerciseInfo, list_exercises, muscles_in_library
from ptdesk.ui.chart.exercises.labels import category_label
from ptdesk.ui.chart.exercises.library_model import EXERCISE_ROLE, LibraryModel
from ptdesk.ui.chart.exercises.new_exercise_dialog import NewExerciseDialog
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.activation import on_open


class LibraryPanel(QWidget):
    add_requested = Signal(object)      # ExerciseInfo to append to the prescription
    current_changed = Signal(object)    # ExerciseInfo | None, for the picture preview

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.search = QLineEdit()
        self.search.setObjectName("library_search")
        self.search.setAccessibleName("Search")
        self.search.setPlaceholderText("Name or muscle")
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.setObjectName("library_category")
        self.category.setAccessibleName("Category")
        self.category.addItem("All categories", "")
        for code in lib.CATEGORIES:
            self.category.addItem(category_label(code), code)
        self.muscle = QComboBox()
        self.muscle.setObjectName("library_muscle")
        self.muscle.setAccessibleName("Target muscle")
        self.model = LibraryModel(self)
        self.view = QListView()
        self.view.setObjectName("library_list")
        self.view.setAccessibleName("Exercise library")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.add_button = QPushButton("Add to prescription")
        self.add_button.setObjectName("add_exercise")
        self.add_button.setToolTip("Add the selected exercise (or press Enter, or double-click)")
        self.new_button = QPushButton("New exercise…")
        self.new_button.setObjectName("new_exercise")
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Search", self.search)
        form.addRow("Category", self.category)
        form.addRow("Target muscle", self.muscle)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button, 1)
        buttons.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setTabOrder(self.search, self.category)
        self.setTabOrder(self.category, self.muscle)
        self.setTabOrder(self.muscle, self.view)
        self.setTabOrder(self.view, self.add_button)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._on_search_text_changed)
        self.category.currentIndexChanged.connect(self._on_filter_changed)
        self.muscle.currentIndexChanged.connect(self._on_filter_changed)
        on_open(self.view, self._on_view_activated)
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.new_button.clicked.connect(self._on_new_button_clicked)

    def reload(self) -> None:
        """Re-read the muscles list and the filtered library (after edits or a library sync)."""
        chosen = self.muscle.currentData()
        self.muscle.blockSignals(True)
        self.muscle.clear()
        self.muscle.addItem("All muscles", "")
        for name in muscles_in_library(self._ctx.session_factory):
            self.muscle.addItem(name, name)
        self.muscle.setCurrentIndex(max(0, self.muscle.findData(chosen or "")))
        self.muscle.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        selected = self.current_exercise()
        self.model.set_exercises(list_exercises(
            self._ctx.session_factory, text=self.search.text(),
            category=self.category.currentData() or None,
            muscle=self.muscle.currentData() or None))
        row = self.model.row_of(selected.id) if selected else -1
        if self.model.rowCount() and row < 0:
            row = 0
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))
        else:
            self.current_changed.emit(None)

    def current_exercise(self) -> ExerciseInfo | None:
        index = self.view.currentIndex()
        return index.data(EXERCISE_ROLE) if index.isValid() else None

    def _on_search_text_changed(self, _text: str) -> None:
        self.refresh()

    def _on_filter_changed(self, _index: int) -> None:
        self.refresh()

    def _on_view_activated(self, index: QModelIndex) -> None:
        info = index.data(EXERCISE_ROLE)
        if info is not None:
            self.add_requested.emit(info)

    def _on_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(current.data(EXERCISE_ROLE) if current.isValid() else None)

    def _on_add_button_clicked(self) -> None:
        info = self.current_exercise()
        if info is not None:
            self.add_requested.emit(info)

    def _on_new_button_clicked(self) -> None:
        dialog = NewExerciseDialog(self._ctx.session_factory, self, actor=self._ctx.actor)
        if dialog.exec() == NewExerciseDialog.DialogCode.Accepted and dialog.created:
            self.search.clear()
            self.category.setCurrentIndex(0)
            self.reload()
            self.view.setCurrentIndex(self.model.index(self.model.row_of(dialog.created.id), 0))
