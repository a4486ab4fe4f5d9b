"""Carried-forward values are marked "not re-measured" beside the draft until edited or confirmed; signing asks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.services import drafts
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.ui.chart.evaluation import EvaluationTab
from ptdesk.ui.chart.evaluation.carry_marks import marks_key
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, audit_entries, full_evaluation, make_episode, make_patient


@pytest.fixture
def follow_up(session_factory: Any) -> Any:
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    first = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 11, 12), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=first.id, evaluation=full_evaluation())
    return create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                        visit_date=date(2026, 11, 19), visit_type="re_evaluation")


def make_tab(qtbot: Any, ctx: AppContext, patient_id: int) -> EvaluationTab:
    tab = EvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.set_patient(patient_id)
    tab.show()
    return tab


def widget(tab: EvaluationTab, section: str, key: str) -> QWidget:
    return tab.sections[section].fields.widget(key)


def carry(qtbot: Any, tab: EvaluationTab) -> None:
    qtbot.mouseClick(tab.header.carry_button, Qt.MouseButton.LeftButton)


def test_carried_values_are_marked_with_their_date_and_kept_beside_the_draft(
        qtbot: Any, ctx: AppContext, session_factory: Any, follow_up: Any) -> None:
    tab = make_tab(qtbot, ctx, follow_up.patient_id)
    carry(qtbot, tab)
    flexion = widget(tab, "knee", "knee_left.flexion_deg")
    assert flexion.property("carried") is True
    assert flexion.toolTip().startswith("Carried from 12 Nov — not re-measured")
    assert widget(tab, "assessment", "problem_list").property("carried") is True
    assert widget(tab, "subjective", "shoe_model").property("carried") is True
    assert not widget(tab, "subjective", "red_flags_screened").property("carried")
    assert tab.carry.banner.isVisibleTo(tab)
    assert "carried from 12 Nov — not re-measured" in tab.carry.label.text()
    stored = drafts.get_draft(session_factory, actor=ACTOR, form_key=marks_key(follow_up.id))
    assert stored is not None and "knee_left.flexion_deg" in stored.payload
    # Saving the note keeps the marks (they are not part of it); a new tab shows them again.
    assert tab.save()
    again = make_tab(qtbot, ctx, follow_up.patient_id)
    assert widget(again, "knee", "knee_left.flexion_deg").property("carried") is True
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=follow_up.id)
    assert "carried" not in repr(saved)


def test_editing_a_carried_value_removes_only_its_mark(
        qtbot: Any, ctx: AppContext, follow_up: Any) -> None:
    tab = make_tab(qtbot, ctx, follow_up.patient_id)
    carry(qtbot, tab)
    before = len(tab.carry.marks)
    flexion = widget(tab, "knee", "knee_left.flexion_deg")
    qtbot.keyClick(flexion, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(flexion, "138")
    assert not flexion.property("carried")
    assert len(tab.carry.marks) == before - 1
    assert widget(tab, "knee", "knee_right.flexion_deg").property("carried") is True


def test_sign_dialog_lists_unconfirmed_carried_values_and_the_audit_records_it(
        qtbot: Any, ctx: AppContext, session_factory: Any, follow_up: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    tab = make_tab(qtbot, ctx, follow_up.patient_id)
    carry(qtbot, tab)
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.mouseClick(tab.signing.sign_button, Qt.MouseButton.LeftButton)
    assert "not re-measured or confirmed" in asked[-1]
    assert "Knee flexion, left (12 Nov)" in asked[-1]
    summary, _evaluation = load_evaluation(session_factory, actor=ACTOR, visit_id=follow_up.id)
    assert summary.status == "signed"
    confirmations = [e for e in audit_entries(session_factory, user=ACTOR)
                     if "carried-forward values confirmed" in e.summary]
    assert len(confirmations) == 1 and "Knee flexion, left (12 Nov)" in confirmations[0].summary
    assert drafts.get_draft(session_factory, actor=ACTOR, form_key=marks_key(follow_up.id)) is None
    assert not tab.carry.marks


def test_confirm_button_clears_the_marks_and_is_audited(
        qtbot: Any, ctx: AppContext, session_factory: Any, follow_up: Any) -> None:
    tab = make_tab(qtbot, ctx, follow_up.patient_id)
    carry(qtbot, tab)
    qtbot.mouseClick(tab.carry.confirm_button, Qt.MouseButton.LeftButton)
    assert not tab.carry.marks and not tab.carry.banner.isVisibleTo(tab)
    assert not widget(tab, "knee", "knee_left.flexion_deg").property("carried")
    assert any("carried-forward values confirmed" in e.summary
               for e in audit_entries(session_factory, user=ACTOR))
    assert tab.signing.sign_button.isEnabled()


def test_discarding_unsaved_carried_values_drops_their_marks(
        qtbot: Any, ctx: AppContext, session_factory: Any, follow_up: Any) -> None:
    tab = make_tab(qtbot, ctx, follow_up.patient_id)
    carry(qtbot, tab)
    tab.discard_changes()  # the carried values were never saved
    assert not widget(tab, "knee", "knee_left.flexion_deg").property("carried")
    assert not tab.carry.marks and not tab.carry.banner.isVisibleTo(tab)
    assert drafts.get_draft(session_factory, actor=ACTOR, form_key=marks_key(follow_up.id)) is None
