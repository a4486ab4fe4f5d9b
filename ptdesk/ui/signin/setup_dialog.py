"""First start: name the clinic and create its first administrator account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.services.passwords import MIN_LENGTH
from ptdesk.ui.kit.background import BackgroundCall
from ptdesk.ui.kit.form_rows import FormRows, password_edit
from ptdesk.ui.kit.heading import heading as make_heading
from ptdesk.ui.signin.recovery_key_notice import RecoveryKeyNotice

if TYPE_CHECKING:
    from ptdesk.services.accounts import Account
    from ptdesk.services.uow import SessionFactory

# The service names fields after its arguments; the form after what the user sees.
_ALIASES = {"admin_username": "username", "admin_display_name": "display_name",
            "display_name": "display_name", "clinic_name": "clinic_name"}
SETTING_UP = "Setting up the clinic…"
SETUP_FAILED = ("PT Desk could not set up the clinic. Try again; if it keeps happening, "
                "check that the database folder can be written to.")


@dataclass(frozen=True)
class SetupDone:
    account: Account
    recovery_key: str | None  # an encrypted clinic's, shown once


def set_up_clinic(session_factory: SessionFactory, *, clinic_name: str, username: str,
                  display_name: str, password: str) -> SetupDone:
    """Create the clinic and its administrator, then sign in (worker thread: two scrypt runs)."""
    from ptdesk.services.accounts import authenticate, setup_clinic
    from ptdesk.services.keys.clinic_key import is_encrypted
    from ptdesk.services.keys.recovery import replace_recovery_key

    created = setup_clinic(session_factory, clinic_name=clinic_name, admin_username=username,
                           admin_display_name=display_name, password=password)
    key = replace_recovery_key(session_factory, actor=created.username, rekey=False) \
        if is_encrypted(session_factory) else None
    # Signing in right away records the session start like every later one.
    return SetupDone(authenticate(session_factory, created.username, password,
                                  summary="signed in after setting up the clinic"), key)


class SetupDialog(QDialog):
    """Shown once, before anyone can sign in; the new administrator is signed in afterwards."""

    def __init__(self, session_factory: SessionFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupDialog")
        self.setWindowTitle("Set up PT Desk")
        self._sf = session_factory
        self.account: Account | None = None
        self.recovery_notice: RecoveryKeyNotice | None = None
        self._work = BackgroundCall(self)
        self._closed = False
        heading = make_heading("Welcome to PT Desk", 1.4, self)
        intro = QLabel(
            "Name your clinic and create the administrator account. The administrator adds "
            "an account for each clinician and assistant afterwards (File › Users…), and "
            "looks after settings, backups and the audit log. PT Desk then shows the "
            "clinic's recovery key once: print it and lock it away.", self)
        intro.setWordWrap(True)
        self.rows = FormRows(self)
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
        self.status_label = QLabel(self)
        self.status_label.setObjectName("setupStatus")
        self.status_label.hide()
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
        layout.addLayout(self.rows.form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self.setMinimumWidth(560)
        self.clinic_name.setFocus()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._work.finished.connect(self._on_work_finished)

    @property
    def busy(self) -> bool:
        return self._work.busy

    def join(self, timeout: float | None = None) -> None:
        self._work.join(timeout)

    def line(self, key: str) -> QLineEdit:
        return self.rows.line(key)

    def _on_buttons_accepted(self) -> None:
        if self.busy:
            return
        self.rows.clear()
        if self.rows.passwords_differ():
            self.line("password_again").setFocus()
            return
        sf = self._sf
        values = {"clinic_name": self.line("clinic_name").text(),
                  "username": self.line("username").text(),
                  "display_name": self.line("display_name").text(),
                  "password": self.line("password").text()}
        self._set_busy(True)
        self._work.start(lambda: set_up_clinic(sf, **values))

    def _set_busy(self, busy: bool) -> None:
        # Hashing the new password and signing in take a moment; the typed text stays.
        self.status_label.setText(SETTING_UP)
        self.status_label.setVisible(busy)
        self.setup_button.setEnabled(not busy)
        for widget in self.rows.fields.values():
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _on_work_finished(self, result: Any, error: BaseException | None) -> None:
        if self._closed:
            return  # quit meanwhile (a finished setup stays; nobody is signed in)
        self._set_busy(False)
        if isinstance(error, ValidationError):
            self.rows.show_validation(error, "clinic_name", _ALIASES)
            return
        if isinstance(error, ServiceError):  # set up meanwhile from another workstation
            self.rows.set_error("clinic_name", str(error))
            return
        if error is not None:
            self.rows.set_error("clinic_name", SETUP_FAILED)
            return
        self.account = result.account
        for key in ("password", "password_again"):
            self.line(key).clear()  # nothing sensitive stays behind in the widgets
        self.accept()
        if result.recovery_key:
            self.recovery_notice = RecoveryKeyNotice(result.recovery_key, self.parentWidget())
            self.recovery_notice.open()

    def showEvent(self, event: QShowEvent) -> None:
        self._closed = False
        super().showEvent(event)

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)
