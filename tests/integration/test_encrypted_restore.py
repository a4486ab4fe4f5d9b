"""Restoring an encrypted clinic's backup over the clinic in use: the administrator of the current
database signs in, the backup is checked on a staging copy, the database and its key file are
kept aside and swapped so that a failure or a kill at any step leaves a clinic that opens;
another clinic's backup, and plaintext/encrypted mix-ups, are refused with nothing changed."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from ptdesk.cli import main
from ptdesk.db.models import AuditEntry, Clinician, Patient
from ptdesk.services.backup import backups
from ptdesk.services.backup.restore_encrypted import KILL_ENV, STEPS
from ptdesk.services.keys import keyfile as kf
from ptdesk.services.keys.clinic_key import open_clinic, unlock_with_recovery_key
from ptdesk.services.patients import PatientInput, create_patient, find_by_mrn
from ptdesk.services.runlogs import delete_run, list_runs, log_run
from ptdesk.services.uow import transaction
from tests.factories import ADMIN, PASSWORD
from tests.helpers.clinic_files import open_clinic_file
from tests.helpers.encrypted_clinic import (
    ADMIN_PW,
    MRN,
    SAM_PW,
    EncryptedClinic,
    make_encrypted_clinic,
    no_password_sources,
    read_recovery_key,
    take_backup,
)

pytestmark = pytest.mark.sqlite_only  # encrypted clinic files
LATER = "LATER-1"


@pytest.fixture(autouse=True)
def no_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    no_password_sources(monkeypatch)


@pytest.fixture
def clinic(tmp_path: Path) -> EncryptedClinic:
    return make_encrypted_clinic(tmp_path)


def _mrns(db: Path, password: str = ADMIN_PW) -> set[str]:
    engine, sf = open_clinic_file(db, password)
    try:
        with transaction(sf) as session:
            return set(session.scalars(select(Patient.mrn)))
    finally:
        engine.dispose()


def _add_later_patient(db: Path) -> None:
    engine, sf = open_clinic_file(db, SAM_PW)
    create_patient(sf, actor="sam", data=PatientInput(
        mrn=LATER, first_name="Later", last_name="Addedafter", date_of_birth=date(1990, 1, 2)))
    engine.dispose()


def _files(db: Path) -> tuple[str, str]:
    """The clinic's database and key file, byte for byte."""
    return tuple(hashlib.sha256(path.read_bytes()).hexdigest()  # type: ignore[return-value]
                 for path in (db, db.with_name(db.name + ".keys")))


def _restore(clinic: EncryptedClinic, password: str | None, *, backup: Path | None = None,
             actor: str = "pat") -> int:
    argv = ["--as", actor]
    if password is not None:
        argv += ["--password-file", clinic.password_file(password, "restore.pw")]
    return main([*argv, "restore", str(backup or clinic.backup), "--db", str(clinic.db)])


def _database_key(keys: Path, password: str) -> bytes:
    found = kf.read(keys)
    opened = {kf.unwrap(found.clinic, s, password) for s in found.slots} - {None}
    assert len(opened) == 1
    key = opened.pop()
    assert key is not None
    return key


def test_restore_over_the_clinic_in_use(clinic: EncryptedClinic, capsys) -> None:
    engine, sf = open_clinic_file(clinic.db, SAM_PW)
    patient = find_by_mrn(sf, MRN, actor="sam")
    run = log_run(sf, actor="sam", patient_id=patient.id, run_date=date(2026, 10, 10),
                  amount=20, kind="continuous", pain_during=2, next_morning="same",
                  today=date(2026, 10, 11), measure="minutes")
    engine.dispose()
    made = take_backup(clinic.db, clinic.backup.parent, clinic.password_file(ADMIN_PW))
    engine, sf = open_clinic_file(clinic.db, SAM_PW)
    delete_run(sf, actor="sam", run_id=run.id)  # a mistake after the backup
    engine.dispose()
    _add_later_patient(clinic.db)
    capsys.readouterr()

    assert _restore(clinic, ADMIN_PW, backup=made) == 0
    out = capsys.readouterr().out
    assert "kept as" in out and "Restored" in out
    assert _mrns(clinic.db) == {MRN}  # the patient added after the backup is gone
    engine, sf = open_clinic_file(clinic.db, ADMIN_PW)  # the administrator signs in
    try:
        assert [r.id for r in list_runs(sf, actor="pat", patient_id=patient.id)] == [run.id]
        with transaction(sf) as session:
            last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
            assert last is not None and last.action == "restore"
            assert last.summary == f"restored from backup {made.name}" and last.actor == "pat"
    finally:
        engine.dispose()
    # The clinic as it was is kept aside with its own key file, and still opens.
    [aside] = [p for p in clinic.db.parent.glob("ptdesk.db.before-restore-*")
               if not p.name.endswith(".keys")]
    assert aside.with_name(aside.name + ".keys").exists()
    assert _mrns(aside) == {MRN, LATER}
    assert main(["--as", "pat", "--password-file", clinic.password_file(ADMIN_PW),
                 "verify", "--db", str(clinic.db)]) == 0
    assert not list(clinic.db.parent.glob(".ptdesk.db.restore-*"))  # no staging copy left


@pytest.mark.parametrize(("actor", "password"), [
    ("pat", "not the password at all"),  # wrong
    ("sam", SAM_PW),  # a clinician's own password
    ("pat", SAM_PW),  # a clinician's password under the administrator's name
])
def test_only_an_administrator_of_the_current_clinic_restores(
        clinic: EncryptedClinic, actor: str, password: str, capsys) -> None:
    _add_later_patient(clinic.db)
    before = _files(clinic.db)
    capsys.readouterr()
    assert _restore(clinic, password, actor=actor) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "password is not right" in err
    assert _files(clinic.db) == before
    assert _mrns(clinic.db) == {MRN, LATER}


def test_another_clinics_backup_is_refused_before_any_password(
        clinic: EncryptedClinic, tmp_path: Path, capsys) -> None:
    other = make_encrypted_clinic(tmp_path / "valley", clinic="Valley PT")
    before = _files(clinic.db)
    for password in (None, ADMIN_PW):  # refused before a password is even asked
        capsys.readouterr()
        assert _restore(clinic, password, backup=other.backup) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert "is another clinic's backup" in err and "--db NEW_PATH" in err
        assert _files(clinic.db) == before
    assert not list(clinic.db.parent.glob("*before-restore*"))
    # On its own, into an empty folder, it opens as before.
    new = tmp_path / "look" / "ptdesk.db"
    assert main(["restore", str(other.backup), "--db", str(new), "--password-file",
                 clinic.password_file(ADMIN_PW)]) == 0


def test_plaintext_and_encrypted_are_never_mixed(clinic: EncryptedClinic, db_path: Path,
                                                 engine, session_factory, tmp_path: Path,
                                                 capsys) -> None:
    plain_backup = backups.backup(session_factory, to_dir=tmp_path / "plain-backups")
    engine.dispose()
    # A plaintext backup over the encrypted clinic would leave its records unencrypted.
    before = _files(clinic.db)
    capsys.readouterr()
    assert _restore(clinic, ADMIN_PW, backup=plain_backup) == 1
    err = capsys.readouterr().err
    assert "is not an encrypted backup, and this clinic is encrypted" in err
    assert _files(clinic.db) == before
    # An encrypted clinic's backup over a plaintext clinic.
    plain_before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    assert main(["--as", ADMIN, "--password-file", clinic.password_file(PASSWORD), "restore",
                 str(clinic.backup), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "is not encrypted, so it is not this clinic's backup" in err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == plain_before


def test_a_backup_from_before_a_re_key_restores_with_the_then_password(
        clinic: EncryptedClinic) -> None:
    keys = clinic.db.with_name(clinic.db.name + ".keys")
    backup_key = _database_key(keys, ADMIN_PW)
    assert main(["--as", "pat", "--password-file", clinic.password_file(ADMIN_PW), "users",
                 "deactivate", "sam", "--db", str(clinic.db)]) == 0
    assert _database_key(keys, ADMIN_PW) != backup_key  # re-keyed: sam's slot opens nothing
    assert _restore(clinic, ADMIN_PW) == 0
    assert _database_key(keys, ADMIN_PW) == backup_key  # the backup's key and slots
    assert _mrns(clinic.db, SAM_PW) == {MRN}  # sam is back, as in the backup
    engine, sf = open_clinic_file(clinic.db, ADMIN_PW)
    with transaction(sf) as session:
        assert session.scalar(select(Clinician.active).where(Clinician.username == "sam"))
    engine.dispose()


def test_the_current_recovery_key_opens_the_restored_clinic(clinic: EncryptedClinic,
                                                            tmp_path: Path) -> None:
    old_recovery = clinic.recovery_key()
    new_file = tmp_path / "new-recovery.txt"
    assert main(["--as", "pat", "--password-file", clinic.password_file(ADMIN_PW),
                 "recovery-key", "--db", str(clinic.db), "--recovery-key-file",
                 str(new_file)]) == 0
    assert _restore(clinic, ADMIN_PW) == 0
    for key, opens in ((read_recovery_key(new_file), True), (old_recovery, False)):
        engine = open_clinic(clinic.db)
        try:
            assert unlock_with_recovery_key(engine, key) is opens
        finally:
            engine.dispose()


def test_a_failure_between_the_key_file_and_the_database_changes_nothing(
        clinic: EncryptedClinic, monkeypatch: pytest.MonkeyPatch) -> None:
    _add_later_patient(clinic.db)
    before = _files(clinic.db)
    real = os.replace

    def fail_on_the_database(src, dst, *args, **kwargs):
        if Path(dst) == clinic.db:  # after the key file took both sets of slots
            raise OSError(28, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", fail_on_the_database)
    with pytest.raises(OSError):
        backups.restore(clinic.backup, target_db=clinic.db, actor="pat", password=ADMIN_PW)
    monkeypatch.undo()
    # The key file put back byte for byte; the database only had its -wal folded in.
    assert _files(clinic.db)[1] == before[1]
    assert _mrns(clinic.db) == {MRN, LATER}  # opens with the old password
    assert not list(clinic.db.parent.glob("*before-restore*"))


def test_a_failure_after_the_database_moved_leaves_the_restored_clinic_opening(
        clinic: EncryptedClinic, monkeypatch: pytest.MonkeyPatch) -> None:
    _add_later_patient(clinic.db)
    keys = clinic.db.with_name(clinic.db.name + ".keys")
    real = os.replace
    calls: list[Path] = []

    def fail_on_the_last_key_write(src, dst, *args, **kwargs):
        if Path(dst) == keys:
            calls.append(Path(dst))
            if len(calls) == 2:  # the final key file, after the database moved
                raise OSError(28, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", fail_on_the_last_key_write)
    with pytest.raises(backups.RestoredWithProblemsError, match="ptdesk verify"):
        backups.restore(clinic.backup, target_db=clinic.db, actor="pat", password=ADMIN_PW)
    monkeypatch.undo()
    assert _mrns(clinic.db) == {MRN}


@pytest.mark.slow
def test_a_kill_at_any_step_leaves_a_clinic_that_opens(clinic: EncryptedClinic) -> None:
    _add_later_patient(clinic.db)
    seen = set()
    for point in STEPS:
        if _mrns(clinic.db) == {MRN}:  # restored by the last run: back to "in use"
            _add_later_patient(clinic.db)
        env = {**os.environ, KILL_ENV: point}
        env.pop("PTDESK_PASSWORD", None)
        done = subprocess.run(
            [sys.executable, "-m", "ptdesk", "--as", "pat", "--password-file",
             clinic.password_file(ADMIN_PW), "restore", str(clinic.backup), "--db",
             str(clinic.db)],
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        assert done.returncode == -signal.SIGKILL, (point, done.stderr)
        found = _mrns(clinic.db)  # opens with the administrator's password
        assert found in ({MRN, LATER}, {MRN}), point
        seen.add((point, frozenset(found)))
    assert {point for point, found in seen if found == {MRN}} == {"swapped", "keys-final"}
    # A restore run again afterwards completes, and leaves no staging copy.
    assert _restore(clinic, ADMIN_PW) == 0
    assert _mrns(clinic.db) == {MRN}
    assert not list(clinic.db.parent.glob(".ptdesk.db.restore-*"))


def test_verify_reports_another_clinics_backup_in_the_backup_folder(
        clinic: EncryptedClinic, tmp_path: Path, capsys) -> None:
    admin = clinic.password_file(ADMIN_PW)
    assert main(["--as", "pat", "--password-file", admin, "backup", "--db",
                 str(clinic.db)]) == 0  # into the clinic's own backup folder
    assert main(["--as", "pat", "--password-file", admin, "verify", "--db",
                 str(clinic.db)]) == 0
    folder = clinic.db.parent / "backups"
    other = make_encrypted_clinic(tmp_path / "valley", clinic="Valley PT",
                                  backup_to=tmp_path / "valley-usb")
    # Someone copies the other clinic's backup in under this clinic's backup name pattern.
    newest = folder / f"ptdesk-{'9' * 8}-000000-000000.db"
    for src, dst in ((other.backup, newest),
                     *((other.backup.with_name(other.backup.name + s),
                        newest.with_name(newest.name + s))
                       for s in (".keys", ".manifest", ".auditkey.sealed"))):
        dst.write_bytes(src.read_bytes())
    capsys.readouterr()
    assert main(["--as", "pat", "--password-file", admin, "verify", "--db",
                 str(clinic.db)]) == 1
    out = capsys.readouterr().out
    assert f"backup {newest.name} in the backup folder is another clinic's backup" in out
    assert "no longer reaches" not in out


def test_verify_of_another_clinics_file_says_it_is_not_this_clinics(
        clinic: EncryptedClinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys) -> None:
    other = make_encrypted_clinic(tmp_path / "valley", clinic="Valley PT",
                                  admin_password="valley admin passphrase 9")
    monkeypatch.setenv("PTDESK_DB", str(clinic.db))  # this computer's clinic
    capsys.readouterr()
    assert main(["--as", "pat", "--password-file", clinic.password_file(ADMIN_PW), "verify",
                 "--db", str(other.backup)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"{other.backup.name} is not this clinic's" in err
    # A wrong password on this clinic's own file gets no such words.
    assert main(["--as", "pat", "--password-file", clinic.password_file("wrong one"),
                 "verify", "--db", str(clinic.backup)]) == 1
    assert "not this clinic's" not in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["key file gone", "database damaged"])
@pytest.mark.parametrize("who", ["administrator", "recovery key", "clinician"])
def test_a_clinic_that_cannot_be_read_takes_a_secret_from_the_backup(
        clinic: EncryptedClinic, damage: str, who: str, capsys) -> None:
    if damage == "key file gone":
        clinic.db.with_name(clinic.db.name + ".keys").unlink()
    else:
        clinic.db.write_bytes(os.urandom(clinic.db.stat().st_size))
    secret = {"administrator": ADMIN_PW, "recovery key": clinic.recovery_key(),
              "clinician": SAM_PW}[who]
    capsys.readouterr()
    code = _restore(clinic, secret)
    err = capsys.readouterr().err
    if who == "clinician":  # not an administrator of the backup
        assert code == 1 and "password is not right" in err
        assert not list(clinic.db.parent.glob("*before-restore*"))
        return
    assert code == 0, err
    assert _mrns(clinic.db) == {MRN}
    engine, sf = open_clinic_file(clinic.db, ADMIN_PW)
    with transaction(sf) as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and last.action == "restore"
        assert last.summary.endswith("with the clinic recovery key") is (who == "recovery key")
    engine.dispose()


def test_after_a_re_key_a_changed_password_is_told_what_opens_the_backup(
        clinic: EncryptedClinic, capsys) -> None:
    admin = clinic.password_file(ADMIN_PW)
    assert main(["--as", "pat", "--password-file", admin, "users", "deactivate", "sam",
                 "--db", str(clinic.db)]) == 0  # re-keyed since the backup
    new_pw = "a brand new admin passphrase 5"
    assert main(["--as", "pat", "--password-file", admin, "users", "password", "pat",
                 "--new-password-file", clinic.password_file(new_pw, "new.pw"), "--db",
                 str(clinic.db)]) == 0
    before = _files(clinic.db)
    capsys.readouterr()
    assert _restore(clinic, new_pw) == 1
    err = capsys.readouterr().err
    assert "was made before the clinic was re-keyed" in err and err.count("\n") == 1
    assert _files(clinic.db) == before


def test_a_password_newer_than_the_backup_restores_and_is_told_what_opens_it(
        clinic: EncryptedClinic, capsys) -> None:
    new_pw = "a brand new admin passphrase 5"
    assert main(["--as", "pat", "--password-file", clinic.password_file(ADMIN_PW), "users",
                 "password", "pat", "--new-password-file",
                 clinic.password_file(new_pw, "new.pw"), "--db", str(clinic.db)]) == 0
    capsys.readouterr()
    assert _restore(clinic, new_pw) == 0  # no re-key since: the clinic's key opens it
    assert "Your password does not open the restored clinic" in capsys.readouterr().out
    assert _mrns(clinic.db, ADMIN_PW) == {MRN}  # the password as it was in the backup


def test_restore_refuses_while_the_clinic_is_open(clinic: EncryptedClinic) -> None:
    engine, sf = open_clinic_file(clinic.db, SAM_PW)
    try:
        create_patient(sf, actor="sam", data=PatientInput(  # its pooled connection stays open
            mrn=LATER, first_name="Later", last_name="Addedafter",
            date_of_birth=date(1990, 1, 2)))
        keys_before = _files(clinic.db)[1]
        with pytest.raises(backups.BackupError, match="in use"):
            backups.restore(clinic.backup, target_db=clinic.db, actor="pat", password=ADMIN_PW)
    finally:
        engine.dispose()
    assert _files(clinic.db)[1] == keys_before
    assert _mrns(clinic.db) == {MRN, LATER}
    assert not list(clinic.db.parent.glob("*before-restore*"))
    assert not list(clinic.db.parent.glob(".ptdesk.db.restore-*"))
