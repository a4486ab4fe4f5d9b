"""The info bar over the chart tabs: another workstation saved what this one is still editing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QWidget,
)

# Palette roles only, so the bar reads well in light and dark themes alike.
STYLE = ("QFrame#changeBanner { background: palette(alternate-base); "
         "border: 1px solid palette(highlight); border-radius: 4px; }")


class ChangeBanner(QFrame):
    """Non-modal: says who saved what, offers Reload and Dismiss; typing goes on meanwhile."""

    reload_clicked = Signal()
    dismiss_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changeBanner")
        self.setStyleSheet(STYLE)
        self.setAccessibleName("Changed on another workstation")
        self.icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(size, size))
        self.icon.setStyleSheet("border: none; background: transparent;")
        self.message = QLabel(self)
        self.message.setObjectName("changeBannerMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("border: none; background: transparent;")
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.reload_button = QPushButton("&Reload", self)
        self.reload_button.setObjectName("changeBannerReload")
        self.reload_button.setAccessibleName("Reload")
        self.reload_button.setToolTip("Show the version saved on the other workstation. Your "
                                      "unsaved text is kept as a draft you can restore.")
        self.dismiss_button = QPushButton("Dis&miss", self)
        self.dismiss_button.setObjectName("changeBannerDismiss")
        self.dismiss_button.setAccessibleName("Dismiss")
        self.dismiss_button.setToolTip("Keep working on what is shown here.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.setSpacing(8)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._connect_signals()
        self.hide()

    def _connect_signals(self) -> None:
        self.reload_button.clicked.connect(self.reload_clicked)
        self.dismiss_button.clicked.connect(self.dismiss_clicked)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.setAccessibleDescription(text)
        self.show()
