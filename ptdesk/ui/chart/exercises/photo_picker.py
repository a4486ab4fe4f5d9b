"""Attach the clinic's own photo to an exercise: file dialog, read the bytes, store them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.services.exercises import ExerciseInfo, attach_photo
from ptdesk.services.uow import SessionFactory

PHOTO_FILTER = "Photos (*.png *.jpg *.jpeg)"


def choose_and_attach_photo(session_factory: SessionFactory, exercise: ExerciseInfo,
                            parent: QWidget | None = None, *, actor: str) -> ExerciseInfo | None:
    """Ask for a JPG/PNG and attach it; None when cancelled or refused (the user is told why)."""
    path, _ = QFileDialog.getOpenFileName(parent, f"Attach photo — {exercise.name}", "",
                                          PHOTO_FILTER)
    if not path:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        QMessageBox.warning(parent, "Attach photo", f"The file could not be read: {exc.strerror}.")
        return None
    try:
        return attach_photo(session_factory, actor=actor, exercise_id=exercise.id, photo=data)
    except ValidationError as exc:
        QMessageBox.warning(parent, "Attach photo", exc.message)
        return None
    except ServiceError as exc:  # e.g. the signed-in role may not change the library
        QMessageBox.warning(parent, "Attach photo", str(exc))
        return None


def remove_photo(session_factory: SessionFactory, exercise: ExerciseInfo,
                 parent: QWidget | None = None, *, actor: str) -> ExerciseInfo | None:
    answer = QMessageBox.question(
        parent, "Remove photo",
        f"Remove the clinic's photo from {exercise.name}? Handouts will show the drawing again.")
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        return attach_photo(session_factory, actor=actor, exercise_id=exercise.id, photo=None)
    except ServiceError as exc:
        QMessageBox.warning(parent, "Remove photo", str(exc))
        return None
