"""Sign-in dialog on every start: shown with the window, before the database is even open."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.ui.kit.background import BackgroundCall
from ptdesk.ui.kit.form_rows import FormRows, password_edit
from ptdesk.ui.kit.heading import heading as make_heading

# Nothing here imports SQLAlchemy: the dialog appears while the database stack still loads
# (on a worker thread); the services are imported by the check, on its own thread.
if TYPE_CHECKING:
    from ptdesk.services.accounts import Account
    from ptdesk.services.uow import SessionFactory

OPENING = "Opening the clinic database…"
SIGNING_IN = "Signing in…"
CHECK_FAILED = ("PT Desk could not check the password. Try again; if it keeps happening, "
                "tell the clinic's administrator.")


def wait_text(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    return f"You can try again in {whole} second{'s' if whole != 1 else ''}."


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in was refused (plain words) and how long before the next try."""

    message: str
    wait: float


def check_password(session_factory: SessionFactory, username: str,
                   password: str) -> Account | Refusal:
    """The account, or why not (worker thread: scrypt takes about 0.3 s on purpose).

    An encrypted clinic still locked is unlocked with the same password first.
    """
    from ptdesk.services.accounts import WRONG, authenticate, login_wait
    from ptdesk.services.errors import LoginRefusedError
    from ptdesk.services.keys.opening import unlock_and_open

    if not unlock_and_open(session_factory, password):
        return Refusal(WRONG, 0.0)
    try:
        return authenticate(session_factory, username, password)
    except LoginRefusedError as exc:
        return Refusal(str(exc), exc.retry_after or login_wait(session_factory, username))


def failure_text(error: BaseException) -> str:
    """A service explains itself in plain words; anything else gets a general message."""
    # Imported here, not at the top: the prompt is on screen before any service module.
    from ptdesk.services.errors import ServiceError

    return str(error) if isinstance(error, ServiceError) else CHECK_FAILED


class LoginDialog(QDialog):
    """Accepted once the password is right; `account` is then who signed in.

    Without a session factory yet (the database still opening) the user can type and
    even press Sign in: the check starts by itself once `set_database` is called.
    """

    def __init__(self, session_factory: SessionFactory | None = None,
                 parent: QWidget | None = None, *, clinic_name: str = "",
                 username: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Sign in — PT Desk")
        self._sf = session_factory
        self.account: Account | None = None
        self._pending = False  # Sign in pressed before the database was open
        self._closed = False
        self._wait_until = 0.0  # time.monotonic() when signing in is allowed again
        self._check = BackgroundCall(self)
        self._countdown = QTimer(self)
        self._countdown.setTimerType(Qt.TimerType.PreciseTimer)
        self._countdown.setInterval(200)
        self.heading = make_heading(clinic_name or "PT Desk", 1.4, self, name="clinicHeading")
        intro = QLabel("Sign in to open the clinic's charts.", self)
        self.rows = FormRows(self)
        self.rows.add("username", "User name", QLineEdit(self))
        self.rows.add("password", "Password", password_edit(self))
        self.username, self.password = self.rows.line("username"), self.rows.line("password")
        self.username.setText(username)
        self.status_label = QLabel(self)  # "Opening the clinic database…", "Signing in…"
        self.status_label.setObjectName("signInStatus")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.wait_label = QLabel(self)
        self.wait_label.setObjectName("waitLabel")
        self.wait_label.setWordWrap(True)
        self.wait_label.hide()
        self.buttons = QDialogButtonBox(self)
        self.sign_in_button = self.buttons.addButton("&Sign in",
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        self.quit_button = self.buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addLayout(self.rows.form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.wait_label)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self.setMinimumWidth(440)
        (self.password if username else self.username).setFocus()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._countdown.timeout.connect(self._on_countdown_timeout)
        self._check.finished.connect(self._on_check_finished)

    # ---- state ------------------------------------------------------------------------------

    @property
    def database_open(self) -> bool:
        return self._sf is not None

    @property
    def checking(self) -> bool:
        """Sign in was pressed and has not been answered yet."""
        return self._pending or self._check.busy

    def set_database(self, session_factory: SessionFactory, clinic_name: str = "") -> None:
        """The database is open: show the clinic's name; a sign-in already asked for starts."""
        self._sf = session_factory
        if clinic_name:
            self.heading.setText(clinic_name)
        if self._pending and not self._closed:
            self._pending = False
            self._start_check()

    def join(self, timeout: float | None = None) -> None:
        """Wait for a password check still running (the app is closing)."""
        self._check.join(timeout)

    # ---- signing in -------------------------------------------------------------------------

    def submit(self) -> None:
        """What Sign in does (also Enter in either field)."""
        if self.checking or not self.sign_in_button.isEnabled():
            return
        self.rows.clear()
        if not self.username.text().strip():
            self.rows.set_error("username", "Enter your user name.")
            self.username.setFocus()
            return
        if not self.password.text():
            self.rows.set_error("password", "Enter your password.")
            self.password.setFocus()
            return
        if self._sf is None:
            self._pending = True
            self._set_busy(OPENING)  # set_database() carries on from here
            return
        self._start_check()

    def _start_check(self) -> None:
        assert self._sf is not None
        self._set_busy(SIGNING_IN)
        sf, name, password = self._sf, self.username.text().strip(), self.password.text()
        self._check.start(lambda: check_password(sf, name, password))

    def _set_busy(self, text: str) -> None:
        # The typed text stays (read-only, so what is checked is what is shown).
        self.status_label.setText(text)
        self.status_label.show()
        self.sign_in_button.setEnabled(False)
        for edit in (self.username, self.password):
            edit.setReadOnly(True)
        self.setCursor(Qt.CursorShape.BusyCursor)

    def _set_idle(self) -> None:
        self.status_label.hide()
        self.sign_in_button.setEnabled(True)
        for edit in (self.username, self.password):
            edit.setReadOnly(False)
        self.unsetCursor()

    def _on_buttons_accepted(self) -> None:
        self.submit()

    def _on_check_finished(self, result: Any, error: BaseException | None) -> None:
        if self._closed:
            return  # quit while the password was being checked
        self._set_idle()
        if error is not None:
            self.rows.set_error("password", failure_text(error))
            self.password.setFocus()
            return
        if isinstance(result, Refusal):
            self.password.clear()  # a wrong password is not worth keeping
            self.rows.set_error("password", result.message)
            self.password.setFocus()
            self.start_wait(result.wait)
            return
        self.account = result
        self.password.clear()  # nothing sensitive stays behind in the widget
        self.accept()

    def showEvent(self, event: QShowEvent) -> None:
        self._closed = False
        super().showEvent(event)

    def done(self, result: int) -> None:
        self._closed = True
        self._pending = False
        self._countdown.stop()
        super().done(result)

    # ---- the wait after wrong passwords -------------------------------------------------------

    def start_wait(self, seconds: float) -> None:
        """Disable signing in for `seconds`, counting down next to the button."""
        if seconds <= 0:
            return
        # A little over the service's wait, so the first allowed try is never refused.
        self._wait_until = time.monotonic() + seconds + 0.1
        self.sign_in_button.setEnabled(False)
        self.wait_label.setText(wait_text(seconds))
        self.wait_label.show()
        self._countdown.start()

    def _on_countdown_timeout(self) -> None:
        left = self._wait_until - time.monotonic()
        if left > 0:
            self.wait_label.setText(wait_text(left))
            return
        self._countdown.stop()
        self.wait_label.hide()
        self.sign_in_button.setEnabled(True)
