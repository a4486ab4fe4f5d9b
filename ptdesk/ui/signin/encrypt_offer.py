"""After an administrator signs in to a plaintext clinic file: offer to encrypt it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from ptdesk.ui.context import AppContext

OFFER_TEXT = (
    "This clinic's database file is not encrypted: anyone who gets hold of this computer "
    "or a backup can read the patients' records.\n\n"
    "To encrypt it, close PT Desk on every workstation and run\n\n"
    "    ptdesk encrypt\n\n"
    "in a terminal, signed in as an administrator. It checks the encrypted copy before it "
    "replaces the file, keeps every account's password, and shows the clinic's recovery "
    "key once.")


def plaintext_clinic_for_admin(ctx: AppContext) -> bool:
    """True when the clinic is a plaintext SQLite file and an administrator signed in."""
    from ptdesk.services.accounts import get_account
    from ptdesk.services.keys.clinic_key import is_plaintext_file

    if not is_plaintext_file(ctx.session_factory):
        return False
    account = get_account(ctx.session_factory, ctx.actor)
    return account is not None and account.role == "administrator"


def offer_encryption(parent: QWidget, ctx: AppContext) -> QMessageBox | None:
    """A note for an administrator (never a nested event loop, never modal), or None."""
    if not plaintext_clinic_for_admin(ctx):
        return None
    box = QMessageBox(QMessageBox.Icon.Information, "Encrypt the clinic database — PT Desk",
                      OFFER_TEXT, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("encryptOffer")
    # Not modal: the clinic is usable meanwhile (it is a note, not a question).
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.show()
    return box
