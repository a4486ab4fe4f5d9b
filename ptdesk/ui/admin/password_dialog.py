"""Set a password: an administrator resets someone's, or anyone changes their own."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.accounts import set_password
from ptdesk.services.errors import ServiceError
from ptdesk.services.passwords import MIN_LENGTH
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.form_rows import FormRows, password_edit


class PasswordDialog(QDialog):
    """For your own account it asks for the current password first."""

    def __init__(self, ctx: AppContext, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self.ctx = ctx
        self.username = username
        self.own = username == ctx.actor
        self.setWindowTitle("Change my password" if self.own else f"New password for {username}")
        intro = QLabel("Choose a new password." if self.own else
                       f"Set a new password for {username}. Tell it to them privately; "
                       "they can change it afterwards (File › Change my password…).", self)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows = FormRows(self, form)
        if self.own:
            self.rows.add("current_password", "Current password", password_edit(self))
        self.rows.add("password", "New password", password_edit(self),
                      f"At least {MIN_LENGTH} characters.")
        self.rows.add("password_again", "New password again", password_edit(self))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Set password")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(460)

    def line(self, key: str) -> QLineEdit:
        widget = self.rows.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget

    def _on_buttons_accepted(self) -> None:
        self.rows.clear()
        if self.line("password").text() != self.line("password_again").text():
            self.rows.set_error("password_again", "The two passwords are not the same.")
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # hashing takes a moment
        try:
            set_password(self.ctx.session_factory, actor=self.ctx.actor, username=self.username,
                         password=self.line("password").text(),
                         current_password=(self.line("current_password").text()
                                           if self.own else None))
        except ValidationError as exc:
            self.rows.show_validation(exc, "password")
            return
        except ServiceError as exc:
            self.rows.set_error("password", str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()
