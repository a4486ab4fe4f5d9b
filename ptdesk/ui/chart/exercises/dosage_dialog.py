"""Dialog to change an exercise's default dosage for the whole clinic."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ptdesk.domain import exercise_library as lib
from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.services.exercises import ExerciseInfo, set_default_dosage
from ptdesk.services.uow import SessionFactory
from ptdesk.ui.chart.exercises.dosage_fields import DosageFields
from ptdesk.ui.kit.error_label import make_error_label, show_error
from ptdesk.ui.kit.text import plain_message


class DosageDialog(QDialog):
    """OK saves through the service; a refused dosage is explained and the dialog stays open."""

    def __init__(self, session_factory: SessionFactory, exercise: ExerciseInfo,
                 parent: QWidget | None = None, *, actor: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Default dosage — {exercise.name}")
        self.setMinimumWidth(460)
        self._sf = session_factory
        self._actor = actor
        self._exercise = exercise
        self.saved: ExerciseInfo | None = None
        intro = QLabel("New prescriptions of this exercise start with this dosage. "
                       "Prescriptions already saved do not change.")
        intro.setWordWrap(True)
        self.fields = DosageFields()
        self.fields.set_value(exercise.dosage)
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.words.setObjectName("dosage_words")
        self.error = make_error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fields)
        layout.addWidget(self.words)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self._on_fields_changed()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        for spin in (self.fields.sets, self.fields.reps, self.fields.hold, self.fields.minutes,
                     self.fields.times):
            spin.valueChanged.connect(self._on_fields_changed)
        self.fields.per.currentIndexChanged.connect(self._on_fields_changed)

    def _on_fields_changed(self) -> None:
        dosage = self.fields.value()
        try:
            lib.check_dosage(dosage, "dosage")
        except ValidationError as exc:
            self.words.setText("")
            show_error(self.error, plain_message(exc))
            return
        show_error(self.error, "")
        limb = lib.limb_for(self._exercise.library_id or "", self._exercise.category)
        self.words.setText("On the handout: "
                           + lib.dosage_in_words(dosage, self._exercise.side, limb=limb))

    def _on_buttons_accepted(self) -> None:
        try:
            self.saved = set_default_dosage(self._sf, actor=self._actor,
                                            exercise_id=self._exercise.id,
                                            dosage=self.fields.value())
        except ValidationError as exc:
            show_error(self.error, plain_message(exc))
            return
        except ServiceError as exc:  # e.g. the signed-in role may not change the library
            show_error(self.error, str(exc))
            return
        self.accept()
