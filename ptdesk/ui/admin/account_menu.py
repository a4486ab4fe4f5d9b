"""The signed-in user in the main window: File-menu account items, role-based menus, the lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu

from ptdesk.services.accounts import get_account
from ptdesk.services.permissions import permissions_of
from ptdesk.ui.context import AppContext

if TYPE_CHECKING:
    from ptdesk.ui.signin.lock_controller import LockController

# Main-window actions (attribute name) and the permission without which they are hidden.
# The services refuse these regardless; hiding only spares the clinician a refusal.
ROLE_ACTIONS = (
    ("new_patient_action", "edit_patient"),
    ("edit_patient_action", "edit_patient"),
    ("settings_action", "edit_settings"),
)


class AccountMenu(QObject):
    """Adds Users…, Audit log…, Change my password… and Lock now to the window's File menu."""

    def __init__(self, window: QMainWindow, ctx: AppContext, *,
                 lock: LockController) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.allowed = permissions_of(ctx.session_factory, ctx.actor)
        account = get_account(ctx.session_factory, ctx.actor)
        self.users_action = self._action("manageUsers", "&Users…")
        self.audit_action = self._action("auditLog", "&Audit log…")
        self.password_action = self._action("changePassword", "Change my pass&word…")
        self.lock_action = self._action("lockNow", "&Lock now", "Ctrl+L")
        self.users_action.setVisible("manage_users" in self.allowed)
        self.audit_action.setVisible("audit_report" in self.allowed)
        self.password_action.setVisible(account is not None and account.has_password)
        self._insert_into_file_menu()
        for name, permission in ROLE_ACTIONS:
            action = getattr(window, name, None)
            if isinstance(action, QAction):
                action.setVisible(permission in self.allowed)
        who = (f"{account.display_name} · {account.role_label}" if account is not None
               else ctx.actor)
        self.user_label = QLabel(f"Signed in: {who}", window)
        self.user_label.setObjectName("signedInUser")
        window.statusBar().addPermanentWidget(self.user_label)
        self.lock = lock  # built by the window, which knows what to flush before locking
        self._connect_signals()

    def _action(self, name: str, text: str, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _insert_into_file_menu(self) -> None:
        quit_action = getattr(self.window, "quit_action", None)
        menu = next((a.menu() for a in self.window.menuBar().actions()
                     if isinstance(a.menu(), QMenu) and quit_action in a.menu().actions()), None)
        if menu is None:
            return
        before = quit_action
        actions = menu.actions()
        index = actions.index(quit_action)
        if index > 0 and actions[index - 1].isSeparator():
            before = actions[index - 1]  # keep Quit in its own group at the bottom
        menu.insertSeparator(before)
        for action in (self.users_action, self.audit_action, self.password_action,
                       self.lock_action):
            menu.insertAction(before, action)

    def _connect_signals(self) -> None:
        self.users_action.triggered.connect(self._on_users_action_triggered)
        self.audit_action.triggered.connect(self._on_audit_action_triggered)
        self.password_action.triggered.connect(self._on_password_action_triggered)
        self.lock_action.triggered.connect(lambda: self.lock.lock("locked by the user"))

    def _on_users_action_triggered(self) -> None:
        from ptdesk.ui.admin.users_dialog import UsersDialog

        dialog = UsersDialog(self.ctx, self.window)
        dialog.lock_minutes_changed.connect(
            lambda minutes: self.lock.set_idle_ms(minutes * 60_000))
        dialog.exec()

    def _on_audit_action_triggered(self) -> None:
        from ptdesk.ui.admin.audit_viewer import AuditViewer

        AuditViewer(self.ctx, self.window).exec()

    def _on_password_action_triggered(self) -> None:
        from ptdesk.ui.admin.password_dialog import PasswordDialog

        if PasswordDialog(self.ctx, self.ctx.actor, self.window).exec():
            self.ctx.signals.status_message.emit("Your password is changed.")
