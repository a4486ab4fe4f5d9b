"""Table model of the clinic's user accounts for the administrator's Users dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QApplication

from ptdesk.services.accounts import Account
from ptdesk.ui.kit.rows_model import Column, RowsModel


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


def _greyed(account: Account) -> QBrush | None:
    if account.active:
        return None
    return QApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


COLUMNS: tuple[Column[Account], ...] = tuple(
    Column(title, text) for title, text in (
        ("User name", lambda a: a.username), ("Name", lambda a: a.signature_name),
        ("Role", lambda a: a.role_label), ("Status", status_text), ("Last sign-in", _last_login)))


class UsersModel(RowsModel[Account]):
    """Read-only rows of accounts; the dialog reloads it after every change."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent, key=lambda a: a.username, row_roles={
            Qt.ItemDataRole.UserRole: lambda a: a.username,
            Qt.ItemDataRole.ForegroundRole: _greyed})

    set_accounts = RowsModel.set_rows
    account = RowsModel.row_at
