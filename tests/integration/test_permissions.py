"""Roles are enforced in the services: each role is refused every action it lacks; nothing changes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from ptdesk.db.base import Base
from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services import (
    accounts,
    clinic,
    drafts,
    episodes,
    evaluations,
    handouts,
    outcomes,
    patients,
    prescriptions,
    runlogs,
    runplans,
    signing,
)
from ptdesk.services import exercises as ex
from ptdesk.services.audit import log as audit
from ptdesk.services.backup import backups as backup
from ptdesk.services.errors import PermissionDeniedError
from ptdesk.services.permissions import PERMISSIONS, ROLE_PERMISSIONS, can, refusal
from ptdesk.services.progress import report
from ptdesk.services.progress import series as progress
from ptdesk.services.uow import transaction
from tests.factories import (
    ACTOR,
    ADMIN,
    ASSISTANT,
    audit_entries,
    full_evaluation,
    make_episode,
    make_patient,
    provision_accounts,
)

ROLE_ACTORS = {"clinician": ACTOR, "assistant": ASSISTANT, "administrator": ADMIN}
SWITCHED_OFF = "gone.clinician"
TODAY = date(2026, 11, 21)


@dataclass(frozen=True)
class Clinic:
    sf: SessionFactory
    engine: Engine
    path: Path
    patient: int
    episode: int
    visit: int
    signed_visit: int
    plan: int
    run: int
    exercise: int
    backup_file: Path


@pytest.fixture(scope="module")
def clinic_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    """One chart with something of every kind, built by a clinician; refusals never change it."""
    folder = tmp_path_factory.mktemp("roles")
    path = folder / "clinic.db"
    engine = make_engine(path)
    upgrade(engine)
    sf = make_session_factory(engine)
    ex.sync_library(sf)
    provision_accounts(sf)
    with transaction(sf) as session:
        gone = accounts.provision_account(session, username=SWITCHED_OFF, display_name="Gone",
                                          role="clinician", password_hash="x")
        gone.active = False
    patient = make_patient(sf).id
    episode = make_episode(sf, patient).id
    visits = []
    for day in (date(2026, 10, 2), date(2026, 10, 9)):
        visit = evaluations.create_visit(sf, actor=ACTOR, episode_id=episode, visit_date=day,
                                         visit_type="initial_evaluation")
        evaluations.save_evaluation(sf, actor=ACTOR, visit_id=visit.id,
                                    evaluation=full_evaluation())
        visits.append(visit.id)
    signing.sign_visit(sf, actor=ACTOR, visit_id=visits[1])
    items = prescriptions.items_from_template(sf, "runners_knee_phase_1")
    prescriptions.save_prescription(sf, actor=ACTOR, patient_id=patient, items=items,
                                    effective_date=date(2026, 10, 2))
    plan = runplans.save_plan(sf, actor=ACTOR, patient_id=patient, inputs=_inputs())
    run = runlogs.log_run(sf, actor=ACTOR, patient_id=patient, run_date=date(2026, 10, 6),
                          amount=10, kind="walk_run", pain_during=2, next_morning="same",
                          today=TODAY)
    exercise = ex.list_exercises(sf)[0].id
    fake_backup = folder / "old-backup.db"
    fake_backup.write_bytes(b"not checked: the role is refused first")
    yield Clinic(sf, engine, path, patient, episode, visits[0], visits[1], plan.id, run.id,
                 exercise, fake_backup)
    engine.dispose()


def _inputs() -> PlanInputs:
    return PlanInputs("minutes", 3, Decimal(10), Decimal(90), current_weekly=3 * Decimal(str(Decimal(10))), start=date(2026, 10, 5))


Call = Callable[[SessionFactory, str, Clinic], Any]


def _patient_input(mrn: str) -> patients.PatientInput:
    return patients.PatientInput(mrn=mrn, first_name="Robin", last_name="Hill",
                                 date_of_birth=date(1992, 1, 2))


# (what the person tries, the permission it needs, the service call)
ACTIONS: tuple[tuple[str, str, Call], ...] = (
    ("open a chart", "view_chart",
     lambda sf, a, c: patients.get_patient(sf, actor=a, patient_id=c.patient)),
    ("read a visit note", "view_chart",
     lambda sf, a, c: evaluations.load_evaluation(sf, actor=a, visit_id=c.visit)),
    ("carry findings forward", "view_chart",
     lambda sf, a, c: evaluations.carry_forward(sf, actor=a, patient_id=c.patient,
                                                before_visit_id=c.signed_visit)),
    ("open a run plan", "view_chart",
     lambda sf, a, c: runplans.get_plan(sf, actor=a, plan_id=c.plan)),
    ("see progress", "view_chart",
     lambda sf, a, c: progress.progress_overview(sf, c.patient, actor=a, today=TODAY)),
    ("keep a draft", "view_chart",
     lambda sf, a, c: drafts.save_draft(sf, actor=a, form_key="role-test", payload="{}")),
    ("register a patient", "edit_patient",
     lambda sf, a, c: patients.create_patient(sf, actor=a, data=_patient_input("NEW-01"))),
    ("change a patient", "edit_patient",
     lambda sf, a, c: patients.update_patient(sf, actor=a, patient_id=c.patient,
                                              data=_patient_input("MRN-001"))),
    ("open an episode", "edit_evaluation",
     lambda sf, a, c: episodes.open_episode(sf, actor=a, patient_id=c.patient, diagnosis="ITBS",
                                            affected_side="left", start_date=TODAY)),
    ("discharge", "edit_evaluation",
     lambda sf, a, c: episodes.set_episode_status(sf, actor=a, episode_id=c.episode,
                                                  status="discharged", end_date=TODAY)),
    ("start a visit", "edit_evaluation",
     lambda sf, a, c: evaluations.create_visit(sf, actor=a, episode_id=c.episode,
                                               visit_date=TODAY, visit_type="follow_up")),
    ("change a visit note", "edit_evaluation",
     lambda sf, a, c: evaluations.save_evaluation(sf, actor=a, visit_id=c.visit,
                                                  evaluation=full_evaluation())),
    ("score an outcome form", "edit_evaluation",
     lambda sf, a, c: outcomes.record_outcome(sf, actor=a, visit_id=c.visit, measure="nprs",
                                              items=[3])),
    ("sign a note", "sign_note",
     lambda sf, a, c: signing.sign_visit(sf, actor=a, visit_id=c.visit)),
    ("add an addendum", "add_addendum",
     lambda sf, a, c: signing.add_addendum(sf, actor=a, visit_id=c.signed_visit,
                                           reason="Late entry", text="Also iced at home.")),
    ("prescribe", "prescribe",
     lambda sf, a, c: prescriptions.save_prescription(
         sf, actor=a, patient_id=c.patient, effective_date=TODAY,
         items=prescriptions.items_from_template(sf, "runners_knee_phase_1"))),
    ("stop a prescription", "prescribe",
     lambda sf, a, c: prescriptions.retire_prescription(sf, actor=a, patient_id=c.patient)),
    ("save a run plan", "edit_plan",
     lambda sf, a, c: runplans.save_plan(sf, actor=a, patient_id=c.patient, inputs=_inputs())),
    ("make a plan active", "edit_plan",
     lambda sf, a, c: runplans.make_active(sf, actor=a, plan_id=c.plan)),
    ("re-plan from the logs", "edit_plan",
     lambda sf, a, c: runlogs.replan_from_logs(sf, actor=a, patient_id=c.patient, today=TODAY)),
    ("log a run", "log_runs",
     lambda sf, a, c: runlogs.log_run(sf, actor=a, patient_id=c.patient, run_date=TODAY,
                                      amount=12, kind="continuous", pain_during=1,
                                      next_morning="better", today=TODAY)),
    ("remove a logged run", "log_runs",
     lambda sf, a, c: runlogs.delete_run(sf, actor=a, run_id=c.run)),
    ("print the exercise sheet", "print",
     lambda sf, a, c: handouts.exercise_sheet(sf, actor=a, patient_id=c.patient)),
    ("print the run plan", "print",
     lambda sf, a, c: handouts.runplan_handout(sf, actor=a, patient_id=c.patient)),
    ("print the progress report", "print",
     lambda sf, a, c: report.progress_report(sf, actor=a, patient_id=c.patient, on=TODAY)),
    ("change a default dosage", "edit_library",
     lambda sf, a, c: ex.set_default_dosage(sf, actor=a, exercise_id=c.exercise,
                                            dosage=ex.get_exercise(sf, c.exercise).dosage)),
    ("add an exercise", "edit_library",
     lambda sf, a, c: ex.add_custom_exercise(sf, actor=a, name="Towel scrunch",
                                             category="strength", steps=("Scrunch.",),
                                             dosage=ex.get_exercise(sf, c.exercise).dosage)),
    ("attach a photo", "edit_library",
     lambda sf, a, c: ex.attach_photo(sf, actor=a, exercise_id=c.exercise, photo=None)),
    ("add a user", "manage_users",
     lambda sf, a, c: accounts.create_user(sf, actor=a, username="new.person",
                                           display_name="New Person", role="administrator",
                                           password="a long new secret")),
    ("list users", "manage_users", lambda sf, a, c: accounts.list_users(sf, actor=a)),
    ("reset a password", "manage_users",
     lambda sf, a, c: accounts.set_password(sf, actor=a, username=SWITCHED_OFF,
                                            password="a long new secret")),
    ("switch an account on", "manage_users",
     lambda sf, a, c: accounts.set_active(sf, actor=a, username=SWITCHED_OFF, active=True)),
    ("change a role", "manage_users",
     lambda sf, a, c: accounts.set_role(sf, actor=a, username=ASSISTANT, role="administrator")),
    ("add an account without a password", "manage_users",
     lambda sf, a, c: clinic.add_clinician(sf, actor=a, username="no.password",
                                           display_name="No Password")),
    ("change the clinic settings", "edit_settings",
     lambda sf, a, c: clinic.update_settings(sf, actor=a, name="Taken Over PT")),
    ("change the lock time", "edit_settings",
     lambda sf, a, c: clinic.set_lock_minutes(sf, actor=a, minutes=120)),
    ("choose the backup folder", "edit_settings",
     lambda sf, a, c: clinic.set_backup_settings(sf, actor=a, offer_on_close=False,
                                                 folder=str(c.path.parent / "elsewhere"))),
    ("back up the database", "backup",
     lambda sf, a, c: backup.backup(sf, to_dir=c.path.parent / "backups", actor=a)),
    # The clinic's own folder is no exception: outside the daily backup it is the
    # administrator's job (`ptdesk backup`, with a keep count of their choosing).
    ("back up into the clinic's folder", "backup",
     lambda sf, a, c: backup.backup(sf, actor=a)),
    # Every role may (test below), so only unknown and switched-off accounts are refused.
    ("take the daily backup", "daily_backup",
     lambda sf, a, c: backup.backup(sf, actor=a, daily=True)),
    ("restore a backup", "restore",
     lambda sf, a, c: backup.restore(c.backup_file, target_db=c.path, actor=a)),
    ("read the audit log", "audit_report", lambda sf, a, c: audit.report(sf, actor=a)),
)

REFUSED = [
    pytest.param(role, name, permission, call, id=f"{role}-{permission}-{name.replace(' ', '_')}")
    for role in ROLE_ACTORS
    for name, permission, call in ACTIONS
    if permission not in ROLE_PERMISSIONS[role]
]


def fingerprint(engine: Engine, folder: Path) -> tuple[object, ...]:
    """Every table's rows (hashed) and every file next to the database."""
    digests = []
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            count = connection.execute(select(func.count()).select_from(table)).scalar()
            digests.append((table.name, count, hashlib.sha256(repr(rows).encode()).hexdigest()))
    files = sorted(p.name for p in folder.rglob("*") if p.is_file() and "-wal" not in p.name
                   and "-shm" not in p.name)
    return tuple(digests), tuple(files)


def test_every_permission_is_exercised() -> None:
    assert {permission for _name, permission, _call in ACTIONS} == set(PERMISSIONS)
    assert all(ROLE_PERMISSIONS[role] <= set(PERMISSIONS) for role in ROLE_ACTORS)


@pytest.mark.parametrize(("role", "name", "permission", "call"), REFUSED)
def test_each_role_is_refused_every_action_it_lacks(
    clinic_db: Clinic, role: str, name: str, permission: str, call: Call,
) -> None:
    before = fingerprint(clinic_db.engine, clinic_db.path.parent)
    with pytest.raises(PermissionDeniedError) as info:
        call(clinic_db.sf, ROLE_ACTORS[role], clinic_db)
    assert str(info.value) == refusal(role, permission)
    assert fingerprint(clinic_db.engine, clinic_db.path.parent) == before, name
    assert not can(clinic_db.sf, ROLE_ACTORS[role], permission)


@pytest.mark.parametrize(("name", "permission", "call"), [
    pytest.param(name, permission, call, id=f"{permission}-{name.replace(' ', '_')}")
    for name, permission, call in ACTIONS])
@pytest.mark.parametrize("actor", ["stranger", SWITCHED_OFF])
def test_unknown_and_switched_off_accounts_are_refused_everything(
    clinic_db: Clinic, actor: str, name: str, permission: str, call: Call,
) -> None:
    before = fingerprint(clinic_db.engine, clinic_db.path.parent)
    with pytest.raises(PermissionDeniedError, match="no PT Desk account|switched off"):
        call(clinic_db.sf, actor, clinic_db)
    assert fingerprint(clinic_db.engine, clinic_db.path.parent) == before, name


def test_the_messages_are_plain_sentences() -> None:
    assert refusal("assistant", "sign_note") == "An assistant cannot sign notes."
    assert refusal("assistant", "edit_evaluation") == \
        "An assistant cannot write or change visit notes."
    assert refusal("administrator", "prescribe") == "An administrator cannot prescribe exercises."
    assert refusal("clinician", "audit_report") == "A clinician cannot see the audit log."


# ---- what each role may do goes through ------------------------------------------------

def test_an_assistant_logs_runs_and_prints_but_cannot_sign_or_chart(
    session_factory: SessionFactory,
) -> None:
    ex.sync_library(session_factory)
    patient = make_patient(session_factory).id
    episode = make_episode(session_factory, patient).id
    visit = evaluations.create_visit(session_factory, actor=ACTOR, episode_id=episode,
                                     visit_date=date(2026, 10, 2),
                                     visit_type="initial_evaluation").id
    prescriptions.save_prescription(
        session_factory, actor=ACTOR, patient_id=patient, effective_date=date(2026, 10, 2),
        items=prescriptions.items_from_template(session_factory, "runners_knee_phase_1"))
    runplans.save_plan(session_factory, actor=ACTOR, patient_id=patient, inputs=_inputs())
    run = runlogs.log_run(session_factory, actor=ASSISTANT, patient_id=patient,
                          run_date=date(2026, 10, 6), amount=10, kind="walk_run",
                          pain_during=1, next_morning="same", today=TODAY)
    assert [r.id for r in runlogs.list_runs(session_factory, patient, actor=ACTOR)] == [run.id]
    for pdf in (handouts.exercise_sheet_pdf(session_factory, actor=ASSISTANT, patient_id=patient),
                handouts.runplan_pdf(session_factory, actor=ASSISTANT, patient_id=patient)):
        assert pdf.startswith(b"%PDF")
    with pytest.raises(PermissionDeniedError, match="An assistant cannot sign notes"):
        signing.sign_visit(session_factory, actor=ASSISTANT, visit_id=visit)
    with pytest.raises(PermissionDeniedError, match="An assistant cannot write or change"):
        evaluations.save_evaluation(session_factory, actor=ASSISTANT, visit_id=visit,
                                    evaluation=full_evaluation())
    entries = audit_entries(session_factory, user=ASSISTANT)
    assert [(e.action, e.record_type) for e in entries] == [
        ("create", "run_log"), ("print", "handout"), ("print", "handout")]


def test_a_clinician_signs_and_an_administrator_administers(
    session_factory: SessionFactory, tmp_path: Path,
) -> None:
    patient = make_patient(session_factory).id
    episode = make_episode(session_factory, patient).id
    visit = evaluations.create_visit(session_factory, actor=ACTOR, episode_id=episode,
                                     visit_date=date(2026, 10, 2),
                                     visit_type="initial_evaluation").id
    assert signing.sign_visit(session_factory, actor=ACTOR, visit_id=visit).status == "signed"
    assert signing.add_addendum(session_factory, actor=ACTOR, visit_id=visit,
                                reason="Late entry", text="Iced at home.").visit_id == visit
    assert clinic.update_settings(session_factory, actor=ADMIN, name="Hill PT").name == "Hill PT"
    assert clinic.set_lock_minutes(session_factory, actor=ADMIN, minutes=5).lock_minutes == 5
    assert backup.backup(session_factory, to_dir=tmp_path / "b", actor=ADMIN).exists()
    assert patients.get_patient(session_factory, actor=ADMIN, patient_id=patient).id == patient
    entries = audit_entries(session_factory, user=ADMIN)
    assert [(e.action, e.record_type) for e in entries] == [
        ("update", "clinic_settings"), ("update", "clinic_settings"), ("backup", "database"),
        ("view", "patient")]


def test_every_role_takes_the_daily_backup_but_only_there(db_path: Path,
                                                         session_factory: SessionFactory,
                                                         tmp_path: Path) -> None:
    folder = backup.backup_folder(session_factory)
    for role, actor in ROLE_ACTORS.items():
        assert can(session_factory, actor, "daily_backup"), role
        path = backup.backup(session_factory, actor=actor, daily=True)
        assert path.parent == folder
        entry = audit_entries(session_factory, user=actor)[-1]
        assert (entry.action, entry.summary) == ("backup", f"daily backup written: {path.name}")
    assert len(backup.list_backups(folder, db_path.stem)) == len(ROLE_ACTORS)
    for role in ("clinician", "assistant"):
        with pytest.raises(PermissionDeniedError, match=refusal(role, "backup")):
            backup.backup(session_factory, to_dir=tmp_path / "usb", actor=ROLE_ACTORS[role])
    assert not (tmp_path / "usb").exists()
