"""Administrator's Users dialog: list, add, switch off/on, reset passwords, roles, lock time."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.accounts import Account, list_users, set_active, set_role
from ptdesk.services.clinic import get_settings, set_lock_minutes
from ptdesk.services.errors import ServiceError
from ptdesk.services.keys.clinic_key import is_encrypted
from ptdesk.services.permissions import ROLE_LABELS, ROLES
from ptdesk.ui.admin.add_user_dialog import AddUserDialog
from ptdesk.ui.admin.password_dialog import PasswordDialog
from ptdesk.ui.admin.users_model import UsersModel
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.background import BackgroundCall
from ptdesk.ui.kit.palette import error_style

REKEYING = "Switching the account off and re-keying the clinic database…"
REKEY_FAILED = ("The account could not be switched off just now. Try again; if it keeps "
                "happening, check that the database folder can be written to.")


class UsersDialog(QDialog):
    """Every change goes through the accounts service, which checks the administrator role."""

    lock_minutes_changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.setWindowTitle("Users and access")
        self.ctx = ctx
        self._rekey = BackgroundCall(self)  # switching off an encrypted clinic's account
        self.model = UsersModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("usersTable")
        self.view.setAccessibleName("User accounts")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.add_button = self._button("addUser", "&Add user…")
        self.password_button = self._button("resetPassword", "Reset &password…")
        self.role_button = self._button("changeRole", "Change &role…")
        self.active_button = self._button("switchOff", "Switch &off")
        self.error = QLabel(self)
        self.error.setObjectName("usersError")
        self.error.setStyleSheet(error_style(self))
        self.error.setWordWrap(True)
        self.error.hide()
        self.lock_spin = QSpinBox(self)
        self.lock_spin.setObjectName("lockMinutes")
        self.lock_spin.setAccessibleName("Lock the screen after (minutes)")
        self.lock_spin.setRange(1, 120)
        self.lock_spin.setSuffix(" minutes")
        self.lock_button = self._button("saveLockMinutes", "Sa&ve")
        self.lock_error = QLabel(self)
        self.lock_error.setStyleSheet(error_style(self))
        self.lock_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self._layout()
        self._connect_signals()
        self.reload()
        self.lock_spin.setValue(get_settings(ctx.session_factory).lock_minutes)
        self.resize(820, 480)

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        return button

    def _layout(self) -> None:
        side = QVBoxLayout()
        for button in (self.add_button, self.password_button, self.role_button,
                       self.active_button):
            side.addWidget(button)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.view, 1)
        top.addLayout(side)
        lock_box = QGroupBox("Automatic lock", self)
        lock_row = QHBoxLayout(lock_box)
        caption = QLabel("Lock the screen after", lock_box)
        caption.setBuddy(self.lock_spin)
        lock_row.addWidget(caption)
        lock_row.addWidget(self.lock_spin)
        lock_row.addWidget(QLabel("without use.", lock_box))
        lock_row.addWidget(self.lock_button)
        lock_row.addWidget(self.lock_error, 1)
        lock_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.error)
        layout.addWidget(lock_box)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.password_button.clicked.connect(self._on_password_button_clicked)
        self.role_button.clicked.connect(self._on_role_button_clicked)
        self.active_button.clicked.connect(self._on_active_button_clicked)
        self._rekey.finished.connect(self._on_rekey_finished)
        self.lock_button.clicked.connect(self._on_lock_button_clicked)
        self.buttons.rejected.connect(self.reject)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)

    # ---- data -----------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        current = select or (self.selected().username if self.selected() else None)
        self.model.set_accounts(list_users(self.ctx.session_factory, actor=self.ctx.actor))
        header = self.view.horizontalHeader()
        header.resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        row = self.model.row_of(current) if current else None
        self.view.selectRow(row if row is not None else 0)
        self._update_buttons()

    def selected(self) -> Account | None:
        return self.model.account(self.view.currentIndex().row())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _update_buttons(self) -> None:
        account = self.selected()
        for button in (self.password_button, self.role_button, self.active_button):
            button.setEnabled(account is not None)
        self.active_button.setText("Switch &on" if account and not account.active
                                   else "Switch &off")

    # ---- slots ------------------------------------------------------------------------------

    def _on_view_current_row_changed(self) -> None:
        self.show_error("")
        self._update_buttons()

    def _on_add_button_clicked(self) -> None:
        dialog = AddUserDialog(self.ctx, self)
        if dialog.exec() and dialog.account is not None:
            self.reload(select=dialog.account.username)

    def _on_password_button_clicked(self) -> None:
        account = self.selected()
        if account is not None and PasswordDialog(self.ctx, account.username, self).exec():
            self.reload()

    def _on_role_button_clicked(self) -> None:
        account = self.selected()
        if account is None:
            return
        labels = [ROLE_LABELS[r] for r in ROLES]
        label, ok = QInputDialog.getItem(self, "Change role", f"Role of {account.username}:",
                                         labels, labels.index(account.role_label), False)
        if ok:
            self._change(lambda: set_role(self.ctx.session_factory, actor=self.ctx.actor,
                                          username=account.username,
                                          role=ROLES[labels.index(label)]))

    def _on_active_button_clicked(self) -> None:
        account = self.selected()
        if account is None:
            return
        sf, actor = self.ctx.session_factory, self.ctx.actor

        def action() -> Account:
            return set_active(sf, actor=actor, username=account.username,
                              active=not account.active)

        if account.active and is_encrypted(sf):
            # Switching off re-keys an encrypted clinic: seconds for a big one, so it runs
            # off the UI thread.
            if self._rekey.busy:
                return
            self.show_error("")
            self.active_button.setEnabled(False)
            self.ctx.signals.status_message.emit(REKEYING)
            self._rekey.start(action)
            return
        self._change(action)

    def _on_rekey_finished(self, result: object, error: BaseException | None) -> None:
        self.active_button.setEnabled(True)
        if isinstance(error, ServiceError):
            self.show_error(str(error))
        elif error is not None:
            self.show_error(REKEY_FAILED)
        if isinstance(result, Account):
            self.reload(select=result.username)
        elif error is not None:
            self.reload()

    def _change(self, action: Callable[[], Account]) -> None:
        self.show_error("")
        try:
            account = action()
        except ServiceError as exc:  # e.g. "You cannot switch off your own account."
            self.show_error(str(exc))
            return
        self.reload(select=account.username)

    def _on_lock_button_clicked(self) -> None:
        self.lock_error.hide()
        try:
            profile = set_lock_minutes(self.ctx.session_factory, actor=self.ctx.actor,
                                       minutes=self.lock_spin.value())
        except (ValidationError, ServiceError) as exc:
            self.lock_error.setText(getattr(exc, "message", str(exc)))
            self.lock_error.show()
            return
        self.lock_minutes_changed.emit(profile.lock_minutes)
        self.ctx.signals.status_message.emit(
            f"The screen now locks after {profile.lock_minutes} minutes without use.")
