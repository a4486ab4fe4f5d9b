"""Exercises tab: template, cell editing, key reordering, remove, progress, save and versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QSpinBox
from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Episode, Prescription
from ptdesk.services.exercises import get_exercise, get_photo, list_exercises, sync_library
from ptdesk.services.prescriptions import (
    active_prescription,
    items_from_template,
    prescription_history,
)
from ptdesk.ui.chart.exercises import ExercisesTab
from ptdesk.ui.chart.exercises.prescription_model import COLUMNS
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_episode, make_patient

TEMPLATE = "runners_knee_phase_1"


def column(field: str) -> int:
    return [name for name, _ in COLUMNS].index(field)


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


def apply_template(tab: ExercisesTab, template_id: str = TEMPLATE) -> None:
    combo = tab.editor.template
    combo.setCurrentIndex(combo.findData(template_id))
    tab.editor.apply_button.click()


def names(tab: ExercisesTab) -> list[str]:
    return [item.exercise_name for item in tab.editor.model.items()]


def test_apply_template_fills_the_list_with_the_template_dosages(tab, session_factory) -> None:
    apply_template(tab)
    expected = items_from_template(session_factory, TEMPLATE)
    assert tab.editor.model.items() == expected
    assert tab.has_unsaved_changes()
    assert tab.editor.view.current_row() == 0
    assert "On the handout:" in tab.editor.words.text()


def test_edit_reorder_remove_progress_then_save(tab, session_factory, qtbot) -> None:
    apply_template(tab)
    view, model = tab.editor.view, tab.editor.model
    patient_id = tab._patient_id

    # Edit the reps of line 1 through the real cell editor (a bounded spin box).
    reps = model.index(0, column("reps"))
    view.setCurrentIndex(reps)
    view.edit(reps)
    editor = view.findChild(QSpinBox, "edit_reps")
    assert editor is not None and editor.maximum() == 200
    editor.setValue(17)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on Return through a queued call.
    qtbot.waitUntil(lambda: model.item_at(0).reps == 17)
    assert "17" in tab.editor.words.text()

    # Ctrl+Up moves the selected line up; Ctrl+Down moves it back down again.
    before = names(tab)
    view.select_row(2)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert names(tab) == [before[0], before[2], before[1], *before[3:]]
    assert view.current_row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert names(tab) == [before[0], before[1], before[3], before[2], *before[4:]]

    # Delete removes the selected line (the calf stretch at the end).
    view.select_row(model.rowCount() - 1)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "Calf stretch" not in names(tab)
    assert len(names(tab)) == len(before) - 1

    # Progress swaps the line for the exercise the library links as harder.
    row = names(tab).index("Straight leg raise")
    slr = model.item_at(row)
    harder = get_exercise(session_factory, slr.exercise_id).progression_library_id
    view.select_row(row)
    tab.editor.progress_button.click()
    stepped = model.item_at(row)
    assert stepped.library_id == harder and stepped.exercise_id != slr.exercise_id

    expected = model.items()
    assert tab.save() is True
    assert not tab.has_unsaved_changes()
    saved = active_prescription(session_factory, patient_id, actor=ACTOR)
    assert saved is not None
    assert [(i.exercise_id, i.sets, i.reps, i.hold_seconds, i.per_day, i.side)
            for i in saved.items] == [
        (i.exercise_id, i.sets, i.reps, i.hold_seconds, i.per_day, i.side) for i in expected]
    assert saved.items[0].reps == 17 and saved.items[0].exercise_name == "Quad set (thigh squeeze)"


def test_second_save_keeps_the_first_version_in_history(tab, session_factory) -> None:
    apply_template(tab)
    assert tab.save()
    first = active_prescription(session_factory, tab._patient_id, actor=ACTOR)
    tab.editor.view.select_row(0)
    tab.editor.view.remove_current()
    tab.note.setText("Quad sets are easy now")
    assert tab.save()
    history = prescription_history(session_factory, tab._patient_id, actor=ACTOR)
    assert [v.status for v in history] == ["active", "superseded"]
    assert history[1].id == first.id and len(history[1].items) == len(first.items)
    assert len(history[0].items) == len(first.items) - 1
    assert history[0].note == "Quad sets are easy now"
    assert tab.history_model.rowCount() == 2
    assert "replaced" in tab.history_model.index(1, 0).data()


def test_save_with_no_frequency_explains_the_line(tab, session_factory) -> None:
    apply_template(tab)
    model = tab.editor.model
    model.setData(model.index(0, column("per_day")), 0)
    assert model.item_at(0).per_day == 0 and model.item_at(0).per_week == 0
    assert tab.save() is False
    assert active_prescription(session_factory, tab._patient_id, actor=ACTOR) is None
    message = tab.editor.error.text()
    assert message.startswith("Line 1 (Quad set") and "per day" in message
    assert tab.editor.error.isVisible()
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert tab.has_unsaved_changes()  # the edit is kept, not thrown away


def test_per_week_clears_per_day(tab) -> None:
    apply_template(tab)
    model = tab.editor.model
    assert model.setData(model.index(0, column("per_week")), 3)
    item = model.item_at(0)
    assert (item.per_day, item.per_week) == (0, 3)
    assert "3 days a week" in tab.editor.words.text() or "3 days a week" in model.index(
        0, 1).data(Qt.ItemDataRole.ToolTipRole)


def test_add_from_library_with_enter_and_button(tab, qtbot) -> None:
    library = tab.library
    library.search.setText("clamshell")
    assert [library.model.exercise_at(r).name for r in range(library.model.rowCount())] == [
        "Clamshell"]
    library.view.setCurrentIndex(library.model.index(0, 0))
    library.view.setFocus()
    qtbot.keyClick(library.view, Qt.Key.Key_Return)
    assert names(tab) == ["Clamshell"]
    library.add_button.click()
    assert names(tab) == ["Clamshell"]  # issue 19: a second line of it is refused
    assert "already in the programme" in library.message.text()
    library.search.setText("wall sit")
    library.add_button.click()
    assert names(tab) == ["Clamshell", "Wall squat (wall sit)"]
    assert tab.editor.view.current_row() == 1
    library.search.setText("calf raise")
    centre = library.view.visualRect(library.model.index(0, 0)).center()
    qtbot.mouseClick(library.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert len(names(tab)) == 2  # a single click only selects
    qtbot.mouseDClick(library.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert names(tab) == ["Clamshell", "Wall squat (wall sit)", "Calf raise"]


def test_library_filters(tab, session_factory) -> None:
    library = tab.library
    library.category.setCurrentIndex(library.category.findData("stretch"))
    rows = [library.model.exercise_at(r) for r in range(library.model.rowCount())]
    assert rows and all(info.category == "stretch" for info in rows)
    library.category.setCurrentIndex(0)
    library.muscle.setCurrentIndex(library.muscle.findText("gluteus medius"))
    rows = [library.model.exercise_at(r) for r in range(library.model.rowCount())]
    assert rows and all(
        any("gluteus medius" in m.casefold() for m in info.target_muscles) for info in rows)
    assert len(rows) < len(list_exercises(session_factory))


def test_drag_and_drop_moves_a_line(tab) -> None:
    apply_template(tab)
    model = tab.editor.model
    before = names(tab)
    data = model.mimeData([model.index(0, 0)])
    # The model moves the row itself and answers False so the view removes nothing.
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex()) is False
    assert names(tab) == [before[1], before[2], before[0], *before[3:]]


def test_draft_is_offered_back_after_a_crash(tab, session_factory, qtbot, monkeypatch) -> None:
    apply_template(tab)
    tab.editor.view.select_row(0)
    tab.editor.view.remove_current()
    tab.flush_draft()
    unsaved = tab.editor.model.items()
    asked: list[str] = []

    def answer_yes(*args, **_kwargs):  # type: ignore[no-untyped-def]
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    reopened = ExercisesTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(reopened)
    reopened.set_patient(tab._patient_id)
    assert asked and asked[0].startswith("Restore unsaved changes from")
    assert reopened.editor.model.items() == unsaved
    assert reopened.has_unsaved_changes()
    assert reopened.save()
    # After a successful save the draft is gone: no question the next time.
    asked.clear()
    again = ExercisesTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(again)
    again.set_patient(tab._patient_id)
    assert asked == [] and again.editor.model.items() == [
        i for i in active_prescription(session_factory, tab._patient_id, actor=ACTOR).items]


def test_attach_photo_stores_the_png_and_shows_it(tab, session_factory, tmp_path: Path,
                                                  monkeypatch) -> None:
    png = tmp_path / "clamshell.png"
    image = QImage(8, 6, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    assert image.save(str(png), "PNG")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(png), "Photos (*.png *.jpg *.jpeg)")))
    tab.library.search.setText("clamshell")
    exercise = tab.library.current_exercise()
    assert exercise is not None and exercise.name == "Clamshell"
    assert tab.preview.exercise().id == exercise.id
    tab.preview.attach_photo_button.click()
    assert get_photo(session_factory, exercise.id) == png.read_bytes()
    assert tab.preview.picture.has_picture()
    assert tab.preview.remove_photo_button.isEnabled()


def test_attach_photo_refuses_a_non_image(tab, session_factory, tmp_path, monkeypatch) -> None:
    bogus = tmp_path / "notes.png"
    bogus.write_text("not really a picture")
    warned: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bogus), "")))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: warned.append(text)))
    exercise = tab.library.current_exercise()
    tab.preview.attach_photo_button.click()
    assert warned and "JPG or PNG" in warned[0]
    assert get_photo(session_factory, exercise.id) is None


def test_models_pass_qtmodeltester(tab, qtmodeltester) -> None:
    apply_template(tab)
    qtmodeltester.check(tab.library.model)
    qtmodeltester.check(tab.editor.model)
    assert tab.save()
    qtmodeltester.check(tab.history_model)


def test_progress_without_a_link_is_explained(tab) -> None:
    apply_template(tab)
    row = names(tab).index("Calf stretch")
    tab.editor.view.select_row(row)
    before = tab.editor.model.item_at(row)
    tab.editor.progress_button.click()
    assert tab.editor.model.item_at(row) == before
    assert "no harder version" in tab.editor.error.text()


def test_default_dosage_dialog_saves_for_the_clinic(qtbot, tab, session_factory) -> None:
    from ptdesk.ui.chart.exercises.dosage_dialog import DosageDialog

    clamshell = next(e for e in list_exercises(session_factory) if e.name == "Clamshell")
    dialog = DosageDialog(session_factory, clamshell, actor=ACTOR)
    qtbot.addWidget(dialog)
    dialog.fields.sets.setValue(2)
    dialog.fields.reps.setValue(25)
    dialog.fields.per.setCurrentIndex(dialog.fields.per.findData("week"))
    dialog.fields.times.setValue(4)
    assert "2 sets of 25" in dialog.words.text() and "4 days a week" in dialog.words.text()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == DosageDialog.DialogCode.Accepted
    saved = get_exercise(session_factory, clamshell.id)
    assert (saved.dosage.sets, saved.dosage.reps, saved.dosage.per_day,
            saved.dosage.per_week) == (2, 25, 0, 4)
    assert saved.edited_by_clinic
    # A new line added from the library starts from the clinic's default.
    tab.library.reload()
    tab.library.search.setText("clamshell")
    tab.library.add_button.click()
    item = tab.editor.model.item_at(0)
    assert (item.sets, item.reps, item.per_week) == (2, 25, 4)


def test_new_exercise_dialog_explains_and_creates(qtbot, session_factory) -> None:
    from ptdesk.ui.chart.exercises.new_exercise_dialog import NewExerciseDialog

    sync_library(session_factory)
    dialog = NewExerciseDialog(session_factory, actor=ACTOR)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.show()
    ok.click()
    assert dialog.errors["name"].isVisible() and dialog.created is None
    qtbot.keyClicks(dialog.name, "Hip hike")
    ok.click()
    assert "step" in dialog.errors["steps"].text() and dialog.name.text() == "Hip hike"
    dialog.steps.setPlainText("Stand on a step on one leg.\n\nLet the other hip drop, then lift it.")
    dialog.muscles.setText("gluteus medius, quadratus lumborum")
    ok.click()
    assert dialog.created is not None and dialog.created.is_custom
    assert dialog.created.steps == ("Stand on a step on one leg.",
                                    "Let the other hip drop, then lift it.")
    assert dialog.created.target_muscles == ("gluteus medius", "quadratus lumborum")
    assert any(e.id == dialog.created.id for e in list_exercises(session_factory, text="hip hike"))


def test_save_files_under_the_active_episode_in_its_own_transaction(tab, session_factory,
                                                                    monkeypatch) -> None:
    # The episode is looked up inside the save's transaction, not read separately first.
    def separate_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the episode was read in a transaction of its own")

    monkeypatch.setattr("ptdesk.services.episodes.list_episodes", separate_read)
    apply_template(tab)
    assert tab.save()
    with session_factory() as session:
        row = session.scalars(select(Prescription)).one()
        episode = session.scalars(select(Episode)).one()
    assert row.episode_id == episode.id


def test_the_sprained_ankle_template_prints_for_the_sprained_ankle(tab, session_factory) -> None:
    # Issue 17: ankle exercises in the sprained-ankle template printed "Each leg".
    from ptdesk.services.episodes import set_injured_ankle_side

    episode_id = _episode_id(session_factory, tab._patient_id)
    tab.editor.apply_template("opposite_ankle_sprain")  # replaces the list, no question
    assert {item.side for item in tab.editor.model.items()} >= {"each"}  # side not known yet
    set_injured_ankle_side(session_factory, actor=ACTOR, episode_id=episode_id, side="left")
    tab.editor.apply_template("opposite_ankle_sprain")
    sides = {item.exercise_name: item.side for item in tab.editor.model.items()}
    assert sides and "each" not in sides.values() and "left" in sides.values()


def _episode_id(session_factory: SessionFactory, patient_id: int) -> int:
    from ptdesk.services.uow import transaction

    with transaction(session_factory) as session:
        return session.scalars(select(Episode.id).where(Episode.patient_id == patient_id)).one()
