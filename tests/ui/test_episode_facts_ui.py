"""Episode facts typed once (issue 18 item 7): the evaluation and the patient dialog edit the same ones.

Wrong before: the diagnosis, ICD-10 code, onset and goal race typed in the evaluation
stayed in the note and the patient dialog's episode never saw them (and the reverse).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QWidget

from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.services.episode_facts import update_episode_facts
from ptdesk.services.episodes import active_episode
from ptdesk.services.evaluations import create_visit, load_evaluation
from ptdesk.services.signing import sign_visit, verify_signed_notes
from ptdesk.ui.chart.evaluation import EvaluationTab
from ptdesk.ui.patients.patient_dialog import PatientDialog
from tests.factories import ACTOR, make_episode, make_patient


def find(root: QWidget, name: str, kind: type = QWidget) -> Any:
    matches = [w for w in root.findChildren(kind) if w.accessibleName() == name]
    assert len(matches) == 1, f"{len(matches)} inputs named {name!r}"
    return matches[0]


def retype(qtbot: Any, root: QWidget, name: str, text: str) -> None:
    edit = find(root, name, QLineEdit)
    edit.clear()
    qtbot.keyClicks(edit, text)


def choose(root: QWidget, name: str, text: str) -> None:
    combo = find(root, name, QComboBox)
    combo.setCurrentIndex(combo.findText(text))
    assert combo.currentText() == text


@pytest.fixture
def visit(session_factory):
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)  # PFPS, M22.2X1, right side
    return create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                        visit_date=date(2026, 10, 2), visit_type="initial_evaluation")


@pytest.fixture(autouse=True)
def no_dialogs(monkeypatch):
    def unexpected(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"unexpected dialog: {args[1:3]}")
    monkeypatch.setattr(QMessageBox, "question", unexpected)
    monkeypatch.setattr(QMessageBox, "warning", unexpected)


def make_tab(qtbot: Any, ctx: Any, patient_id: int) -> EvaluationTab:
    tab = EvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient_id)
    return tab


def open_dialog(qtbot: Any, ctx: Any, patient_id: int) -> PatientDialog:
    dialog = PatientDialog(ctx, patient_id)
    qtbot.addWidget(dialog)
    return dialog


def test_the_evaluation_shows_and_edits_the_episode_facts(qtbot, ctx, session_factory,
                                                         visit) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    # The episode's facts are already in the evaluation: nothing to type twice.
    assert find(tab, "Working diagnosis").text() == "Patellofemoral pain syndrome"
    assert find(tab, "ICD-10").text() == "M22.2X1"
    assert find(tab, "Affected side", QComboBox).currentText() == "Right"
    retype(qtbot, tab, "Working diagnosis", "Iliotibial band syndrome")
    retype(qtbot, tab, "ICD-10", "M76.31")
    choose(tab, "Affected side", "Left")
    retype(qtbot, tab, "Onset date", "2026-08-03")
    retype(qtbot, tab, "Goal race", "Harbour 10K")
    retype(qtbot, tab, "Race date", "2027-03-14")
    assert tab.save(), tab.header.error_label.text()

    episode = active_episode(session_factory, visit.patient_id, actor=ACTOR)
    assert (episode.diagnosis, episode.icd10_code, episode.affected_side, episode.onset_date,
            episode.goal_race, episode.goal_race_date) == (
        "Iliotibial band syndrome", "M76.31", "left", date(2026, 8, 3), "Harbour 10K",
        date(2027, 3, 14))
    dialog = open_dialog(qtbot, ctx, visit.patient_id)
    assert find(dialog, "Diagnosis", QLineEdit).text() == "Iliotibial band syndrome"
    assert find(dialog, "ICD-10 code", QLineEdit).text() == "M76.31"
    assert find(dialog, "Affected side", QComboBox).currentText() == "Left"
    assert find(dialog, "Goal race", QLineEdit).text() == "Harbour 10K"
    assert find(dialog, "Race date", QLineEdit).text() == "2027-03-14"


def test_the_patient_dialog_edit_shows_in_the_draft_evaluation(qtbot, ctx, session_factory,
                                                              visit) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    dialog = open_dialog(qtbot, ctx, visit.patient_id)
    retype(qtbot, dialog, "Diagnosis", "Patellar tendinopathy")
    retype(qtbot, dialog, "Goal race", "Spring Half Marathon")
    assert dialog.save(), dialog.summary_label.text()
    # The chart hears the episode change (as from any save) and the clean draft re-reads it.
    qtbot.waitUntil(lambda: find(tab, "Working diagnosis").text() == "Patellar tendinopathy")
    assert find(tab, "Goal race").text() == "Spring Half Marathon"
    _summary, note = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert note.episode_facts.diagnosis == "Patellar tendinopathy"


def test_an_empty_diagnosis_is_refused_next_to_the_field(qtbot, ctx, session_factory,
                                                         visit) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    find(tab, "Working diagnosis").clear()
    retype(qtbot, tab, "Chief complaint", "Knee pain on stairs")
    assert not tab.save()
    label = tab.sections["assessment"].fields.error_label("working_diagnosis")
    assert label is not None and "Diagnosis" in label.text()
    episode = active_episode(session_factory, visit.patient_id, actor=ACTOR)
    assert episode.diagnosis == "Patellofemoral pain syndrome"


def test_someone_elses_episode_edit_is_not_overwritten_unseen(qtbot, ctx, session_factory,
                                                              visit, monkeypatch) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    retype(qtbot, tab, "Working diagnosis", "Mine")
    update_episode_facts(session_factory, actor=ACTOR, episode_id=visit.episode_id,
                         facts=EpisodeFacts("Theirs", "M22.2X1", "right"))
    shown: list[Any] = []
    monkeypatch.setattr(tab.edits, "show_conflict", lambda exc, title: shown.append(exc))
    assert not tab.save()
    assert shown and shown[0].theirs["Diagnosis"] == "Theirs"
    assert shown[0].yours["Diagnosis"] == "Mine"
    episode = active_episode(session_factory, visit.patient_id, actor=ACTOR)
    assert episode.diagnosis == "Theirs"


def test_a_signed_note_keeps_the_facts_it_was_signed_with(qtbot, ctx, session_factory,
                                                          visit) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    retype(qtbot, tab, "Goal race", "City Half Marathon")
    retype(qtbot, tab, "Chief complaint", "Knee pain on stairs")
    assert tab.save(), tab.header.error_label.text()
    sign_visit(session_factory, actor=ACTOR, visit_id=visit.id)
    _summary, before = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)

    dialog = open_dialog(qtbot, ctx, visit.patient_id)
    retype(qtbot, dialog, "Diagnosis", "Patellar tendinopathy")
    choose(dialog, "Affected side", "Both")
    retype(qtbot, dialog, "Goal race", "Autumn Marathon")
    assert dialog.save(), dialog.summary_label.text()

    # What a print of the note reads (the evaluation DTO) and what the tab shows are as signed.
    _summary, after = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert after == before and after.episode_facts == before.episode_facts
    assert after.episode_facts.diagnosis == "Patellofemoral pain syndrome"
    assert after.episode_facts.affected_side == "right"
    fresh = make_tab(qtbot, ctx, visit.patient_id)
    assert find(fresh, "Working diagnosis").text() == "Patellofemoral pain syndrome"
    assert find(fresh, "Goal race").text() == "City Half Marathon"
    assert find(fresh, "Affected side", QComboBox).currentText() == "Right"
    assert verify_signed_notes(session_factory) == []


def test_an_onset_after_the_start_of_care_is_refused_in_either_place(
        qtbot, ctx, session_factory, visit) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    retype(qtbot, tab, "Onset date", "2026-12-01")  # care started 2026-10-01
    assert not tab.save()
    label = tab.sections["subjective"].fields.error_label("onset_date")
    assert label is not None and label.text() == "Onset cannot be after the start of care."
    dialog = open_dialog(qtbot, ctx, visit.patient_id)
    retype(qtbot, dialog, "Onset date", "2026-12-01")
    assert not dialog.save()
    assert dialog.error_labels["onset_date"].text() == "Onset cannot be after the start of care."
    assert active_episode(session_factory, visit.patient_id, actor=ACTOR).onset_date is None
