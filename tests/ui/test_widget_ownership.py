"""Every widget Qt has given a parent is owned by that parent, never also by Python.

PySide's QFormLayout.addRow(label, layout) left the widgets already in the layout owned by
Python while Qt made them children of the form. Once Python collected such a tab, Qt
deleted those widgets with their parent and Python deleted them again: a segfault, seen
as test workers that crashed in the Run plan tests. These tests build every chart tab and
the main window and look for any widget in that state.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QObject, QSettings

from ptdesk.db.engine import SessionFactory
from ptdesk.ui.chart.registry import tab_classes
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_charted_patient


def doubly_owned(roots: list[QObject]) -> list[str]:
    """Objects under `roots` that Python owns although they have a Qt parent.

    Read from the wrappers Python holds (gc), not with findChildren: fetching children that
    way quietly repairs the ownership of the ones it returns and would hide the fault.
    """
    found = []
    for thing in gc.get_objects():
        if not (isinstance(thing, QObject) and shiboken6.isValid(thing)
                and shiboken6.ownedByPython(thing)):
            continue
        parent = thing.parent()
        if parent is None:
            continue
        ancestor: QObject | None = parent
        while ancestor is not None and not any(ancestor is root for root in roots):
            ancestor = ancestor.parent()
        if ancestor is not None:
            found.append(f"{type(thing).__name__} {thing.objectName()!r} "
                         f"in {type(parent).__name__} {parent.objectName()!r}")
    return found


@pytest.fixture
def charted_patient(session_factory: SessionFactory) -> int:
    return make_charted_patient(session_factory)


@pytest.mark.parametrize("tab_class", tab_classes(), ids=lambda cls: cls.__name__)
def test_no_widget_of_a_chart_tab_is_owned_twice(qtbot: Any, ctx: AppContext,
                                                 charted_patient: int, tab_class: Any) -> None:
    tab = tab_class(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.set_patient(charted_patient)
    tab.show()
    qtbot.waitExposed(tab)
    assert doubly_owned([tab]) == []


def test_no_widget_of_the_main_window_is_owned_twice(qtbot: Any, ctx: AppContext,
                                                     charted_patient: int, tmp_path: Path
                                                     ) -> None:
    from ptdesk.ui.main_window import MainWindow

    window = MainWindow(ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.chart.set_patient(charted_patient)
    for index in range(window.chart.tabs.count()):
        window.chart.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda i=index: window.chart.tabs.currentIndex() == i)
    assert doubly_owned([window]) == []


def test_no_widget_of_the_new_exercise_dialog_is_owned_twice(
        qtbot: Any, session_factory: SessionFactory) -> None:
    from ptdesk.ui.chart.exercises.new_exercise_dialog import NewExerciseDialog

    dialog = NewExerciseDialog(session_factory, actor=ACTOR)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert doubly_owned([dialog]) == []  # its dosage row "How often" held a layout
