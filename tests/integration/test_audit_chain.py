"""The audit log is a keyed hash chain: every kind of tampering is detected, writers never fork it."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.services.audit import log as audit
from ptdesk.services.audit.key import KEY_ENV, AuditKeyError, forget, key_path
from ptdesk.services.errors import NotFoundError, PermissionDeniedError
from ptdesk.services.uow import transaction
from tests.factories import audit_entries, make_patient
from tests.integration.integrity_helpers import ADMIN, ASSISTANT, add_accounts, drop_triggers

COLUMNS = "at, actor, workstation, action, patient_id, record_type, record_id, summary, " \
          "prev_hash, entry_hash"


def append(sf, n: int, actor: str = "sam", start: int = 0) -> None:
    for i in range(start, start + n):
        with transaction(sf) as session:
            audit.record(session, actor=actor, action="view", record_type="visit",
                         record_id=i, summary=f"entry {i}")


@pytest.fixture
def chain(engine, session_factory):
    append(session_factory, 10)
    assert audit.verify_chain(session_factory).ok
    drop_triggers(engine, "trg_audit_log_append_only_%")  # raw file access, as an attacker has
    return engine


def raw(engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def problems(session_factory) -> str:
    result = audit.verify_chain(session_factory)
    assert not result.ok
    return " ".join(result.problems)


def test_untouched_chain_verifies_and_the_key_is_owner_only(engine, session_factory) -> None:
    append(session_factory, 5)
    result = audit.verify_chain(session_factory)
    assert (result.ok, result.entries, result.sealed) == (True, 5, True)
    key_file = key_path(engine)  # next to an SQLite file; $PTDESK_AUDIT_KEY_FILE in the tests
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key_file.read_text())) == 32


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET summary = 'nothing to see' WHERE id = 1",
    "DELETE FROM audit_log WHERE id = 1",
    "DELETE FROM audit_head",
])
def test_the_database_refuses_raw_edits_of_the_log(engine, session_factory, statement) -> None:
    append(session_factory, 2)
    with pytest.raises(IntegrityError, match="append-only|cannot be deleted"), \
            engine.begin() as connection:
        connection.execute(text(statement))
    assert audit.verify_chain(session_factory).ok


@pytest.mark.parametrize("change", ["summary = 'nothing to see'", "actor = 'someone.else'",
                                    "at = '2020-01-01 00:00:00.000000'", "patient_id = 42",
                                    "action = 'print'"])
def test_an_edited_entry_is_detected(chain, session_factory, change) -> None:
    raw(chain, f"UPDATE audit_log SET {change} WHERE id = 4")
    assert "Entry 4 was changed" in problems(session_factory)


def test_a_deleted_entry_is_detected(chain, session_factory) -> None:
    raw(chain, "DELETE FROM audit_log WHERE id = 6")
    found = problems(session_factory)
    assert "Entry 7 does not follow" in found and "1 entries are missing" in found


def test_reordered_entries_are_detected(chain, session_factory) -> None:
    # Swap the whole content (hashes included) of entries 3 and 4.
    raw(chain,
        f"CREATE TEMP TABLE saved AS SELECT id, {COLUMNS} FROM audit_log WHERE id IN (3, 4)",
        f"UPDATE audit_log SET ({COLUMNS}) = (SELECT {COLUMNS} FROM saved "
        "WHERE saved.id = 7 - audit_log.id) WHERE id IN (3, 4)")
    assert "does not follow" in problems(session_factory)


def test_a_truncated_log_is_detected(chain, session_factory) -> None:
    raw(chain, "DELETE FROM audit_log WHERE id > 7")
    found = problems(session_factory)
    assert "3 entries are missing" in found and "does not end with the last entry" in found


def test_truncation_with_a_forged_end_marker_is_detected(chain, session_factory) -> None:
    raw(chain, "DELETE FROM audit_log WHERE id > 7",
        "UPDATE audit_head SET entries = 7, last_id = 7, "
        "last_hash = (SELECT entry_hash FROM audit_log WHERE id = 7)")
    assert "end marker was altered" in problems(session_factory)


def test_resetting_the_end_marker_to_unsealed_is_detected(chain, session_factory) -> None:
    raw(chain, "UPDATE audit_head SET head_mac = '', last_hash = '', last_id = 0, "
               "legacy_through = 0, entries = 10")
    assert "sealed entries are not covered" in problems(session_factory)


def test_an_inserted_entry_is_detected(chain, session_factory) -> None:
    raw(chain, "INSERT INTO audit_log (at, actor, workstation, action, record_type, summary, "
               "prev_hash, entry_hash) SELECT at, actor, workstation, action, record_type, "
               "'forged', prev_hash, entry_hash FROM audit_log WHERE id = 10",
        "UPDATE audit_head SET entries = 11, last_id = 11")
    assert "Entry 11" in problems(session_factory)


def test_appending_after_tampering_does_not_hide_it(chain, session_factory) -> None:
    raw(chain, "DELETE FROM audit_log WHERE id = 10")
    append(session_factory, 2, start=100)
    # SQLite hands id 10 out again; a PostgreSQL sequence never reuses it.
    first_new = 10 if chain.dialect.name == "sqlite" else 11
    found = problems(session_factory)
    assert f"Entry {first_new} does not follow" in found and "1 entries are missing" in found


def test_a_wrong_or_missing_key_fails_and_never_forks_a_new_chain(
    engine, session_factory, tmp_path,
) -> None:
    append(session_factory, 3)
    assert not audit.verify_chain(session_factory, key=b"x" * 32).ok
    key_file = key_path(engine)
    key_file.rename(tmp_path / "elsewhere.key")
    forget(engine)
    result = audit.verify_chain(session_factory)
    assert not result.ok and "key file is missing" in result.problems[0]
    with pytest.raises(AuditKeyError, match="missing"), transaction(session_factory) as session:
        audit.record(session, actor="sam", action="view")
    assert not key_file.exists()  # a new key would have broken the chain silently


def test_key_file_override_and_loose_permissions(tmp_path, monkeypatch) -> None:
    key_file = tmp_path / "keys" / "clinic.key"
    monkeypatch.setenv(KEY_ENV, str(key_file))
    engine = make_engine(tmp_path / "other.db")
    upgrade(engine)
    sf = make_session_factory(engine)
    append(sf, 2)
    assert key_file.exists() and not (tmp_path / "other.db.auditkey").exists()
    key_file.chmod(0o644)
    forget(engine)
    assert audit.verify_chain(sf).ok
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    engine.dispose()


def test_entries_from_before_the_chain_are_folded_in_and_protected(blank_db_url) -> None:
    engine = make_engine(blank_db_url)
    upgrade(engine, "0002")
    raw(engine, *(
        "INSERT INTO audit_log (at, actor, workstation, action, record_type, summary) "
        f"VALUES ('2026-11-0{i} 09:00:00.000000', 'old', 'desk', 'view', 'visit', 'legacy {i}')"
        for i in range(1, 4)))
    upgrade(engine)
    sf = make_session_factory(engine)
    before = audit.verify_chain(sf)
    assert (before.ok, before.sealed, before.entries) == (True, False, 3)
    append(sf, 2)
    after = audit.verify_chain(sf)
    assert (after.ok, after.sealed, after.entries) == (True, True, 5)
    drop_triggers(engine, "trg_audit_log_append_only_%")
    raw(engine, "UPDATE audit_log SET summary = 'rewritten' WHERE id = 2")
    assert "Entry 4 does not follow" in problems(sf)
    engine.dispose()


def test_eight_concurrent_threads_never_fork_the_chain(session_factory) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            append(session_factory, 25, actor=f"user{n}", start=n * 100)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = audit.verify_chain(session_factory)
    assert (result.ok, result.entries) == (True, 200), result.problems
    with transaction(session_factory) as session:
        prevs = session.execute(text("SELECT prev_hash FROM audit_log")).scalars().all()
    assert len(set(prevs)) == 200  # no two entries chained onto the same predecessor


WRITER = """
import sys
from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.services.patients import get_patient
from tests.factories import ACTOR, make_patient
sf = make_session_factory(make_engine(sys.argv[1]))
for i in range(int(sys.argv[3])):
    patient = make_patient(sf, mrn=f"{sys.argv[2]}-{i}", first="Writer" + "abcdefgh"[i % 8])
    get_patient(sf, actor=ACTOR, patient_id=patient.id)
"""


def test_eight_concurrent_processes_never_fork_the_chain(db_url, session_factory) -> None:
    # Fresh, unsealed database: the processes also race to create the key and seal. Each
    # one creates patients and opens their charts: two audited transactions per patient.
    workers = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, f"P{n}", "10"],
                                stderr=subprocess.PIPE, text=True, cwd=Path.cwd())
               for n in range(8)]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    result = audit.verify_chain(session_factory)
    assert (result.ok, result.entries) == (True, 160), result.problems
    with transaction(session_factory) as session:
        prevs = session.execute(text("SELECT prev_hash FROM audit_log")).scalars().all()
    assert len(set(prevs)) == 160  # no two entries chained onto the same predecessor
    done = subprocess.run([sys.executable, "-m", "ptdesk", "audit", "verify", "--db", db_url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Audit log OK: 160 entries" in done.stdout


def test_report_filters_by_patient_dates_and_user(session_factory) -> None:
    add_accounts(session_factory)
    alex = make_patient(session_factory, mrn="MRN-001")
    make_patient(session_factory, mrn="MRN-002", first="Sam")
    with transaction(session_factory) as session:
        audit.record(session, actor="dr.kim", action="view", patient_id=alex.id,
                     record_type="patient", record_id=alex.id, summary="opened chart")
    rows = audit_entries(session_factory, patient_mrn="mrn-001")
    assert [r.action for r in rows] == ["create", "view"]
    assert {r.patient_mrn for r in rows} == {"MRN-001"}
    assert [r.summary for r in audit_entries(session_factory, user="dr.kim")] == ["opened chart"]
    today = date.today()
    assert len(audit_entries(session_factory, start=today - timedelta(days=1),
                             end=today + timedelta(days=1))) == 3
    assert audit_entries(session_factory, start=today + timedelta(days=2)) == []
    assert audit_entries(session_factory, end=today - timedelta(days=2)) == []
    with pytest.raises(NotFoundError):
        audit_entries(session_factory, patient_mrn="NOPE-1")


def test_report_checks_the_role_and_audits_its_own_reading(session_factory) -> None:
    add_accounts(session_factory)
    with pytest.raises(PermissionDeniedError):
        audit.report(session_factory, actor=ASSISTANT)
    rows = audit.report(session_factory, actor=ADMIN)
    again = audit.report(session_factory, actor=ADMIN, action="export")
    assert len(again) == len(rows) + 1
    assert (again[-1].actor, again[-1].action, again[-1].record_type) == (ADMIN, "view",
                                                                          "audit_log")
    assert audit_entries(session_factory, user=ADMIN)[-1].action == "export"
    assert audit.verify_chain(session_factory).ok
