"""The small red note shown under a field whose value cannot be accepted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from ptdesk.ui.kit.palette import error_colour, error_style


def make_error_label(parent: QWidget | None = None) -> QLabel:
    """A hidden, word-wrapped label in the error red that sits under the field it explains."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setObjectName("error_label")
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, error_colour(palette))
    label.setPalette(palette)
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


class ErrorLabel(QLabel):
    """A small red note under a field; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._apply_colour()
        self.hide()

    def show_message(self, message: str) -> None:
        if message == self.text() and self.isHidden() != bool(message):
            return  # nothing to change (clearing all errors is frequent)
        self.setText(message)
        self.setVisible(bool(message))

    def changeEvent(self, event: Any) -> None:
        if event.type() == event.Type.PaletteChange:
            self._apply_colour()
        super().changeEvent(event)

    def _apply_colour(self) -> None:
        sheet = error_style(self)
        # Setting a style sheet sends another PaletteChange; only set it when it differs.
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)
