"""Before any chart shows: the setup dialog on first start, else the sign-in dialog."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QWidget

from ptdesk.db.engine import SessionFactory
from ptdesk.services.accounts import authenticate, needs_setup
from ptdesk.services.clinic import get_settings
from ptdesk.services.errors import LoginRefusedError
from ptdesk.ui.login.login_dialog import LoginDialog
from ptdesk.ui.login.setup_dialog import SetupDialog


def show_waiting(window: QWidget) -> None:
    """Say in the (still empty) main window that it waits for someone to sign in."""
    waiting = getattr(window, "loading_label", None)
    if isinstance(waiting, QLabel):
        waiting.setText("Sign in to open the clinic's charts.")
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage("Waiting for sign-in…")


class SignInFlow(QObject):
    """Shows the right dialog over `window` (window-modal, never blocking the event loop).

    `credentials` (user name, password) sign in without the dialog, for tests and
    benchmarks; a refused pair falls back to the dialog with the reason shown.
    """

    signed_in = Signal(str)  # the user name
    cancelled = Signal()

    def __init__(self, window: QWidget, session_factory: SessionFactory, *,
                 credentials: tuple[str, str] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.session_factory = session_factory
        self.credentials = credentials
        self.dialog: QDialog | None = None

    def start(self) -> None:
        sf = self.session_factory
        show_waiting(self.window)
        if needs_setup(sf):
            self.dialog = SetupDialog(sf, self.window)
        else:
            error = ""
            if self.credentials is not None:
                name, password = self.credentials
                try:
                    self.signed_in.emit(authenticate(sf, name, password).username)
                    return
                except LoginRefusedError as exc:
                    error = str(exc)
            login = LoginDialog(sf, self.window, clinic_name=get_settings(sf).name,
                                username=self.credentials[0] if self.credentials else "")
            if error:
                login.rows.set_error("password", error)
            self.dialog = login
        self.dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog.rejected.connect(self.cancelled)
        self.dialog.open()

    def _on_dialog_accepted(self) -> None:
        account = getattr(self.dialog, "account", None)
        if account is not None:
            self.signed_in.emit(account.username)
