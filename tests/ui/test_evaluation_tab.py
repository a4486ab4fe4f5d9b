"""Evaluation tab: every section through the widgets, validation, live LSI/cadence, drafts, conflicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy import update

from ptdesk.db.models import Visit
from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.services import drafts
from ptdesk.services.clinic import update_settings
from ptdesk.services.episodes import open_episode
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.ui.chart.evaluation import EvaluationTab
from ptdesk.ui.chart.evaluation.draft_store import form_key
from ptdesk.ui.chart.evaluation.prior_injury_model import PriorInjuryModel
from ptdesk.ui.chart.evaluation.tab import SIGNED_NOTE
from ptdesk.ui.context import AppContext
from tests.factories import (
    ACTOR,
    ADMIN,
    COLLEAGUE,
    full_evaluation,
    make_episode,
    make_patient,
    with_exam_readiness,
)

ABDUCTION = "Hip abduction (gluteus medius/minimus)"

# Every input of full_evaluation(), by the accessible name a screen reader announces.
FILL: list[tuple[str, Any]] = [
    ("Chief complaint", "Knee feels weak after 5.5 miles"),
    ("Onset / mechanism", "Gradual"),
    ("Onset date", "2026-08-01"),
    ("Weakness / fatigue", True), ("Grinding", True), ("Front of knee", True),
    ("Stairs", True), ("Downhill", True),
    ("Pain now", "2"), ("Pain at best", "0"), ("Pain at worst", "5"),
    ("Distance at onset", "5.5"), ("Distance at onset unit", "mi"),
    ("Current weekly volume", "3"), ("Pre-injury weekly volume", "25"),
    ("Weekly volume unit", "mi / week"), ("Longest recent run", "1"), ("Runs per week", "2"),
    ("Goal race", "City Half Marathon"), ("Race date", "2027-05-02"),
    ("Shoes", "Trainer 12"), ("Heel-to-toe drop", "8"), ("Surface", "road"),
    ("Red flags screened", True), ("Red flag notes", "None"),
    ("Knee flexion, left", "140"), ("Knee extension, left", "0"), ("Effusion, left", "None"),
    ("Patellar mobility, left", "Normal"), ("Single-leg squat, left", "Good"),
    ("Step-down, left", "Good"),
    ("Knee flexion, right", "135"), ("Knee extension, right", "-2"),
    ("Effusion, right", "Trace"), ("Lateral retinaculum, right", True),
    ("Patellar mobility, right", "Hypomobile"), ("Patellar tracking, right", "lateral tilt"),
    ("Single-leg squat, right", "Knee valgus"), ("Step-down, right", "Pelvic drop"),
    ("Knee notes, right", "note"),
    ("Patellar grind (Clarke), right", "Positive"), ("Ober, right", "Negative"),
    ("Lachman, left", "Not tested"),
    ("Knee-to-wall, left", "7.5"), ("Balance, eyes open, left", "12"),
    ("Balance, eyes closed, left", "3"), ("Single-leg heel raises, left", "14"),
    ("Anterior drawer, left", "Positive"), ("Talar tilt, left", "Negative"),
    ("Swelling, left", "Mild"), ("Tender ATFL, left", True), ("Ankle notes, left", "sprained"),
    ("Knee-to-wall, right", "11"), ("Balance, eyes open, right", "30"),
    ("Balance, eyes closed, right", "9"), ("Single-leg heel raises, right", "25"),
    (f"{ABDUCTION}, method", "Dynamometer"), (f"{ABDUCTION}, left", "18"),
    (f"{ABDUCTION}, right", "13"), (f"{ABDUCTION}, unit", "kg"),
    ("Hip extension (gluteus maximus), method", "MMT grade"),
    ("Hip extension (gluteus maximus), left grade", "5"),
    ("Hip extension (gluteus maximus), right grade", "4-"),
    ("Knee extension (quadriceps), method", "Dynamometer"),
    ("Knee extension (quadriceps), right", "300"), ("Knee extension (quadriceps), unit", "N"),
    ("Setting", "Treadmill"), ("Speed", "10"), ("Speed unit", "km/h"), ("Cadence", "160"),
    ("Foot strike", "Rearfoot"), ("Overstriding", True), ("Pelvic drop", "Right"),
    ("Pelvic drop severity", "Moderate"), ("Knee valgus", "Right"),
    ("Pronation", "Overpronation"), ("Crossover gait", False), ("Trunk lean", "None"),
    ("Footwear", "Trainer 12"), ("Cadence increase", "7.5"),
    ("Gait notes", "Filmed side and back"),
    ("Problem list", "Hip abductor weakness; overstriding"),
    ("Working diagnosis", "Patellofemoral pain"), ("ICD-10", "M22.2X1"),
    ("Visit frequency", "1x/week for 6 weeks"), ("Plan", "Hip strength; cadence +7.5%"),
    ("S — Subjective", "S"), ("O — Objective", "O"), ("A — Assessment", "A"),
    ("P — Plan", "P"),
]


def find(root: QWidget, name: str) -> QWidget:
    matches = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(matches) == 1, f"{len(matches)} inputs named {name!r}"
    return matches[0]


def fill(qtbot: Any, root: QWidget, name: str, value: Any) -> None:
    widget = find(root, name)
    if isinstance(widget, QLineEdit):
        widget.clear()
        qtbot.keyClicks(widget, value)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value)
    elif isinstance(widget, QComboBox):
        index = widget.findText(value)
        assert index >= 0, f"{name}: no choice {value!r}"
        widget.setCurrentIndex(index)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(value)
    else:
        raise AssertionError(f"{name} is a {type(widget).__name__}")


def error_text(tab: EvaluationTab, section: str, key: str) -> str:
    label = tab.sections[section].fields.error_label(key)
    assert label is not None
    return label.text() if label.isVisibleTo(tab) else ""


@pytest.fixture
def visit(session_factory):
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)  # affected side: right
    return create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                        visit_date=date(2026, 10, 2), visit_type="initial_evaluation")


@pytest.fixture
def no_dialogs(monkeypatch):
    """Fail loudly if a test would block on a question it did not expect."""
    def unexpected(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"unexpected dialog: {args[1:3]}")
    monkeypatch.setattr(QMessageBox, "question", unexpected)


def make_tab(qtbot: Any, ctx: AppContext, patient_id: int) -> EvaluationTab:
    tab = EvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.set_patient(patient_id)
    return tab


def test_every_section_filled_through_widgets_round_trips(
    qtbot, ctx, session_factory, visit, monkeypatch, no_dialogs,
) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    for name, value in FILL:
        fill(qtbot, tab, name, value)
    # Prior injury: add a row with the button, then edit its cells as the view's editors do.
    qtbot.mouseClick(find(tab, "Add injury"), Qt.MouseButton.LeftButton)
    model = tab.sections["subjective"].injuries
    for column, value in enumerate(("Ankle sprain (rolled)", "left", "2026-07-10")):
        assert model.setData(model.index(0, column), value)
    # Video: chosen through the (patched) file picker; only the path is stored.
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: ("clips/run1.mp4", "Video files"))
    qtbot.mouseClick(find(tab, "Choose video file"), Qt.MouseButton.LeftButton)
    assert tab.has_unsaved_changes()

    assert tab.save(), tab.header.error_label.text()
    assert not tab.has_unsaved_changes()
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved == with_exam_readiness(full_evaluation())

    fresh = EvaluationTab(ctx)
    qtbot.addWidget(fresh)
    fresh.open_visit(visit.id)
    assert fresh.build_evaluation() == saved
    for name, value in FILL:
        widget = find(fresh, name)
        if isinstance(widget, QLineEdit):
            assert widget.text() == value, name
        elif isinstance(widget, QComboBox):
            assert widget.currentText() == value, name
        elif isinstance(widget, QCheckBox):
            assert widget.isChecked() == value, name
        else:
            assert widget.toPlainText() == value, name  # type: ignore[attr-defined]
    assert find(fresh, "Video file").text() == "clips/run1.mp4"  # type: ignore[attr-defined]
    assert fresh.sections["subjective"].injuries.raw() == [
        ["Ankle sprain (rolled)", "left", "2026-07-10"]]
    assert not fresh.has_unsaved_changes()


def test_invalid_pain_is_shown_by_the_field_and_nothing_is_saved(
    qtbot, ctx, session_factory, visit, no_dialogs,
) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    fill(qtbot, tab, "Chief complaint", "Front knee pain")
    fill(qtbot, tab, "Pain now", "12")
    assert "0–10" in error_text(tab, "subjective", "nprs_now")  # live, while typing
    assert not tab.save()
    assert "0–10" in error_text(tab, "subjective", "nprs_now")
    assert "Not saved" in tab.header.error_label.text()
    assert find(tab, "Pain now").text() == "12"  # type: ignore[attr-defined]
    assert find(tab, "Chief complaint").text() == "Front knee pain"  # type: ignore[attr-defined]
    summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved == ev.Evaluation() and summary.version == visit.version
    # Fixing the value clears the note and lets the save through.
    fill(qtbot, tab, "Pain now", "3")
    assert error_text(tab, "subjective", "nprs_now") == ""
    assert tab.save()
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved.subjective is not None and saved.subjective.nprs_now == 3


@pytest.mark.parametrize(("name", "text", "section", "field", "message"), [
    ("Knee flexion, left", "abc", "knee", "knee_left.flexion_deg", "Knee flexion must be a number."),
    ("Knee flexion, right", "200", "knee", "knee_right.flexion_deg", "Knee flexion must be between"),
    ("Cadence", "fast", "gait", "gait.cadence_spm", "Cadence must be a whole number."),
    ("Knee-to-wall, left", "40", "ankle", "ankle_left.knee_to_wall_cm", "between 0 and 30 cm"),
    ("Onset date", "1/8/26", "subjective", "onset_date", "YYYY-MM-DD"),
    (f"{ABDUCTION}, right", "x", "strength", "strength.hip_abduction.right", "must be a number"),
])
def test_bad_input_names_the_domain_field_and_keeps_the_text(
    qtbot, ctx, visit, no_dialogs, name, text, section, field, message,
) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    fill(qtbot, tab, name, text)
    with pytest.raises(ValidationError) as caught:
        tab.build_evaluation()
    assert caught.value.field == field
    assert not tab.save()
    assert message in error_text(tab, section, field)
    assert find(tab, name).text() == text  # type: ignore[attr-defined]


def test_cross_field_rule_is_shown_next_to_its_field(qtbot, ctx, visit, no_dialogs) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    fill(qtbot, tab, "Pain at best", "6")
    fill(qtbot, tab, "Pain at worst", "4")
    assert not tab.save()
    assert "cannot be higher" in error_text(tab, "subjective", "nprs_best")


def test_lsi_updates_live_and_flags_below_90(qtbot, ctx, visit, no_dialogs) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    lsi = find(tab, f"{ABDUCTION}, LSI")
    assert isinstance(lsi, QLabel)
    assert "R ÷ L" in tab.sections["strength"].lsi_header.text()  # type: ignore[attr-defined]
    fill(qtbot, tab, f"{ABDUCTION}, method", "Dynamometer")
    fill(qtbot, tab, f"{ABDUCTION}, left", "18")
    assert lsi.text() == "—"
    fill(qtbot, tab, f"{ABDUCTION}, right", "13")  # involved right: 13 / 18 = 72.2%
    assert lsi.text() == "72% · below 90%"
    assert lsi.property("flagged") is True
    fill(qtbot, tab, f"{ABDUCTION}, right", "17")  # 94%
    assert lsi.text() == "94%"
    assert lsi.property("flagged") is False
    fill(qtbot, tab, f"{ABDUCTION}, method", "MMT grade")
    fill(qtbot, tab, f"{ABDUCTION}, left grade", "5")
    fill(qtbot, tab, f"{ABDUCTION}, right grade", "4")
    # Grades are shown as grades, flagged a full grade apart; never "80%" (issue 17).
    assert lsi.text() == "5 / 4 (L / R) · a full grade down"
    assert lsi.property("flagged") is True and "%" not in lsi.text()
    fill(qtbot, tab, f"{ABDUCTION}, right grade", "4+")
    assert lsi.text() == "5 / 4+ (L / R)" and lsi.property("flagged") is False
    # The dynamometer text is kept while MMT is chosen, and comes back with the method.
    fill(qtbot, tab, f"{ABDUCTION}, method", "Dynamometer")
    assert find(tab, f"{ABDUCTION}, right").text() == "17"  # type: ignore[attr-defined]


def test_both_sides_affected_shows_ratio_and_weaker_side(
    qtbot, ctx, session_factory, no_dialogs,
) -> None:
    patient = make_patient(session_factory, mrn="MRN-002")
    episode = open_episode(session_factory, actor=ACTOR, patient_id=patient.id,
                           diagnosis="Bilateral knee pain", affected_side="both",
                           start_date=date(2026, 10, 1))
    create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                 visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    tab = make_tab(qtbot, ctx, patient.id)
    fill(qtbot, tab, f"{ABDUCTION}, method", "Dynamometer")
    fill(qtbot, tab, f"{ABDUCTION}, left", "12")
    fill(qtbot, tab, f"{ABDUCTION}, right", "16")
    text = find(tab, f"{ABDUCTION}, LSI").text()  # type: ignore[attr-defined]
    assert text.startswith("75% weaker ÷ stronger") and "left weaker" in text
    assert "below 90%" in text


def test_cadence_target_updates_live(qtbot, ctx, visit, no_dialogs) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    target = find(tab, "Target cadence")
    assert isinstance(target, QLabel)
    fill(qtbot, tab, "Cadence", "160")
    assert target.text() == "Suggested target: 168–176 steps/min (+5 to +10%)"
    fill(qtbot, tab, "Cadence increase", "7.5")
    assert target.text() == "Target cadence: 172 steps/min (metronome 172 bpm)"
    fill(qtbot, tab, "Cadence", "170")
    expected = ev.GaitFindings(cadence_spm=170, cadence_target_pct=7.5).cadence_target_spm
    assert target.text() == f"Target cadence: {expected} steps/min (metronome {expected} bpm)"


def test_draft_autosaves_and_is_restored_after_a_crash(
    qtbot, ctx, session_factory, visit, monkeypatch, no_dialogs,
) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    fill(qtbot, tab, "Chief complaint", "Weak knee on long runs")
    fill(qtbot, tab, "Pain now", "12")  # invalid text is kept in the draft too
    fill(qtbot, tab, "Knee flexion, right", "13O")
    fill(qtbot, tab, f"{ABDUCTION}, method", "MMT grade")
    fill(qtbot, tab, f"{ABDUCTION}, right grade", "4-")
    fill(qtbot, tab, "Gait notes", "Line one\nLine two")
    qtbot.mouseClick(find(tab, "Add injury"), Qt.MouseButton.LeftButton)
    model = tab.sections["subjective"].injuries
    model.setData(model.index(0, 0), "Ankle sprain")
    model.setData(model.index(0, 2), "2026-07-1")  # half-typed date
    key = form_key(visit.id)
    # Autosave fires a couple of seconds after typing stops, without any save.
    qtbot.waitUntil(lambda: drafts.get_draft(session_factory, actor=ACTOR, form_key=key)
                    is not None, timeout=5000)
    typed = {name: s.raw() for name, s in tab.sections.items()}

    # "Crash": a new tab on the same database; the draft is offered and accepted.
    asked: list[str] = []

    def accept(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", accept)
    restored = make_tab(qtbot, AppContext(session_factory, ACTOR),
                        visit.patient_id)
    assert asked and asked[0].startswith("Restore unsaved changes from ")
    assert {name: s.raw() for name, s in restored.sections.items()} == typed
    assert find(restored, "Pain now").text() == "12"  # type: ignore[attr-defined]
    assert find(restored, "Knee flexion, right").text() == "13O"  # type: ignore[attr-defined]
    assert restored.has_unsaved_changes()
    # Fix the bad values, save: the draft is gone and the values are in the chart.
    fill(qtbot, restored, "Pain now", "2")
    fill(qtbot, restored, "Knee flexion, right", "130")
    model = restored.sections["subjective"].injuries
    model.setData(model.index(0, 2), "2026-07-10")
    assert restored.save(), restored.header.error_label.text()
    assert drafts.get_draft(session_factory, actor=ACTOR, form_key=key) is None
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved.subjective is not None and saved.subjective.nprs_now == 2
    assert saved.gait is not None and saved.gait.notes == "Line one\nLine two"
    assert saved.strength == (ev.StrengthMeasurement("hip_abduction", "right", "mmt",
                                                     mmt_grade="4-"),)


def test_declined_draft_is_discarded(
    qtbot, ctx, session_factory, visit, monkeypatch, no_dialogs,
) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    fill(qtbot, tab, "Chief complaint", "Typed but not saved")
    tab.flush_draft()  # tab/patient switch
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    again = make_tab(qtbot, ctx, visit.patient_id)
    assert find(again, "Chief complaint").text() == ""  # type: ignore[attr-defined]
    assert drafts.get_draft(session_factory, actor=ACTOR, form_key=form_key(visit.id)) is None


def test_carry_forward_fills_history_measurements_and_plan_not_today_or_red_flags(
    qtbot, ctx, session_factory, visit, no_dialogs,
) -> None:
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    follow_up = create_visit(session_factory, actor=ACTOR, episode_id=visit.episode_id,
                             visit_date=date(2026, 10, 9), visit_type="follow_up")
    tab = make_tab(qtbot, ctx, visit.patient_id)  # opens the newest visit: the follow-up
    assert tab.header.visit_combo.currentData() == follow_up.id
    assert find(tab, "Knee flexion, left").text() == ""  # type: ignore[attr-defined]
    fill(qtbot, tab, "Chief complaint", "Better; ran 2 miles")
    button = find(tab, "Carry forward from last visit")
    assert isinstance(button, QPushButton) and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert find(tab, "Knee flexion, left").text() == "140"  # type: ignore[attr-defined]
    assert find(tab, f"{ABDUCTION}, LSI").text() == "72% · below 90%"  # type: ignore[attr-defined]
    assert find(tab, "Chief complaint").text() == "Better; ran 2 miles"  # type: ignore[attr-defined]
    assert find(tab, "Problem list").toPlainText() == "Hip abductor weakness; overstriding"  # type: ignore[attr-defined]
    assert find(tab, "Shoes").text() == "Trainer 12"  # type: ignore[attr-defined]
    assert not find(tab, "Red flags screened").isChecked()  # type: ignore[attr-defined]
    assert find(tab, "Pain now").text() == ""  # type: ignore[attr-defined]
    fill(qtbot, tab, "Knee flexion, right", "138")  # editable like any value
    assert tab.save()
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=follow_up.id)
    previous = full_evaluation()
    history = previous.subjective
    assert history is not None
    right_knee = replace(previous.knees[1], flexion_deg=138)
    # The episode's onset, goal race and diagnosis show in every note of the episode (issue
    # 18): they are not carried from the older note, whose working diagnosis differs here.
    story = previous.subjective
    assert previous.assessment is not None
    assert saved == replace(
        previous, subjective=replace(
            history, onset_mechanism="", onset_date=story.onset_date, symptoms=(), pain_locations=(),
            nprs_now=None, nprs_best=None, nprs_worst=None, aggravating=(),
            onset_distance=None, red_flags_screened=False, red_flags_notes="",
            chief_complaint="Better; ran 2 miles"),
        knees=(previous.knees[0], right_knee), readiness=None,
        assessment=replace(previous.assessment, working_diagnosis="Patellofemoral pain syndrome"),
        soap_subjective="", soap_objective="", soap_assessment="", soap_plan="")


def test_carry_forward_is_off_for_an_initial_evaluation(qtbot, ctx, visit, no_dialogs) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    assert not find(tab, "Carry forward from last visit").isEnabled()


def test_stale_version_shows_conflict_and_keeps_input(
    qtbot, ctx, session_factory, visit, no_dialogs,
) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    fill(qtbot, tab, "Chief complaint", "My version")
    # Someone else saves the same visit in the meantime.
    other = ev.Evaluation(subjective=ev.SubjectiveFindings(chief_complaint="Their version"))
    save_evaluation(session_factory, actor=COLLEAGUE, visit_id=visit.id, evaluation=other,
                    expected_version=visit.version)
    assert not tab.save()
    assert "someone else saved this visit" in tab.header.error_label.text()
    assert find(tab, "Chief complaint").text() == "My version"  # type: ignore[attr-defined]
    assert tab.has_unsaved_changes()
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved == other
    draft = drafts.get_draft(session_factory, actor=ACTOR, form_key=form_key(visit.id))
    assert draft is not None and "My version" in draft.payload


def test_signed_visit_opens_read_only(qtbot, ctx, session_factory, visit, no_dialogs) -> None:
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    with session_factory() as session, session.begin():  # signing is a later issue's service
        session.execute(update(Visit).where(Visit.id == visit.id).values(status="signed"))
    tab = make_tab(qtbot, ctx, visit.patient_id)
    assert tab.header.info_label.text() == SIGNED_NOTE
    flexion = find(tab, "Knee flexion, left")
    assert isinstance(flexion, QLineEdit) and flexion.isReadOnly() and flexion.text() == "140"
    assert not find(tab, "Save").isEnabled()
    assert not find(tab, "Effusion, left").isEnabled()
    assert not tab.save()
    assert not tab.has_unsaved_changes()


def test_bad_prior_injury_date_is_shown_under_the_table(qtbot, ctx, visit, no_dialogs) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    qtbot.mouseClick(find(tab, "Add injury"), Qt.MouseButton.LeftButton)
    model = tab.sections["subjective"].injuries
    model.setData(model.index(0, 0), "Ankle sprain")
    model.setData(model.index(0, 2), "July 2026")
    assert not tab.save()
    assert "YYYY-MM-DD" in error_text(tab, "subjective", "prior_injuries[0].injury_date")
    assert model.raw()[0][2] == "July 2026"


def test_prior_injury_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = PriorInjuryModel()
    model.load((ev.PriorInjury("Ankle sprain", "left", date(2026, 7, 10)),
                ev.PriorInjury("Shin splints", "both", None)))
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "Left"
    assert not model.setData(model.index(0, 1), "middle")  # only left/right/both
    model.add_row()
    model.remove_row(0)
    assert model.rowCount() == 2 and not model.rowCount(model.index(0, 0))
    assert model.columnCount(QModelIndex()) == 3
    qtmodeltester.check(model)


def test_empty_visit_uses_the_clinic_units_and_saves_nothing_for_units_alone(
    qtbot, ctx, session_factory, visit, no_dialogs,
) -> None:
    update_settings(session_factory, actor=ADMIN, name="Riverside Running PT", default_units="km")
    tab = make_tab(qtbot, ctx, visit.patient_id)
    assert find(tab, "Weekly volume unit").currentText() == "km / week"  # type: ignore[attr-defined]
    assert find(tab, "Distance at onset unit").currentText() == "km"  # type: ignore[attr-defined]
    assert find(tab, "Speed unit").currentText() == "km/h"  # type: ignore[attr-defined]
    assert find(tab, "Longest recent run").parentWidget().findChild(  # unit next to the number
        QLabel, "longest_recent_run_unit").text() == "km"
    assert tab.build_evaluation() == ev.Evaluation()
    fill(qtbot, tab, "Current weekly volume", "12")
    assert tab.save()
    _summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved == ev.Evaluation(subjective=ev.SubjectiveFindings(
        current_weekly_volume=12, volume_unit="km", onset_distance_unit="km"))


def test_alt_number_jumps_to_a_section_from_deep_in_the_form(qtbot, ctx, visit, no_dialogs) -> None:
    tab = make_tab(qtbot, ctx, visit.patient_id)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    notes = find(tab, "Gait notes")
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    qtbot.keyClick(notes, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(find(tab, "Knee flexion, left").hasFocus)


def test_unreadable_draft_is_reported_and_kept(
    qtbot, ctx, session_factory, visit, monkeypatch, no_dialogs,
) -> None:
    drafts.save_draft(session_factory, actor=ACTOR, form_key=form_key(visit.id),
                      payload="{not json", patient_id=visit.patient_id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    tab = make_tab(qtbot, ctx, visit.patient_id)
    assert "could not be read" in tab.header.error_label.text()
    assert drafts.get_draft(session_factory, actor=ACTOR, form_key=form_key(visit.id)) is not None
