"""First start: name the clinic and create its first administrator account."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.errors import ValidationError
from ptdesk.services.accounts import Account, authenticate, setup_clinic
from ptdesk.services.errors import ServiceError
from ptdesk.services.passwords import MIN_LENGTH
from ptdesk.ui.login.form_rows import FormRows, password_edit

# The service names fields after its arguments; the form after what the user sees.
_ALIASES = {"admin_username": "username", "admin_display_name": "display_name",
            "display_name": "display_name", "clinic_name": "clinic_name"}


class SetupDialog(QDialog):
    """Shown once, before anyone can sign in; the new administrator is signed in afterwards."""

    def __init__(self, session_factory: SessionFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupDialog")
        self.setWindowTitle("Set up PT Desk")
        self._sf = session_factory
        self.account: Account | None = None
        heading = QLabel("Welcome to PT Desk", self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(
            "Name your clinic and create the administrator account. The administrator adds "
            "an account for each clinician and assistant afterwards (File › Users…), and "
            "looks after settings, backups and the audit log.", self)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows = FormRows(self, form)
        self.clinic_name = self.rows.add("clinic_name", "Clinic name", QLineEdit(self))
        self.display_name = self.rows.add("display_name", "Your full name", QLineEdit(self))
        self.username = self.rows.add(
            "username", "User name", QLineEdit(self),
            "Lowercase letters, digits, dots or dashes, for example pat.morgan.")
        self.password = self.rows.add("password", "Password", password_edit(self),
                                      f"At least {MIN_LENGTH} characters; a short sentence "
                                      "is easy to remember and hard to guess.")
        self.password_again = self.rows.add("password_again", "Password again",
                                            password_edit(self))
        self.buttons = QDialogButtonBox(self)
        self.setup_button = self.buttons.addButton("Set &up",
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.setup_button.setObjectName("setupButton")
        self.setup_button.setDefault(True)
        self.quit_button = self.buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self.setMinimumWidth(560)
        self.clinic_name.setFocus()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def line(self, key: str) -> QLineEdit:
        widget = self.rows.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget

    def _on_buttons_accepted(self) -> None:
        self.rows.clear()
        if self.line("password").text() != self.line("password_again").text():
            self.rows.set_error("password_again", "The two passwords are not the same.")
            self.line("password_again").setFocus()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # hashing takes a moment
        try:
            created = setup_clinic(
                self._sf, clinic_name=self.line("clinic_name").text(),
                admin_username=self.line("username").text(),
                admin_display_name=self.line("display_name").text(),
                password=self.line("password").text())
            # Signing in right away records the session start like every later one.
            self.account = authenticate(self._sf, created.username, self.line("password").text(),
                                        summary="signed in after setting up the clinic")
        except ValidationError as exc:
            self.rows.show_validation(exc, "clinic_name", _ALIASES)
            return
        except ServiceError as exc:  # set up meanwhile from another workstation
            self.rows.set_error("clinic_name", str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()
