"""Table model of the clinic's user accounts for the administrator's Users dialog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from ptdesk.services.accounts import Account

COLUMNS = ("User name", "Name", "Role", "Status", "Last sign-in")
Index = QModelIndex | QPersistentModelIndex


def status_text(account: Account) -> str:
    if not account.active:
        return "Switched off"
    if not account.has_password:
        return "No password yet"
    return "Active"


def _last_login(account: Account) -> str:
    if account.last_login_at is None:
        return "Never"
    return account.last_login_at.astimezone().strftime("%Y-%m-%d %H:%M")


class UsersModel(QAbstractTableModel):
    """Read-only rows of accounts; the dialog reloads it after every change."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._accounts: list[Account] = []

    def set_accounts(self, accounts: Sequence[Account]) -> None:
        self.beginResetModel()
        self._accounts = list(accounts)
        self.endResetModel()

    def account(self, row: int) -> Account | None:
        return self._accounts[row] if 0 <= row < len(self._accounts) else None

    def row_of(self, username: str) -> int | None:
        return next((i for i, a in enumerate(self._accounts) if a.username == username), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._accounts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._accounts):
            return None
        account = self._accounts[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (account.username, account.signature_name, account.role_label,
                    status_text(account), _last_login(account))[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and not account.active:
            return QApplication.palette().brush(QPalette.ColorGroup.Disabled,
                                                QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.UserRole:
            return account.username
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None
