"""Before any chart shows: the sign-in prompt at once, or the setup dialog on a new clinic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QWidget

from ptdesk.ui.kit.background import BackgroundCall
from ptdesk.ui.signin.login_dialog import LoginDialog

# No SQLAlchemy here: the prompt is built and shown while the database still opens.
if TYPE_CHECKING:
    from ptdesk.services.uow import SessionFactory


def show_waiting(window: QWidget) -> None:
    """Say in the (still empty) main window that it waits for someone to sign in."""
    waiting = getattr(window, "loading_label", None)
    if isinstance(waiting, QLabel):
        # Empty: the prompt centred over it says the same, and a second copy of the words
        # showed past the prompt's edge ("…arts.") on a real display.
        waiting.setText("")
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage("Waiting for sign-in…")


class SignInFlow(QObject):
    """The sign-in prompt over `window` (window-modal, never blocking the event loop).

    `start` shows it straight away, before the database is open; `database_opened`
    then fills in the clinic's name and lets a sign-in already asked for go ahead, or
    swaps the prompt for the setup dialog when the clinic has no accounts yet.
    `credentials` (user name, password) are typed in and submitted for the user
    (tests, benchmarks); a refused pair leaves the prompt with the reason shown.
    """

    signed_in = Signal(str)  # the user name
    cancelled = Signal()

    def __init__(self, window: QWidget, *, credentials: tuple[str, str] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.credentials = credentials
        self.session_factory: SessionFactory | None = None
        self.dialog: QDialog | None = None
        self._aborted = False

    @property
    def login(self) -> LoginDialog | None:
        return self.dialog if isinstance(self.dialog, LoginDialog) else None

    def start(self) -> LoginDialog:
        show_waiting(self.window)
        name = self.credentials[0] if self.credentials else ""
        login = LoginDialog(None, self.window, username=name)
        self._show(login)
        if self.credentials is not None:
            login.password.setText(self.credentials[1])
            login.submit()  # waits for the database like a quick typist would
        return login

    def database_opened(self, session_factory: SessionFactory, *, setup_needed: bool,
                        clinic_name: str = "") -> None:
        if self._aborted:
            return  # the window gave up on signing in; a late-opening database shows nothing
        self.session_factory = session_factory
        login = self.login
        if setup_needed:
            from ptdesk.ui.signin.setup_dialog import SetupDialog

            if login is not None:  # whatever was typed there belongs to no account
                self._drop(login)
            self._show(SetupDialog(session_factory, self.window))
        elif login is not None:
            login.set_database(session_factory, clinic_name)

    def abort(self) -> None:
        """Close the prompt without cancelling (the database could not be opened)."""
        self._aborted = True
        if self.dialog is not None:
            self._drop(self.dialog)
            self.dialog = None

    def join(self, timeout: float | None = None) -> None:
        """Wait for a password check or setup still running (the app is closing)."""
        join = getattr(self.dialog, "join", None)
        if callable(join):
            join(timeout)

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(self._on_dialog_accepted)
        dialog.rejected.connect(self._on_dialog_rejected)
        dialog.open()

    def _drop(self, dialog: QDialog) -> None:
        dialog.accepted.disconnect(self._on_dialog_accepted)
        dialog.rejected.disconnect(self._on_dialog_rejected)
        password = getattr(dialog, "password", None)
        if hasattr(password, "clear"):
            password.clear()
        dialog.reject()
        worker = dialog.findChild(BackgroundCall)
        if worker is not None and worker.busy:
            # Deleted once its check has answered: never under a thread still using it.
            worker.finished.connect(dialog.deleteLater)
        else:
            dialog.deleteLater()

    def _on_dialog_accepted(self) -> None:
        account = getattr(self.dialog, "account", None)
        if account is not None:
            self.signed_in.emit(account.username)

    def _on_dialog_rejected(self) -> None:
        self.cancelled.emit()
