"""The demo clinic: five story patients through the real services, plus N synthetic patients.

`ptdesk demo` builds it only into an empty or demo-only database (`refuse_live_clinic`):
its accounts carry a published password, so they must never sit beside real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Clinician, ClinicSettings, Patient
from ptdesk.demo.bulk import SyntheticResult, add_synthetic_patients
from ptdesk.demo.care import add_care
from ptdesk.demo.kit import Story, StoryVisit
from ptdesk.demo.patients import first_10k, half_marathoner
from ptdesk.demo.patients_more import it_band, patellar_tendon, runners_knee
from ptdesk.domain.errors import ValidationError
from ptdesk.services import accounts, permissions
from ptdesk.services.audit import log as audit
from ptdesk.services.episodes import open_episode
from ptdesk.services.errors import ConflictError, ServiceError, StorageError
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
DEMO_USERNAMES = tuple(u for u, _n, _c in DEMO_CLINICIANS) + tuple(u for u, _n, _r in
                                                                  DEMO_OTHER_STAFF)
# Who a command acts as on a demo-only database when no --as is given.
DEMO_ACTOR = DEMO_CLINICIANS[0][0]
# MRNs only the demo makes: the story patients and SYN-<seed>-<n> (demo.synthetic).
_DEMO_MRN_PATTERNS = ("DEMO-____", "SYN-%")
# Another `ptdesk demo` writing at the same moment: the step is run again, and then finds
# the other run's rows and adds only what is still missing.
_RACE_RETRIES = 3

T = TypeVar("T")


class DemoRefusedError(ServiceError):
    """The database holds records the demo did not make: the demo is not added to it."""


class DemoIncompleteError(StorageError):
    """The database stopped taking writes part-way; the message says what was kept."""


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
    demo_only: bool = False,
) -> DemoResult:
    """Fill a database with the demo clinic; running it again adds only what is missing.

    With `demo_logins`, a clinic that is not set up yet (no account has a password) gets
    the published DEMO_PASSWORD on every demo account, which completes its setup; a
    clinic already set up never gets a known password. With `demo_only` (what `ptdesk
    demo` asks for) a database holding anything the demo did not make is refused; tests
    and benchmarks leave it off to add the demo patients to their own test clinic.
    Every account and patient it adds is written to the audit log.
    """
    if not 0 <= patients <= MAX_SYNTHETIC:
        raise ValueError(f"patients must be 0..{MAX_SYNTHETIC}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be 0..{MAX_SEED}")
    if demo_only:
        refuse_live_clinic(session_factory)
    permissions.check(session_factory, actor, "edit_patient")
    before = demo_patient_count(session_factory)
    try:
        clinician_ids = _again_if_raced(lambda: ensure_demo_staff(session_factory, actor=actor))
        added, skipped, visits = _again_if_raced(lambda: add_story_patients(
            session_factory, actor=actor, today=today, clinician_id=clinician_ids[0]))
        synthetic = _again_if_raced(lambda: add_synthetic_patients(
            session_factory, actor=actor, count=patients, seed=seed, today=today,
            clinician_ids=clinician_ids))
        logins = _again_if_raced(lambda: enable_demo_logins(session_factory, actor=actor)) \
            if demo_logins else False
    except DemoIncompleteError:
        raise
    except StorageError as exc:
        raise DemoIncompleteError(_partial_text(session_factory, before, exc)) from exc
    return DemoResult(added, skipped, synthetic, visits, logins)


def _partial_text(session_factory: SessionFactory, before: int, exc: StorageError) -> str:
    """What a failed run really left behind: earlier batches were committed and stay."""
    reason = str(exc).split(", so nothing was saved")[0].rstrip(".")
    try:
        saved = demo_patient_count(session_factory) - before
    except ServiceError:
        return (f"{reason}. Patients added before that stay in the database; run the demo "
                "again later to add the rest.")
    return (f"{reason}. {saved} demo patient{'s' if saved != 1 else ''} were saved before "
            "that and stay; run the demo again later to add only what is missing.")


def _again_if_raced(step: Callable[[], T]) -> T:
    """Run `step`; a concurrent demo run that inserted the same rows first makes it run again."""
    for attempt in range(_RACE_RETRIES):
        try:
            return step()
        except StorageError as exc:
            # SQLite's "locked" after another writer committed over this one's snapshot:
            # the busy timeout does not wait for that case, a fresh transaction succeeds.
            if not _busy(exc) or attempt == _RACE_RETRIES - 1:
                raise
        except (IntegrityError, ConflictError) as exc:
            if attempt == _RACE_RETRIES - 1:
                raise ServiceError("Another `ptdesk demo` was adding the same demo records at "
                                   "the same time; run it again when that one is done.") from exc
        except ValidationError as exc:
            if exc.field != "mrn" or attempt == _RACE_RETRIES - 1:
                raise ServiceError("Another `ptdesk demo` was adding the same demo patients "
                                   "at the same time; run it again when that one is done.") \
                    from exc
    raise AssertionError("unreachable")


def _busy(exc: StorageError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, OperationalError) and "locked" in str(cause.orig).lower()


def demo_patient_count(session_factory: SessionFactory) -> int:
    with transaction(session_factory) as session:
        return int(session.scalar(select(func.count(Patient.id)).where(
            or_(*(Patient.mrn.like(p) for p in _DEMO_MRN_PATTERNS)))) or 0)


def _foreign_records(session_factory: SessionFactory) -> tuple[int, int]:
    """(accounts, patients) the demo did not make: anything beyond demo names and MRNs."""
    with transaction(session_factory) as session:
        people = session.scalar(select(func.count(Clinician.id)).where(
            Clinician.username.not_in(DEMO_USERNAMES))) or 0
        patients = session.scalar(select(func.count(Patient.id)).where(
            *(Patient.mrn.not_like(p) for p in _DEMO_MRN_PATTERNS))) or 0
        return int(people), int(patients)


def is_demo_only(session_factory: SessionFactory) -> bool:
    """True when the database holds demo accounts and nothing the demo did not make."""
    people, patients = _foreign_records(session_factory)
    if people or patients:
        return False
    with transaction(session_factory) as session:
        return session.scalar(select(Clinician.id).limit(1)) is not None


def refuse_live_clinic(session_factory: SessionFactory) -> None:
    """DemoRefusedError unless the database is empty or holds only what the demo made."""
    people, patients = _foreign_records(session_factory)
    if people or patients:
        found = " and ".join(
            f"{n} {what}{'s' if n != 1 else ''}" for n, what in
            ((people, "account"), (patients, "patient")) if n)
        raise DemoRefusedError(
            f"This database holds {found} the demo did not create, so the demo clinic is "
            "not added to it. Use a new database file for the demo (--db demo.db).")


def ensure_demo_staff(session_factory: SessionFactory, *, actor: str = DEMO_ACTOR) -> list[int]:
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
            audit.record(session, actor=actor, action="update", record_type="settings",
                         record_id=1, summary="demo set-up: clinic named after the demo clinic")
        existing = {row.username: row.id for row in session.scalars(select(Clinician))}
        staff = [(u, n, c, "clinician") for u, n, c in DEMO_CLINICIANS]
        staff += [(u, n, "", role) for u, n, role in DEMO_OTHER_STAFF]
        for username, display_name, credentials, role in staff:
            if username not in existing:
                existing[username] = accounts.provision_account(
                    session, username=username, display_name=display_name, role=role,
                    credentials=credentials).id
                audit.record(session, actor=actor, action="create", record_type="account",
                             record_id=existing[username],
                             summary=f"demo set-up: demo account {username} created ({role})")
        return [existing[username] for username, _name, _credentials in DEMO_CLINICIANS]


def enable_demo_logins(session_factory: SessionFactory, *, actor: str = DEMO_ACTOR) -> bool:
    """Give the demo accounts DEMO_PASSWORD, only while the clinic is not set up yet."""
    hashed = hash_password(DEMO_PASSWORD)  # one hash for all: the password is public anyway
    with transaction(session_factory) as session:
        if permissions.setup_done(session):
            return False
        for row in session.scalars(select(Clinician).where(
                Clinician.username.in_(DEMO_USERNAMES))):
            row.password_hash = hashed
        audit.record(session, actor=actor, action="update", record_type="account",
                     summary="demo set-up: demo sign-ins switched on with the published "
                     "demo password")
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
            # The story's notes were written on their day: not late entries.
            first_saved_on=story.visit_date(visit),
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
