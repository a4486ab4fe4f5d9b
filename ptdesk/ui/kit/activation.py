"""Open an item of a list on double-click or Enter only (never on a single click, whatever the style)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _EnterFilter(QObject):
    def __init__(self, view: QAbstractItemView, callback: Callable[[QModelIndex], None]) -> None:
        super().__init__(view)
        self._view = view
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in _ENTER_KEYS
                and self._view.state() != QAbstractItemView.State.EditingState):
            index = self._view.currentIndex()
            if index.isValid():
                self._callback(index)
                return True
        return False


def on_open(view: QAbstractItemView, callback: Callable[[QModelIndex], None]) -> None:
    """Call `callback(index)` on double-click or Enter.

    Qt's `activated` also fires on a single click under styles that activate on
    single click (e.g. KDE), which would add an exercise by merely selecting it.
    """
    view.doubleClicked.connect(callback)
    view.installEventFilter(_EnterFilter(view, callback))
