"""The demo clinic: story patients through the services, deterministic synthetic bulk, CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ptdesk.cli import main
from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.db.models import (
    AuditEntry,
    Clinician,
    Exercise,
    Patient,
    Prescription,
    PrescriptionItem,
    RunLog,
    RunPlan,
    RunPlanWeek,
    StrengthTest,
    SubjectiveExam,
    Visit,
)
from ptdesk.demo.bulk import SyntheticResult, add_synthetic_patients
from ptdesk.demo.bulk_care import PROGRAMMES
from ptdesk.demo.conditions import CONDITIONS
from ptdesk.demo.generator import (
    DEMO_PASSWORD,
    DEMO_TODAY,
    STORY_MRNS,
    build_demo_clinic,
    ensure_demo_staff,
)
from ptdesk.demo.synthetic import plan_patient, synthetic_mrn
from ptdesk.domain import evaluation as ev
from ptdesk.domain.exercise_library import load_library
from ptdesk.domain.runplan import build_plan, plan_to_json
from ptdesk.domain.symmetry import lsi
from ptdesk.domain.validation import search_key
from ptdesk.services.episodes import list_episodes
from ptdesk.services.evaluations import list_visits, load_evaluation
from ptdesk.services.outcomes import list_outcomes
from ptdesk.services.patients import find_by_mrn, search_patients
from ptdesk.services.prescriptions import (
    DosedItem,
    active_prescription,
    items_from_template,
    prescription_history,
)
from ptdesk.services.progress.series import progress_overview
from ptdesk.services.runlogs import (
    MAX_RUN,
    NEXT_MORNING_RANK,
    RUN_KINDS,
    list_runs,
    weekly_summary,
)
from ptdesk.services.runplans import active_plan, list_plans
from ptdesk.services.uow import transaction

ACTOR = "test-clinician"  # the clinician account every test database has (tests.factories)
HIP_AND_KNEE = ("hip_abduction", "hip_extension", "hip_external_rotation",
                "hip_internal_rotation", "hip_flexion", "knee_extension", "knee_flexion")


@pytest.fixture(scope="module")
def story_clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionFactory]:
    """One story-only clinic shared by the read-only story tests (building it takes a second)."""
    engine = make_engine(tmp_path_factory.mktemp("demo") / "stories.db")
    upgrade(engine)
    sf = make_session_factory(engine)
    build_demo_clinic(sf, actor=ACTOR, patients=0)
    yield sf
    engine.dispose()


def _evaluations(sf: SessionFactory, mrn: str) -> list[tuple[str, ev.Evaluation]]:
    patient = find_by_mrn(sf, mrn, actor=ACTOR)
    visits = sorted(list_visits(sf, patient.id, actor=ACTOR), key=lambda v: (v.visit_date, v.id))
    return [(v.visit_type, load_evaluation(sf, actor=ACTOR, visit_id=v.id)[1]) for v in visits]


def _strength(evaluation: ev.Evaluation) -> dict[tuple[str, str], float]:
    return {(m.muscle_group, m.side): m.comparable_value for m in evaluation.strength
            if m.comparable_value is not None}


def _ankle(evaluation: ev.Evaluation, side: str) -> ev.AnkleFindings:
    return next(a for a in evaluation.ankles if a.side == side)


@pytest.mark.parametrize("mrn", STORY_MRNS)
def test_story_patient_has_a_complete_initial_evaluation(
    story_clinic: SessionFactory, mrn: str
) -> None:
    visits = _evaluations(story_clinic, mrn)
    kind, initial = visits[0]
    assert kind == "initial_evaluation"
    s = initial.subjective
    assert s is not None and s.chief_complaint and s.red_flags_screened
    assert None not in (s.nprs_now, s.nprs_best, s.nprs_worst, s.current_weekly_volume,
                        s.preinjury_weekly_volume, s.longest_recent_run, s.runs_per_week)
    assert s.goal_race and s.goal_race_date and s.goal_race_date > DEMO_TODAY
    assert s.shoe_model and s.shoe_drop_mm is not None and s.surface
    assert s.prior_injuries and s.prior_injuries[0].injury_date is not None
    assert {k.side for k in initial.knees} == {"left", "right"}
    assert all(k.flexion_deg and k.single_leg_squat for k in initial.knees)
    assert {a.side for a in initial.ankles} == {"left", "right"}
    assert all(a.knee_to_wall_cm and a.balance_eyes_open_s for a in initial.ankles)
    grid = _strength(initial)
    assert {(g, side) for g in HIP_AND_KNEE for side in ("left", "right")} <= set(grid)
    ratios = [lsi(min(grid[g, "left"], grid[g, "right"]), max(grid[g, "left"], grid[g, "right"]))
              for g in HIP_AND_KNEE]
    assert min(r for r in ratios if r is not None) < 90
    assert initial.special_tests
    assert initial.gait and initial.gait.cadence_spm and initial.gait.cadence_target_pct
    target = initial.gait.cadence_target_spm
    assert target and target > initial.gait.cadence_spm
    a = initial.assessment
    assert a and a.working_diagnosis and a.icd10_code and a.problem_list and a.visit_frequency
    assert initial.soap_subjective and initial.soap_plan
    assert sum(1 for kind, _ in visits if kind == "follow_up") >= 3
    assert visits[-1][1].subjective is not None
    patient_id = find_by_mrn(story_clinic, mrn, actor=ACTOR).id
    episode = list_episodes(story_clinic, patient_id, actor=ACTOR)[0]
    assert episode.icd10_code == a.icd10_code and len(episode.goals) >= 2
    assert all(g.target_date for g in episode.goals)


@pytest.mark.parametrize("mrn", STORY_MRNS)
def test_story_patient_improves(story_clinic: SessionFactory, mrn: str) -> None:
    visits = _evaluations(story_clinic, mrn)
    first, last = visits[0][1], [e for kind, e in visits if kind == "re_evaluation"][-1]
    before, after = _strength(first), _strength(last)
    # The weakest group at intake is clearly stronger at re-evaluation.
    weakest = min(HIP_AND_KNEE, key=lambda g: min(before[g, "left"], before[g, "right"])
                  / max(before[g, "left"], before[g, "right"]))
    weak_side = "left" if before[weakest, "left"] < before[weakest, "right"] else "right"
    assert after[weakest, weak_side] > before[weakest, weak_side] * 1.1
    assert first.subjective and last.subjective
    assert last.subjective.nprs_worst <= first.subjective.nprs_worst  # type: ignore[operator]
    patient = find_by_mrn(story_clinic, mrn, actor=ACTOR)
    lefs = [o.total for o in list_outcomes(story_clinic, patient.id, "lefs", actor=ACTOR)]
    assert len(lefs) >= 2 and lefs[-1] - lefs[0] >= 9  # beyond the LEFS MCID
    for measure in ("nprs", "kujala", "psfs"):
        series = [o.total for o in list_outcomes(story_clinic, patient.id, measure, actor=ACTOR)]
        if len(series) >= 2:
            assert (series[-1] < series[0]) if measure == "nprs" else (series[-1] > series[0])


@pytest.mark.parametrize("mrn", STORY_MRNS)
def test_story_patient_has_a_programme_and_run_plan(story_clinic: SessionFactory, mrn: str) -> None:
    patient = find_by_mrn(story_clinic, mrn, actor=ACTOR)
    history = prescription_history(story_clinic, patient.id, actor=ACTOR)
    active = active_prescription(story_clinic, patient.id, actor=ACTOR)
    assert len(history) == 2 and active is not None and len(active.items) >= 5
    assert [p.status for p in sorted(history, key=lambda p: p.id)] == ["superseded", "active"]
    plan = active_plan(story_clinic, patient.id, actor=ACTOR)
    assert plan is not None and len(plan.plan.weeks) >= 2
    totals = [w.total for w in plan.plan.weeks]
    assert all(b <= a * Decimal("1.1") for a, b in zip(totals, totals[1:], strict=False))


def test_half_marathoner_story(story_clinic: SessionFactory) -> None:
    _, initial = _evaluations(story_clinic, "DEMO-0001")[0]
    s = initial.subjective
    assert s and s.nprs_now == 0 and "weakness" in s.symptoms and s.onset_distance == 5.5
    assert s.prior_injuries[0].side == "left" and "ankle" in s.prior_injuries[0].description
    left, right = _ankle(initial, "left"), _ankle(initial, "right")
    for measure in ("knee_to_wall_cm", "balance_eyes_open_s", "balance_eyes_closed_s",
                    "heel_raise_count"):
        assert getattr(left, measure) < getattr(right, measure), measure
    grid = _strength(initial)
    assert lsi(grid["hip_abduction", "right"], grid["hip_abduction", "left"]) < 90
    patient_id = find_by_mrn(story_clinic, "DEMO-0001", actor=ACTOR).id
    episode = list_episodes(story_clinic, patient_id, actor=ACTOR)[0]
    assert episode.affected_side == "right"


def test_first_10k_story(story_clinic: SessionFactory) -> None:
    _, initial = _evaluations(story_clinic, "DEMO-0002")[0]
    gait, s = initial.gait, initial.subjective
    assert gait and gait.pelvic_drop_side == "both" and gait.pronation == "over"
    assert gait.foot_strike == "rearfoot" and "Minimalist" in gait.footwear
    assert s and s.shoe_drop_mm == 0 and s.goal_race_date and s.goal_race_date.month == 5
    assert {"front"} <= set(s.pain_locations)
    patient_id = find_by_mrn(story_clinic, "DEMO-0002", actor=ACTOR).id
    episode = list_episodes(story_clinic, patient_id, actor=ACTOR)[0]
    assert (episode.affected_side, episode.icd10_code) == ("both", "M22.2X3")


def test_runners_knee_and_it_band_stories(story_clinic: SessionFactory) -> None:
    _, knee = _evaluations(story_clinic, "DEMO-0003")[0]
    assert ev.SpecialTestResult("patellar_grind", "right", "positive") in knee.special_tests
    assert knee.gait and knee.gait.overstriding
    assert knee.subjective and {"stairs", "squatting"} <= set(knee.subjective.aggravating)
    assert "grinding" in knee.subjective.symptoms
    _, itb = _evaluations(story_clinic, "DEMO-0004")[0]
    positive = {(t.test, t.side) for t in itb.special_tests if t.result == "positive"}
    assert {("ober", "left"), ("noble_compression", "left")} <= positive
    assert itb.subjective and itb.subjective.pain_locations == ("outer",)
    grid = _strength(itb)
    assert lsi(grid["hip_abduction", "left"], grid["hip_abduction", "right"]) < 90
    assert itb.assessment and itb.assessment.icd10_code == "M76.32"


def test_non_ascii_patient_round_trips_and_is_found(story_clinic: SessionFactory) -> None:
    patient = find_by_mrn(story_clinic, "DEMO-0005", actor=ACTOR)
    assert (patient.first_name, patient.last_name) == ("Zoë", "Ødegård-Núñez")
    for text in ("zoe", "odegard", "ODEGÅRD", "zoe odegard-nunez", "Ødegård"):
        found = search_patients(story_clinic, text, actor=ACTOR)
        assert [p.mrn for p in found] == ["DEMO-0005"], text


def test_demo_is_idempotent(session_factory: SessionFactory) -> None:
    first = build_demo_clinic(session_factory, actor=ACTOR, patients=25, seed=3)
    assert (first.story_added, first.synthetic.patients) == (5, 25)
    counts = _counts(session_factory)
    again = build_demo_clinic(session_factory, actor=ACTOR, patients=25, seed=3)
    assert (again.patients_added, again.visits_added) == (0, 0)
    assert (again.story_skipped, again.synthetic.skipped) == (5, 25)
    assert _counts(session_factory) == counts
    more = build_demo_clinic(session_factory, actor=ACTOR, patients=30, seed=3)
    assert (more.synthetic.patients, more.synthetic.skipped) == (5, 25)


def _counts(sf: SessionFactory) -> tuple[int, int, int]:
    with transaction(sf) as session:
        return (session.scalar(select(func.count(Patient.id))) or 0,
                session.scalar(select(func.count(Visit.id))) or 0,
                session.scalar(select(func.count(StrengthTest.id))) or 0)


def _synthetic_snapshot(tmp_path: Path, name: str, patients: int, seed: int) -> list[tuple]:
    engine = make_engine(tmp_path / name)
    upgrade(engine)
    sf = make_session_factory(engine)
    # Straight to the bulk writer: the story patients are not what is compared here.
    add_synthetic_patients(sf, actor=ACTOR, count=patients, seed=seed, today=DEMO_TODAY,
                           clinician_ids=ensure_demo_staff(sf))
    with transaction(sf) as session:
        visits = func.count(Visit.id)
        rows = session.execute(
            select(Patient.mrn, Patient.first_name, Patient.last_name, Patient.date_of_birth,
                   visits)
            .outerjoin(Visit, Visit.patient_id == Patient.id)
            .where(Patient.mrn.like("SYN-%")).group_by(Patient.id).order_by(Patient.mrn)
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_synthetic_clinic_is_deterministic_per_seed(tmp_path: Path) -> None:
    one = _synthetic_snapshot(tmp_path, "a.db", 40, seed=7)
    two = _synthetic_snapshot(tmp_path, "b.db", 40, seed=7)
    other = _synthetic_snapshot(tmp_path, "c.db", 40, seed=8)
    assert len(one) == 40 and one == two
    assert [r[1:] for r in one] != [r[1:] for r in other]
    # A smaller run is the start of a larger one, so benchmarks can grow a clinic.
    assert _synthetic_snapshot(tmp_path, "d.db", 15, seed=7) == one[:15]
    assert plan_patient(7, 3, DEMO_TODAY) == plan_patient(7, 3, DEMO_TODAY)


def test_synthetic_plan_is_the_same_in_another_process() -> None:
    # Benchmarks generate in their own process; string hashing differs per process.
    code = ("from datetime import date; from ptdesk.demo.synthetic import plan_patient; "
            "print(repr(plan_patient(7, 3, date(2026, 11, 21))))")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120, check=True)
    assert done.stdout.strip() == repr(plan_patient(7, 3, DEMO_TODAY))


def test_synthetic_patients_are_plausible(session_factory: SessionFactory) -> None:
    result = build_demo_clinic(session_factory, actor=ACTOR, patients=200, seed=11)
    assert result.synthetic.visits > 200 * 8
    with transaction(session_factory) as session:
        patients = session.scalars(select(Patient).where(Patient.mrn.like("SYN-11-%"))).all()
        assert len(patients) == 200
        for p in patients:
            age = (DEMO_TODAY - p.date_of_birth).days / 365.25
            assert 14 <= age <= 76, p.mrn
            assert p.first_name_key == search_key(p.first_name)
            assert p.last_name_key == search_key(p.last_name) and p.version == 1
        assert any(not (p.first_name + p.last_name).isascii() for p in patients)
        assert len({p.last_name for p in patients}) > 60
        visits = session.scalars(select(Visit).join(Patient).where(Patient.mrn.like("SYN-%"))).all()
        oldest = DEMO_TODAY - timedelta(days=3 * 366)
        assert all(oldest <= v.visit_date <= DEMO_TODAY for v in visits)
        evaluated = [v for v in visits if v.visit_type in ("initial_evaluation", "re_evaluation")]
        strength = set(session.scalars(select(StrengthTest.visit_id).distinct()))
        pain = set(session.scalars(
            select(SubjectiveExam.visit_id).where(SubjectiveExam.nprs_now.is_not(None))))
        assert all(v.id in strength and v.id in pain for v in evaluated)
        kinds = {v.visit_type for v in visits}
        assert kinds == {"initial_evaluation", "follow_up", "re_evaluation", "discharge"}
        summaries = session.scalars(
            select(AuditEntry.summary).where(AuditEntry.summary.like("demo clinic:%"))).all()
        assert summaries == ["demo clinic: 200 synthetic patients (seed 11)"]
    first = find_by_mrn(session_factory, "SYN-11-000001", actor=ACTOR)
    first_visit = min(list_visits(session_factory, first.id, actor=ACTOR),
                      key=lambda v: (v.visit_date, v.id))
    assert first_visit.visit_type == "initial_evaluation"
    _, initial = load_evaluation(session_factory, actor=ACTOR, visit_id=first_visit.id)
    initial.validate()  # what the bulk writer stored obeys the domain rules
    assert initial.subjective and initial.gait and initial.assessment and initial.strength
    assert list_outcomes(session_factory, first.id, "nprs", actor=ACTOR)


def test_cli_done_when_contract_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["demo", "--db", str(db), "--patients", "200"]) == 0
    out = capsys.readouterr().out
    # init line, one summary, and the demo sign-in (the demo completes the clinic's setup)
    assert "205 patients" in out and out.strip().count("\n") == 2
    assert "demo.alvarez (clinician)" in out and DEMO_PASSWORD in out
    monkeypatch.setenv("PTDESK_PASSWORD", DEMO_PASSWORD)
    as_clinician = ["--as", "demo.alvarez"]
    assert main([*as_clinician, "patients", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 205
    assert set(STORY_MRNS) <= {r["mrn"] for r in rows}
    assert main([*as_clinician, "demo", "--db", str(db), "--patients", "200"]) == 0
    assert "added 0 patients" in capsys.readouterr().out
    assert main([*as_clinician, "patients", "--db", str(db), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 205


@pytest.mark.parametrize("args", [["--patients", "-1"], ["--patients", "200001"],
                                  ["--seed", "-3"], ["--today", "1999-01-01"],
                                  ["--today", "yesterday"]])
def test_cli_rejects_bad_demo_options(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      args: list[str]) -> None:
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["demo", "--db", str(db), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ptdesk: --") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow
def test_cli_done_when_contract_real_entry_point(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    def ptdesk(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "ptdesk", *args], capture_output=True,
                              text=True, encoding="utf-8", env=env, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    ptdesk("init", "--db", db)
    ptdesk("demo", "--db", db, "--patients", "200")
    env["PTDESK_PASSWORD"] = DEMO_PASSWORD  # the demo's published sign-in
    rows = json.loads(ptdesk("--as", "demo.alvarez", "patients", "--db", db, "--json"))
    assert len(rows) == 205
    assert {r["mrn"] for r in rows if r["mrn"].startswith("DEMO-")} == set(STORY_MRNS)
    zoe = next(r for r in rows if r["mrn"] == "DEMO-0005")
    assert (zoe["first_name"], zoe["last_name"]) == ("Zoë", "Ødegård-Núñez")
    assert zoe["date_of_birth"] == date(2001, 3, 9).isoformat()


# ---- synthetic programmes, run plans and run logs --------------------------------------

CARE_SEED = 5
CARE_PATIENTS = 20


def _add_synthetic(sf: SessionFactory, count: int = CARE_PATIENTS, seed: int = CARE_SEED
                   ) -> SyntheticResult:
    return add_synthetic_patients(sf, actor=ACTOR, count=count, seed=seed, today=DEMO_TODAY,
                                  clinician_ids=ensure_demo_staff(sf))


def _synthetic_ids(sf: SessionFactory, seed: int = CARE_SEED) -> list[int]:
    with transaction(sf) as session:
        return list(session.scalars(select(Patient.id).where(Patient.mrn.like(f"SYN-{seed}-%"))
                                    .order_by(Patient.mrn)))


def _visits_by_day(sf: SessionFactory, patient_id: int) -> dict[tuple[int, date], tuple]:
    """(episode id, visit date) -> (visit type, clinician id, pain now) of the patient's visits."""
    with transaction(sf) as session:
        rows = session.execute(
            select(Visit.episode_id, Visit.visit_date, Visit.visit_type, Visit.clinician_id,
                   SubjectiveExam.nprs_now)
            .outerjoin(SubjectiveExam, SubjectiveExam.visit_id == Visit.id)
            .where(Visit.patient_id == patient_id)).all()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def _condition_of(icd10_code: str) -> str:
    return next(c.key for c in CONDITIONS if icd10_code in c.codes.values())


def _dosage(item: DosedItem) -> tuple:
    return (item.exercise_id, item.sets, item.reps, item.hold_seconds, item.minutes,
            item.per_day, item.per_week, item.side, item.note)


def test_synthetic_patients_get_programmes_like_the_editor_makes(
    session_factory: SessionFactory,
) -> None:
    sf = session_factory
    _add_synthetic(sf)
    shipped = load_library()
    templates = {key: [_dosage(i) for i in items_from_template(sf, source)]
                 for key, source in PROGRAMMES.items() if isinstance(source, str)}
    progressions = 0
    for pid in _synthetic_ids(sf):
        visits = _visits_by_day(sf, pid)
        history = sorted(prescription_history(sf, pid, actor=ACTOR), key=lambda p: p.id)
        with transaction(sf) as session:
            episode_of = dict(session.execute(select(Prescription.id, Prescription.episode_id)
                                              .where(Prescription.patient_id == pid)).all())
        episodes = list_episodes(sf, pid, actor=ACTOR)
        assert len(history) >= len(episodes)
        assert [p.status for p in history] == ["superseded"] * (len(history) - 1) + ["active"]
        assert [p.supersedes_id for p in history] == [None] + [p.id for p in history[:-1]]
        assert active_prescription(sf, pid, actor=ACTOR) == history[-1]
        for episode in episodes:
            versions = [p for p in history if episode_of[p.id] == episode.id]
            kinds = [visits[episode.id, p.effective_date][0] for p in versions]
            assert kinds in (["initial_evaluation"], ["initial_evaluation", "re_evaluation"])
            for p in versions:  # prescribed by the clinician who saw the patient that day
                assert p.clinician_id == visits[episode.id, p.effective_date][1]
                assert 4 <= len(p.items) <= 7
                assert len({i.exercise_id for i in p.items}) == len(p.items)
            intake = versions[0].items
            source = PROGRAMMES[_condition_of(episode.icd10_code)]
            if isinstance(source, str):  # the template's exercises at the template's dosage
                allowed = templates[_condition_of(episode.icd10_code)]
                assert all(_dosage(i) in allowed for i in intake)
            else:
                assert all(i.library_id in source for i in intake)
                assert all(shipped[i.library_id].dosage.reps == i.reps for i in intake)
            if len(versions) == 2:
                before = {i.library_id: i for i in intake}
                for item in versions[1].items:
                    harder = [b for b in before.values()
                              if shipped[b.library_id].progression == item.library_id]
                    assert item.library_id in before or harder \
                        or item.library_id == "cadence_drill_metronome", item
                    progressions += item.library_id not in before and bool(harder)
    assert progressions > 0


def test_synthetic_run_plans_keep_the_cap_and_rebuild_identically(
    session_factory: SessionFactory,
) -> None:
    sf = session_factory
    _add_synthetic(sf)
    plans = 0
    for pid in _synthetic_ids(sf):
        visits = _visits_by_day(sf, pid)
        stored = list_plans(sf, pid, actor=ACTOR)  # newest first
        statuses = [p.status for p in stored]
        assert statuses == ["active", *["archived"] * (len(stored) - 1)][:len(stored)]
        assert len(stored) <= len(list_episodes(sf, pid, actor=ACTOR))
        for plan in stored:
            plans += 1
            weeks = plan.plan.weeks
            for before, after in zip(weeks, weeks[1:], strict=False):
                assert after.total <= before.total * Decimal("1.1"), (plan.id, after.week)
                assert after.longest <= before.longest * Decimal("1.1"), (plan.id, after.week)
            # Exactly the generator's plan for the stored inputs, as save_plan would store it.
            assert plan_to_json(plan.plan) == plan_to_json(build_plan(plan.inputs, plan.rules))
            assert plan.inputs.cap_pct == 10 and plan.inputs.race_date is None
            # Made at a visit of the episode where pain had settled to 3/10 or less.
            with transaction(sf) as session:
                episode_id = session.get(RunPlan, plan.id).episode_id  # type: ignore[union-attr]
            kind, clinician, pain = visits[episode_id, plan.inputs.start]
            assert plan.clinician_id == clinician and pain is not None and pain <= 3
    assert plans >= CARE_PATIENTS // 2


def test_synthetic_run_logs_follow_the_plans_and_read_back(
    session_factory: SessionFactory,
) -> None:
    sf = session_factory
    _add_synthetic(sf)
    missed = logged = flags = 0
    decisions: set[str | None] = set()
    for pid in _synthetic_ids(sf):
        with transaction(sf) as session:
            born = session.get(Patient, pid).date_of_birth  # type: ignore[union-attr]
        plans = {p.id: p for p in list_plans(sf, pid, actor=ACTOR)}
        runs = list_runs(sf, pid, actor=ACTOR)
        for run in runs:  # the rules log_run applies to what a patient enters
            plan = plans[run.plan_id]  # type: ignore[index]
            assert run.measure == plan.inputs.measure
            assert 0 < Decimal(repr(run.amount)) <= MAX_RUN[run.measure]
            assert Decimal(repr(run.amount)) == Decimal(repr(run.amount)).quantize(Decimal("0.01"))
            assert run.kind in RUN_KINDS and run.next_morning in NEXT_MORNING_RANK
            assert 0 <= run.pain_during <= 10 and plan.inputs.start <= run.run_date < DEMO_TODAY
            assert run.run_date > born
            days = {s.date: s for w in plan.plan.weeks for s in w.sessions}
            assert run.run_date in days  # run on a day the plan has a run
            assert run.kind == ("walk_run" if days[run.run_date].is_walk_run else "continuous")
            flags += run.pain_during > 3 or run.next_morning == "worse"
        logged += len(runs)
        for plan in plans.values():  # planned runs up to the plan's last logged one, not logged
            dates = {r.run_date for r in runs if r.plan_id == plan.id}
            missed += sum(1 for w in plan.plan.weeks for s in w.sessions
                          if s.date < max(dates, default=plan.inputs.start) and s.date not in dates)
        active = active_plan(sf, pid, actor=ACTOR)
        summary = weekly_summary(sf, pid, today=DEMO_TODAY, actor=ACTOR)
        overview = progress_overview(sf, pid, today=DEMO_TODAY, actor=ACTOR)
        if active is None:
            assert summary == [] and overview.volume is None
            continue
        assert overview.volume is not None and overview.volume.plan_id == active.id
        assert sum(w.runs for w in summary) == sum(1 for r in runs if r.plan_id == active.id)
        volume = {w.week: w for w in overview.volume.weeks}
        for week in summary:
            decisions.add(week.decision)
            if week.runs:
                assert volume[week.week].done_total == float(week.done_total)
                assert week.done_total <= week.planned_total * Decimal("1.1")  # type: ignore[operator]
    assert logged > 0 and 0 < missed < logged / 5  # mostly done as planned, some missed
    assert flags > 0 and "progress" in decisions and decisions & {"hold", "regress"}


def _care_digest(sf: SessionFactory, seed: int, upto: int = CARE_PATIENTS) -> str:
    """What the care writer stored for the seed's patients 1..upto, independent of row ids."""
    first, last = synthetic_mrn(seed, 1), synthetic_mrn(seed, upto)
    with transaction(sf) as session:
        items = session.execute(
            select(Patient.mrn, Prescription.effective_date, Prescription.status,
                   Prescription.note, Prescription.supersedes_id.is_(None), Clinician.username,
                   PrescriptionItem.position, Exercise.library_id, PrescriptionItem.sets,
                   PrescriptionItem.reps, PrescriptionItem.hold_seconds, PrescriptionItem.minutes,
                   PrescriptionItem.per_day, PrescriptionItem.per_week, PrescriptionItem.side,
                   PrescriptionItem.note)
            .join(Prescription, Prescription.patient_id == Patient.id)
            .join(Clinician, Clinician.id == Prescription.clinician_id)
            .join(PrescriptionItem, PrescriptionItem.prescription_id == Prescription.id)
            .join(Exercise, Exercise.id == PrescriptionItem.exercise_id)
            .where(Patient.mrn.between(first, last))
            .order_by(Patient.mrn, Prescription.effective_date, PrescriptionItem.position)).all()
        plans = session.execute(
            select(Patient.mrn, RunPlan.start_date, RunPlan.status, Clinician.username,
                   RunPlan.inputs_json, RunPlan.plan_json, RunPlan.pain_rules, RunPlan.note)
            .join(RunPlan, RunPlan.patient_id == Patient.id)
            .join(Clinician, Clinician.id == RunPlan.clinician_id)
            .where(Patient.mrn.between(first, last)).order_by(Patient.mrn, RunPlan.start_date)).all()
        weeks = session.execute(
            select(Patient.mrn, RunPlan.start_date, RunPlanWeek.week, RunPlanWeek.start_date,
                   RunPlanWeek.total, RunPlanWeek.longest, RunPlanWeek.lighter)
            .join(RunPlan, RunPlan.patient_id == Patient.id)
            .join(RunPlanWeek, RunPlanWeek.plan_id == RunPlan.id)
            .where(Patient.mrn.between(first, last))
            .order_by(Patient.mrn, RunPlan.start_date, RunPlanWeek.week)).all()
        runs = session.execute(
            select(Patient.mrn, RunPlan.start_date, RunLog.run_date, RunLog.amount,
                   RunLog.measure, RunLog.kind, RunLog.pain_during, RunLog.next_morning,
                   RunLog.swelling, RunLog.limping, RunLog.note)
            .join(RunLog, RunLog.patient_id == Patient.id)
            .join(RunPlan, RunPlan.id == RunLog.plan_id)
            .where(Patient.mrn.between(first, last)).order_by(Patient.mrn, RunLog.run_date)).all()
    assert items and plans and weeks and runs
    text = json.dumps([[list(r) for r in rows] for rows in (items, plans, weeks, runs)],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def test_synthetic_care_is_deterministic_per_seed(
    session_factory: SessionFactory, tmp_path: Path,
) -> None:
    _add_synthetic(session_factory)
    others = []
    for name, seed in (("same.db", CARE_SEED), ("other.db", CARE_SEED + 1)):
        engine = make_engine(tmp_path / name)
        upgrade(engine)
        sf = make_session_factory(engine)
        _add_synthetic(sf, seed=seed)
        others.append(_care_digest(sf, seed))
        engine.dispose()
    # The same rows on a fresh SQLite file as in the fixture's database (either engine).
    assert _care_digest(session_factory, CARE_SEED) == others[0]
    assert others[1] != others[0]


def _care_counts(sf: SessionFactory) -> tuple[int, ...]:
    with transaction(sf) as session:
        return tuple(session.scalar(select(func.count(model.id))) or 0 for model in
                     (Prescription, PrescriptionItem, RunPlan, RunPlanWeek, RunLog))


def test_synthetic_care_is_added_once(session_factory: SessionFactory) -> None:
    sf = session_factory
    first = _add_synthetic(sf)
    counts = _care_counts(sf)
    digest = _care_digest(sf, CARE_SEED)
    assert first.patients == CARE_PATIENTS and all(counts)
    again = _add_synthetic(sf)
    assert (again.patients, again.visits, again.skipped) == (0, 0, CARE_PATIENTS)
    assert _care_counts(sf) == counts
    more = _add_synthetic(sf, count=CARE_PATIENTS + 5)
    assert (more.patients, more.skipped) == (5, CARE_PATIENTS)
    grown = _care_counts(sf)
    assert grown[0] > counts[0] and all(b >= a for a, b in zip(counts, grown, strict=True))
    # The first patients' care is untouched; the new ones got their own.
    assert _care_digest(sf, CARE_SEED) == digest
    assert _care_digest(sf, CARE_SEED, upto=CARE_PATIENTS + 5) != digest


def test_synthetic_care_loads_the_library_itself(session_factory: SessionFactory) -> None:
    with transaction(session_factory) as session:
        assert session.scalar(select(func.count(Exercise.id))) == 0
    _add_synthetic(session_factory, count=3)
    with transaction(session_factory) as session:
        assert session.scalar(select(func.count(Exercise.id))) == len(load_library())
        assert session.scalar(select(func.count(Prescription.id)))


def test_demo_0001_report_flags_her_left_calf_and_ankle(story_clinic: SessionFactory) -> None:
    """Issue 17: the report judged her sprained left ankle against the right (knee) side."""
    from ptdesk.services.progress.report import progress_report

    patient_id = find_by_mrn(story_clinic, "DEMO-0001", actor=ACTOR).id
    episode = list_episodes(story_clinic, patient_id, actor=ACTOR)[0]
    assert episode.injured_ankle_side == "left"
    report = progress_report(story_clinic, actor=ACTOR, patient_id=patient_id)
    calf = next(r for r in report.symmetry if r.muscle_group.startswith("Ankle plantarflexion"))
    assert (calf.involved, calf.grades, calf.lsi, calf.flagged) == ("Left", "4 / 5", "—", True)
    assert not any("Ankle plantarflexion LSI" in note.text for note in report.highlights)
    flagged = {row.label for row in report.ankle if row.flagged}
    assert flagged == {"Knee-to-wall lunge", "Single-leg balance, eyes closed",
                       "Single-leg heel raises"}
    criteria = {row.criterion: row for row in report.readiness}
    assert criteria["Pain-free single-leg hops"].met_latest is False
    assert criteria["Pain-free brisk walk"].met_latest is True
    assert report.readiness_summary


def test_demo_0002_report_shows_her_readiness(story_clinic: SessionFactory) -> None:
    from ptdesk.services.progress.report import progress_report

    patient_id = find_by_mrn(story_clinic, "DEMO-0002", actor=ACTOR).id
    report = progress_report(story_clinic, actor=ACTOR, patient_id=patient_id)
    criteria = {row.criterion: row for row in report.readiness}
    squat = criteria["Single-leg squat control"]
    assert (squat.met_intake, squat.met_latest) == (False, True)
    assert criteria["Pain-free brisk walk"].met_intake is True
    assert all(r.involved == "Weaker vs stronger" for r in report.symmetry)
