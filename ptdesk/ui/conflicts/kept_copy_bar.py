"""A bar above a form saying the user's text from a save conflict is kept, with copy/put back/discard."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget

from ptdesk.ui.kit.palette import warning_border_style


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setToolTip(tip)
    return button


class KeptCopyBar(QFrame):
    """Hidden until a copy exists; its buttons are wired by ConflictFlow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keptCopyBar")
        self.setAccessibleName("Your kept text")
        # An amber border reads as "attention" on light and dark palettes alike; the
        # background stays the palette's own.
        self.setStyleSheet(warning_border_style("keptCopyBar"))
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(size, size))
        self.message = QLabel()
        self.message.setObjectName("keptCopyMessage")
        self.message.setWordWrap(True)
        self.copy_button = _button("Copy my text", "keptCopyCopy",
                                   "Put your kept text on the clipboard")
        self.restore_button = _button("Put my text back", "keptCopyRestore",
                                      "Replace what the form shows with your kept text")
        self.discard_button = _button("Discard my copy", "keptCopyDiscard",
                                      "Delete the kept copy of your text")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(icon)
        row.addWidget(self.message, 1)
        for button in (self.copy_button, self.restore_button, self.discard_button):
            row.addWidget(button)
        self.hide()

    def show_copy(self, when: str) -> None:
        kept = f" from {when}" if when else ""
        self.message.setText(f"Your text{kept} was not saved (someone else saved first). "
                             "It is kept as a copy.")
        self.show()
