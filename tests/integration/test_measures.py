"""Issue 17 end to end: region sides, grade pairs, ankle flags, proration, run pain, readiness."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.db.migrate import downgrade, upgrade
from ptdesk.domain import evaluation as ev
from ptdesk.domain.ankle_flags import AnkleThresholds
from ptdesk.domain.readiness import ReadinessFindings, ReadinessThresholds
from ptdesk.services import episodes, measure_settings, readiness
from ptdesk.services.errors import PermissionDeniedError
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.services.outcomes import record_outcome
from ptdesk.services.progress import series as pg
from ptdesk.services.progress.report import progress_report
from ptdesk.services.runlogs import log_run
from ptdesk.services.signing import sign_visit, verify_signed_notes
from tests.factories import ACTOR, ADMIN, ASSISTANT, make_patient, provision_accounts
from tests.integration.progress_data import dyn, mmt

START = date(2026, 10, 1)


def _runner(sf: SessionFactory, *, ankle: str | None = "left", mrn: str = "MS-0001") -> tuple[
        int, int]:
    """Right knee, left ankle sprain; weaker left calf by MMT and by dynamometer."""
    patient = make_patient(sf, mrn=mrn)
    episode = episodes.open_episode(
        sf, actor=ACTOR, patient_id=patient.id, diagnosis="Right knee weakness",
        affected_side="right", start_date=START, injured_ankle_side=ankle)
    return patient.id, episode.id


def _evaluation(calf: tuple[float, float] = (30.0, 40.0), **extra: object) -> ev.Evaluation:
    return ev.Evaluation(
        subjective=ev.SubjectiveFindings(prior_injuries=(
            ev.PriorInjury("Rolled ankle (lateral sprain)", "left"),)),
        ankles=(ev.AnkleFindings("left", 7.0, 14, 4, 16), ev.AnkleFindings("right", 11.5, 30, 12, 25)),
        strength=(dyn("hip_abduction", "left", 100), dyn("hip_abduction", "right", 80),
                  dyn("ankle_plantarflexion", "left", calf[0], "kg"),
                  dyn("ankle_plantarflexion", "right", calf[1], "kg"),
                  mmt("knee_flexion", "left", "5"), mmt("knee_flexion", "right", "4")),
        **extra)  # type: ignore[arg-type]


def _visit(sf: SessionFactory, episode_id: int, day: date, evaluation: ev.Evaluation,
           kind: str = "initial_evaluation") -> int:
    visit = create_visit(sf, actor=ACTOR, episode_id=episode_id, visit_date=day, visit_type=kind)
    save_evaluation(sf, actor=ACTOR, visit_id=visit.id, evaluation=evaluation)
    return visit.id


def test_ankle_rows_use_the_sprained_ankle_and_knee_rows_the_knee(session_factory) -> None:
    """Wrong before: a left calf of 30 kg against 40 kg showed 133% (judged on the right)."""
    patient_id, episode_id = _runner(session_factory)
    _visit(session_factory, episode_id, START, _evaluation())
    series = {s.muscle_group: s for s in pg.lsi_series(session_factory, patient_id, actor=ACTOR)}
    calf = series["ankle_plantarflexion"]
    assert calf.involved_side == "left"
    assert calf.points[0].lsi == pytest.approx(75.0) and calf.points[0].flagged
    hip = series["hip_abduction"]
    assert hip.involved_side == "right" and hip.points[0].lsi == pytest.approx(80.0)
    # MMT rows: grades only, never on the LSI series.
    knee = series["knee_flexion"].points[0]
    assert knee.lsi is None and not knee.flagged and (knee.left, knee.right) == ("5", "4")


def test_unknown_ankle_side_compares_weaker_with_stronger(session_factory) -> None:
    patient_id, episode_id = _runner(session_factory, ankle=None)
    _visit(session_factory, episode_id, START, _evaluation(calf=(40.0, 30.0)))
    series = {s.muscle_group: s for s in pg.lsi_series(session_factory, patient_id, actor=ACTOR)}
    assert series["ankle_plantarflexion"].involved_side == "both"
    assert series["ankle_plantarflexion"].points[0].lsi == pytest.approx(75.0)


def test_report_flags_calf_ankle_grades_and_readiness(session_factory) -> None:
    patient_id, episode_id = _runner(session_factory)
    ready = ReadinessFindings(20, 5, 15, 16, 25, "knee_valgus", "good")
    _visit(session_factory, episode_id, START, _evaluation(readiness=ready))
    later = ReadinessFindings(30, 15, 15, 22, 25, "good", "good")
    _visit(session_factory, episode_id, date(2026, 11, 1),
           _evaluation(calf=(36.0, 40.0), readiness=later), "re_evaluation")
    report = progress_report(session_factory, actor=ACTOR, patient_id=patient_id,
                             on=date(2026, 11, 2))
    rows = {r.muscle_group.split(" (")[0]: r for r in report.symmetry}
    assert rows["Ankle plantarflexion"].involved == "Left"
    assert rows["Ankle plantarflexion"].lsi == "90%"
    assert rows["Hip abduction"].involved == "Right"
    grades = rows["Knee flexion"]
    assert grades.grades == "5 / 4" and grades.lsi == "—" and grades.flagged
    assert all("%" not in value for value in (grades.lsi, grades.intake_lsi, grades.grades))
    ankle = {r.label: r for r in report.ankle}
    assert ankle["Knee-to-wall lunge"].flagged and "on the left" in ankle["Knee-to-wall lunge"].text
    assert ankle["Single-leg heel raises"].flagged
    assert ankle["Single-leg balance, eyes closed"].flagged
    readiness_rows = {r.criterion: r for r in report.readiness}
    walk = readiness_rows["Pain-free brisk walk"]
    assert (walk.intake, walk.latest, walk.met_intake, walk.met_latest) == (
        "20 min", "30 min", False, True)
    assert report.readiness_summary.startswith("4 of 4 readiness criteria met")


def test_ankle_thresholds_and_readiness_criteria_are_clinic_settings(session_factory) -> None:
    patient_id, episode_id = _runner(session_factory)
    _visit(session_factory, episode_id, START,
           _evaluation(readiness=ReadinessFindings(30, 15, 15, 20, 20, "good", "good")))
    assert readiness.readiness_status(session_factory, patient_id, actor=ASSISTANT).all_met
    with pytest.raises(PermissionDeniedError):
        measure_settings.set_measure_thresholds(
            session_factory, actor=ASSISTANT, ankle=AnkleThresholds(),
            readiness=ReadinessThresholds())
    measure_settings.set_measure_thresholds(
        session_factory, actor=ADMIN, ankle=AnkleThresholds(knee_to_wall_diff_cm=5.0),
        readiness=ReadinessThresholds(heel_raises_per_side=25))
    status = readiness.readiness_status(session_factory, patient_id, actor=ACTOR)
    assert not status.all_met and "not met: single-leg heel raises" in status.summary
    overview = pg.progress_overview(session_factory, patient_id, actor=ACTOR)
    flags = {f.key: f.flagged for f in overview.ankle_flags}
    assert flags["knee_to_wall"] is False  # 4.5 cm gap under the clinic's 5 cm limit
    assert flags["heel_raises"] is True


def test_readiness_round_trips_through_the_evaluation(session_factory) -> None:
    _, episode_id = _runner(session_factory)
    findings = ReadinessFindings(25, 10, 12, 18, 24, "pelvic_drop", "good", 110.0, 130.0)
    visit_id = _visit(session_factory, episode_id, START, _evaluation(readiness=findings))
    _, loaded = load_evaluation(session_factory, actor=ACTOR, visit_id=visit_id)
    assert loaded.readiness == findings


def test_lefs_with_too_many_missing_items_stays_off_the_chart(session_factory) -> None:
    patient_id, episode_id = _runner(session_factory)
    first = _visit(session_factory, episode_id, START, _evaluation())
    record_outcome(session_factory, actor=ACTOR, visit_id=first, measure="lefs",
                   items=[1] * 19 + [None] * 1, allow_missing=True)  # prorated 20
    second = _visit(session_factory, episode_id, date(2026, 10, 15), _evaluation(), "follow_up")
    record_outcome(session_factory, actor=ACTOR, visit_id=second, measure="lefs",
                   items=[4] + [None] * 19, allow_missing=True)  # no total
    series = pg.outcome_series(session_factory, patient_id, "lefs", actor=ACTOR)
    assert [p.value for p in series.points] == [20.0]
    assert series.points[0].prorated and series.intake == 20.0
    assert len(series.without_total) == 1
    lines = {line.key: line for line in pg.change_since_intake(session_factory, patient_id,
                                                               actor=ACTOR)}
    assert "no change reading" in lines["lefs"].text
    assert "19 items missing, more than the 4 allowed" in lines["lefs"].text


def test_a_form_without_total_is_never_the_intake_baseline(session_factory) -> None:
    patient_id, episode_id = _runner(session_factory)
    first = _visit(session_factory, episode_id, START, _evaluation())
    record_outcome(session_factory, actor=ACTOR, visit_id=first, measure="lefs",
                   items=[0] * 10 + [None] * 10, allow_missing=True)
    second = _visit(session_factory, episode_id, date(2026, 10, 15), _evaluation(), "follow_up")
    record_outcome(session_factory, actor=ACTOR, visit_id=second, measure="lefs", items=[3] * 20)
    series = pg.outcome_series(session_factory, patient_id, "lefs", actor=ACTOR)
    assert series.intake == 60.0 and series.band_low == 51.0


def test_run_log_pain_is_its_own_series_and_red_runs_are_marked(session_factory) -> None:
    """Wrong before: a 6/10 run with swelling appeared neither on the chart nor in the report."""
    patient_id, episode_id = _runner(session_factory)
    _visit(session_factory, episode_id, START, _evaluation())
    today = date(2026, 10, 20)
    log_run(session_factory, actor=ASSISTANT, patient_id=patient_id, run_date=date(2026, 10, 5),
            amount=15, kind="walk_run", pain_during=2, next_morning="same", measure="minutes",
            today=today)
    log_run(session_factory, actor=ASSISTANT, patient_id=patient_id, run_date=date(2026, 10, 8),
            amount=15, kind="walk_run", pain_during=6, next_morning="worse", swelling=True,
            measure="minutes", today=today)
    overview = pg.progress_overview(session_factory, patient_id, actor=ACTOR, today=today)
    assert [(p.pain_during, p.next_morning, p.red) for p in overview.run_pain] == [
        (2, "same", False), (6, "worse", True)]
    assert overview.run_pain[1].reason == "pain 6/10, worse next morning, swelling"
    report = progress_report(session_factory, actor=ACTOR, patient_id=patient_id, on=today)
    assert [(r.pain, r.red) for r in report.run_pain] == [(2, False), (6, True)]
    assert "2 runs logged between visits; 1 red" in report.run_pain_summary
    assert report.pain_chart is None  # no visit NPRS yet; the runs are still listed


def test_ankle_side_is_prefilled_only_from_one_ankle_injury(session_factory) -> None:
    patient_id, episode_id = _runner(session_factory, ankle=None)
    _visit(session_factory, episode_id, START, _evaluation())
    assert episodes.suggest_ankle_side(session_factory, episode_id, actor=ACTOR) == "left"
    with pytest.raises(PermissionDeniedError):
        episodes.set_injured_ankle_side(session_factory, actor=ASSISTANT,
                                        episode_id=episode_id, side="left")
    info = episodes.set_injured_ankle_side(session_factory, actor=ACTOR, episode_id=episode_id,
                                           side="left")
    assert info.injured_ankle_side == "left"


def test_migration_fills_ankle_side_and_leaves_signed_notes_alone(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.db")
    upgrade(engine)
    sf = make_session_factory(engine)
    provision_accounts(sf)
    one, e1 = _runner(sf, ankle=None, mrn="MG-0001")
    visit = _visit(sf, e1, START, _evaluation())
    sign_visit(sf, actor=ACTOR, visit_id=visit)
    two, e2 = _runner(sf, ankle=None, mrn="MG-0002")
    _visit(sf, e2, START, ev.Evaluation(subjective=ev.SubjectiveFindings(prior_injuries=(
        ev.PriorInjury("Ankle sprain", "left"), ev.PriorInjury("Ankle sprain", "right")))))
    three, e3 = _runner(sf, ankle=None, mrn="MG-0003")
    _visit(sf, e3, START, ev.Evaluation(subjective=ev.SubjectiveFindings(prior_injuries=(
        ev.PriorInjury("Hamstring strain", "left"),))))
    with engine.connect() as conn:
        before = conn.execute(text("SELECT content_hash FROM visits WHERE id = :v"),
                              {"v": visit}).scalar_one()
    downgrade(engine, "0009-1")
    upgrade(engine)
    with engine.connect() as conn:
        sides = dict(conn.execute(text("SELECT id, injured_ankle_side FROM episodes")).all())
        after = conn.execute(text("SELECT content_hash FROM visits WHERE id = :v"),
                             {"v": visit}).scalar_one()
    assert sides == {e1: "left", e2: None, e3: None}
    assert before == after and before
    assert verify_signed_notes(make_session_factory(engine)) == []
    engine.dispose()


def test_a_form_without_readiness_keeps_it_and_an_empty_one_clears_it(session_factory) -> None:
    """The evaluation grid has no readiness widgets yet: its saves must not erase the section."""
    _, episode_id = _runner(session_factory)
    findings = ReadinessFindings(brisk_walk_min=30)
    visit_id = _visit(session_factory, episode_id, START, _evaluation(readiness=findings))
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit_id, evaluation=_evaluation())
    assert load_evaluation(session_factory, actor=ACTOR, visit_id=visit_id)[1].readiness == findings
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit_id,
                    evaluation=_evaluation(readiness=ReadinessFindings()))
    assert load_evaluation(session_factory, actor=ACTOR, visit_id=visit_id)[1].readiness is None


def test_clinic_threshold_columns_default_to_the_cited_domain_values(session_factory) -> None:
    from ptdesk.db.models import ClinicSettings

    thresholds = measure_settings.get_measure_thresholds(session_factory, actor=ACTOR)
    assert thresholds.ankle == AnkleThresholds()
    assert thresholds.readiness == ReadinessThresholds()
    columns = ClinicSettings.__table__.c  # type: ignore[attr-defined]
    defaults = {name: float(columns[name].server_default.arg) for name in (
        "ankle_k2w_diff_cm", "ankle_balance_closed_s", "ankle_heel_raise_lsi", "ready_walk_min",
        "ready_hops", "ready_heel_raises", "ready_hop_lsi")}
    assert defaults == {
        "ankle_k2w_diff_cm": AnkleThresholds().knee_to_wall_diff_cm,
        "ankle_balance_closed_s": AnkleThresholds().balance_eyes_closed_min_s,
        "ankle_heel_raise_lsi": AnkleThresholds().heel_raise_lsi_min_pct,
        "ready_walk_min": ReadinessThresholds().walk_minutes,
        "ready_hops": ReadinessThresholds().hops_per_side,
        "ready_heel_raises": ReadinessThresholds().heel_raises_per_side,
        "ready_hop_lsi": ReadinessThresholds().hop_lsi_min_pct}


def test_a_flagged_lsi_never_prints_as_90_percent(session_factory) -> None:
    patient_id, episode_id = _runner(session_factory)
    _visit(session_factory, episode_id, START, _evaluation(calf=(35.84, 40.0)))  # 89.6%
    report = progress_report(session_factory, actor=ACTOR, patient_id=patient_id,
                             on=date(2026, 10, 2))
    calf = next(r for r in report.symmetry if r.muscle_group.startswith("Ankle"))
    assert (calf.lsi, calf.flagged) == ("89%", True)


def test_imported_runs_without_a_pain_answer_are_not_charted(session_factory) -> None:
    from ptdesk.db.models import RunLog
    from ptdesk.services.uow import transaction

    patient_id, episode_id = _runner(session_factory)
    _visit(session_factory, episode_id, START, _evaluation())
    with transaction(session_factory) as session:
        session.add(RunLog(patient_id=patient_id, run_date=date(2026, 10, 9), amount=5.0,
                           measure="km", kind="continuous", pain_during=0, next_morning="same",
                           source="fit", pain_answered=False))
    log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=date(2026, 10, 10),
            amount=5, kind="continuous", pain_during=3, next_morning="same", measure="km",
            today=date(2026, 10, 12))
    overview = pg.progress_overview(session_factory, patient_id, actor=ACTOR,
                                    today=date(2026, 10, 12))
    assert [p.run_date for p in overview.run_pain] == [date(2026, 10, 10)]


def test_grade_change_line_needs_a_full_grade_on_the_involved_side() -> None:
    from datetime import date

    from ptdesk.services.progress.changes import grade_line
    from ptdesk.services.progress.strength import LsiPoint, LsiSeries

    def point(day: int, left: str, right: str) -> LsiPoint:
        return LsiPoint(date(2026, 10, day), day, "follow_up", "mmt", left, right, None, False,
                        None, None, None)

    calf = LsiSeries("ankle_plantarflexion", "Ankle plantarflexion (calf)",
                     "Ankle plantarflexion", "left",
                     (point(1, "4-", "5"), point(8, "4", "5"), point(15, "5", "5")))
    line = grade_line(calf, since_intake=True)
    assert line is not None and line.flag == "better"
    assert line.text == ("Ankle plantarflexion grades (L / R) 4\u2212 / 5 → 5 / 5: "
                         "up a full grade or more")
    assert "%" not in line.text
    recent = grade_line(calf, since_intake=False)
    assert recent is not None and recent.flag == "better"  # 4 → 5 is a full grade
    small = LsiSeries("ankle_plantarflexion", "x", "Calf", "left",
                      (point(1, "4", "5"), point(8, "4+", "5")))
    assert grade_line(small, since_intake=True).flag == "within_error"  # type: ignore[union-attr]


def test_report_pdf_names_the_injured_ankle_and_prints_grades_not_percentages(
        session_factory) -> None:
    import io

    from pypdf import PdfReader

    from ptdesk.reports.progress_report import render_progress_report

    patient_id, episode_id = _runner(session_factory)
    _visit(session_factory, episode_id, START, _evaluation(
        readiness=ReadinessFindings(20, 5, 15, 16, 25, "knee_valgus", "good")))
    report = progress_report(session_factory, actor=ACTOR, patient_id=patient_id,
                             on=date(2026, 10, 2))
    reader = PdfReader(io.BytesIO(render_progress_report(report)))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    text = " ".join(text.split())
    assert "Right; injured ankle left" in text
    assert "Knee flexion (hamstrings) Right 5 4 5 / 4 ⚑ — —" in text
    assert "Ankle plantarflexion (calf) Left 30.0 kg 40.0 kg 75% ⚑" in text
    assert "Knee-to-wall L 7 cm vs R 11.5 cm: 4.5 cm less on the left" in text
    assert "Return-to-run readiness" in text and "0 of 4 readiness criteria met" in text
