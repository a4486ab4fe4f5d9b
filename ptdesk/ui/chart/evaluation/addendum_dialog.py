"""Dialog for an addendum to a signed note: a reason and the correction; errors keep the input."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.ui.chart.evaluation.fields import ErrorLabel

# Called with (reason, text); raises ValidationError or ServiceError when it cannot save.
Submit = Callable[[str, str], None]


class AddendumDialog(QDialog):
    """OK saves through `submit`; a refusal is shown under its field and the dialog stays open."""

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add addendum")
        self.setMinimumWidth(560)
        self._submit = submit
        self.reason = QLineEdit()
        self.reason.setObjectName("addendumReason")
        self.reason.setAccessibleName("Reason for the addendum")
        self.reason.setPlaceholderText("For example: wrong side recorded, late entry")
        self.text = QPlainTextEdit()
        self.text.setObjectName("addendumText")
        self.text.setAccessibleName("Addendum text")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(140)
        self.errors = {"reason": ErrorLabel(), "text": ErrorLabel()}
        self.message = ErrorLabel()
        self.message.setAccessibleName("Addendum message")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add addendum")
        self._build_layout()
        self._connect_signals()

    def _build_layout(self) -> None:
        hint = QLabel("The signed note stays as it is. The addendum is shown under it with your "
                      "name and the time.")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        form.addRow("", self.errors["reason"])
        form.addRow("&Addendum", self.text)
        form.addRow("", self.errors["text"])
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def _on_buttons_accepted(self) -> None:
        for label in (*self.errors.values(), self.message):
            label.show_message("")
        try:
            self._submit(self.reason.text(), self.text.toPlainText())
        except ValidationError as exc:
            label = self.errors.get(exc.field, self.message)
            label.show_message(exc.message)
            (self.text if exc.field == "text" else self.reason).setFocus()
            return
        except ServiceError as exc:
            self.message.show_message(f"Not added: {exc}")
            return
        self.accept()
