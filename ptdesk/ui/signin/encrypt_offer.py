"""After an administrator signs in to a plaintext clinic file: offer to encrypt it, and do it.

"Encrypt now" checks the password while the clinic is still open (a typo is answered next
to the field), keeps the user's work as `Sign out` does, closes the chart, and runs
`ptdesk encrypt`'s service on a worker thread: an encrypted copy checked row by row, then
swapped in. The window is attached again to the encrypted clinic, unlocked with the same
password, and the new recovery key is shown once. If it fails the plaintext clinic is left
as it was and the window is attached to it again, with the reason beside the button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
)

from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.background import BackgroundCall
from ptdesk.ui.kit.form_rows import FormRows, password_edit
from ptdesk.ui.kit.heading import heading as make_heading
from ptdesk.ui.signin.login_dialog import failure_text
from ptdesk.ui.signin.recovery_key_notice import RecoveryKeyNotice

if TYPE_CHECKING:
    from ptdesk.services.keys.encrypt import Reopened
    from ptdesk.services.uow import SessionFactory
    from ptdesk.ui.main_window import MainWindow

TITLE = "Encrypt the clinic database — PT Desk"
OFFER_TEXT = (
    "This clinic's database file is not encrypted: anyone who gets hold of this computer "
    "or a backup can read the patients' records.\n\n"
    "PT Desk can encrypt it now. It writes an encrypted copy, checks every record in it, "
    "and only then replaces the file. The charts close until it is done (about a minute "
    "for a large clinic). Close PT Desk on every other computer first. Every account keeps "
    "its password, and you will see the clinic's recovery key once, to print and lock "
    "away.\n\n"
    "You can also do it later in a terminal with: ptdesk encrypt")
CHECKING = "Checking your password…"
ENCRYPTING = "Encrypting the clinic database and checking the copy…"
DONE = "The clinic database is encrypted."


def plaintext_clinic_for_admin(ctx: AppContext) -> bool:
    """True when the clinic is a plaintext SQLite file and an administrator signed in."""
    from ptdesk.services.accounts import get_account
    from ptdesk.services.keys.clinic_key import is_plaintext_file

    if not is_plaintext_file(ctx.session_factory):
        return False
    account = get_account(ctx.session_factory, ctx.actor)
    return account is not None and account.role == "administrator"


class EncryptOffer(QDialog):
    """The offer, with the administrator's password; not modal (the clinic works meanwhile).

    `reopened(session_factory)` is called once the window works on the encrypted clinic, so
    whoever holds the old engine (the app's launcher) takes the new one.
    """

    def __init__(self, window: MainWindow, ctx: AppContext,
                 reopened: Callable[[SessionFactory], None] | None = None) -> None:
        super().__init__(window)
        self.setObjectName("encryptOffer")
        self.setWindowTitle(TITLE)
        self.window_ = window
        self.ctx = ctx
        self._reopened = reopened
        self.recovery_notice: RecoveryKeyNotice | None = None
        self._check = BackgroundCall(self)
        self._work = BackgroundCall(self)
        heading = make_heading("Encrypt the clinic database", 1.3, self)
        self.text_label = QLabel(OFFER_TEXT, self)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rows = FormRows(self)
        self.rows.add("password", "Your password", password_edit(self))
        self.password = self.rows.line("password")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("encryptStatus")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.buttons = QDialogButtonBox(self)
        self.encrypt_button = self.buttons.addButton(
            "&Encrypt now", QDialogButtonBox.ButtonRole.AcceptRole)
        self.encrypt_button.setObjectName("encryptNow")
        self.later_button = self.buttons.addButton("&Not now",
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        for widget in (heading, self.text_label):
            layout.addWidget(widget)
        layout.addLayout(self.rows.form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._check.finished.connect(self._on_check_finished)
        self._work.finished.connect(self._on_work_finished)
        self.setMinimumWidth(520)
        self.setWindowModality(Qt.WindowModality.NonModal)

    @property
    def busy(self) -> bool:
        return self._check.busy or self._work.busy

    def text(self) -> str:
        return self.text_label.text()

    # ---- steps ------------------------------------------------------------------------------

    def submit(self) -> None:
        """Encrypt now: check the password first, on a worker thread."""
        if self.busy:
            return
        self.rows.clear()
        if not self.password.text():
            self.rows.set_error("password", "Enter your password.")
            self.password.setFocus()
            return
        from ptdesk.services.keys.encrypt import check_request

        sf, actor, password = self.ctx.session_factory, self.ctx.actor, self.password.text()
        self._set_busy(CHECKING)
        self._check.start(lambda: check_request(sf, actor=actor, password=password))

    def _on_check_finished(self, approved: Any, error: BaseException | None) -> None:
        if error is not None:
            self._set_idle()
            self.rows.set_error("password", failure_text(error))
            self.password.setFocus()
            return
        from ptdesk.ui.signin.switch_user import keep_work

        if self.window_.ctx is not self.ctx or not keep_work(self.window_, TITLE):
            self._set_idle()  # signed out meanwhile, or Cancel on "save your changes?"
            return
        self.password.clear()  # the approved request holds it until the clinic reopens
        self._set_busy(ENCRYPTING)
        self.window_.detach()
        self.ctx.wait_for_background()
        from ptdesk.services.keys.encrypt import encrypt_and_reopen

        sf = self.ctx.session_factory
        self._work.start(lambda: encrypt_and_reopen(sf, approved))

    def _on_work_finished(self, result: Reopened | None, error: BaseException | None) -> None:
        actor = self.ctx.actor
        failure = error if result is None else result.error
        reopened = result.session_factory if result is not None else None
        if reopened is not None:
            self.window_.attach(AppContext(reopened, actor))
            if self._reopened is not None:
                self._reopened(reopened)
        else:
            self.window_.attach(AppContext(self.ctx.session_factory, actor))  # still plaintext
        key = result.recovery_key if result is not None else None
        if key:
            self.recovery_notice = RecoveryKeyNotice(key, self.window_)
            self.recovery_notice.open()
        if failure is None:
            self.window_.statusBar().showMessage(DONE, 10_000)
            self.accept()
            return
        self._set_idle()
        self.status_label.setText(failure_text(failure) + (
            "" if key else " The clinic database was not changed."))
        self.status_label.show()

    # ---- looks ------------------------------------------------------------------------------

    def _set_busy(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.show()
        self.encrypt_button.setEnabled(False)
        self.later_button.setEnabled(False)
        self.password.setReadOnly(True)
        self.setCursor(Qt.CursorShape.BusyCursor)

    def _set_idle(self) -> None:
        self.status_label.hide()
        self.encrypt_button.setEnabled(True)
        self.later_button.setEnabled(True)
        self.password.setReadOnly(False)
        self.unsetCursor()

    def reject(self) -> None:
        if self.busy:
            return  # the clinic is half-way through: it finishes (or rolls back) first
        self.password.clear()
        super().reject()


def offer_encryption(window: MainWindow, ctx: AppContext,
                     reopened: Callable[[SessionFactory], None] | None = None
                     ) -> EncryptOffer | None:
    """The offer for an administrator of a plaintext clinic file (shown), or None."""
    if not plaintext_clinic_for_admin(ctx):
        return None
    offer = EncryptOffer(window, ctx, reopened)
    offer.show()
    offer.activateWindow()  # what the administrator types next is their password
    offer.password.setFocus()
    return offer
