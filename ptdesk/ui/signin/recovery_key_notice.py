"""The clinic recovery key, shown once after setup: to print and lock away."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ptdesk.services.keys.words import RECOVERY_WARNING
from ptdesk.ui.kit.heading import heading as make_heading


class RecoveryKeyNotice(QDialog):
    """Window-modal, opened with `open()` (never a nested event loop); the key can be copied."""

    def __init__(self, recovery_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyNotice")
        self.setWindowTitle("Clinic recovery key — PT Desk")
        heading = make_heading("Your clinic's recovery key", 1.3, self)
        self.key_edit = QLineEdit(recovery_key, self)
        self.key_edit.setObjectName("recoveryKey")
        self.key_edit.setAccessibleName("Recovery key")
        self.key_edit.setReadOnly(True)
        self.key_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        warning = QLabel(RECOVERY_WARNING + " PT Desk shows this key only now.", self)
        warning.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("I have &printed it")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.key_edit)
        layout.addWidget(warning)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        self.setMinimumWidth(560)

    def done(self, result: int) -> None:
        self.key_edit.clear()  # nothing secret stays behind in the widget
        super().done(result)
