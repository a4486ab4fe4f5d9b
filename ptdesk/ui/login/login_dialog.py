"""Sign-in dialog on every start: user name and password, with the wait after wrong passwords."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, QTimer
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
from ptdesk.services.accounts import Account, authenticate, login_wait
from ptdesk.services.errors import LoginRefusedError
from ptdesk.ui.login.form_rows import FormRows, password_edit


def wait_text(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    return f"You can try again in {whole} second{'s' if whole != 1 else ''}."


class LoginDialog(QDialog):
    """Accepted once the password is right; `account` is then who signed in."""

    def __init__(self, session_factory: SessionFactory, parent: QWidget | None = None, *,
                 clinic_name: str = "", username: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Sign in — PT Desk")
        self._sf = session_factory
        self.account: Account | None = None
        self._wait_until = 0.0  # time.monotonic() when signing in is allowed again
        self._countdown = QTimer(self)
        self._countdown.setTimerType(Qt.TimerType.PreciseTimer)
        self._countdown.setInterval(200)
        heading = QLabel(clinic_name or "PT Desk", self)
        heading.setObjectName("clinicHeading")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel("Sign in to open the clinic's charts.", self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows = FormRows(self, form)
        self.username = self.rows.add("username", "User name", QLineEdit(self))
        self.password = self.rows.add("password", "Password", password_edit(self))
        assert isinstance(self.username, QLineEdit) and isinstance(self.password, QLineEdit)
        self.username.setText(username)
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
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.wait_label)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self.setMinimumWidth(440)
        (self.password if username else self.username).setFocus()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._countdown.timeout.connect(self._on_countdown_timeout)

    def _on_buttons_accepted(self) -> None:
        assert isinstance(self.username, QLineEdit) and isinstance(self.password, QLineEdit)
        self.rows.clear()
        name = self.username.text().strip()
        if not name:
            self.rows.set_error("username", "Enter your user name.")
            self.username.setFocus()
            return
        if not self.password.text():
            self.rows.set_error("password", "Enter your password.")
            self.password.setFocus()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the check takes a moment
        try:
            self.account = authenticate(self._sf, name, self.password.text())
        except LoginRefusedError as exc:
            self.password.clear()  # a wrong password is not worth keeping
            self.rows.set_error("password", str(exc))
            self.password.setFocus()
            self.start_wait(exc.retry_after or login_wait(self._sf, name))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()

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
