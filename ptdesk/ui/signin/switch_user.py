"""Sign out and Switch user at a shared workstation: the user's work kept, then the sign-in prompt.

Typed but unsaved chart text is saved to the chart or kept as drafts first; drafts belong
to their author (services/drafts.py keys them by user), so only that user is offered them
back. The next user signs in through the same prompt and services as at start-up
(SignInFlow, LoginDialog, accounts.authenticate), so whatever sign-in does (password
checks, the database key) happens here too, and the window is attached afresh for them.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.services.accounts import record_logout
from ptdesk.services.clinic import get_settings
from ptdesk.services.errors import ServiceError
from ptdesk.ui.context import AppContext
from ptdesk.ui.signin.sign_in import SignInFlow

if TYPE_CHECKING:
    from ptdesk.ui.main_window import MainWindow

KEEP_QUESTION = ("This chart has changes that are not saved yet.\n\nSave them to the chart, "
                 "or keep them as a draft that only you are offered when you sign in again?")


def keep_work(window: MainWindow, title: str) -> bool:
    """Drafts saved; unsaved edits saved or kept as drafts as the user chooses (False: cancel)."""
    chart = window.chart
    if chart is None:
        return True
    chart.flush_draft()  # whatever is typed reaches the database as the user's drafts
    if not chart.has_unsaved_changes():
        return True
    box = QMessageBox(QMessageBox.Icon.Question, title, KEEP_QUESTION,
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                      window)
    keep = box.addButton("&Keep as draft", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    if clicked is keep:
        return True
    if clicked is box.button(QMessageBox.StandardButton.Save):
        return chart.save_all()
    return False


class UserSwitch(QObject):
    """Signs the window's user out and shows the sign-in prompt; `signed_in` names the next user."""

    signed_in = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.flow: SignInFlow | None = None

    def start(self, *, switching: bool, ask: bool = True) -> bool:
        """False when the user cancelled (nothing changed). `ask` False: from the lock screen,
        where the drafts were kept when it locked and the user is not there to answer."""
        window = self.window
        ctx = window.ctx
        if ctx is None:
            return False
        title = "Switch user" if switching else "Sign out"
        if ask and not keep_work(window, title):
            return False
        session_factory = ctx.session_factory
        try:
            clinic_name = get_settings(session_factory).name
        except ServiceError:
            clinic_name = ""
        window.detach()
        with contextlib.suppress(ServiceError):  # signing out must not fail over the audit
            record_logout(session_factory, actor=ctx.actor)
        flow = SignInFlow(window)
        self.flow = flow
        flow.signed_in.connect(lambda name: self._on_flow_signed_in(session_factory, name))
        flow.cancelled.connect(window.close)
        flow.start()
        flow.database_opened(session_factory, setup_needed=False, clinic_name=clinic_name)
        return True

    def _on_flow_signed_in(self, session_factory: object, username: str) -> None:
        self.window.attach(AppContext(session_factory, username))  # type: ignore[arg-type]
        self.signed_in.emit(username)


def sign_out(window: MainWindow, *, switching: bool = False, ask: bool = True
             ) -> UserSwitch | None:
    """File › Sign out / Switch user, and the lock screen's Switch user."""
    switch = UserSwitch(window)
    if not switch.start(switching=switching, ask=ask):
        switch.deleteLater()
        return None
    return switch


def login_dialog_of(switch: UserSwitch | None) -> QWidget | None:
    """The sign-in prompt a switch shows (tests type into it)."""
    return switch.flow.dialog if switch is not None and switch.flow is not None else None
