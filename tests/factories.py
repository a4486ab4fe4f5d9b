"""Small builders for test data that go through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from ptdesk.db.engine import SessionFactory
from ptdesk.domain import evaluation as ev
from ptdesk.services.accounts import provision_account
from ptdesk.services.episodes import EpisodeInfo, open_episode
from ptdesk.services.passwords import hash_password
from ptdesk.services.patients import PatientDetails, PatientInput, create_patient
from ptdesk.services.uow import transaction

# Every fresh test database has these three accounts (see `provision_accounts`), so the
# clinic counts as set up and each service checks the acting user's role.
ACTOR = "test-clinician"
ASSISTANT = "test-assistant"
ADMIN = "test-admin"
COLLEAGUE = "test-colleague"  # a second clinician, for "someone else saved it" cases
PASSWORD = "test-password-123"
STAFF = (
    (ACTOR, "Casey Clinician", "clinician"),
    (ASSISTANT, "Ari Assistant", "assistant"),
    (ADMIN, "Alex Admin", "administrator"),
    (COLLEAGUE, "Cory Colleague", "clinician"),
)
_HASHES: dict[str, str] = {}


def password_hash() -> str:
    """PASSWORD hashed once per run with a cheap scrypt cost (same format; fast tests)."""
    if not _HASHES:
        _HASHES["test"] = hash_password(PASSWORD, n=2**10)
    return _HASHES["test"]


def provision_accounts(sf: SessionFactory) -> None:
    """The clinician, assistant and administrator every test database starts with."""
    with transaction(sf) as session:
        for username, name, role in STAFF:
            provision_account(session, username=username, display_name=name, role=role,
                              password_hash=password_hash())


def make_patient(
    sf: SessionFactory, mrn: str = "MRN-001", first: str = "Alex", last: str = "Runner",
    born: date = date(1990, 4, 2), **extra: object,
) -> PatientDetails:
    data = PatientInput(mrn=mrn, first_name=first, last_name=last, date_of_birth=born, **extra)  # type: ignore[arg-type]
    return create_patient(sf, actor=ACTOR, data=data)


def make_episode(sf: SessionFactory, patient_id: int, start: date = date(2026, 10, 1)) -> EpisodeInfo:
    return open_episode(
        sf, actor=ACTOR, patient_id=patient_id, diagnosis="Patellofemoral pain syndrome",
        affected_side="right", start_date=start, icd10_code="M22.2X1",
        goals=(("Run 10 miles without knee pain", date(2027, 3, 1)),),
    )


def full_evaluation() -> ev.Evaluation:
    """An initial evaluation with every section filled, as the issue asks to round-trip."""
    return ev.Evaluation(
        subjective=ev.SubjectiveFindings(
            chief_complaint="Knee feels weak after 5.5 miles", onset_mechanism="Gradual",
            onset_date=date(2026, 8, 1), symptoms=("weakness", "grinding"),
            pain_locations=("front",), nprs_now=2, nprs_best=0, nprs_worst=5,
            aggravating=("stairs", "downhill"), onset_distance=5.5, onset_distance_unit="mi",
            current_weekly_volume=3, preinjury_weekly_volume=25, volume_unit="mi",
            longest_recent_run=1, runs_per_week=2, goal_race="City Half Marathon",
            goal_race_date=date(2027, 5, 2), shoe_model="Trainer 12", shoe_drop_mm=8,
            surface="road",
            prior_injuries=(ev.PriorInjury("Ankle sprain (rolled)", "left", date(2026, 7, 10)),),
            red_flags_screened=True, red_flags_notes="None",
        ),
        knees=(
            ev.KneeFindings("left", 140, 0, "none", (), "normal", "", "good", "good"),
            ev.KneeFindings("right", 135, -2, "trace", ("lateral_retinaculum",), "hypomobile",
                            "lateral tilt", "knee_valgus", "pelvic_drop", "note"),
        ),
        special_tests=(
            ev.SpecialTestResult("patellar_grind", "right", "positive"),
            ev.SpecialTestResult("ober", "right", "negative"),
            ev.SpecialTestResult("lachman", "left", "not_tested"),
        ),
        ankles=(
            ev.AnkleFindings("left", 7.5, 12, 3, 14, "positive", "negative", "mild", True, False, False, "sprained"),
            ev.AnkleFindings("right", 11.0, 30, 9, 25),
        ),
        strength=(
            ev.StrengthMeasurement("hip_abduction", "left", "dynamometer", value=18.0, unit="kg"),
            ev.StrengthMeasurement("hip_abduction", "right", "dynamometer", value=13.0, unit="kg"),
            ev.StrengthMeasurement("hip_extension", "left", "mmt", mmt_grade="5"),
            ev.StrengthMeasurement("hip_extension", "right", "mmt", mmt_grade="4-"),
            ev.StrengthMeasurement("knee_extension", "right", "dynamometer", value=300, unit="N"),
        ),
        gait=ev.GaitFindings(
            setting="treadmill", speed=10.0, speed_unit="km/h", cadence_spm=160,
            foot_strike="rearfoot", overstriding=True, pelvic_drop_side="right",
            pelvic_drop_severity="moderate", knee_valgus="right", pronation="over",
            crossover=False, trunk_lean="none", footwear="Trainer 12", cadence_target_pct=7.5,
            video_path="clips/run1.mp4", notes="Filmed side and back",
        ),
        assessment=ev.AssessmentPlan(
            problem_list="Hip abductor weakness; overstriding",
            working_diagnosis="Patellofemoral pain", icd10_code="M22.2X1",
            visit_frequency="1x/week for 6 weeks", plan_notes="Hip strength; cadence +7.5%",
        ),
        soap_subjective="S", soap_objective="O", soap_assessment="A", soap_plan="P",
    )


def audit_entries(sf: SessionFactory, **filters: Any) -> list[Any]:
    """What the audit log holds (tests inspect it without adding a 'view' entry of their own)."""
    from ptdesk.services.audit.log import query_entries

    with sf() as session:
        return query_entries(session, **filters)[0]
