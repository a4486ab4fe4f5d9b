"""Drop-downs ignore the mouse wheel until clicked or tabbed into, so scrolling a form never changes a value."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)


class WheelGuard(QObject):
    """Passes a wheel turn over an unfocused widget on to its parent (the scroll area).

    Qt's combo boxes step through their choices under a turning wheel even without the
    keyboard focus: scrolling down a long form changed whichever finding the pointer
    crossed, silently (issue 19, seen on a real display). In focus they still take it.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget)
                or watched.hasFocus()):
            return False
        # The page scrolls as if the widget were not there. (Qt does not pass a re-sent
        # wheel event up to parents, so it goes to the enclosing scroll area directly.)
        parent = watched.parentWidget()
        while parent is not None and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            QApplication.sendEvent(parent.viewport(), event)
        return True


def guard_wheel(widget: QWidget) -> None:
    """`widget` takes the wheel only once it has the focus (a click or Tab gives it)."""
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not WheelFocus: a turn never focuses
    widget.installEventFilter(WheelGuard(widget))  # owned by the widget, gone with it


def guard_wheels_in(form: QWidget) -> None:
    """Every spin box and drop-down inside `form` (a scrolled form) waits for the focus."""
    for box in [*form.findChildren(QAbstractSpinBox), *form.findChildren(QComboBox)]:
        guard_wheel(box)
