"""Scrolling a form with the mouse wheel never changes a value the pointer passes over."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QScrollArea, QWidget

from ptdesk.db.engine import SessionFactory
from ptdesk.ui.chart.evaluation.knee_section import KneeSection
from ptdesk.ui.chart.registry import tab_classes
from ptdesk.ui.context import AppContext
from tests.factories import make_charted_patient


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


def _turns(widget: QWidget) -> object:
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    return widget.text()  # type: ignore[attr-defined]  # a spin box or date field


@pytest.mark.parametrize("tab_class", tab_classes(), ids=lambda cls: cls.__name__)
def test_scrolling_a_chart_tab_never_turns_a_value_the_pointer_passes(
        qtbot: Any, ctx: AppContext, session_factory: SessionFactory, tab_class: Any) -> None:
    # Seen on a real display: scrolling the Run plan inputs turned "Long run at most" from
    # 40% to 33% of the week as the spin box passed under the pointer.
    patient_id = make_charted_patient(session_factory)
    tab = tab_class(ctx)
    qtbot.addWidget(tab)
    tab.resize(1024, 600)
    tab.set_patient(patient_id)
    tab.show()
    qtbot.waitExposed(tab)
    turned = []
    for area in tab.findChildren(QScrollArea):
        inside = area.widget()
        if inside is None:
            continue
        boxes: list[QWidget] = [*inside.findChildren(QAbstractSpinBox),
                                *inside.findChildren(QComboBox)]
        for box in boxes:
            if not box.isVisibleTo(tab) or not box.isEnabled() or box.hasFocus():
                continue
            before = _turns(box)
            for steps in (-1, 1):  # whichever way it would turn; each turn checked on its own
                wheel(box, steps)
                if _turns(box) != before:
                    turned.append(f"{type(box).__name__} "
                                  f"{box.objectName() or box.accessibleName()}")
                    break
    assert turned == []


def test_scrolling_the_patient_dialog_never_changes_a_choice(qtbot: Any, ctx: AppContext
                                                             ) -> None:
    from ptdesk.ui.patients.patient_dialog import PatientDialog

    dialog = PatientDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    combos = [w for w in dialog.inputs.values() if isinstance(w, QComboBox)]
    assert len(combos) >= 3  # sex, dominant leg, affected side, handout language
    turned = []
    for combo in combos:
        if combo.hasFocus():
            continue
        before = combo.currentIndex()
        for steps in (-1, 1):
            wheel(combo, steps)
            if combo.currentIndex() != before:
                turned.append(combo.objectName())
                break
    assert turned == []
