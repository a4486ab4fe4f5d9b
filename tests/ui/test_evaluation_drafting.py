"""Evaluation tab: Draft from exam (never overwrites typed text unasked) and the quick-fill buttons."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox

from ptdesk.domain import evaluation as ev
from ptdesk.domain.note_draft import SOAP_FIELDS
from ptdesk.services.evaluations import create_visit
from ptdesk.ui.chart.evaluation import EvaluationTab
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient

Buttons = QMessageBox.StandardButton


def open_tab(qtbot: Any, ctx: AppContext, session_factory: Any,
             visit_type: str = "initial_evaluation") -> EvaluationTab:
    """A new patient with one visit of `visit_type`, open in a shown Evaluation tab."""
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                 visit_date=date(2026, 10, 2), visit_type=visit_type)
    widget = EvaluationTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.set_patient(patient.id)
    widget.show()
    return widget


@pytest.fixture
def tab(qtbot: Any, ctx: AppContext, session_factory: Any) -> EvaluationTab:
    return open_tab(qtbot, ctx, session_factory)


def answer(monkeypatch: pytest.MonkeyPatch, reply: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return reply

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def soap(tab: EvaluationTab) -> dict[str, str]:
    raw = tab.sections["assessment"].fields.raw()
    return {key: str(raw[key]) for key in SOAP_FIELDS}


def with_exam(tab: EvaluationTab, **soap_text: str) -> None:
    exam = full_evaluation()
    blank = {key: soap_text.get(key, "") for key in SOAP_FIELDS}
    for section in tab.sections.values():
        section.load(ev.Evaluation(**{**exam.__dict__, **blank}))


def test_draft_fills_the_empty_boxes_from_the_exam(qtbot: Any, tab: EvaluationTab,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answer(monkeypatch, Buttons.Yes)
    with_exam(tab)
    qtbot.mouseClick(tab.sections["assessment"].draft_button, Qt.MouseButton.LeftButton)
    text = soap(tab)
    assert asked == []  # nothing typed, nothing to ask about
    assert text["soap_subjective"].startswith("Knee feels weak after 5.5 miles.")
    assert "Hip abduction L 18 kg vs R 13 kg: LSI 72%" in text["soap_objective"]
    assert text["soap_assessment"].startswith("Working diagnosis: Patellofemoral pain")
    assert "Goals: Run 10 miles without knee pain by 1 Mar 2027." in text["soap_plan"]
    assert tab.edits.dirty


@pytest.mark.parametrize("reply", [Buttons.No, Buttons.Cancel])
def test_typed_text_is_kept_unless_the_clinician_says_replace(
        qtbot: Any, tab: EvaluationTab, monkeypatch: pytest.MonkeyPatch,
        reply: QMessageBox.StandardButton) -> None:
    asked = answer(monkeypatch, reply)
    with_exam(tab, soap_objective="My own words.")
    tab.drafter.draft()
    assert len(asked) == 1 and asked[0].startswith("Box O already holds text you typed.")
    text = soap(tab)
    assert text["soap_objective"] == "My own words."
    assert bool(text["soap_subjective"]) == (reply == Buttons.No)


def test_replace_when_asked_and_a_second_draft_replaces_its_own_text_silently(
        qtbot: Any, tab: EvaluationTab, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answer(monkeypatch, Buttons.Yes)
    with_exam(tab, soap_objective="My own words.")
    tab.drafter.draft()
    assert "Hip abduction" in soap(tab)["soap_objective"] and len(asked) == 1
    fields = tab.sections["knee"].fields
    fields.set_value("knee_right.effusion", "2+")  # the exam changes: draft again
    tab.drafter.draft()
    assert len(asked) == 1  # the boxes held only the earlier draft: no question
    assert "effusion 2+" in soap(tab)["soap_objective"]


def test_special_tests_quick_fill_is_one_click_undoable_and_editable(
        qtbot: Any, tab: EvaluationTab) -> None:
    knee = tab.sections["knee"]
    every: list[str] = knee.fields.keys()
    keys = [k for k in every if k.startswith("special_tests.")]
    assert len(keys) == 14
    qtbot.mouseClick(knee.quick_fills["tests_negative"], Qt.MouseButton.LeftButton)
    assert {knee.fields.raw()[k] for k in keys} == {"negative"}
    combo = knee.fields.widget("special_tests.ober.left")
    assert isinstance(combo, QComboBox) and combo.isEnabled()
    combo.setCurrentIndex(combo.findData("positive"))  # still editable after the fill
    qtbot.mouseClick(knee.quick_fill_bar.undo_button, Qt.MouseButton.LeftButton)
    assert {knee.fields.raw()[k] for k in keys} == {""}


def test_knee_within_normal_limits_charts_every_knee_finding_that_has_a_normal(
        qtbot: Any, tab: EvaluationTab) -> None:
    knee = tab.sections["knee"]
    knee.fields.set_value("knee_left.patellar_tracking", "J-sign")
    qtbot.mouseClick(knee.quick_fills["normal"], Qt.MouseButton.LeftButton)
    raw = knee.fields.raw()
    for side in ("left", "right"):
        assert raw[f"knee_{side}.patellar_tracking"] == "Central"
        assert raw[f"knee_{side}.patellar_mobility"] == "normal"
        assert raw[f"knee_{side}.effusion"] == "none"
        assert raw[f"knee_{side}.single_leg_squat"] == raw[f"knee_{side}.step_down"] == "good"
    assert raw["knee_left.flexion_deg"] == ""  # range is measured, never filled
    qtbot.mouseClick(knee.quick_fill_bar.undo_button, Qt.MouseButton.LeftButton)
    assert knee.fields.raw()["knee_left.patellar_tracking"] == "J-sign"
    assert knee.fields.raw()["knee_right.patellar_tracking"] == ""


def test_quick_fill_keys_act_on_the_section_holding_the_focus(qtbot: Any, tab: EvaluationTab
                                                              ) -> None:
    knee, ankle = tab.sections["knee"], tab.sections["ankle"]
    knee.fields.set_value("knee_left.tenderness:patellar_tendon", True)
    ankle.fields.set_value("ankle_left.tender_atfl", True)
    tab.activateWindow()
    knee.fields.widget("knee_left.flexion_deg").setFocus()
    qtbot.waitUntil(lambda: knee.fields.widget("knee_left.flexion_deg").hasFocus())
    qtbot.keyClick(knee.fields.widget("knee_left.flexion_deg"), Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert knee.fields.raw()["knee_left.effusion"] == "none"
    assert knee.fields.raw()["knee_right.effusion"] == "none"
    qtbot.keyClick(knee.fields.widget("knee_left.flexion_deg"), Qt.Key.Key_T,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert knee.fields.raw()["knee_left.tenderness:patellar_tendon"] is False
    assert ankle.fields.raw()["ankle_left.tender_atfl"] is True  # another section's: untouched


def test_quick_fills_are_off_on_a_signed_note(tab: EvaluationTab) -> None:
    tab._set_read_only(True)
    assert not tab.sections["knee"].quick_fills["normal"].isEnabled()
    assert not tab.sections["assessment"].draft_button.isEnabled()
    tab._set_read_only(False)
    assert tab.sections["knee"].quick_fills["normal"].isEnabled()


def test_gait_footwear_follows_the_history_shoes_until_typed_over(
        qtbot: Any, tab: EvaluationTab) -> None:
    subjective, gait = tab.sections["subjective"].fields, tab.sections["gait"].fields
    qtbot.keyClicks(subjective.widget("shoe_model"), "Neutral daily trainer")
    qtbot.keyClicks(subjective.widget("shoe_drop_mm"), "10")
    assert gait.raw()["gait.footwear"] == "Neutral daily trainer, 10 mm drop"
    footwear = gait.widget("gait.footwear")
    footwear.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(footwear, "Race flats")
    qtbot.keyClicks(subjective.widget("shoe_model"), " 2")
    assert gait.raw()["gait.footwear"] == "Race flats"  # the clinician's own words stay


def _choose(qtbot: Any, combo: QComboBox, key: str) -> None:
    """Pick an entry as the keyboard does: focus the box, then type the entry's first letters."""
    combo.setFocus()
    qtbot.keyClicks(combo, combo.itemText(combo.findData(key)))
    assert combo.currentData() == key


def test_readiness_shows_the_heel_raises_and_squat_the_exam_already_measured(
        qtbot: Any, tab: EvaluationTab) -> None:
    """One test, charted once: the ankle exam's heel raises and the knee exam's single-leg
    squat appear in readiness, and the clinician's own readiness entry is never replaced."""
    ankle, knee = tab.sections["ankle"].fields, tab.sections["knee"].fields
    readiness = tab.sections["readiness"].fields
    qtbot.keyClicks(ankle.widget("ankle_left.heel_raise_count"), "16")
    qtbot.keyClicks(ankle.widget("ankle_right.heel_raise_count"), "25")
    _choose(qtbot, knee.widget("knee_right.single_leg_squat"), "knee_valgus")  # type: ignore[arg-type]
    raw = readiness.raw()
    assert (raw["readiness.heel_raises_left"], raw["readiness.heel_raises_right"]) == ("16", "25")
    assert raw["readiness.squat_right"] == "knee_valgus"
    assert raw["readiness.squat_left"] == ""  # not tested on the knee exam: nothing claimed
    # Corrected on the ankle exam: readiness follows, as it still shows the exam's count.
    edit = ankle.widget("ankle_left.heel_raise_count")
    edit.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(edit, "18")
    assert readiness.raw()["readiness.heel_raises_left"] == "18"
    # Re-tested for readiness: the clinician's number stays whatever the exam says next.
    own = readiness.widget("readiness.heel_raises_right")
    own.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(own, "22")
    qtbot.keyClicks(ankle.widget("ankle_right.heel_raise_count"), "0")  # 250: a typo there
    assert readiness.raw()["readiness.heel_raises_right"] == "22"


def test_readiness_typed_first_is_not_replaced_by_the_exam(
        qtbot: Any, tab: EvaluationTab) -> None:
    """Readiness re-tested and typed before the ankle exam keeps the clinician's number."""
    readiness = tab.sections["readiness"].fields
    qtbot.keyClicks(readiness.widget("readiness.heel_raises_left"), "14")
    ankle = tab.sections["ankle"].fields
    qtbot.keyClicks(ankle.widget("ankle_left.heel_raise_count"), "16")
    assert readiness.raw()["readiness.heel_raises_left"] == "14"


def test_a_follow_up_records_no_readiness_from_the_exam(
        qtbot: Any, ctx: AppContext, session_factory: Any) -> None:
    """Follow-up notes have no readiness section: the exam's heel raises stay in the exam."""
    widget = open_tab(qtbot, ctx, session_factory, "follow_up")
    assert widget.sections["readiness"].isHidden()
    qtbot.keyClicks(widget.sections["ankle"].fields.widget("ankle_left.heel_raise_count"), "16")
    assert widget.sections["readiness"].fields.raw()["readiness.heel_raises_left"] == ""
