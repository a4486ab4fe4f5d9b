"""Small builders for test data that go through the real services."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from ptdesk.db.engine import SessionFactory
from ptdesk.demo.sample_evaluation import full_evaluation as full_evaluation
from ptdesk.domain import evaluation as ev
from ptdesk.domain.readiness import ReadinessFindings
from ptdesk.services.accounts import provision_account
from ptdesk.services.episodes import EpisodeInfo, open_episode
from ptdesk.services.evaluations import create_visit, save_evaluation
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


# `full_evaluation` (imported above) lives in ptdesk/demo/ so the benchmark saves the same sample.


def make_charted_patient(sf: SessionFactory) -> int:
    """A patient with an episode and an initial evaluation of 1 Oct 2026 holding the full sample."""
    patient = make_patient(sf)
    episode = make_episode(sf, patient.id)
    visit = create_visit(sf, actor=ACTOR, episode_id=episode.id, visit_date=date(2026, 10, 1),
                         visit_type="initial_evaluation")
    save_evaluation(sf, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    return patient.id


def audit_entries(sf: SessionFactory, **filters: Any) -> list[Any]:
    """What the audit log holds (tests inspect it without adding a 'view' entry of their own)."""
    from ptdesk.services.audit.log import query_entries

    with sf() as session:
        return query_entries(session, **filters)[0]


def with_exam_readiness(evaluation: ev.Evaluation) -> ev.Evaluation:
    """`evaluation` as the Evaluation tab saves it when readiness was left untouched: the
    ankle exam's heel raises and the knee exam's single-leg squat (the same tests) in it."""
    ankle = {a.side: a for a in evaluation.ankles}
    knee = {k.side: k for k in evaluation.knees}
    return replace(evaluation, readiness=ReadinessFindings(
        heel_raises_left=ankle["left"].heel_raise_count,
        heel_raises_right=ankle["right"].heel_raise_count,
        squat_left=knee["left"].single_leg_squat, squat_right=knee["right"].single_leg_squat))
