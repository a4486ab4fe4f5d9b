"""Every service that reads patient data checks the reader's account itself, not only the UI."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

import ptdesk.services
from ptdesk.db.engine import SessionFactory, make_session_factory
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services import (
    accounts,
    changes,
    episodes,
    evaluations,
    exercises,
    handouts,
    measure_settings,
    outcomes,
    patients,
    prescriptions,
    readiness,
    run_import,
    run_load,
    runlogs,
    runplans,
    signing,
)
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import PermissionDeniedError
from ptdesk.services.permissions import ROLE_PERMISSIONS, refusal
from ptdesk.services.progress import series as progress
from ptdesk.services.runplans import StoredPlan
from ptdesk.services.uow import transaction
from tests.factories import (
    ACTOR,
    ADMIN,
    ASSISTANT,
    full_evaluation,
    make_episode,
    make_patient,
    password_hash,
)

ROLE_ACTORS = {"clinician": ACTOR, "assistant": ASSISTANT, "administrator": ADMIN}
UNKNOWN = "not-a-user"
SWITCHED_OFF = "test-switched-off"
TODAY = date(2026, 11, 21)
EVERYONE = "view_chart"

# Services that take a session factory but no acting user, and why that is safe.
NO_ACTOR: dict[str, str] = {
    "accounts.needs_setup": "asked before anyone can sign in; says only whether setup is done",
    "accounts.setup_clinic": "creates the first administrator; refused once setup is done",
    "accounts.authenticate": "the sign-in itself: it is what establishes the actor",
    "accounts.login_wait": "the sign-in dialog's back-off after wrong passwords",
    "accounts.get_account": "the sign-in flow looks up the account it is about to check",
    "audit.log.verify_chain": "integrity check over hashes, no patient data; the CLI signs in first",
    "audit.key_admin.workstation_key_path": "where this workstation keeps the audit key file",
    "audit.key_admin.install_key": "checks an administrator's user name and password itself",
    "audit.key_admin.rotate_key": "checks an administrator's user name and password itself",
    "audit.log.log_is_empty": "whether the audit log has any entry at all, before making a key",
    "audit.log.current_anchor": "where the audit chain begins and ends (hashes only)",
    "audit.settings.get_guard_settings": "syslog destination and restore copies kept, no PHI",
    "audit.settings.restore_copies_kept": "how many restore copies to keep, no patient data",
    "about.database_info": "Help › About: the database's location and schema version, no patient data",
    "clinic.get_settings": "clinic profile (name, address, units), not patient data",
    "clinic.get_clinician": "a clinician's name for printing, not patient data",
    "clinic.list_clinicians": "staff names for pickers and printing, not patient data",
    "clinic.get_backup_settings": "the backup folder offered on close, not patient data",
    "clinic.get_gap_rules": "the clinic's missed-week step-back percentages, not patient data",
    # The clinic key (issue 22): opened before anyone is signed in, because sign-in itself
    # unwraps it with the password; recovery is gated by the recovery key, not a role.
    "keys.opening.finish_opening": "start-up after the key is known: migrations and the "
                                   "exercise library, before sign-in; reads no patient data",
    "keys.opening.unlock_and_open": "the sign-in's own unlock: the password is what opens it",
    "keys.encrypt.encrypt_approved": "takes the Approved request check_request made: the "
    "administrator and their password, already checked",
    "keys.encrypt.encrypt_and_reopen": "the same Approved request (encrypt_approved, then "
    "open_encrypted with the administrator's password)",
    "keys.recovery.recover_administrator": "refused unless the clinic was unlocked with its "
                                           "recovery key (every password forgotten)",
    "keys.recovery.rekey_after_switch_off": "called by the administrator's switch-off, which "
                                            "checked `manage_users` first; re-keys only",
    "episode_facts.record_upgrade_merges": "start-up upkeep after migration 0013: writes the "
                                           "audit entries the migration could not, reads nothing out",
    "exercises.sync_library": "loads the shipped exercise library at start-up",
    "exercises.list_exercises": "the exercise library, not patient data",
    "exercises.muscles_in_library": "the exercise library, not patient data",
    "exercises.get_exercise": "the exercise library, not patient data",
    "exercises.get_photo": "the exercise library, not patient data",
    "handouts.clinic_info": "the clinic header printed on handouts, not patient data",
    "prescriptions.items_from_template": "a library template's exercises, not patient data",
    "prescriptions.step_item": "the next exercise in a library progression, not patient data",
    "uow.transaction": "the unit of work every service opens; not a use case",
    # Backup, restore and database checks belong to their own area and tests.
    "backup.*": "backup checks `backup`/`daily_backup` itself; restore checks `restore` first; pg_dump and "
                "its tools are checked by their callers (test_backup*, test_pg_backup)",
    "db_check.*": "database health checks run by `ptdesk verify`, which signs in first",
}


@dataclass(frozen=True)
class Chart:
    patient_id: int
    mrn: str
    visit_id: int
    plan: StoredPlan
    episode_id: int = 0


def _build_chart(sf: SessionFactory) -> Chart:
    """A chart with something in every area the reads cover, written by the clinician."""
    patient = make_patient(sf)
    episode = make_episode(sf, patient.id)
    visit = evaluations.create_visit(sf, actor=ACTOR, episode_id=episode.id,
                                     visit_date=date(2026, 10, 2),
                                     visit_type="initial_evaluation")
    evaluations.save_evaluation(sf, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    exercises.sync_library(sf)
    prescriptions.save_prescription(
        sf, actor=ACTOR, patient_id=patient.id, effective_date=date(2026, 10, 2),
        items=prescriptions.items_from_template(sf, "runners_knee_phase_1"))
    plan = runplans.save_plan(sf, actor=ACTOR, patient_id=patient.id, inputs=PlanInputs(
        "minutes", 3, Decimal(10), Decimal(90), current_weekly=3 * Decimal(str(Decimal(10))), start=date(2026, 10, 5)))
    runlogs.log_run(sf, actor=ACTOR, patient_id=patient.id, run_date=date(2026, 10, 6),
                    amount=10, kind="walk_run", pain_during=2, next_morning="same", today=TODAY)
    return Chart(patient.id, patient.mrn, visit.id, plan, episode.id)


Read = Callable[[SessionFactory, Chart, str], Any]

# (service function, the permission it needs, a call that returns something comparable)
READS: tuple[tuple[str, str, Read], ...] = (
    ("patients.search_patients", EVERYONE,
     lambda sf, c, a: patients.search_patients(sf, "Runner", actor=a)),
    ("patients.count_patients", EVERYONE,
     lambda sf, c, a: patients.count_patients(sf, "Runner", actor=a)),
    ("patients.find_by_mrn", EVERYONE, lambda sf, c, a: patients.find_by_mrn(sf, c.mrn, actor=a)),
    ("episodes.list_episodes", EVERYONE,
     lambda sf, c, a: episodes.list_episodes(sf, c.patient_id, actor=a)),
    ("episodes.active_episode", EVERYONE,
     lambda sf, c, a: episodes.active_episode(sf, c.patient_id, actor=a)),
    ("episodes.suggest_ankle_side", EVERYONE,
     lambda sf, c, a: episodes.suggest_ankle_side(sf, c.episode_id, actor=a)),
    ("readiness.readiness_status", EVERYONE,
     lambda sf, c, a: readiness.readiness_status(sf, c.patient_id, actor=a)),
    ("measure_settings.get_measure_thresholds", EVERYONE,
     lambda sf, c, a: measure_settings.get_measure_thresholds(sf, actor=a)),
    ("evaluations.list_visits", EVERYONE,
     lambda sf, c, a: evaluations.list_visits(sf, c.patient_id, actor=a)),
    ("evaluations.count_visits", EVERYONE,
     lambda sf, c, a: evaluations.count_visits(sf, c.patient_id, actor=a)),
    ("outcomes.list_outcomes", EVERYONE,
     lambda sf, c, a: outcomes.list_outcomes(sf, c.patient_id, actor=a)),
    ("prescriptions.active_prescription", EVERYONE,
     lambda sf, c, a: prescriptions.active_prescription(sf, c.patient_id, actor=a)),
    ("prescriptions.prescription_history", EVERYONE,
     lambda sf, c, a: prescriptions.prescription_history(sf, c.patient_id, actor=a)),
    ("progress.series.pain_series", EVERYONE,
     lambda sf, c, a: progress.pain_series(sf, c.patient_id, actor=a)),
    ("progress.series.outcome_series", EVERYONE,
     lambda sf, c, a: progress.outcome_series(sf, c.patient_id, "lefs", actor=a)),
    ("progress.series.lsi_series", EVERYONE,
     lambda sf, c, a: progress.lsi_series(sf, c.patient_id, actor=a)),
    ("progress.series.volume_series", EVERYONE,
     lambda sf, c, a: progress.volume_series(sf, c.patient_id, actor=a, today=TODAY)),
    ("progress.series.since_last_visit", EVERYONE,
     lambda sf, c, a: progress.since_last_visit(sf, c.patient_id, actor=a)),
    ("progress.series.change_since_intake", EVERYONE,
     lambda sf, c, a: progress.change_since_intake(sf, c.patient_id, actor=a)),
    ("progress.series.progress_overview", EVERYONE,
     lambda sf, c, a: progress.progress_overview(sf, c.patient_id, actor=a, today=TODAY)),
    ("run_import.imported_runs", EVERYONE,
     lambda sf, c, a: run_import.imported_runs(sf, c.patient_id, actor=a)),
    ("run_import.runs_waiting_for_pain", EVERYONE,
     lambda sf, c, a: run_import.runs_waiting_for_pain(sf, c.patient_id, actor=a)),
    ("run_load.load_view", EVERYONE,
     lambda sf, c, a: run_load.load_view(sf, c.patient_id, actor=a, end=TODAY)),
    ("runlogs.list_runs", EVERYONE,
     lambda sf, c, a: runlogs.list_runs(sf, c.patient_id, actor=a)),
    ("runlogs.weekly_summary", EVERYONE,
     lambda sf, c, a: runlogs.weekly_summary(sf, c.patient_id, actor=a, today=TODAY)),
    ("runlogs.weekly_summary_for", EVERYONE,
     lambda sf, c, a: runlogs.weekly_summary_for(sf, c.plan, TODAY, actor=a)),
    ("runplans.active_plan", EVERYONE,
     lambda sf, c, a: runplans.active_plan(sf, c.patient_id, actor=a)),
    ("runplans.list_plans", EVERYONE,
     lambda sf, c, a: runplans.list_plans(sf, c.patient_id, actor=a)),
    ("signing.signature", EVERYONE,
     lambda sf, c, a: signing.signature(sf, c.visit_id, actor=a)),
    ("signing.list_addenda", EVERYONE,
     lambda sf, c, a: signing.list_addenda(sf, c.visit_id, actor=a)),
    # The audit trail shows who looked at whom: it is the administrator's audit report.
    ("audit.log.entries_for_patient", "audit_report",
     lambda sf, c, a: [e.id for e in audit.entries_for_patient(sf, c.patient_id, actor=a)]),
    ("handouts.patient_id_for_mrn", EVERYONE,
     lambda sf, c, a: handouts.patient_id_for_mrn(sf, c.mrn, actor=a)),
    ("changes.current_stamp", EVERYONE, lambda sf, c, a: changes.current_stamp(sf, actor=a)),
    ("changes.patient_change_stamp", EVERYONE,
     lambda sf, c, a: changes.patient_change_stamp(sf, c.patient_id, actor=a)),
    ("changes.changes_since", EVERYONE,
     lambda sf, c, a: changes.changes_since(sf, c.patient_id, changes.ChangeStamp(0), actor=a)),
    ("changes.poll_changes", EVERYONE,
     lambda sf, c, a: changes.poll_changes(sf, changes.ChangeStamp(0), c.patient_id, actor=a)),
)
READ_IDS = [name for name, _, _ in READS]


def _service_functions() -> dict[str, Callable[..., Any]]:
    """Every public function defined in a ptdesk.services module, by "module.function"."""
    found: dict[str, Callable[..., Any]] = {}
    # Subpackages (audit/, backup/, progress/) count too: "audit.log.verify_chain".
    for info in pkgutil.walk_packages(ptdesk.services.__path__, "ptdesk.services."):
        module = importlib.import_module(info.name)
        short = info.name.removeprefix("ptdesk.services.")
        for name, value in vars(module).items():
            if (not name.startswith("_") and inspect.isfunction(value)
                    and value.__module__ == module.__name__):
                found[f"{short}.{name}"] = value
    return found


def _allowlisted(qualified: str) -> bool:
    module = qualified.split(".", 1)[0]
    return qualified in NO_ACTOR or f"{module}.*" in NO_ACTOR


def test_every_service_taking_a_session_factory_takes_the_actor() -> None:
    functions = _service_functions()
    missing = []
    for qualified, function in functions.items():
        parameters = list(inspect.signature(function).parameters)
        if parameters and parameters[0] == "session_factory" and "actor" not in parameters \
                and not _allowlisted(qualified):
            missing.append(qualified)
    assert missing == [], (
        "these services read or write without checking the acting user; add a keyword-only "
        "`actor` and call permissions.require, or list them in NO_ACTOR with the reason")
    # A stale entry would quietly exempt a future function of the same name.
    stale = [name for name in NO_ACTOR if not name.endswith(".*") and name not in functions]
    assert stale == []


@pytest.mark.parametrize("name", READ_IDS)
def test_read_services_require_the_actor_by_keyword(name: str) -> None:
    actor = inspect.signature(_service_functions()[name]).parameters["actor"]
    assert actor.kind is inspect.Parameter.KEYWORD_ONLY
    assert actor.default is inspect.Parameter.empty  # no default that skips the check


def _switch_off_new_account(sf: SessionFactory, role: str) -> None:
    with transaction(sf) as session:
        accounts.provision_account(session, username=SWITCHED_OFF, display_name="Sam Switched",
                                   role=role, password_hash=password_hash())


@pytest.mark.parametrize(("name", "permission", "read"), READS, ids=READ_IDS)
def test_each_role_reads_only_with_the_permission(session_factory: SessionFactory, name: str,
                                                  permission: str, read: Read) -> None:
    chart = _build_chart(session_factory)
    signing.sign_visit(session_factory, actor=ACTOR, visit_id=chart.visit_id)
    signing.add_addendum(session_factory, actor=ACTOR, visit_id=chart.visit_id,
                         reason="Late entry", text="Patient also reported stairs are easier.")
    allowed = [role for role, grants in ROLE_PERMISSIONS.items() if permission in grants]
    expected = read(session_factory, chart, ROLE_ACTORS[allowed[0]])
    for role, actor in ROLE_ACTORS.items():
        if role in allowed:
            # Same answer whoever reads it: the check filters nobody's data, it only refuses.
            assert read(session_factory, chart, actor) == expected, role
        else:
            with pytest.raises(PermissionDeniedError, match=re.escape(refusal(role, permission))):
                read(session_factory, chart, actor)

    with pytest.raises(PermissionDeniedError, match="has no PT Desk account"):
        read(session_factory, chart, UNKNOWN)

    _switch_off_new_account(session_factory, allowed[0])
    assert read(session_factory, chart, SWITCHED_OFF) == expected  # allowed while switched on
    accounts.set_active(session_factory, actor=ADMIN, username=SWITCHED_OFF, active=False)
    with pytest.raises(PermissionDeniedError, match="is switched off"):
        read(session_factory, chart, SWITCHED_OFF)


def test_the_check_comes_before_the_lookup(session_factory: SessionFactory) -> None:
    """A refused reader learns nothing, not even whether an MRN or a visit exists."""
    for read in (lambda: patients.find_by_mrn(session_factory, "NO-SUCH-1", actor=UNKNOWN),
                 lambda: handouts.patient_id_for_mrn(session_factory, "NO-SUCH-1", actor=UNKNOWN),
                 lambda: signing.signature(session_factory, 999_999, actor=UNKNOWN)):
        with pytest.raises(PermissionDeniedError):
            read()


def test_before_setup_an_unknown_actor_still_reads(engine: Engine) -> None:
    """The first-start transition policy: no account has a password yet (ptdesk init, scripts)."""
    sf = make_session_factory(engine)  # no staff accounts: the clinic is not set up
    chart = _build_chart(sf)
    for name, _permission, read in READS:
        assert read(sf, chart, "os-login-name") is not None, name
