"""Keyboard-first evaluation: Tab visits every field in reading order, tick-box groups, gait notes, Help's list."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QPlainTextEdit, QWidget

from ptdesk.services.evaluations import create_visit
from ptdesk.ui.chart.evaluation import EvaluationTab
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_episode, make_patient


@pytest.fixture
def tab(qtbot: Any, ctx: AppContext, session_factory: Any) -> EvaluationTab:
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                 visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    widget = EvaluationTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.set_patient(patient.id)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    return widget


def focus(qtbot: Any, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def tab_key(qtbot: Any) -> QWidget:
    current = QApplication.focusWidget()
    assert current is not None
    qtbot.keyClick(current, Qt.Key.Key_Tab)
    after = QApplication.focusWidget()
    assert after is not None
    return after


def tab_stops(tab: EvaluationTab) -> list[tuple[str, str]]:
    """Every field that should take Tab, section by section in the order its fields read."""
    out = []
    for name, section in tab.sections.items():
        if not section.isVisibleTo(tab):
            continue
        keys: list[str] = section.fields.keys()
        for key in keys:
            widget = section.fields.widget(key)
            if widget.isVisibleTo(tab) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                out.append((name, key))
    return out


def test_tab_visits_every_field_once_in_reading_order(qtbot: Any, tab: EvaluationTab) -> None:
    where = {id(s.fields.widget(k)): (n, k) for n, s in tab.sections.items()
             for k in s.fields.keys()}  # noqa: SIM118 - FormFields is not a dict
    expected = tab_stops(tab)
    first = tab.sections["subjective"].fields.widget("chief_complaint")
    focus(qtbot, first)
    walked = [where[id(first)]]
    for _ in range(len(expected) * 3):  # buttons sit between fields; the walk ends on wrap
        widget = tab_key(qtbot)
        if widget is first:
            break
        if id(widget) in where:
            walked.append(where[id(widget)])
    assert walked == expected
    assert len(expected) > 120  # the whole form, not a section


def test_gait_notes_follow_the_video_file_and_take_typed_text(
        qtbot: Any, tab: EvaluationTab) -> None:
    """Regression: Tab from the video file skipped Gait notes and landed on Overstriding,
    where spaces ticked the box and letters vanished."""
    gait = tab.sections["gait"]
    focus(qtbot, gait.browse_button)
    notes = tab_key(qtbot)
    assert isinstance(notes, QPlainTextEdit) and notes.accessibleName() == "Gait notes"
    qtbot.keyClicks(notes, "Hips drop late in the run")
    assert gait.fields.raw()["gait.notes"] == "Hips drop late in the run"
    assert gait.fields.raw()["gait.overstriding"] is False


def test_a_tick_box_group_is_one_tab_stop_walked_with_the_arrow_keys(
        qtbot: Any, tab: EvaluationTab) -> None:
    fields = tab.sections["subjective"].fields
    pain = fields.widget("symptoms:pain")
    focus(qtbot, pain)
    assert tab_key(qtbot) is fields.widget("pain_locations:front")  # the next group
    focus(qtbot, pain)
    qtbot.keyClick(pain, Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    giving_way = fields.widget("symptoms:giving_way")
    assert QApplication.focusWidget() is giving_way
    qtbot.keyClick(giving_way, Qt.Key.Key_Space)
    assert isinstance(giving_way, QCheckBox) and giving_way.isChecked()
    qtbot.keyClick(giving_way, Qt.Key.Key_Left)
    assert QApplication.focusWidget() is fields.widget("symptoms:weakness")
    knee = tab.sections["knee"].fields
    site = knee.widget("knee_left.tenderness:patellar_tendon")
    assert not site.focusPolicy() & Qt.FocusPolicy.TabFocus  # reached by arrows or a click
    assert site.focusPolicy() & Qt.FocusPolicy.ClickFocus


def test_help_lists_the_keyboard_shortcuts(qtbot: Any, ctx: AppContext, settings: Any) -> None:
    from ptdesk.ui.desktop.shortcut_list import ShortcutList, shortcut_rows
    from ptdesk.ui.main_window import MainWindow

    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    action = window.shortcuts_action  # type: ignore[attr-defined]
    assert action.text().replace("&", "") == "Keyboard shortcuts"
    rows = dict((text, keys) for keys, text in shortcut_rows(window))
    assert rows["New patient"] == "Ctrl+N"
    assert "Ctrl+Shift+D" in {keys for keys, _text in shortcut_rows(window)}
    dialog = ShortcutList(window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(shortcut_rows(window))
