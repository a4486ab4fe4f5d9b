"""The signed-in user in the main window: File-menu account items, role-based menus, the lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
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
    """Adds Users…, Audit log…, Change my password…, Lock now, Switch user… and Sign out to
    the window's File menu; `remove` takes them out again when the user signs out."""

    sign_out_requested = Signal(bool)  # True: Switch user (the window runs the sign-out)

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
        self.switch_action = self._action("switchUser", "S&witch user…")
        self.sign_out_action = self._action("signOut", "Sign &out")
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
        self.menu = menu
        self.separator = menu.insertSeparator(before)
        for action in self._own_actions():
            menu.insertAction(before, action)

    def _own_actions(self) -> tuple[QAction, ...]:
        return (self.users_action, self.audit_action, self.password_action, self.lock_action,
                self.switch_action, self.sign_out_action)

    def remove(self) -> None:
        """The user signed out: their items, name and lock leave the window."""
        menu = getattr(self, "menu", None)
        if isinstance(menu, QMenu):
            for action in (*self._own_actions(), self.separator):
                menu.removeAction(action)
        for action in self._own_actions():
            action.deleteLater()
        self.window.statusBar().removeWidget(self.user_label)
        self.user_label.deleteLater()
        self.lock.release()
        self.lock.deleteLater()
        self.deleteLater()

    def _connect_signals(self) -> None:
        self.users_action.triggered.connect(self._on_users_action_triggered)
        self.audit_action.triggered.connect(self._on_audit_action_triggered)
        self.password_action.triggered.connect(self._on_password_action_triggered)
        self.lock_action.triggered.connect(lambda: self.lock.lock("locked by the user"))
        self.switch_action.triggered.connect(lambda: self.sign_out_requested.emit(True))
        self.sign_out_action.triggered.connect(lambda: self.sign_out_requested.emit(False))

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
