"""Scrolling the evaluation with the mouse wheel never changes a drop-down the pointer passes over."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QWidget

from ptdesk.ui.chart.evaluation.knee_section import KneeSection


def wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch of the wheel over the middle of `widget` (negative: scrolling down)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(widget.rect().center())), QPoint(),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _shown_effusion(qtbot: Any) -> tuple[KneeSection, QComboBox]:
    """A knee section on screen and its left effusion drop-down."""
    section = KneeSection()
    qtbot.addWidget(section)
    section.show()
    qtbot.waitExposed(section)
    combo = section.fields.widget("knee_left.effusion")
    assert isinstance(combo, QComboBox)
    return section, combo


def test_the_wheel_over_an_unfocused_drop_down_leaves_its_value(qtbot: Any) -> None:
    section, combo = _shown_effusion(qtbot)
    before = combo.currentIndex()
    wheel(combo)
    assert combo.currentIndex() == before
    assert section.fields.raw()["knee_left.effusion"] == ""


def test_the_turn_scrolls_the_form_instead(qtbot: Any) -> None:
    section = KneeSection()
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(section)
    qtbot.addWidget(area)
    area.resize(700, 300)
    area.show()
    qtbot.waitExposed(area)
    combo = section.fields.widget("knee_left.effusion")
    area.ensureWidgetVisible(combo)
    before = area.verticalScrollBar().value()
    wheel(combo)
    assert area.verticalScrollBar().value() > before
    assert section.fields.raw()["knee_left.effusion"] == ""


def test_a_focused_drop_down_still_takes_the_wheel(qtbot: Any) -> None:
    _section, combo = _shown_effusion(qtbot)
    combo.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo)
    assert combo.currentIndex() == 1  # the clinician chose to: it is in focus
