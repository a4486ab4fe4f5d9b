"""The selected exercise: its picture, steps and precautions, with the clinic's edit actions."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import exercise_library as lib
from ptdesk.services.exercises import ExerciseInfo, get_exercise, get_photo
from ptdesk.ui.chart.exercises.dosage_dialog import DosageDialog
from ptdesk.ui.chart.exercises.image_view import ImageView
from ptdesk.ui.chart.exercises.labels import category_label
from ptdesk.ui.chart.exercises.photo_picker import choose_and_attach_photo, remove_photo
from ptdesk.ui.context import AppContext


def _drawing(exercise: ExerciseInfo) -> bytes | None:
    """The shipped SVG line-art, if this exercise has one (a clinic's own exercise has none)."""
    if not exercise.illustration:
        return None
    path = lib.illustration_path_for(exercise.illustration)
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def describe(exercise: ExerciseInfo) -> str:
    """Rich text for the panel: what it is for, the steps, precautions, default dosage."""
    esc = html.escape
    parts = [f"<h3 style='margin:0'>{esc(exercise.name)}</h3>"]
    meta = category_label(exercise.category)
    if exercise.target_muscles:
        meta += " · " + ", ".join(exercise.target_muscles)
    parts.append(f"<p style='margin-top:2px'><i>{esc(meta)}</i></p>")
    if exercise.purpose:
        parts.append(f"<p>{esc(exercise.purpose)}</p>")
    parts.append("<p><b>How to do it</b></p><ol style='margin-left:-20px'>"
                 + "".join(f"<li>{esc(step)}</li>" for step in exercise.steps) + "</ol>")
    if exercise.precautions:
        parts.append("<p><b>Take care</b></p><ul style='margin-left:-20px'>"
                     + "".join(f"<li>{esc(p)}</li>" for p in exercise.precautions) + "</ul>")
    limb = lib.limb_for(exercise.library_id or "", exercise.category)
    default = lib.dosage_in_words(exercise.dosage, exercise.side, limb=limb)
    parts.append(f"<p><b>Default dosage:</b> {esc(default)}</p>")
    if exercise.dosage.note:
        parts.append(f"<p>{esc(exercise.dosage.note)}</p>")
    return "".join(parts)


class ExercisePreview(QWidget):
    """`exercise_updated` fires after the clinic changes the dosage default or the photo."""

    exercise_updated = Signal(object)  # ExerciseInfo

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._exercise: ExerciseInfo | None = None
        self.picture = ImageView()
        self.picture.setObjectName("exercise_picture")
        self.picture.setAccessibleName("Exercise picture")
        self.text = QLabel()
        self.text.setObjectName("exercise_description")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.text)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.edit_dosage_button = QPushButton("Edit default dosage…")
        self.edit_dosage_button.setObjectName("edit_default_dosage")
        self.attach_photo_button = QPushButton("Attach photo…")
        self.attach_photo_button.setObjectName("attach_photo")
        self.remove_photo_button = QPushButton("Remove photo")
        self.remove_photo_button.setObjectName("remove_photo")
        buttons = QGridLayout()
        buttons.addWidget(self.edit_dosage_button, 0, 0, 1, 2)
        buttons.addWidget(self.attach_photo_button, 1, 0)
        buttons.addWidget(self.remove_photo_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture, 2)
        layout.addWidget(scroll, 3)
        layout.addLayout(buttons)
        self._connect_signals()
        self.show_exercise(None)

    def _connect_signals(self) -> None:
        self.edit_dosage_button.clicked.connect(self._on_edit_dosage_button_clicked)
        self.attach_photo_button.clicked.connect(self._on_attach_photo_button_clicked)
        self.remove_photo_button.clicked.connect(self._on_remove_photo_button_clicked)

    def exercise(self) -> ExerciseInfo | None:
        return self._exercise

    def show_exercise_id(self, exercise_id: int) -> None:
        if self._exercise is not None and self._exercise.id == exercise_id:
            return
        self.show_exercise(get_exercise(self._ctx.session_factory, exercise_id))

    def show_exercise(self, exercise: ExerciseInfo | None) -> None:
        self._exercise = exercise
        for button in (self.edit_dosage_button, self.attach_photo_button):
            button.setEnabled(exercise is not None)
        self.remove_photo_button.setEnabled(exercise is not None and exercise.has_photo)
        if exercise is None:
            self.picture.clear_picture("Select an exercise to see its picture and steps.")
            self.text.setText("")
            return
        self.text.setText(describe(exercise))
        photo = get_photo(self._ctx.session_factory, exercise.id) if exercise.has_photo else None
        if photo is not None:
            self.picture.show_photo(photo)
            return
        drawing = _drawing(exercise)
        if drawing is not None:
            self.picture.show_svg(drawing)
        else:
            self.picture.clear_picture("No picture yet. Use “Attach photo…” to add your own.")

    def _updated(self, info: ExerciseInfo | None) -> None:
        if info is None:
            return
        self._exercise = None  # force a redraw with the new photo or dosage
        self.show_exercise(info)
        self.exercise_updated.emit(info)

    def _on_edit_dosage_button_clicked(self) -> None:
        if self._exercise is None:
            return
        dialog = DosageDialog(self._ctx.session_factory, self._exercise, self,
                              actor=self._ctx.actor)
        if dialog.exec() == DosageDialog.DialogCode.Accepted:
            self._updated(dialog.saved)

    def _on_attach_photo_button_clicked(self) -> None:
        if self._exercise is not None:
            self._updated(choose_and_attach_photo(self._ctx.session_factory, self._exercise,
                                                  self, actor=self._ctx.actor))

    def _on_remove_photo_button_clicked(self) -> None:
        if self._exercise is not None:
            self._updated(remove_photo(self._ctx.session_factory, self._exercise, self,
                                       actor=self._ctx.actor))
