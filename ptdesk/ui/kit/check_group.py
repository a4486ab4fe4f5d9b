"""A group of check boxes as one Tab stop: arrow keys move between them, Space ticks the one in focus."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox

_NEXT = (Qt.Key.Key_Right, Qt.Key.Key_Down)
_BACK = (Qt.Key.Key_Left, Qt.Key.Key_Up)


class CheckGroup(QObject):
    """Only the first box takes Tab; the arrows walk the group (wrapping), like radio buttons.

    The others keep click focus, so a mouse click still ticks and focuses them.
    """

    def __init__(self, boxes: Sequence[QCheckBox], parent: QObject | None = None) -> None:
        super().__init__(parent or (boxes[0] if boxes else None))
        self.boxes = list(boxes)
        for n, box in enumerate(self.boxes):
            box.setFocusPolicy(Qt.FocusPolicy.StrongFocus if n == 0 else Qt.FocusPolicy.ClickFocus)
            box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent)
                or not isinstance(watched, QCheckBox) or watched not in self.boxes):
            return False
        key = event.key()
        if key not in _NEXT and key not in _BACK:
            return False
        step = 1 if key in _NEXT else -1
        index = (self.boxes.index(watched) + step) % len(self.boxes)
        self.boxes[index].setFocus(Qt.FocusReason.TabFocusReason)
        return True
