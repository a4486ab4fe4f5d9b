"""Bold headings a size up from the window's font: dialogs, sections, the chart header."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget


def heading(text: str, scale: float, parent: QWidget | None = None, *, name: str = "") -> QLabel:
    """A label in bold, `scale` times the point size of the font it would otherwise have."""
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label
