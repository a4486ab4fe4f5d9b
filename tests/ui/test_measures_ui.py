"""Issue 17 in the Evaluation tab: per-region strength rows, the injured ankle, the readiness section."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtWidgets import QLabel

from ptdesk.domain import evaluation as ev
from ptdesk.services.episodes import active_episode
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.ui.chart.evaluation import EvaluationTab
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient
from tests.ui.test_evaluation_tab import fill, find, no_dialogs  # noqa: F401

CALF = "Ankle plantarflexion (calf)"
ABDUCTION = "Hip abduction (gluteus medius/minimus)"


@pytest.fixture
def episode(session_factory):
    patient = make_patient(session_factory)
    return make_episode(session_factory, patient.id)  # right knee


def open_tab(qtbot, ctx, patient_id: int) -> EvaluationTab:
    tab = EvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.set_patient(patient_id)
    return tab


def test_injured_ankle_is_prefilled_from_the_prior_injury_and_saved_on_confirm(
        qtbot, ctx, session_factory, episode, no_dialogs) -> None:  # noqa: F811
    first = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    # The intake names one prior injury "Ankle sprain (rolled)" on the left.
    save_evaluation(session_factory, actor=ACTOR, visit_id=first.id,
                    evaluation=full_evaluation())
    tab = open_tab(qtbot, ctx, episode.patient_id)
    combo = find(tab, "Injured (sprained) ankle")
    assert combo.currentText() == "Left"  # type: ignore[attr-defined]
    assert "Suggested" in tab._ankle.ankle_hint.text()
    stored = active_episode(session_factory, episode.patient_id, actor=ACTOR)
    assert stored is not None and stored.injured_ankle_side is None  # never saved by itself
    # The calf row already compares on the left (the pre-fill), the hip rows on the right.
    fill(qtbot, tab, f"{CALF}, method", "Dynamometer")
    fill(qtbot, tab, f"{CALF}, left", "30")
    fill(qtbot, tab, f"{CALF}, right", "40")
    calf = find(tab, f"{CALF}, LSI")
    assert calf.text() == "75% · below 90%"  # type: ignore[attr-defined]
    assert "knee/hip R ÷ L, ankle L ÷ R" in tab._strength.lsi_header.text()
    assert tab.save()
    stored = active_episode(session_factory, episode.patient_id, actor=ACTOR)
    assert stored is not None and stored.injured_ankle_side == "left"
    assert tab._ankle.ankle_hint.text() == "Recorded for this episode."


def test_ankle_rows_follow_the_clinicians_choice_and_unknown_says_weaker_vs_stronger(
        qtbot, ctx, session_factory, episode, no_dialogs) -> None:  # noqa: F811
    create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                 visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    tab = open_tab(qtbot, ctx, episode.patient_id)
    assert find(tab, "Injured (sprained) ankle").currentText() == "Not known"  # type: ignore[attr-defined]
    fill(qtbot, tab, f"{CALF}, method", "Dynamometer")
    fill(qtbot, tab, f"{CALF}, left", "30")
    fill(qtbot, tab, f"{CALF}, right", "40")
    calf = find(tab, f"{CALF}, LSI")
    assert calf.text() == "75% weaker ÷ stronger · left weaker, below 90%"  # type: ignore[attr-defined]
    fill(qtbot, tab, "Injured (sprained) ankle", "Right")
    assert calf.text() == "133%"  # type: ignore[attr-defined]
    assert calf.property("flagged") is False
    # Knee/hip rows stay on the episode's right side whatever the ankle is.
    fill(qtbot, tab, f"{ABDUCTION}, method", "Dynamometer")
    fill(qtbot, tab, f"{ABDUCTION}, left", "18")
    fill(qtbot, tab, f"{ABDUCTION}, right", "13")
    assert find(tab, f"{ABDUCTION}, LSI").text() == "72% · below 90%"  # type: ignore[attr-defined]
    # MMT on the ankle row: the grade pair and its flag, no percentage.
    fill(qtbot, tab, "Injured (sprained) ankle", "Left")
    fill(qtbot, tab, f"{CALF}, method", "MMT grade")
    fill(qtbot, tab, f"{CALF}, left grade", "4")
    fill(qtbot, tab, f"{CALF}, right grade", "5")
    assert calf.text() == "4 / 5 (L / R) · a full grade down"  # type: ignore[attr-defined]
    # Ankle exam asymmetries are flagged on the same side (Powden 2015; Trojian 2006).
    fill(qtbot, tab, "Knee-to-wall, left", "7")
    fill(qtbot, tab, "Knee-to-wall, right", "11.5")
    flags = tab._ankle.flags_label
    assert "4.5 cm less on the left" in flags.text() and flags.property("flagged") is True


def test_readiness_section_saves_and_reports_the_criteria(
        qtbot, ctx, session_factory, episode, no_dialogs) -> None:  # noqa: F811
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    tab = open_tab(qtbot, ctx, episode.patient_id)
    assert tab._readiness.isVisibleTo(tab)
    fill(qtbot, tab, "Pain-free brisk walk", "35")
    fill(qtbot, tab, "Pain-free single-leg hops (readiness), left", "15")
    fill(qtbot, tab, "Pain-free single-leg hops (readiness), right", "10")
    fill(qtbot, tab, "Single-leg heel raises (readiness), left", "25")
    fill(qtbot, tab, "Single-leg heel raises (readiness), right", "22")
    fill(qtbot, tab, "Single-leg squat quality, left", "Good control")
    fill(qtbot, tab, "Single-leg squat quality, right", "Knee valgus")
    fill(qtbot, tab, "Single hop for distance (readiness), left", "120")
    fill(qtbot, tab, "Single hop for distance (readiness), right", "100")
    # Right knee involved: 100 / 120 = 83%, flagged by the one display rule.
    hop = find(tab, "Single hop for distance (readiness), LSI")
    assert isinstance(hop, QLabel) and hop.text() == "83%" and hop.property("flagged") is True
    # Heel raises are an ankle row: no ankle side recorded, weaker vs stronger (22 / 25).
    heel = find(tab, "Single-leg heel raises (readiness), LSI")
    assert heel.text() == "88% (weaker ÷ stronger)"  # type: ignore[attr-defined]
    fill(qtbot, tab, "Injured (sprained) ankle", "Left")
    assert heel.text() == "114%"  # type: ignore[attr-defined]
    status = tab._readiness.status_label.text()
    assert status.startswith("2 of 4 readiness criteria met")
    assert "✗ Single-leg squat control" in status
    assert tab.save()
    _, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved.readiness is not None
    assert (saved.readiness.brisk_walk_min, saved.readiness.hops_right,
            saved.readiness.squat_right, saved.readiness.single_hop_cm_left) == (
        35, 10, "knee_valgus", 120)


def test_readiness_is_hidden_on_daily_notes_and_a_bad_count_is_refused(
        qtbot, ctx, session_factory, episode, no_dialogs) -> None:  # noqa: F811
    first = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    tab = open_tab(qtbot, ctx, episode.patient_id)
    fill(qtbot, tab, "Pain-free brisk walk", "999")
    assert not tab.save()
    assert tab._readiness.fields.error_label("readiness.brisk_walk_min").text()
    tab.edits.discard()
    create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                 visit_date=date(2026, 10, 9), visit_type="follow_up")
    tab.set_patient(episode.patient_id)
    assert tab._visit is not None and tab._visit.id != first.id
    assert not tab._readiness.isVisibleTo(tab)
    assert tab.build_evaluation() == ev.Evaluation()


def test_run_plan_tab_and_overview_show_readiness_and_still_allow_a_plan(
        qtbot, ctx, session_factory, episode) -> None:
    from ptdesk.domain.readiness import ReadinessFindings
    from ptdesk.ui.chart.overview import OverviewTab
    from ptdesk.ui.chart.runplan.tab import RunPlanTab

    plan_tab = RunPlanTab(ctx)
    qtbot.addWidget(plan_tab)
    plan_tab.set_patient(episode.patient_id)
    assert "not recorded" in plan_tab.readiness.text()
    assert plan_tab.form.isEnabled()  # warns, never blocks
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=ev.Evaluation(
        readiness=ReadinessFindings(brisk_walk_min=30, hops_left=15, hops_right=15,
                                    heel_raises_left=16, heel_raises_right=25,
                                    squat_left="good", squat_right="good")))
    ctx.signals.data_changed.emit("evaluation", episode.patient_id)
    text = plan_tab.readiness.text()
    assert text.startswith("Check before running starts: 3 of 4 readiness criteria met")
    assert "✗ Single-leg heel raises: L 16 · R 25 (target 20+ each side)" in text
    assert "✓ Pain-free brisk walk: 30 min" in text
    assert "You can still build and save a plan." in text
    assert plan_tab.form.isEnabled()
    overview = OverviewTab(ctx)
    qtbot.addWidget(overview)
    overview.set_patient(episode.patient_id)
    line = overview.labels["readiness"].text()
    assert line.startswith("3 of 4 readiness criteria met; not met: single-leg heel raises")


def test_progress_pain_chart_shows_run_pain_as_its_own_series(
        qtbot, ctx, session_factory) -> None:
    from datetime import timedelta

    from ptdesk.services.runlogs import log_run
    from ptdesk.ui.chart.progress import ProgressTab
    from ptdesk.ui.chart.progress.chart_theme import ms

    patient = make_patient(session_factory)
    start = date.today() - timedelta(days=20)
    make_episode(session_factory, patient.id, start=start)
    log_run(session_factory, actor=ACTOR, patient_id=patient.id, run_date=start + timedelta(3),
            amount=20, kind="continuous", pain_during=2, next_morning="same", measure="minutes")
    log_run(session_factory, actor=ACTOR, patient_id=patient.id, run_date=start + timedelta(6),
            amount=20, kind="continuous", pain_during=6, next_morning="worse", swelling=True,
            measure="minutes")
    tab = ProgressTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1024, 700)
    tab.show()
    tab.set_patient(patient.id)
    assert tab.pain is not None
    qtbot.waitUntil(lambda: tab.pain.runs.count() + tab.pain.red_runs.count() == 2)
    assert [p.y() for p in tab.pain.runs.points()] == [2]
    assert [p.y() for p in tab.pain.red_runs.points()] == [6]  # 6/10 with swelling: red
    assert tab.pain.line.count() == 0  # the visit line is its own series, untouched
    assert not tab.pain.frame.is_empty()
    assert "2 logged runs" in tab.pain.frame.caption.text()
    tip = tab.pain.frame.tips.text_for(tab.pain.red_runs, ms(start + timedelta(6)))
    assert tip is not None and "swelling" in tip and "red run" in tip
    assert tab.pain.red_runs.markerShape() == tab.pain.runs.markerShape()  # squares, as printed


def test_injured_ankle_can_be_set_on_a_signed_note_without_changing_the_note(
        qtbot, ctx, session_factory, episode, no_dialogs) -> None:  # noqa: F811
    from ptdesk.services.signing import sign_visit

    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                    evaluation=full_evaluation())
    sign_visit(session_factory, actor=ACTOR, visit_id=visit.id)
    before = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    tab = open_tab(qtbot, ctx, episode.patient_id)
    combo = find(tab, "Injured (sprained) ankle")
    assert combo.isEnabled()
    # The prior injury suggests the left; on a signed note nothing is pre-chosen unsaved.
    assert combo.currentText() == "Not known"  # type: ignore[attr-defined]
    assert "Suggested from the prior injuries: left" in tab._ankle.ankle_hint.text()
    assert find(tab, "Knee-to-wall, left").isReadOnly()  # type: ignore[attr-defined]
    fill(qtbot, tab, "Injured (sprained) ankle", "Right")
    stored = active_episode(session_factory, episode.patient_id, actor=ACTOR)
    assert stored is not None and stored.injured_ankle_side == "right"
    after = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    # The note is unchanged; only the episode's version it reads alongside moved on (issue 18).
    assert after[1] == before[1]
    assert replace(after[0], episode_version=None) == replace(before[0], episode_version=None)
    assert after[0].episode_version != before[0].episode_version
    # Back on a draft note the suggestion is pre-filled again only while nothing is stored.
    draft = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 9), visit_type="re_evaluation")
    tab.set_patient(episode.patient_id)
    assert tab._visit is not None and tab._visit.id == draft.id
    assert combo.currentText() == "Right"  # type: ignore[attr-defined]
    assert tab._ankle.ankle_hint.text() == "Recorded for this episode."
