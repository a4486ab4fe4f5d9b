"""Exercise picker (issue 19): Enter in the search box adds, duplicates are refused, search by
alias and muscle, and the library's default dosages follow CLINICAL.md."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ptdesk.db.engine import SessionFactory
from ptdesk.services.exercises import sync_library
from ptdesk.ui.chart.exercises import ExercisesTab
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_episode, make_patient


@pytest.fixture
def tab(qtbot, session_factory: SessionFactory) -> ExercisesTab:  # type: ignore[no-untyped-def]
    sync_library(session_factory)
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    widget = ExercisesTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(widget)
    widget.set_patient(patient.id)
    widget.resize(1280, 800)
    widget.show()
    return widget


def names(tab: ExercisesTab) -> list[str]:
    return [item.exercise_name for item in tab.editor.model.items()]


def listed(tab: ExercisesTab) -> list[str]:
    model = tab.library.model
    return [model.exercise_at(row).name for row in range(model.rowCount())]


def search(qtbot, tab: ExercisesTab, text: str) -> None:  # type: ignore[no-untyped-def]
    box = tab.library.search
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)


def test_enter_in_the_search_box_adds_the_single_match(tab, qtbot) -> None:
    search(qtbot, tab, "clamshell")
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Return)
    assert names(tab) == ["Clamshell"]
    # The search box keeps the focus and is cleared for the next exercise.
    assert tab.library.search.text() == ""


def test_enter_in_the_search_box_adds_the_selected_match(tab, qtbot) -> None:
    search(qtbot, tab, "calf")
    rows = listed(tab)
    assert len(rows) > 1
    # Down arrow moves through the list while typing stays in the box.
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Down)
    assert tab.library.view.currentIndex().row() == 1
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Enter)
    assert names(tab) == [rows[1]]


def test_enter_with_nothing_found_adds_nothing_and_says_so(tab, qtbot) -> None:
    search(qtbot, tab, "zzzz")
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Return)
    assert names(tab) == []
    assert "No exercise" in tab.library.message.text()
    assert tab.library.message.isVisible()


def test_a_duplicate_is_refused_with_a_message_next_to_the_picker(tab, qtbot) -> None:
    search(qtbot, tab, "clamshell")
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Return)
    search(qtbot, tab, "clam")
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Return)
    tab.library.add_button.click()
    assert names(tab) == ["Clamshell"]
    message = tab.library.message
    assert message.isVisible() and "already in the programme" in message.text()
    assert "Clamshell" in message.text()
    # Another exercise goes in and the message clears.
    search(qtbot, tab, "wall sit")
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Return)
    assert names(tab) == ["Clamshell", "Wall squat (wall sit)"]
    assert not message.isVisible()


def test_double_click_on_a_duplicate_is_refused_too(tab, qtbot) -> None:
    search(qtbot, tab, "clamshell")
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Return)
    search(qtbot, tab, "clamshell")
    view = tab.library.view
    centre = view.visualRect(tab.library.model.index(0, 0)).center()
    # A real double-click starts with a press (Qt opens only the item that was pressed).
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert names(tab) == ["Clamshell"]
    assert "already in the programme" in tab.library.message.text()


@pytest.mark.parametrize(("typed", "found"), [
    ("heel raise", "Calf raise"),
    ("heel raises", "Calf raise"),
    ("wall sit", "Wall squat (wall sit)"),
    ("glute med", "Clamshell"),
    ("gluteus medius", "Clamshell"),
    ("quads", "Wall squat (wall sit)"),
    ("hamstrings", "Romanian deadlift"),
    ("calves", "Calf raise"),
    ("it band", "TFL and IT band stretch"),
    # Muscle groups as clinicians say them, for the anatomical names the library lists.
    ("hip abductors", "Clamshell"),
    ("vmo", "Knee straightening with band"),
    ("core", "Side plank"),
    ("peroneals", "Resisted ankle eversion (band)"),
])
def test_search_finds_by_alias_synonym_and_target_muscle(tab, qtbot, typed, found) -> None:
    search(qtbot, tab, typed)
    assert found in listed(tab), listed(tab)


def test_an_exact_alias_hit_is_listed_first(tab, qtbot) -> None:
    search(qtbot, tab, "heel raise")
    assert listed(tab)[0] == "Calf raise"
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Return)
    assert names(tab) == ["Calf raise"]


def test_default_dosages_are_not_thin(tab, qtbot) -> None:
    for typed in ("clamshell", "wall sit"):
        search(qtbot, tab, typed)
        qtbot.keyClick(tab.library.search, Qt.Key.Key_Return)
    clam, wall = tab.editor.model.items()
    # CLINICAL.md: clamshell 10 reps building to 50 a side; wall sit holds of 5-10 s, 10-20 reps.
    assert clam.sets * clam.reps >= 20 and clam.sets >= 2
    assert wall.sets >= 2 and 10 <= wall.sets * wall.reps <= 20 and 5 <= wall.hold_seconds <= 10


def test_each_letter_typed_highlights_the_best_match(tab, qtbot) -> None:
    search(qtbot, tab, "c")
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Down)
    qtbot.keyClick(tab.library.search, Qt.Key.Key_Down)
    qtbot.keyClicks(tab.library.search, "alf raise")
    assert tab.library.view.currentIndex().row() == 0
    assert tab.library.current_exercise().name == "Calf raise"


def test_view_only_says_why_and_keeps_the_search(qtbot, session_factory) -> None:
    from tests.factories import ASSISTANT

    sync_library(session_factory)
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    widget = ExercisesTab(AppContext(session_factory, ASSISTANT))  # may look, not prescribe
    qtbot.addWidget(widget)
    widget.set_patient(patient.id)
    search(qtbot, widget, "clamshell")
    qtbot.keyClick(widget.library.search, Qt.Key.Key_Return)
    assert names(widget) == []
    assert "View only" in widget.library.message.text()
    assert widget.library.search.text() == "clamshell"
