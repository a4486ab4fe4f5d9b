"""A label that keeps its text on one line when there is room and wraps it when there is not."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QWidget


class WrapLabel(QLabel):
    """Word-wrapping, but asks for one line's width (a plain wrapping QLabel asks for less
    and wraps even on a wide screen); never narrower than the text `least` (issue 19)."""

    def __init__(self, text: str = "", least: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        if least:
            self.setMinimumWidth(self.fontMetrics().horizontalAdvance(least) + 8)

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = (self.fontMetrics().horizontalAdvance(self.text()) + 2 * self.margin()
                 + margins.left() + margins.right() + 4)
        return QSize(max(width, self.minimumWidth()), super().sizeHint().height())
