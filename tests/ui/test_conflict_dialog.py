"""The conflict dialog: someone else saved first; reload (text kept), copy, or keep editing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QMessageBox, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain.conflicts import FieldChange
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services import drafts
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.services.exercises import list_exercises, sync_library
from ptdesk.services.patients import PatientInput, get_patient, update_patient
from ptdesk.services.prescriptions import DosedItem, active_prescription, save_prescription
from ptdesk.services.runplans import active_plan, save_plan
from ptdesk.ui.chart.evaluation import EvaluationTab
from ptdesk.ui.chart.evaluation.draft_store import form_key
from ptdesk.ui.chart.exercises.tab import ExercisesTab
from ptdesk.ui.chart.runplan import RunPlanTab
from ptdesk.ui.conflicts.conflict_changes_model import ChangesModel
from ptdesk.ui.conflicts.conflict_dialog import ConflictDialog, when_text, who_text
from ptdesk.ui.conflicts.conflict_flow import copy_key, load_copy
from ptdesk.ui.patients.patient_dialog import PatientDialog
from tests.factories import ACTOR, COLLEAGUE, make_episode, make_patient

SCREENSHOT = "/tmp/conflict_dialog.png"


@pytest.fixture
def no_questions(monkeypatch) -> list[str]:
    """Questions are answered Yes and recorded; a test never blocks on one."""
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


@pytest.fixture
def visit(session_factory):
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    return create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                        visit_date=date(2026, 10, 2), visit_type="initial_evaluation")


def named(root: QWidget, name: str) -> Any:
    matches = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(matches) == 1, f"{len(matches)} widgets named {name!r}"
    return matches[0]


def rows(dialog: ConflictDialog) -> dict[str, tuple[str, str]]:
    model = dialog.model
    return {model.index(r, 0).data(): (model.change_at(r).theirs, model.change_at(r).yours)
            for r in range(model.rowCount())}


def clipboard() -> str:
    return QGuiApplication.clipboard().text()


# --- the dialog and its model --------------------------------------------------------------


CHANGES = (
    FieldChange("Chief complaint", "Pain going down stairs", "Worse on hills", True),
    FieldChange("Pain now", "6", "4", False),
    FieldChange("Plan", "", "Hip strength 3x/week", False),
)


def test_changes_model_passes_the_model_tester(qtmodeltester) -> None:
    model = ChangesModel()
    model.set_changes(CHANGES)
    qtmodeltester.check(model)
    assert model.index(2, 1).data() == "(blank)"
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole) is None


def test_who_and_when_read_as_plain_sentences() -> None:
    now = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    earlier = datetime(2026, 11, 21, 14, 5, tzinfo=UTC)
    assert when_text(earlier, now) == f"today at {earlier.astimezone():%H:%M}"
    assert who_text("Cory Colleague", earlier, "FRONT-DESK", now) == (
        f"Cory Colleague saved it today at {earlier.astimezone():%H:%M} on the computer "
        "“FRONT-DESK”.")
    assert who_text(None, None) == "Another user saved it."


def test_dialog_buttons_copy_keep_and_reload(qtbot) -> None:
    dialog = ConflictDialog("visit note", CHANGES, "My whole note", changed_by="Cory Colleague",
                            changed_at=datetime.now(UTC))
    qtbot.addWidget(dialog)
    dialog.resize(760, 460)
    dialog.show()
    assert "Someone else saved this visit note while you were editing" in dialog.heading.text()
    assert "Cory Colleague saved it today" in dialog.who.text()
    assert "fields you both changed" in dialog.intro.text()
    qtbot.mouseClick(named(dialog, "Copy my text"), Qt.MouseButton.LeftButton)
    assert clipboard() == "My whole note" and dialog.isVisible()  # copy keeps it open
    assert "clipboard" in dialog.copied.text()
    dialog.grab().save(SCREENSHOT)
    qtbot.mouseClick(named(dialog, "Keep editing"), Qt.MouseButton.LeftButton)
    assert dialog.result() == ConflictDialog.DialogCode.Rejected and not dialog.isVisible()
    dialog.show()
    qtbot.mouseClick(named(dialog, "Reload their version"), Qt.MouseButton.LeftButton)
    assert dialog.result() == ConflictDialog.DialogCode.Accepted


# --- Evaluation tab -------------------------------------------------------------------------


def conflicted_tab(qtbot, ctx, session_factory, visit) -> EvaluationTab:  # type: ignore[no-untyped-def]
    """The clinician types, a colleague saves the same visit, the clinician presses Save."""
    tab = EvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.set_patient(visit.patient_id)
    complaint = named(tab, "Chief complaint")
    qtbot.keyClicks(complaint, "My version")
    theirs = ev.Evaluation(subjective=ev.SubjectiveFindings(chief_complaint="Their version",
                                                            nprs_now=6))
    save_evaluation(session_factory, actor=COLLEAGUE, visit_id=visit.id, evaluation=theirs,
                    expected_version=visit.version)
    assert not tab.save()
    return tab


def test_evaluation_conflict_lists_their_change_and_reload_keeps_mine(
    qtbot, ctx, session_factory, visit, no_questions,
) -> None:
    tab = conflicted_tab(qtbot, ctx, session_factory, visit)
    dialog = tab.conflicts.dialog
    assert dialog is not None and dialog.isVisible()
    assert "Cory Colleague saved it" in dialog.who.text()
    assert rows(dialog) == {"Chief complaint": ("Their version", "My version"),
                            "Pain now": ("6", "")}
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    # Their version is shown and the form is clean ...
    assert named(tab, "Chief complaint").text() == "Their version"
    assert named(tab, "Pain now").text() == "6"
    assert not tab.has_unsaved_changes()
    # ... and mine is recoverable: kept in the database, not put on the clipboard unasked.
    assert "My version" not in clipboard()
    kept = load_copy(ctx, form_key(visit.id))
    assert kept is not None and "My version" in kept.form
    assert tab.conflicts.bar.isVisibleTo(tab)
    # Putting it back makes the form mine again, saved over the version now shown.
    qtbot.mouseClick(named(tab, "Put my text back"), Qt.MouseButton.LeftButton)
    assert named(tab, "Chief complaint").text() == "My version"
    assert tab.has_unsaved_changes() and not tab.conflicts.bar.isVisibleTo(tab)
    assert load_copy(ctx, form_key(visit.id)) is None
    assert tab.save()
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved.subjective is not None and saved.subjective.chief_complaint == "My version"
    assert no_questions == []  # nothing was in the way, so nothing was asked


def test_evaluation_keep_editing_keeps_the_typed_text(
    qtbot, ctx, session_factory, visit, no_questions,
) -> None:
    tab = conflicted_tab(qtbot, ctx, session_factory, visit)
    dialog = tab.conflicts.dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert "My version" in clipboard() and dialog.isVisible()
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and tab.conflicts.dialog is None
    assert named(tab, "Chief complaint").text() == "My version"
    assert tab.has_unsaved_changes()
    draft = drafts.get_draft(session_factory, actor=ACTOR, form_key=form_key(visit.id))
    assert draft is not None and "My version" in draft.payload
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved.subjective is not None and saved.subjective.chief_complaint == "Their version"
    assert not tab.conflicts.bar.isVisibleTo(tab)


def test_a_kept_copy_is_offered_when_the_visit_is_opened_again(
    qtbot, ctx, session_factory, visit, no_questions,
) -> None:
    tab = conflicted_tab(qtbot, ctx, session_factory, visit)
    qtbot.mouseClick(tab.conflicts.dialog.reload_button, Qt.MouseButton.LeftButton)
    again = EvaluationTab(ctx)
    qtbot.addWidget(again)
    again.set_patient(visit.patient_id)
    assert again.conflicts.bar.isVisibleTo(again)
    assert "was not saved" in again.conflicts.bar.message.text()
    QGuiApplication.clipboard().setText("")
    qtbot.mouseClick(named(again, "Copy my text"), Qt.MouseButton.LeftButton)
    assert "My version" in clipboard()
    qtbot.mouseClick(named(again, "Discard my copy"), Qt.MouseButton.LeftButton)
    assert no_questions and "cannot be undone" in no_questions[-1]
    assert drafts.get_draft(session_factory, actor=ACTOR, form_key=copy_key(form_key(visit.id))) \
        is None
    assert not again.conflicts.bar.isVisibleTo(again)


# --- patient dialog -------------------------------------------------------------------------


def conflicted_patient_dialog(qtbot, ctx, session_factory) -> PatientDialog:  # type: ignore[no-untyped-def]
    pid = make_patient(session_factory, mrn="PT-9", phone="555-0100").id
    dialog = PatientDialog(ctx, pid)
    qtbot.addWidget(dialog)
    update_patient(session_factory, actor=COLLEAGUE, patient_id=pid, data=PatientInput(
        mrn="PT-9", first_name="Alex", last_name="Other", date_of_birth=date(1990, 4, 2),
        phone="555-0100"))
    last = named(dialog, "Last name")
    assert isinstance(last, QLineEdit)
    last.setText("Mine")
    dialog.save()
    return dialog


def test_patient_conflict_reload_then_put_back(qtbot, ctx, session_factory) -> None:
    dialog = conflicted_patient_dialog(qtbot, ctx, session_factory)
    conflict = dialog.conflicts.dialog
    assert conflict is not None and conflict.isVisible()
    assert "Someone else saved this patient's details" in conflict.heading.text()
    assert rows(conflict) == {"Last name": ("Other", "Mine")}
    qtbot.mouseClick(conflict.reload_button, Qt.MouseButton.LeftButton)
    assert named(dialog, "Last name").text() == "Other"
    assert "Mine" not in clipboard()
    qtbot.mouseClick(named(dialog, "Put my text back"), Qt.MouseButton.LeftButton)
    assert named(dialog, "Last name").text() == "Mine"
    assert dialog.save()  # now knowingly saved over their version
    assert get_patient(session_factory, actor=ACTOR, patient_id=dialog.patient_id).last_name \
        == "Mine"


def test_patient_conflict_keep_editing(qtbot, ctx, session_factory) -> None:
    dialog = conflicted_patient_dialog(qtbot, ctx, session_factory)
    conflict = dialog.conflicts.dialog
    assert conflict is not None
    qtbot.mouseClick(conflict.keep_button, Qt.MouseButton.LeftButton)
    assert not conflict.isVisible() and named(dialog, "Last name").text() == "Mine"
    assert "someone else changed this patient" in dialog.summary_label.text()
    assert get_patient(session_factory, actor=ACTOR, patient_id=dialog.patient_id).last_name \
        == "Other"


# --- exercises and run plan -----------------------------------------------------------------


def test_exercise_programme_saved_elsewhere_is_a_conflict(
    qtbot, ctx, session_factory, no_questions,
) -> None:
    sync_library(session_factory)
    patient = make_patient(session_factory)
    tab = ExercisesTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient.id)
    clam = list_exercises(session_factory, text="clamshell")[0]
    bridge = list_exercises(session_factory, text="bridge")[0]
    tab.editor.add_exercise(clam)
    theirs = DosedItem(exercise_id=bridge.id, sets=2, reps=12, side=bridge.side)
    save_prescription(session_factory, actor=COLLEAGUE, patient_id=patient.id, items=[theirs],
                      effective_date=date(2026, 11, 1))
    assert not tab.save()
    conflict = tab.conflicts.dialog
    assert conflict is not None and conflict.isVisible()
    assert bridge.name in rows(conflict) and rows(conflict)[bridge.name][1] == ""
    qtbot.mouseClick(conflict.reload_button, Qt.MouseButton.LeftButton)
    assert [i.exercise_id for i in tab.editor.model.items()] == [bridge.id]
    assert clam.name not in clipboard()
    qtbot.mouseClick(named(tab, "Put my text back"), Qt.MouseButton.LeftButton)
    assert [i.exercise_id for i in tab.editor.model.items()] == [clam.id]
    assert tab.save()
    active = active_prescription(session_factory, patient.id, actor=ACTOR)
    assert active is not None and [i.exercise_id for i in active.items] == [clam.id]


def test_run_plan_saved_elsewhere_is_a_conflict(qtbot, ctx, session_factory, no_questions) -> None:
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    tab = RunPlanTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient.id)
    for name, text in (("current_run", "2"), ("current_weekly", "6"), ("goal_weekly", "15")):
        tab.form.amounts[name].selectAll()
        qtbot.keyClicks(tab.form.amounts[name], text)
    theirs = PlanInputs("mi", 3, Decimal("1"), Decimal("20"), current_weekly=3 * Decimal(str(Decimal("1"))), start=date(2026, 12, 7))
    stored = save_plan(session_factory, actor=COLLEAGUE, patient_id=patient.id, inputs=theirs)
    assert not tab.save()
    conflict = tab.conflicts.dialog
    assert conflict is not None and rows(conflict)["Weekly goal"] == ("20", "15")
    qtbot.mouseClick(conflict.keep_button, Qt.MouseButton.LeftButton)
    assert tab.form.amounts["goal_weekly"].text() == "15" and tab.has_unsaved_changes()
    active = active_plan(session_factory, patient.id, actor=ACTOR)
    assert active is not None and active.id == stored.id
