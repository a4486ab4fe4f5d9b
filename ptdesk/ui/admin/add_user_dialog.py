"""Administrator: add an account (user name, name, credentials, role, first password)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.accounts import Account, create_user
from ptdesk.services.passwords import MIN_LENGTH
from ptdesk.services.permissions import ROLE_LABELS, ROLES
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.form_rows import FormRows, password_edit

ROLE_HINTS = {
    "clinician": "Charts, signs notes, prescribes and plans.",
    "assistant": "Opens charts, enters run logs and prints handouts; cannot chart or sign.",
    "administrator": "Users, settings, backups and the audit log; does not chart.",
}


class AddUserDialog(QDialog):
    """OK creates the account through the service; errors appear under their field."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addUserDialog")
        self.setWindowTitle("Add user")
        self.ctx = ctx
        self.account: Account | None = None
        self.rows = FormRows(self)
        form = self.rows.form
        self.rows.add("display_name", "Full name", QLineEdit(self))
        self.rows.add("credentials", "Credentials", QLineEdit(self),
                      "Printed after the name on handouts, for example PT, DPT.")
        self.rows.add("username", "User name", QLineEdit(self),
                      "Lowercase letters, digits, dots or dashes, for example sam.alvarez.")
        self.role = QComboBox(self)
        for role in ("clinician", "assistant", "administrator"):
            assert role in ROLES
            self.role.addItem(ROLE_LABELS[role], role)
        self.rows.add("role", "Role", self.role)
        self.role_hint = QLabel(self)
        self.role_hint.setWordWrap(True)
        form.addRow("", self.role_hint)
        self.rows.add("password", "First password", password_edit(self),
                      f"At least {MIN_LENGTH} characters. Tell it to the person privately.")
        self.rows.add("password_again", "Password again", password_edit(self))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add user")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self._on_role_current_index_changed()
        self.setMinimumWidth(520)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.role.currentIndexChanged.connect(self._on_role_current_index_changed)

    def line(self, key: str) -> QLineEdit:
        return self.rows.line(key)

    def _on_role_current_index_changed(self) -> None:
        self.role_hint.setText(ROLE_HINTS[str(self.role.currentData())])

    def _on_buttons_accepted(self) -> None:
        self.rows.clear()
        if self.rows.passwords_differ():
            return

        def create() -> None:
            self.account = create_user(
                self.ctx.session_factory, actor=self.ctx.actor,
                username=self.line("username").text(),
                display_name=self.line("display_name").text(),
                role=str(self.role.currentData()), password=self.line("password").text(),
                credentials=self.line("credentials").text())

        if self.rows.submit(create, "username"):
            self.accept()
