"""Set a password: an administrator resets someone's, or anyone changes their own."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.accounts import set_password
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
        self.rows = FormRows(self)
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
        layout.addLayout(self.rows.form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(460)

    def line(self, key: str) -> QLineEdit:
        return self.rows.line(key)

    def _on_buttons_accepted(self) -> None:
        self.rows.clear()
        current = self.line("current_password").text() if self.own else None
        if not self.rows.passwords_differ() and self.rows.submit(
                lambda: set_password(self.ctx.session_factory, actor=self.ctx.actor,
                                     username=self.username, password=self.line("password").text(),
                                     current_password=current), "password"):
            self.accept()
