"""Attacks on the audit chain by someone holding the database file: unsealing, re-keying, roll-back.

Each test plays the attack with what the attacker has (Python's sqlite3 module on the
file, triggers dropped; file copies) and asserts that verify catches it and that PT Desk
does not seal the forged log with the real key afterwards.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.services.audit import log as audit
from ptdesk.services.audit.anchor import anchor_path, read_anchor
from ptdesk.services.audit.key import AuditKeyError, forget, key_path
from ptdesk.services.uow import transaction
from tests.integration.integrity_helpers import sealed_clinic

pytestmark = pytest.mark.sqlite_only  # attacks on the database file itself


def append(sf: SessionFactory, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with transaction(sf) as session:
            audit.record(session, actor="sam", action="view", record_type="visit",
                         record_id=i, summary=f"entry {i}")


def attacker(db: Path, *statements: str) -> None:
    """Raw access with Python's sqlite3 module: every protecting trigger dropped first."""
    connection = sqlite3.connect(db)
    try:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")]
        for name in names:
            connection.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def problems(sf: SessionFactory) -> str:
    result = audit.verify_chain(sf)
    assert not result.ok, "verify passed a tampered log"
    return " ".join(result.problems)


UNSEAL = ("UPDATE audit_log SET entry_hash = '', prev_hash = ''",
          "UPDATE audit_head SET head_mac = '', last_hash = '', "
          "legacy_through = (SELECT max(id) FROM audit_log), "
          "last_id = (SELECT max(id) FROM audit_log), entries = (SELECT count(*) FROM audit_log)")


@pytest.fixture
def clinic(db_path: Path, engine: Engine, session_factory: SessionFactory) -> SessionFactory:
    append(session_factory, 6)
    assert audit.verify_chain(session_factory).ok
    return session_factory


def reopen(db_path: Path) -> tuple[Engine, SessionFactory]:
    engine = make_engine(db_path)
    return engine, make_session_factory(engine)


def test_unsealing_the_chain_and_editing_entries_fails_verify(clinic, engine, db_path) -> None:
    engine.dispose()
    attacker(db_path, *UNSEAL, "UPDATE audit_log SET summary = 'nothing to see' WHERE id = 3")
    found = problems(clinic)
    assert "recorded it sealed" in found


def test_the_next_save_never_seals_a_forged_unsealed_log(clinic, engine, db_path) -> None:
    engine.dispose()
    attacker(db_path, *UNSEAL, "DELETE FROM audit_log WHERE id = 2")
    forget(engine)
    with pytest.raises(AuditKeyError, match="changed outside PT Desk"):
        append(clinic, 1, start=50)
    assert "recorded it sealed" in problems(clinic)


def test_unsealing_is_caught_without_this_computers_anchor_by_the_backup_manifest(
        db_path, engine, session_factory) -> None:
    from ptdesk.services.backup import backups

    sealed_clinic(session_factory)
    backups.backup(session_factory)  # into the clinic's backup folder, with its manifest
    engine.dispose()
    attacker(db_path, *UNSEAL)
    anchor_path(engine).unlink()  # checked on another computer, or the anchor removed
    report = backups.verify(engine)
    assert [c.name for c in report.checks if not c.ok] == [backups.WITNESS_CHECK]


def test_replacing_the_key_never_makes_a_new_one_while_the_log_has_entries(
        clinic, engine, db_path) -> None:
    engine.dispose()
    key = key_path(engine)
    assert key is not None
    key.unlink()
    attacker(db_path, *UNSEAL, "DELETE FROM audit_log WHERE id > 2",
             "UPDATE audit_head SET entries = 2, last_id = 2, legacy_through = 2")
    forget(engine)
    with pytest.raises(AuditKeyError):
        append(clinic, 1, start=50)  # a save, as the next sign-in would write
    assert not key.exists(), "a new key was made for a rewritten log"
    assert not audit.verify_chain(clinic).ok


def test_emptying_the_log_and_deleting_the_key_is_caught_by_the_anchor(
        clinic, engine, db_path) -> None:
    engine.dispose()
    key = key_path(engine)
    assert key is not None
    key.unlink()
    attacker(db_path, "DELETE FROM audit_log",
             "UPDATE audit_head SET head_mac = '', last_hash = '', entries = 0, last_id = 0, "
             "legacy_through = 0")
    forget(engine)
    with pytest.raises(AuditKeyError):
        append(clinic, 1, start=50)
    assert not key.exists()
    assert "recorded it sealed" in problems(clinic)


def test_a_missing_key_fails_verify(clinic, engine) -> None:
    key = key_path(engine)
    assert key is not None
    key.unlink()
    forget(engine)
    assert "key file is missing" in problems(clinic)


def test_rolling_the_file_back_to_an_older_copy_fails_verify(clinic, engine, db_path,
                                                             tmp_path) -> None:
    engine.dispose()
    older = tmp_path / "older.db"
    shutil.copy2(db_path, older)  # what an old backup or a synced folder holds
    live, sf = reopen(db_path)
    append(sf, 3, start=10)
    live.dispose()
    shutil.copy2(older, db_path)  # put back over the live file
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    _, sf = reopen(db_path)
    assert "older copy of the database" in problems(sf)


def test_copying_older_audit_tables_over_the_live_ones_fails_verify(clinic, engine,
                                                                    db_path) -> None:
    engine.dispose()
    connection = sqlite3.connect(db_path)
    saved_log = connection.execute("SELECT * FROM audit_log").fetchall()
    saved_head = connection.execute("SELECT * FROM audit_head").fetchall()
    connection.close()
    append(clinic, 3, start=10)
    engine.dispose()
    marks = ",".join("?" * len(saved_log[0]))
    connection = sqlite3.connect(db_path)
    for name in [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
        connection.execute(f"DROP TRIGGER {name}")
    connection.execute("DELETE FROM audit_log")
    connection.executemany(f"INSERT INTO audit_log VALUES ({marks})", saved_log)
    connection.execute("DELETE FROM audit_head")
    connection.executemany(f"INSERT INTO audit_head VALUES ({','.join('?' * 6)})", saved_head)
    connection.commit()
    connection.close()
    assert "older copy of the database" in problems(clinic)


def test_the_anchor_may_be_one_commit_behind_but_never_ahead(clinic, engine, db_path) -> None:
    path = anchor_path(engine)
    assert path is not None
    before = path.read_bytes()
    append(clinic, 1, start=20)
    after = path.read_bytes()
    path.write_bytes(before)  # the process died between the commit and the anchor write
    anchor = read_anchor(path)
    assert anchor is not None and anchor.pending is None
    # ... but then the pending head written before the commit is there: simulate it.
    from dataclasses import replace

    from ptdesk.services.audit.anchor import reset

    head = audit.verify_chain(clinic, anchor=False).head
    reset(path, replace(anchor, pending=head))
    assert audit.verify_chain(clinic).ok
    path.write_bytes(after)
    assert audit.verify_chain(clinic).ok
    # Two commits behind (no pending head matches): refused.
    reset(path, anchor)
    assert "entries were added outside PT Desk" in problems(clinic)
    # Ahead of the log: refused.
    path.write_bytes(after)
    engine.dispose()
    attacker(db_path, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    assert "cut short" in problems(clinic)


def test_the_anchor_is_owner_only_and_outside_the_data_folder(clinic, engine,
                                                               db_path) -> None:
    path = anchor_path(engine)
    assert path is not None and path.exists()
    assert db_path.parent not in path.parents
    assert path.stat().st_mode & 0o077 == 0


def test_a_commit_whose_process_died_before_confirming_it_is_not_forgotten(
        clinic, engine, monkeypatch) -> None:
    """Process A commits (its head only 'pending' in the anchor) and dies; process B then
    marks its own head pending and dies before committing. The log ends at A's head,
    which the anchor must still accept."""
    from ptdesk.services.audit import anchor as anchor_module
    from ptdesk.services.audit import witness

    with monkeypatch.context() as patched:
        patched.setattr(witness, "advance", lambda *_a, **_k: None)  # A dies after commit
        append(clinic, 1, start=30)
    path = anchor_path(engine)
    assert path is not None
    a_head = audit.verify_chain(clinic, anchor=False).head
    anchor = read_anchor(path)
    assert anchor is not None and anchor.pending == a_head and anchor.head != a_head
    # B marks its head pending (before its commit), then dies: nothing committed.
    assert a_head is not None
    from ptdesk.services.audit.anchor import Head

    anchor_module.mark_pending(path, Head(a_head.entries + 1, a_head.last_id + 1, "f" * 64),
                               (anchor.first_id, anchor.first_hash), a_head)
    result = audit.verify_chain(clinic)
    assert result.ok, result.problems
