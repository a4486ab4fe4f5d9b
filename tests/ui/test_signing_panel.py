"""Signing panel on the Evaluation tab: sign with confirmation, roles, addenda dialog, errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QWidget

from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.services.signing import list_addenda, signature, verify_signed_notes
from ptdesk.ui.chart.evaluation import EvaluationTab
from ptdesk.ui.chart.evaluation.addendum_dialog import AddendumDialog
from ptdesk.ui.chart.evaluation.tab import SIGNED_NOTE
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, ADMIN, ASSISTANT, full_evaluation, make_episode, make_patient


def find(root: QWidget, name: str) -> QWidget:
    matches = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(matches) == 1, f"{len(matches)} widgets named {name!r}"
    return matches[0]


@pytest.fixture
def visit(session_factory):
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    created = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                           visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    return save_evaluation(session_factory, actor=ACTOR, visit_id=created.id,
                           evaluation=full_evaluation())


class Answers:
    """Confirmations asked so far, and the button the user presses (Yes unless changed)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.reply = QMessageBox.StandardButton.Yes


@pytest.fixture
def answers(monkeypatch) -> Answers:
    answers = Answers()

    def question(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> Any:
        answers.asked.append(text)
        return answers.reply

    monkeypatch.setattr(QMessageBox, "question", question)
    return answers


def make_tab(qtbot: Any, session_factory, actor: str, patient_id: int) -> EvaluationTab:
    tab = EvaluationTab(AppContext(session_factory, actor))
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.set_patient(patient_id)
    return tab


def test_clinician_signs_after_confirming_and_the_note_locks(
    qtbot, session_factory, visit, answers,
) -> None:
    tab = make_tab(qtbot, session_factory, ACTOR, visit.patient_id)
    panel = tab.signing
    assert panel.sign_button.isEnabled() and panel.sign_button.isVisibleTo(tab)
    assert not panel.add_button.isVisibleTo(tab)
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    assert len(answers.asked) == 1 and "can no longer be changed" in answers.asked[0]
    info = signature(session_factory, visit.id, actor=ACTOR)
    assert info.status == "signed" and info.signed_by_name == "Casey Clinician"
    assert tab.header.status_label.text() == "Signed"
    assert tab.header.info_label.text() == SIGNED_NOTE
    assert "Signed by Casey Clinician on" in panel.signed_label.text()
    flexion = find(tab, "Knee flexion, left")
    assert isinstance(flexion, QLineEdit) and flexion.isReadOnly()
    assert not panel.sign_button.isVisibleTo(tab) and panel.add_button.isEnabled()
    assert not tab.save()


def test_declining_the_confirmation_signs_nothing(qtbot, session_factory, visit, answers) -> None:
    answers.reply = QMessageBox.StandardButton.No
    tab = make_tab(qtbot, session_factory, ACTOR, visit.patient_id)
    qtbot.mouseClick(tab.signing.sign_button, Qt.MouseButton.LeftButton)
    assert signature(session_factory, visit.id, actor=ACTOR).status == "draft"
    assert tab.header.save_button.isEnabled()


def test_unsaved_edits_are_saved_first_so_the_signature_covers_them(
    qtbot, session_factory, visit, answers,
) -> None:
    tab = make_tab(qtbot, session_factory, ACTOR, visit.patient_id)
    complaint = find(tab, "Chief complaint")
    assert isinstance(complaint, QLineEdit)
    complaint.clear()
    qtbot.keyClicks(complaint, "Typed just before signing")
    assert tab.has_unsaved_changes()
    qtbot.mouseClick(tab.signing.sign_button, Qt.MouseButton.LeftButton)
    _summary, stored = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert stored.subjective is not None
    assert stored.subjective.chief_complaint == "Typed just before signing"
    assert signature(session_factory, visit.id, actor=ACTOR).status == "signed"
    assert verify_signed_notes(session_factory) == []


def test_a_refused_save_means_no_signature(qtbot, session_factory, visit, answers) -> None:
    tab = make_tab(qtbot, session_factory, ACTOR, visit.patient_id)
    pain = find(tab, "Pain now")
    assert isinstance(pain, QLineEdit)
    pain.clear()
    qtbot.keyClicks(pain, "12")
    qtbot.mouseClick(tab.signing.sign_button, Qt.MouseButton.LeftButton)
    assert signature(session_factory, visit.id, actor=ACTOR).status == "draft"
    assert "could not be saved first" in tab.signing.message.text()
    assert pain.text() == "12"  # the input stays for the clinician to fix


@pytest.mark.parametrize("actor", [ASSISTANT, ADMIN])
def test_roles_without_signing_see_the_buttons_disabled_with_the_reason(
    qtbot, session_factory, visit, actor,
) -> None:
    tab = make_tab(qtbot, session_factory, actor, visit.patient_id)
    assert not tab.signing.sign_button.isEnabled()
    assert "cannot sign notes" in tab.signing.sign_button.toolTip()


def _fill_dialog(monkeypatch, entries: list[tuple[str, str]], seen: list[str]) -> None:
    """Answer the modal dialog: try each (reason, text) in turn with OK, as a user would."""
    def exec_(dialog: AddendumDialog) -> int:
        for reason, text in entries:
            dialog.reason.setText(reason)
            dialog.text.setPlainText(text)
            dialog.buttons.accepted.emit()
            seen.append(dialog.errors["reason"].text() + dialog.errors["text"].text())
            if dialog.result() == AddendumDialog.DialogCode.Accepted:
                break
        return dialog.result()

    monkeypatch.setattr(AddendumDialog, "exec", exec_)


def test_addendum_dialog_keeps_input_on_errors_and_lists_the_addendum(
    qtbot, session_factory, visit, answers, monkeypatch,
) -> None:
    tab = make_tab(qtbot, session_factory, ACTOR, visit.patient_id)
    qtbot.mouseClick(tab.signing.sign_button, Qt.MouseButton.LeftButton)
    seen: list[str] = []
    _fill_dialog(monkeypatch, [("", "Effusion was on the LEFT knee."),
                               ("Wrong side recorded", "Effusion was on the LEFT knee.")], seen)
    qtbot.mouseClick(tab.signing.add_button, Qt.MouseButton.LeftButton)
    assert "reason for the addendum is required" in seen[0] and seen[1] == ""
    (added,) = list_addenda(session_factory, visit.id, actor=ACTOR)
    assert (added.reason, added.author_name) == ("Wrong side recorded", "Casey Clinician")
    (entry,) = tab.signing.entries
    shown = entry.text()
    assert "Casey Clinician" in shown and "Wrong side recorded" in shown
    assert "Effusion was on the LEFT knee." in shown


def test_cancelled_addendum_adds_nothing(qtbot, session_factory, visit, answers,
                                         monkeypatch) -> None:
    tab = make_tab(qtbot, session_factory, ACTOR, visit.patient_id)
    qtbot.mouseClick(tab.signing.sign_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(AddendumDialog, "exec", lambda dialog: dialog.reject() or dialog.result())
    qtbot.mouseClick(tab.signing.add_button, Qt.MouseButton.LeftButton)
    assert list_addenda(session_factory, visit.id, actor=ACTOR) == [] and tab.signing.entries == []


def test_addenda_text_is_shown_as_text_not_markup(qtbot, session_factory, visit, answers,
                                                  monkeypatch) -> None:
    tab = make_tab(qtbot, session_factory, ACTOR, visit.patient_id)
    qtbot.mouseClick(tab.signing.sign_button, Qt.MouseButton.LeftButton)
    _fill_dialog(monkeypatch, [("Late <b>entry</b>", "a < b & c")], [])
    qtbot.mouseClick(tab.signing.add_button, Qt.MouseButton.LeftButton)
    (entry,) = tab.signing.entries
    assert "Late &lt;b&gt;entry&lt;/b&gt;" in entry.text() and "a &lt; b &amp; c" in entry.text()


def test_panel_is_hidden_without_a_visit(qtbot, session_factory) -> None:
    patient = make_patient(session_factory)
    tab = make_tab(qtbot, session_factory, ACTOR, patient.id)
    assert not tab.signing.isVisibleTo(tab)
