"""The library picker: search as you type, category and target-muscle filters, add to programme."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
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
from ptdesk.ui.kit.error_label import make_error_label, show_error

# Keys typed in the search box that move the highlighted exercise instead of the text cursor.
_MOVES = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}


class LibraryPanel(QWidget):
    add_requested = Signal(object)      # ExerciseInfo to append to the prescription
    current_changed = Signal(object)    # ExerciseInfo | None, for the picture preview

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.search = QLineEdit()
        self.search.setObjectName("library_search")
        self.search.setAccessibleName("Search")
        self.search.setPlaceholderText("Name, other name or muscle; Enter adds")
        self.search.setToolTip("Type a name, another name (\"heel raise\") or a muscle; "
                               "Up/Down pick a line, Enter adds it to the programme.")
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
        # Why an exercise was not added (already in the programme, nothing found).
        self.message = make_error_label()
        self.message.setObjectName("library_message")
        # The tab says why an exercise cannot go in ("" = it can): already in the programme,
        # no patient open, or a view-only chart.
        self._refusal: Callable[[ExerciseInfo], str] = lambda _info: ""
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
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setTabOrder(self.search, self.category)
        self.setTabOrder(self.category, self.muscle)
        self.setTabOrder(self.muscle, self.view)
        self.setTabOrder(self.view, self.add_button)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.search.installEventFilter(self)
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

    def set_add_check(self, refusal: Callable[[ExerciseInfo], str]) -> None:
        """`refusal(info)`: why `info` cannot be added now, or "" when it can."""
        self._refusal = refusal

    def show_message(self, text: str) -> None:
        show_error(self.message, text)

    def request_add(self, info: ExerciseInfo | None) -> bool:
        """Ask the tab to add `info`; refused (with a message by the picker) when it is a repeat."""
        if info is None:
            return False
        refusal = self._refusal(info)
        if refusal:
            self.show_message(refusal)
            return False
        self.show_message("")
        self.add_requested.emit(info)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down in the search box pick the line Enter will add, so the hands stay on the keys.
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in _MOVES
                and self.model.rowCount()):
            row = self.view.currentIndex().row() if self.view.currentIndex().isValid() else 0
            row = max(0, min(self.model.rowCount() - 1, row + _MOVES[Qt.Key(event.key())]))
            self.view.setCurrentIndex(self.model.index(row, 0))
            return True
        return super().eventFilter(watched, event)

    def _on_search_text_changed(self, _text: str) -> None:
        self.show_message("")
        self.refresh()
        # Each letter typed highlights the best match (listed first), which Enter adds.
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def _on_search_return_pressed(self) -> None:
        # The highlighted line (the best match unless Up/Down moved it) goes in.
        info = self.current_exercise()
        if info is None:
            text = self.search.text().strip()
            self.show_message(f"No exercise matches “{text}”. Try another name or a muscle "
                              f"(for example: glute, calf)." if text else "")
            return
        if self.request_add(info):
            self.search.clear()  # ready for the next exercise

    def _on_filter_changed(self, _index: int) -> None:
        self.refresh()

    def _on_view_activated(self, index: QModelIndex) -> None:
        self.request_add(index.data(EXERCISE_ROLE))

    def _on_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(current.data(EXERCISE_ROLE) if current.isValid() else None)

    def _on_add_button_clicked(self) -> None:
        self.request_add(self.current_exercise())

    def _on_new_button_clicked(self) -> None:
        dialog = NewExerciseDialog(self._ctx.session_factory, self, actor=self._ctx.actor)
        if dialog.exec() == NewExerciseDialog.DialogCode.Accepted and dialog.created:
            self.search.clear()
            self.category.setCurrentIndex(0)
            self.reload()
            self.view.setCurrentIndex(self.model.index(self.model.row_of(dialog.created.id), 0))
