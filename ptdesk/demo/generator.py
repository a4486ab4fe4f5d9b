"""The demo clinic: five story patients through the real services, plus N synthetic patients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Clinician, ClinicSettings, Patient
from ptdesk.demo.bulk import SyntheticResult, add_synthetic_patients
from ptdesk.demo.care import add_care
from ptdesk.demo.kit import Story, StoryVisit
from ptdesk.demo.patients import first_10k, half_marathoner
from ptdesk.demo.patients_more import it_band, patellar_tendon, runners_knee
from ptdesk.services import accounts, permissions
from ptdesk.services.episodes import open_episode
from ptdesk.services.evaluations import create_visit, save_evaluation
from ptdesk.services.outcomes import record_outcome
from ptdesk.services.passwords import hash_password
from ptdesk.services.patients import create_patient
from ptdesk.services.uow import transaction

# A fixed "today" keeps every generated date, and so the whole demo clinic, reproducible.
DEMO_TODAY = date(2026, 11, 21)
DEFAULT_SEED = 1
DEFAULT_SYNTHETIC = 100
MAX_SYNTHETIC = 200_000
MAX_SEED = 999_999_999  # keeps SYN-<seed>-<n> within the 20-character MRN limit

STORY_BUILDERS: tuple[Callable[[date], Story], ...] = (
    half_marathoner, first_10k, runners_knee, it_band, patellar_tendon,
)
STORY_MRNS = tuple(f"DEMO-{n:04d}" for n in range(1, len(STORY_BUILDERS) + 1))

DEMO_CLINIC = ("Riverside Running Physio", "200 Riverside Drive, Suite 4, Portland, OR 97201",
               "(503) 555-0100")
# (username, display name, credentials); story patients see the first clinician.
DEMO_CLINICIANS = (
    ("demo.alvarez", "Sam Alvarez", "PT, DPT"),
    ("demo.lindqvist", "Karin Lindqvist", "PT, OCS"),
    ("demo.mensah", "Kofi Mensah", "PT, DPT, SCS"),
    ("demo.chen", "Grace Chen", "PTA"),
)
# The rest of the demo staff, one per other role: (username, display name, role).
DEMO_OTHER_STAFF = (
    ("demo.admin", "Pat Morgan", "administrator"),
    ("demo.front", "Jo Okafor", "assistant"),
)
# Published in the README: a demo clinic is for trying PT Desk, never for real patients.
DEMO_PASSWORD = "runner-demo"


@dataclass(frozen=True)
class DemoResult:
    story_added: int
    story_skipped: int
    synthetic: SyntheticResult
    story_visits: int
    logins_enabled: bool = False

    @property
    def patients_added(self) -> int:
        return self.story_added + self.synthetic.patients

    @property
    def visits_added(self) -> int:
        return self.story_visits + self.synthetic.visits

    def summary_line(self) -> str:
        skipped = self.story_skipped + self.synthetic.skipped
        line = (f"Demo clinic: added {self.patients_added} patients "
                f"({self.story_added} story, {self.synthetic.patients} synthetic) "
                f"with {self.visits_added} visits")
        return line + (f"; {skipped} already present." if skipped else ".")

    def logins_line(self) -> str:
        if not self.logins_enabled:
            return ""
        return (f"Demo sign-in: demo.alvarez (clinician), demo.front (assistant) or demo.admin "
                f"(administrator), password {DEMO_PASSWORD}")


def story_patients(today: date = DEMO_TODAY) -> tuple[Story, ...]:
    """The five hand-written patients, dated relative to `today`."""
    return tuple(build(today) for build in STORY_BUILDERS)


def build_demo_clinic(
    session_factory: SessionFactory, *, actor: str, patients: int = DEFAULT_SYNTHETIC,
    seed: int = DEFAULT_SEED, today: date = DEMO_TODAY, demo_logins: bool = False,
) -> DemoResult:
    """Fill a database with the demo clinic; running it again adds only what is missing.

    With `demo_logins`, a clinic that is not set up yet (no account has a password) gets
    the published DEMO_PASSWORD on every demo account, which completes its setup; a
    clinic already set up never gets a known password.
    """
    if not 0 <= patients <= MAX_SYNTHETIC:
        raise ValueError(f"patients must be 0..{MAX_SYNTHETIC}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be 0..{MAX_SEED}")
    permissions.check(session_factory, actor, "edit_patient")
    clinician_ids = ensure_demo_staff(session_factory)
    added, skipped, visits = add_story_patients(
        session_factory, actor=actor, today=today, clinician_id=clinician_ids[0]
    )
    synthetic = add_synthetic_patients(
        session_factory, actor=actor, count=patients, seed=seed, today=today,
        clinician_ids=clinician_ids,
    )
    logins = enable_demo_logins(session_factory) if demo_logins else False
    return DemoResult(added, skipped, synthetic, visits, logins)


def ensure_demo_staff(session_factory: SessionFactory) -> list[int]:
    """The demo clinicians' ids (created on first use, with their roles; no passwords).

    Names the clinic if it has no name yet. No permission check: the accounts cannot
    sign in until a password is set (see `enable_demo_logins`).
    """
    with transaction(session_factory) as session:
        settings = session.get(ClinicSettings, 1)
        if settings is None:
            settings = ClinicSettings(id=1, paper_size="letter", default_units="mi")
            session.add(settings)
        if not settings.name:
            settings.name, settings.address, settings.phone = DEMO_CLINIC
        existing = {row.username: row.id for row in session.scalars(select(Clinician))}
        staff = [(u, n, c, "clinician") for u, n, c in DEMO_CLINICIANS]
        staff += [(u, n, "", role) for u, n, role in DEMO_OTHER_STAFF]
        for username, display_name, credentials, role in staff:
            if username not in existing:
                existing[username] = accounts.provision_account(
                    session, username=username, display_name=display_name, role=role,
                    credentials=credentials).id
        return [existing[username] for username, _name, _credentials in DEMO_CLINICIANS]


def enable_demo_logins(session_factory: SessionFactory) -> bool:
    """Give the demo accounts DEMO_PASSWORD, only while the clinic is not set up yet."""
    hashed = hash_password(DEMO_PASSWORD)  # one hash for all: the password is public anyway
    names = [u for u, _n, _c in DEMO_CLINICIANS] + [u for u, _n, _r in DEMO_OTHER_STAFF]
    with transaction(session_factory) as session:
        if permissions.setup_done(session):
            return False
        for row in session.scalars(select(Clinician).where(Clinician.username.in_(names))):
            row.password_hash = hashed
        return True


def add_story_patients(
    session_factory: SessionFactory, *, actor: str, today: date = DEMO_TODAY,
    clinician_id: int | None = None,
) -> tuple[int, int, int]:
    """Create DEMO-0001..0005 that are not there yet; returns (added, skipped, visits)."""
    with transaction(session_factory) as session:
        present = set(session.scalars(select(Patient.mrn).where(Patient.mrn.in_(STORY_MRNS))))
    added = visits = 0
    for story in story_patients(today):
        if story.patient.mrn in present:
            continue
        visits += _write_story(session_factory, actor, story, clinician_id)
        added += 1
    return added, len(present), visits


def _write_story(
    session_factory: SessionFactory, actor: str, story: Story, clinician_id: int | None
) -> int:
    patient = create_patient(session_factory, actor=actor, data=story.patient)
    episode = open_episode(
        session_factory, actor=actor, patient_id=patient.id, diagnosis=story.diagnosis,
        affected_side=story.affected_side, start_date=story.start, icd10_code=story.icd10_code,
        onset_date=story.onset, goals=story.goals, injured_ankle_side=story.injured_ankle_side,
    )
    for visit in story.visits:
        summary = create_visit(
            session_factory, actor=actor, episode_id=episode.id,
            visit_date=story.visit_date(visit), visit_type=visit.visit_type,
            clinician_id=clinician_id,
        )
        save_evaluation(session_factory, actor=actor, visit_id=summary.id,
                        evaluation=visit.evaluation)
        _add_outcomes(session_factory, actor, summary.id, visit)
    add_care(session_factory, actor=actor, story=story, patient_id=patient.id,
             episode_id=episode.id, clinician_id=clinician_id)
    return len(story.visits)


def _add_outcomes(
    session_factory: SessionFactory, actor: str, visit_id: int, visit: StoryVisit
) -> None:
    for entry in visit.outcomes:
        record_outcome(session_factory, actor=actor, visit_id=visit_id, measure=entry.measure,
                       items=entry.items)
