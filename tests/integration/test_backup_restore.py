"""Backups are consistent and owner-only; restore checks first, keeps the old file, swaps atomically."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import current_revision, known_head, upgrade
from ptdesk.db.models import ClinicSettings, Patient
from ptdesk.services import clinic as clinic_settings
from ptdesk.services.audit.key import read_key_file
from ptdesk.services.backup import backups
from ptdesk.services.backup.backups import BackupError, backup, list_backups, restore
from ptdesk.services.backup.restore_file import RestoreRefusedError
from ptdesk.services.db_check import check_database
from ptdesk.services.errors import LoginRefusedError, PermissionDeniedError
from ptdesk.services.uow import transaction
from tests.factories import ADMIN as STAFF_ADMIN
from tests.factories import ASSISTANT as STAFF_ASSISTANT
from tests.factories import PASSWORD, audit_entries, make_patient
from tests.integration.integrity_helpers import (
    ADMIN,
    ASSISTANT,
    CLINICIAN,
    drop_triggers,
    key_file,
    run_cli,
    sealed_clinic,
)

# These tests are about the SQLite file (its -wal file, file copies, a restore by rename);
# clinic mode (pg_dump, a scratch database, a rename on the server) is tested the same ways
# in test_pg_backup.py, which also checks that other database kinds are refused.
pytestmark = pytest.mark.sqlite_only


AS_ADMIN = {"actor": STAFF_ADMIN, "password": PASSWORD}  # an administrator signs in to restore


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mrns(db: Path) -> set[str]:
    engine = make_engine(db)
    try:
        with engine.connect() as connection:
            return set(connection.execute(select(Patient.mrn)).scalars())
    finally:
        engine.dispose()


@pytest.fixture
def clinic(session_factory):
    """A clinic with accounts, a signed note with an addendum, and a sealed audit chain."""
    return sealed_clinic(session_factory)


def no_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".restore-" in p.name or p.name.endswith(".partial")]


def test_backup_is_a_checked_owner_only_copy_with_its_key(db_path, clinic, tmp_path) -> None:
    path = backup(clinic, to_dir=tmp_path / "out")
    key = path.with_name(path.name + ".auditkey")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text() == key_file(db_path).read_text()
    assert not path.with_name(path.name + "-wal").exists()  # one self-contained file
    copy = make_engine(path)
    report = backups.verify(copy)
    assert report.ok, report.lines()
    assert mrns(path) == {"MRN-001"}
    copy.dispose()


def test_last_backup_time_for_the_daily_offer(db_path, clinic) -> None:
    from datetime import UTC, datetime, timedelta

    assert backups.last_backup_at(clinic) is None
    path = backup(clinic)
    assert path.parent == backups.default_folder(clinic)
    when = backups.last_backup_at(clinic)
    assert when is not None and abs(datetime.now(UTC) - when) < timedelta(minutes=1)


def test_backup_keeps_the_newest_n_and_defaults_to_the_clinic_setting(db_path, clinic) -> None:
    with transaction(clinic) as session:
        if session.get(ClinicSettings, 1) is None:
            session.add(ClinicSettings(id=1))
            session.flush()
        session.execute(update(ClinicSettings).values(backups_kept=3))
    made = [backup(clinic) for _ in range(5)]
    folder = db_path.parent / "backups"
    assert list_backups(folder, db_path.stem) == made[-3:]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    backup(clinic, keep=1)
    assert len(list_backups(folder, db_path.stem)) == 1
    # Never a key in the database's own backups folder: it travels with the data folder.
    assert not list(folder.glob("*.auditkey")) and not list(db_path.parent.glob("*.auditkey"))


def test_backup_of_a_busy_database_is_consistent(engine, clinic, tmp_path) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []

    def busy() -> None:
        n = 0
        try:
            while not stop.is_set():
                make_patient(clinic, mrn=f"BUSY-{n}")
                n += 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        paths = [backup(clinic, to_dir=tmp_path / "b", keep=10) for _ in range(5)]
    finally:
        stop.set()
        worker.join()
    assert errors == []
    for path in paths:
        copy = make_engine(path)
        report = backups.verify(copy)
        assert report.ok, report.lines()
        copy.dispose()


def test_backup_and_restore_check_the_role_and_are_audited(db_path, engine, clinic,
                                                           tmp_path) -> None:
    with pytest.raises(PermissionDeniedError):
        backup(clinic, to_dir=tmp_path / "b", actor=CLINICIAN)
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
    path = backup(clinic, to_dir=tmp_path / "b", actor=ADMIN)
    assert audit_entries(clinic, user=ADMIN)[-1].action == "backup"
    engine.dispose()
    with pytest.raises(PermissionDeniedError):
        restore(path, target_db=db_path, actor=STAFF_ASSISTANT, password=PASSWORD)
    with pytest.raises(LoginRefusedError):
        restore(path, target_db=db_path, actor=STAFF_ADMIN, password="not the password")
    restore(path, target_db=db_path, actor=STAFF_ADMIN, password=PASSWORD)
    engine = make_engine(db_path)
    last = audit_entries(make_session_factory(engine))[-1]
    assert (last.actor, last.action) == (STAFF_ADMIN, "restore")
    engine.dispose()


def test_restore_brings_back_the_backup_and_keeps_the_current_database_aside(
    db_path, engine, clinic, tmp_path,
) -> None:
    path = backup(clinic, to_dir=tmp_path / "b")
    make_patient(clinic, mrn="AFTER-1")  # written after the backup, still in the -wal file
    engine.dispose()
    result = restore(path, target_db=db_path, **AS_ADMIN)
    assert mrns(db_path) == {"MRN-001"}
    assert result.kept_aside is not None and mrns(result.kept_aside) == {"MRN-001", "AFTER-1"}
    assert stat.S_IMODE(result.kept_aside.stat().st_mode) == 0o600
    assert key_file(result.kept_aside).read_bytes() == key_file(db_path).read_bytes()
    assert not result.kept_aside.with_name(result.kept_aside.name + ".auditkey").exists()
    assert no_leftovers(db_path.parent) == []
    restored = make_engine(db_path)
    report = backups.verify(restored)
    assert report.ok, report.lines()
    restored.dispose()


CRASHED_WRITER = """
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("PRAGMA wal_autocheckpoint=0")
connection.execute("INSERT INTO clinicians (username, display_name, credentials, active, version, "
                   "created_at, updated_at, role, password_hash, failed_logins) VALUES "
                   "('wal.only', 'W', '', 1, 1, '2026-01-01', '2026-01-01', 'clinician', '', 0)")
connection.commit()
os._exit(0)  # dies without closing: the committed row is only in the -wal file
"""


def test_committed_rows_left_in_the_wal_file_are_kept_aside(db_path, engine, clinic,
                                                            tmp_path) -> None:
    import subprocess
    import sys

    path = backup(clinic, to_dir=tmp_path / "b")
    engine.dispose()
    subprocess.run([sys.executable, "-c", CRASHED_WRITER, str(db_path)], check=True)
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    result = restore(path, target_db=db_path, **AS_ADMIN)
    assert not wal.exists() or wal.stat().st_size == 0
    with sqlite3.connect(result.kept_aside) as connection:
        names = {r[0] for r in connection.execute("SELECT username FROM clinicians")}
    connection.close()
    assert "wal.only" in names


def test_restore_into_an_empty_folder(clinic, tmp_path) -> None:
    from ptdesk.services.audit.key_admin import install_key_before_restore

    path = backup(clinic, to_dir=tmp_path / "b")
    target = tmp_path / "new-computer" / "ptdesk.db"
    # Restore never installs the key beside a backup: the new computer has none, so the
    # restore is refused with the command that installs it deliberately.
    with pytest.raises(RestoreRefusedError, match="ptdesk audit key install"):
        restore(path, target_db=target, **AS_ADMIN)
    install_key_before_restore(str(target), path.with_name(path.name + ".auditkey"))
    result = restore(path, target_db=target, **AS_ADMIN)
    assert result.kept_aside is None and mrns(target) == {"MRN-001"}
    engine = make_engine(target)
    assert backups.verify(engine).ok
    engine.dispose()


def test_an_older_backup_is_upgraded_after_restore(db_path, tmp_path) -> None:
    old = tmp_path / "old.db"
    engine = make_engine(old)
    upgrade(engine, "0002")
    engine.dispose()
    result = restore(old, target_db=db_path, **AS_ADMIN)
    assert result.revision == "0002"
    engine = make_engine(db_path)
    assert current_revision(engine) == known_head() and backups.verify(engine).ok
    engine.dispose()


def _refused(db_path: Path, engine, bad: Path, match: str) -> None:
    engine.dispose()
    before = digest(db_path)
    with pytest.raises(RestoreRefusedError, match=match):
        restore(bad, target_db=db_path, **AS_ADMIN)
    assert digest(db_path) == before
    assert no_leftovers(db_path.parent) == [] and no_leftovers(bad.parent) == []


def test_a_damaged_backup_is_refused(db_path, engine, clinic, tmp_path) -> None:
    path = backup(clinic, to_dir=tmp_path / "b")
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, len(data) - 4096, 4096):  # scribble over page contents
        data[offset + 200:offset + 260] = b"\xff" * 60
    path.write_bytes(bytes(data))
    _refused(db_path, engine, path, "not restored")


def test_a_file_that_is_not_a_database_is_refused(db_path, engine, tmp_path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("hello " * 1000)
    _refused(db_path, engine, bad, "not a readable database")


def test_a_backup_from_a_newer_pt_desk_is_refused(db_path, engine, clinic, tmp_path) -> None:
    path = backup(clinic, to_dir=tmp_path / "b")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    _refused(db_path, engine, path, "newer PT Desk")


def tamper(path: Path, statement: str) -> None:
    """Edit a backup behind its triggers, then put the triggers back as they were."""
    with sqlite3.connect(path) as connection:
        saved = connection.execute("SELECT name, sql FROM sqlite_master "
                                   "WHERE type = 'trigger'").fetchall()
        for name, _sql in saved:
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute(statement)
        for _name, sql in saved:
            connection.execute(sql)
    connection.close()


def test_a_backup_with_a_tampered_audit_log_is_refused(db_path, engine, clinic, tmp_path) -> None:
    path = backup(clinic, to_dir=tmp_path / "b")
    tamper(path, "DELETE FROM audit_log WHERE id = 2")
    _refused(db_path, engine, path, "Audit log chain")


def test_a_backup_with_an_edited_signed_note_is_refused(db_path, engine, clinic, tmp_path) -> None:
    path = backup(clinic, to_dir=tmp_path / "b")
    tamper(path, "UPDATE knee_exams SET notes = 'forged'")
    _refused(db_path, engine, path, "changed after it was signed")


def test_a_backup_without_its_key_and_another_clinics_key_is_refused(
    db_path, engine, clinic, tmp_path,
) -> None:
    path = backup(clinic, to_dir=tmp_path / "b")
    path.with_name(path.name + ".auditkey").unlink()
    key_file(db_path).write_text("ab" * 32 + "\n")
    _refused(db_path, engine, path, "Audit log chain")


def test_restore_refuses_while_the_database_is_open(db_path, engine, clinic, tmp_path) -> None:
    path = backup(clinic, to_dir=tmp_path / "b")
    make_patient(clinic, mrn="OPEN-1")  # the engine's pooled connection stays open
    with pytest.raises(BackupError, match="in use"):
        restore(path, target_db=db_path, **AS_ADMIN)
    assert "OPEN-1" in mrns(db_path) and no_leftovers(db_path.parent) == []


def test_a_failed_swap_leaves_the_current_database_and_key_whole(
    db_path, engine, clinic, tmp_path, monkeypatch,
) -> None:
    # A backup of another clinic, so the swap would also replace the audit key.
    other_engine = make_engine(tmp_path / "other" / "other.db")
    upgrade(other_engine)
    path = backup(make_session_factory(other_engine), to_dir=tmp_path / "b")
    other_engine.dispose()
    make_patient(clinic, mrn="KEEP-1")
    engine.dispose()
    key = key_file(db_path)
    key_before = key.read_text()
    real_replace = backups.os.replace

    def failing_replace(src, dst):
        if Path(dst) == db_path:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(backups.os, "replace", failing_replace)
    with pytest.raises(OSError):
        restore(path, target_db=db_path, **AS_ADMIN)
    monkeypatch.undo()
    assert "KEEP-1" in mrns(db_path) and key.read_text() == key_before
    assert no_leftovers(db_path.parent) == []
    assert not list(db_path.parent.glob("*before-restore*"))
    check = make_engine(db_path)
    assert backups.verify(check).ok
    check.dispose()



def test_audit_csv_never_replaces_a_device_or_a_foreign_file(db_path, engine, clinic, tmp_path,
                                                             monkeypatch, capsys) -> None:
    # Issue 16 item 1: `audit report --csv /dev/full` replaced the device with a regular file.
    from tests.integration.test_cli_files import private_device

    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    base = ["--as", STAFF_ADMIN, "audit", "report", "--db", str(db_path), "--csv"]
    null, full = private_device(tmp_path, "null"), private_device(tmp_path, "full")
    assert run_cli(monkeypatch, [*base, str(null)]) == 0
    assert stat.S_ISCHR(null.stat().st_mode)
    capsys.readouterr()
    assert run_cli(monkeypatch, [*base, str(full)]) == 1
    err = capsys.readouterr().err
    assert "disk is full" in err and "Traceback" not in err and err.count("\n") == 1
    assert stat.S_ISCHR(full.stat().st_mode)
    notes = tmp_path / "notes.txt"
    notes.write_text("not an audit export")
    assert run_cli(monkeypatch, [*base, str(notes)]) == 2
    assert notes.read_text() == "not an audit export"
    export = tmp_path / "audit.csv"
    assert run_cli(monkeypatch, [*base, str(export)]) == 0
    assert run_cli(monkeypatch, [*base, str(export)]) == 0  # an earlier export is replaced
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    engine.dispose()

def test_cli_backup_verify_restore_and_audit(db_path, engine, clinic, tmp_path, monkeypatch,
                                             capsys) -> None:
    db = str(db_path)
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)  # the CLI signs in once the clinic is set up
    assert run_cli(monkeypatch, ["--as", STAFF_ADMIN, "backup", "--db", db, "--to", str(tmp_path / "b")]) == 0
    path = Path(capsys.readouterr().out.split("Backup written: ")[1].strip())
    assert path.exists()
    assert run_cli(monkeypatch, ["verify", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "OK    Audit log chain" in out and "Everything checks out." in out
    assert run_cli(monkeypatch, ["audit", "verify", "--db", db]) == 0
    report_file = tmp_path / "audit.csv"
    assert run_cli(monkeypatch, ["--as", STAFF_ADMIN, "audit", "report", "--db", db, "--patient",
                                 "MRN-001", "--csv", str(report_file)]) == 0
    rows = list(csv.DictReader(report_file.open(encoding="utf-8")))
    assert {r["patient_mrn"] for r in rows} == {"MRN-001"} and len(rows) >= 4
    assert stat.S_IMODE(report_file.stat().st_mode) == 0o600
    assert run_cli(monkeypatch, ["--as", STAFF_ASSISTANT, "audit", "report", "--db", db]) == 1
    assert run_cli(monkeypatch, ["--as", STAFF_ADMIN, "audit", "report", "--db", db,
                                 "--from", "yesterday"]) == 2
    engine.dispose()
    assert run_cli(monkeypatch, ["--as", STAFF_ADMIN, "restore", str(path), "--db", db]) == 0
    assert "kept as" in capsys.readouterr().out
    drop_triggers(engine, "trg_audit_log_%")
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET summary = 'x' WHERE id = 3"))
    engine.dispose()
    capsys.readouterr()
    assert run_cli(monkeypatch, ["verify", "--db", db]) == 1
    captured = capsys.readouterr()
    assert "FAIL  Audit log chain" in captured.out and "Entry 3 was changed" in captured.out
    assert "failed 1 check" in captured.err and "Traceback" not in captured.err
    assert run_cli(monkeypatch, ["audit", "verify", "--db", db]) == 1
    assert run_cli(monkeypatch, ["restore", str(tmp_path / "missing.db"), "--db", db]) == 2


# ---- the daily backup offered on close: any role, the clinic's folder only ------------------

STORED = pytest.mark.skipif(
    not clinic_settings.BACKUP_SETTINGS_STORED,
    reason="needs columns clinic_settings.backup_on_close and backup_folder (new revision)")


def test_an_assistant_takes_the_daily_backup_into_the_clinic_folder_only(db_path, clinic,
                                                                         tmp_path) -> None:
    path = backup(clinic, actor=ASSISTANT, daily=True)
    assert path.parent == backups.default_folder(clinic) == backups.backup_folder(clinic)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # No key beside it (the data folder's own backups folder): checked with the clinic's.
    assert not path.with_name(path.name + ".auditkey").exists()
    copy = make_engine(path)
    assert check_database(copy, key=read_key_file(key_file(db_path)), anchor=False).ok
    copy.dispose()
    last = audit_entries(clinic)[-1]
    assert (last.actor, last.action, last.record_type) == (ASSISTANT, "backup", "database")
    assert last.summary == f"daily backup written: {path.name}"
    usb = tmp_path / "usb"
    for call in (lambda: backup(clinic, actor=ASSISTANT),
                 lambda: backup(clinic, to_dir=usb, actor=ASSISTANT),
                 lambda: backup(clinic, to_dir=usb, actor=CLINICIAN)):
        with pytest.raises(PermissionDeniedError, match="cannot back up the clinic database"):
            call()
    # The daily backup never takes a caller's folder or keep count (keep=1 would prune).
    for kwargs in ({"to_dir": usb}, {"keep": 1}):
        with pytest.raises(ValueError, match="clinic's backup folder"):
            backup(clinic, actor=ASSISTANT, daily=True, **kwargs)  # type: ignore[arg-type]
    assert not usb.exists()
    assert list_backups(path.parent, db_path.stem) == [path]


def test_the_daily_backup_keeps_the_clinic_setting_of_n(db_path, clinic) -> None:
    with transaction(clinic) as session:
        if session.get(ClinicSettings, 1) is None:
            session.add(ClinicSettings(id=1))
            session.flush()
        session.execute(update(ClinicSettings).values(backups_kept=2))
    made = [backup(clinic, actor=CLINICIAN, daily=True) for _ in range(4)]
    assert list_backups(db_path.parent / "backups", db_path.stem) == made[-2:]
    assert backups.last_backup_at(clinic) is not None


def test_backup_folder_check(tmp_path) -> None:
    from ptdesk.domain.errors import ValidationError

    check = clinic_settings.check_backup_folder
    assert check("") is None and check("   ") is None  # the default folder
    assert check(str(tmp_path)) == tmp_path
    later = tmp_path / "not" / "yet"
    assert check(str(later)) == later and not later.exists()  # creatable: nothing made yet
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    for typed, message in (("backups", "whole path"), (str(a_file), "is a file, not a folder"),
                           (str(a_file / "inside"), "cannot be created there"),
                           (str(tmp_path) + "\x07", "control character")):
        with pytest.raises(ValidationError, match=message) as info:
            check(typed)
        assert info.value.field == "backup_folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no probe left behind


def test_only_an_administrator_chooses_the_backup_folder(db_path, clinic, tmp_path) -> None:
    for actor in (CLINICIAN, ASSISTANT):
        with pytest.raises(PermissionDeniedError, match="cannot change the clinic settings"):
            clinic_settings.set_backup_settings(clinic, actor=actor, offer_on_close=False,
                                                folder=str(tmp_path / "elsewhere"))
    assert clinic_settings.get_backup_settings(clinic) == clinic_settings.BackupSettings(True, "")
    assert not (tmp_path / "elsewhere").exists()


@STORED
def test_the_daily_backup_goes_to_the_folder_an_administrator_chose(db_path, clinic,
                                                                    tmp_path) -> None:
    chosen = tmp_path / "nas" / "pt-desk"
    saved = clinic_settings.set_backup_settings(clinic, actor=ADMIN, offer_on_close=False,
                                                folder=str(chosen))
    assert saved == clinic_settings.BackupSettings(False, str(chosen))
    assert clinic_settings.get_backup_settings(clinic) == saved
    assert audit_entries(clinic, user=ADMIN)[-1].summary == \
        f"daily backup offer off; backup folder: {chosen}"
    assert backups.backup_folder(clinic) == chosen
    path = backup(clinic, actor=ASSISTANT, daily=True)
    assert path.parent == chosen and stat.S_IMODE(chosen.stat().st_mode) == 0o700
    assert backups.last_backup_at(clinic) is not None
    assert not (db_path.parent / "backups").exists()
    assert backup(clinic, actor=ADMIN).parent == chosen  # `ptdesk backup` without --to too
