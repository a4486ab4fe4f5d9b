"""Crafted backups and broken restores: a backup is untrusted input, and restore tells the truth.

Each attack is a backup file edited with Python's sqlite3 module (what anyone holding a
backup can do) or a live database in a state a restore meets in practice (one schema
version behind, a damaged header). Restore must refuse before anything in the backup
runs, leave the current database and key untouched, and never report a swapped-in
database as "nothing was saved".
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.db.models import AuditEntry, Patient
from ptdesk.services.audit import log as audit
from ptdesk.services.audit.anchor import anchor_path
from ptdesk.services.audit.key import KEY_SUFFIX
from ptdesk.services.backup import backups
from ptdesk.services.backup.backups import (
    RestoredWithProblemsError,
    SignIn,
    backup,
    restore,
    restore_sign_in,
)
from ptdesk.services.backup.leftovers import remove_leftovers
from ptdesk.services.backup.restore_file import RestoreRefusedError
from ptdesk.services.errors import LoginRefusedError
from ptdesk.services.uow import transaction
from tests.factories import ADMIN, PASSWORD, make_patient
from tests.integration.integrity_helpers import key_file, run_cli, sealed_clinic

pytestmark = pytest.mark.sqlite_only  # attacks on database and backup files
AS_ADMIN = {"actor": ADMIN, "password": PASSWORD}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def clinic(db_path, engine, session_factory, tmp_path):
    sealed_clinic(session_factory)
    path = backup(session_factory)  # the clinic's backup folder, where verify looks
    engine.dispose()
    return path


def craft(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def refused(db_path: Path, bad: Path, match: str) -> RestoreRefusedError:
    key = key_file(db_path)
    before = (digest(db_path), key.read_bytes())
    with pytest.raises(RestoreRefusedError, match=match) as info:
        restore(bad, target_db=db_path, **AS_ADMIN)
    assert (digest(db_path), key.read_bytes()) == before
    assert not [p for p in db_path.parent.iterdir() if ".restore-" in p.name]
    return info.value


@pytest.mark.parametrize(("name", "statements"), [
    ("a trigger that deletes run logs on the restore's audit write",
     ["CREATE TRIGGER wipe AFTER INSERT ON audit_log BEGIN DELETE FROM run_logs; END"]),
    ("a trigger that makes every signed-in user an administrator",
     ["CREATE TRIGGER promote AFTER UPDATE ON clinicians BEGIN "
      "UPDATE clinicians SET role = 'administrator'; END"]),
    ("a view in place of the accounts table",
     ["ALTER TABLE clinicians RENAME TO clinicians_real",
      "CREATE VIEW clinicians AS SELECT * FROM clinicians_real"]),
    ("an extra index", ["CREATE INDEX sneaky ON patients (mrn)"]),
    ("a protecting trigger removed", ["DROP TRIGGER trg_visits_signed_replace"]),
], ids=["wipe-trigger", "promote-trigger", "view", "index", "missing-trigger"])
def test_a_backup_whose_schema_is_not_the_migrations_is_refused_before_it_runs(
        db_path, clinic, name, statements) -> None:
    craft(clinic, *statements)
    error = refused(db_path, clinic, "database structure is not what PT Desk makes")
    assert "The current database was not changed" in str(error), name


def test_a_forged_history_sealed_with_a_new_key_beside_the_backup_is_refused(
        db_path, clinic) -> None:
    # The attacker rewrites the log and seals it again with a key of their own, shipped
    # beside the backup where PT Desk keeps the real one.
    forged_key = secrets.token_bytes(32)
    url = str(clinic)
    engine = make_engine(clinic)
    sf = make_session_factory(engine)
    with transaction(sf) as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
        fields = [{f: getattr(r, f) for f in audit._FIELDS} for r in rows]
    engine.dispose()
    running, updates = "", []
    for row, values in zip(rows, fields, strict=True):
        values["summary"] = "nothing happened"
        running_new = audit.entry_mac(forged_key, running, values)
        updates.append((running, running_new, row.id))
        running = running_new
    with sqlite3.connect(url) as connection:
        saved = connection.execute("SELECT name, sql FROM sqlite_master "
                                   "WHERE type = 'trigger'").fetchall()
        for trigger, _sql in saved:
            connection.execute(f"DROP TRIGGER {trigger}")
        connection.execute("UPDATE audit_log SET summary = 'nothing happened'")
        connection.executemany("UPDATE audit_log SET prev_hash = ?, entry_hash = ? "
                               "WHERE id = ?", updates)
        head = connection.execute("SELECT entries, last_id, legacy_through FROM audit_head"
                                  ).fetchone()
        connection.execute("UPDATE audit_head SET last_hash = ?, head_mac = ?", (
            running, audit.head_mac(forged_key, head[0], head[1], running, head[2])))
        for _trigger, sql in saved:
            connection.execute(sql)
    connection.close()
    clinic.with_name(clinic.name + KEY_SUFFIX).write_text(forged_key.hex() + "\n")
    error = refused(db_path, clinic, "different audit key")
    assert "ptdesk audit key install" in str(error)


def test_success_is_reported_only_after_every_step_after_the_swap(db_path, clinic,
                                                                  monkeypatch) -> None:
    real = audit.record

    def failing(session, **kwargs):
        if kwargs.get("action") == "restore":
            raise OSError(28, "No space left on device")
        return real(session, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RestoredWithProblemsError) as info:
        restore(clinic, target_db=db_path, **AS_ADMIN)
    message = str(info.value)
    assert "was put in place" in message and "kept as" in message
    assert "nothing was saved" not in message.lower()


def _one_version_behind(db_path: Path) -> None:
    engine = make_engine(db_path)
    from alembic import command

    from ptdesk.db.migrate import alembic_config

    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
        connection.commit()
    engine.dispose()


def test_a_database_one_schema_version_behind_still_needs_the_password(
        db_path, clinic, monkeypatch, capsys) -> None:
    _one_version_behind(db_path)
    assert restore_sign_in(db_path) is SignIn.CURRENT
    with pytest.raises(LoginRefusedError):
        restore(clinic, target_db=db_path, actor=ADMIN, password="guess")
    monkeypatch.delenv("PTDESK_PASSWORD", raising=False)
    monkeypatch.setattr("ptdesk.commands.acting.stdin_is_terminal", lambda: False)
    assert run_cli(monkeypatch, ["--as", ADMIN, "restore", str(clinic), "--db",
                                 str(db_path)]) == 2
    assert "password" in capsys.readouterr().err
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    assert run_cli(monkeypatch, ["--as", ADMIN, "restore", str(clinic), "--db",
                                 str(db_path)]) == 0


def test_a_damaged_current_database_needs_an_administrator_of_the_backup(
        db_path, clinic, monkeypatch, capsys) -> None:
    data = bytearray(db_path.read_bytes())
    data[:100] = b"\x00" * 100  # the header is gone: the main reason to restore
    db_path.write_bytes(bytes(data))
    assert restore_sign_in(db_path) is SignIn.BACKUP
    monkeypatch.setenv("PTDESK_PASSWORD", "not the password")
    assert run_cli(monkeypatch, ["--as", ADMIN, "restore", str(clinic), "--db",
                                 str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "not right" in err
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    assert run_cli(monkeypatch, ["--as", ADMIN, "restore", str(clinic), "--db",
                                 str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out
    engine = make_engine(db_path)
    assert backups.verify(engine).ok
    engine.dispose()


def test_rolling_back_to_an_older_backup_is_caught_by_the_anchor_and_the_witness(
        db_path, clinic, tmp_path) -> None:
    engine = make_engine(db_path)
    sf = make_session_factory(engine)
    make_patient(sf, mrn="LATER-1")
    newest = backup(sf)  # its manifest witnesses the newer head
    engine.dispose()
    shutil.copy2(clinic, db_path)  # the older backup copied over the live file
    engine = make_engine(db_path)
    report = backups.verify(engine)
    failed = {c.name for c in report.checks if not c.ok}
    assert "Audit log chain" in failed  # this computer's anchor
    assert backups.WITNESS_CHECK in failed  # the newest backup's manifest
    assert newest.name in " ".join(report.problems)
    # Without this computer's anchor (another computer, or the anchor removed by
    # someone with this account), the manifest alone still catches it.
    path = anchor_path(engine)
    assert path is not None
    path.unlink()
    report = backups.verify(engine)
    assert [c.name for c in report.checks if not c.ok] == [backups.WITNESS_CHECK]
    engine.dispose()


def test_verify_prints_the_head_to_compare_with_the_manifest(db_path, clinic, monkeypatch,
                                                             capsys) -> None:
    assert run_cli(monkeypatch, ["verify", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "audit head: " in out and "last hash " in out
    assert "Newest backup's witness" in out


def test_a_restore_reports_the_restored_head_and_resets_the_anchor(db_path, clinic) -> None:
    engine = make_engine(db_path)
    make_patient(make_session_factory(engine), mrn="GONE-1")
    engine.dispose()
    restore(clinic, target_db=db_path, **AS_ADMIN)
    engine = make_engine(db_path)
    sf = make_session_factory(engine)
    assert audit.verify_chain(sf).ok  # a deliberate, audited roll-back is not an attack
    with transaction(sf) as session:
        assert "GONE-1" not in set(session.scalars(select(Patient.mrn)))
    engine.dispose()


def test_leftovers_of_killed_runs_are_removed_and_kept_aside_copies_pruned(
        db_path, clinic, tmp_path) -> None:
    folder = clinic.parent
    partial = folder / f".{db_path.stem}-20260101-000000-000000.db.partial"
    staging = db_path.with_name(f".{db_path.name}.restore-20260101-000000-000000")
    for leftover in (partial, staging, staging.with_name(staging.name + "-wal")):
        leftover.write_bytes(b"patient data")
    removed = remove_leftovers(str(make_engine(db_path).url), folder)
    assert {p.name for p in removed} == {partial.name, staging.name}
    assert not partial.exists() and not staging.exists()
    assert not staging.with_name(staging.name + "-wal").exists()
    for _ in range(5):
        restore(clinic, target_db=db_path, **AS_ADMIN)
    kept = [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name
            and not p.name.endswith(KEY_SUFFIX)]
    assert len(kept) == 3  # the clinic setting's default
    assert db_path.exists()
    upgrade(make_engine(db_path))


def test_leftovers_are_removed_at_start_without_opening_the_database(db_path, clinic) -> None:
    from ptdesk.services.backup.leftovers import remove_leftovers_at_start

    partial = clinic.parent / f".{db_path.stem}-20260101-000000-000000.db.partial"
    staging = db_path.with_name(f".{db_path.name}.restore-20260101-000000-000000")
    for leftover in (partial, staging):
        leftover.write_bytes(b"patient data")
    remove_leftovers_at_start(f"sqlite:///{db_path}")
    assert not partial.exists() and not staging.exists()
    remove_leftovers_at_start("mysql://nowhere/x")  # never raises



def test_any_command_on_the_database_removes_the_leftovers_first(db_path, clinic) -> None:
    from ptdesk.cli import main

    partial = clinic.parent / f".{db_path.stem}-20260101-000000-000000.db.partial"
    staging = db_path.with_name(f".{db_path.name}.restore-20260101-000000-000000")
    for leftover in (partial, staging):
        leftover.write_bytes(b"patient data")
    main(["patients", "--db", str(db_path), "--json"])  # refused or not, the start cleans
    assert not partial.exists() and not staging.exists()

def test_an_unwritable_anchor_refuses_the_save_in_plain_words(db_path, engine,
                                                              session_factory,
                                                              monkeypatch) -> None:
    from ptdesk.services.audit import witness
    from ptdesk.services.audit.key import AuditKeyError

    make_patient(session_factory, mrn="ANCHOR-1")

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(witness, "mark_pending", full_disk)
    with pytest.raises(AuditKeyError, match="cannot be written .No space left on device"):
        make_patient(session_factory, mrn="ANCHOR-2")
    monkeypatch.undo()
    assert audit.verify_chain(session_factory).ok  # nothing half-written
