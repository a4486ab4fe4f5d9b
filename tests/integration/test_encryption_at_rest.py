"""A new clinic is encrypted from its first start: nothing readable in its files; passwords unlock it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ptdesk.cli import main
from ptdesk.db.engine import key_file_path
from ptdesk.services.keys import keyfile as kf
from ptdesk.services.patients import PatientInput, create_patient
from tests.helpers.clinic_files import open_clinic_file

ADMIN_PW = "lantern orchard velvet 42"
SAM_PW = "copper meadow whistle 17"
SAM_NEW_PW = "granite harbor pickle 88"
# A patient nobody else has: none of these may appear in any file PT Desk writes.
NAME, MRN, PHONE = "Quillonbey", "QX-730412", "555-0187-4432"


@pytest.fixture(autouse=True)
def no_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTDESK_PASSWORD", raising=False)
    monkeypatch.delenv("PTDESK_NEW_PASSWORD", raising=False)
    monkeypatch.setattr("ptdesk.commands.acting.stdin_is_terminal", lambda: False)


def _secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    """`ptdesk init` + `ptdesk setup` on a new path, then clinician sam added."""
    db = tmp_path / "clinic" / "ptdesk.db"
    admin = _secret(tmp_path, "admin.pw", ADMIN_PW)
    assert main(["init", "--db", str(db)]) == 0
    assert main(["setup", "--db", str(db), "--clinic", "Hill PT", "--admin", "pat",
                 "--password-file", admin]) == 0
    assert main(["--as", "pat", "--password-file", admin, "users", "add", "sam", "--role",
                 "clinician", "--new-password-file", _secret(tmp_path, "sam.pw", SAM_PW),
                 "--db", str(db)]) == 0
    return db


def _scan(paths: list[Path]) -> None:
    assert paths
    for path in paths:
        data = path.read_bytes()
        for secret in (NAME, MRN, PHONE):
            for encoded in (secret.encode("utf-8"), secret.encode("utf-16-le")):
                assert encoded not in data, f"{secret!r} readable in {path.name}"


def test_database_wal_keys_and_backups_reveal_no_patient(clinic: Path, tmp_path: Path,
                                                         capsys) -> None:
    engine, sf = open_clinic_file(clinic, ADMIN_PW)
    try:
        create_patient(sf, actor="sam", data=PatientInput(
            mrn=MRN, first_name="Ottoline", last_name=NAME, date_of_birth=date(1988, 3, 14),
            phone=PHONE))
        wal = clinic.with_name(clinic.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the new rows are in the WAL now
        _scan([clinic, wal, key_file_path(clinic)])
    finally:
        engine.dispose()
    assert not clinic.read_bytes().startswith(b"SQLite format 3")
    backups = tmp_path / "backups"
    assert main(["--as", "pat", "--password-file", _secret(tmp_path, "a.pw", ADMIN_PW),
                 "backup", "--db", str(clinic), "--to", str(backups)]) == 0
    written = [p for p in backups.iterdir() if p.is_file()]
    _scan([clinic, *written])
    # ... and the patient is really there, for someone with a password.
    capsys.readouterr()
    assert main(["--as", "sam", "--password-file", _secret(tmp_path, "s.pw", SAM_PW),
                 "patients", "--db", str(clinic), "--search", NAME]) == 0
    assert MRN in capsys.readouterr().out


def test_key_file_is_owner_only_and_names_nobody(clinic: Path) -> None:
    keys = key_file_path(clinic)
    assert keys.stat().st_mode & 0o077 == 0
    text = keys.read_text()
    assert "pat" not in text and "sam" not in text
    slots = kf.read(keys).slots
    # provisional gone; one slot per account and the recovery key's
    assert sorted(s.kind for s in slots) == [kf.KIND_ACCOUNT, kf.KIND_ACCOUNT, kf.KIND_RECOVERY]


def test_wrong_missing_and_changed_passwords(clinic: Path, tmp_path: Path, capsys) -> None:
    db = ["--db", str(clinic)]
    capsys.readouterr()
    assert main(["--as", "sam", "--password-file", _secret(tmp_path, "w.pw", "not it at all"),
                 "patients", *db]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not right" in err
    assert main(["--as", "sam", "patients", *db]) == 2  # no password anywhere: never waits
    assert "password" in capsys.readouterr().err
    # sam changes the password: the old one opens nothing, the new one does.
    assert main(["--as", "sam", "--password-file", _secret(tmp_path, "s.pw", SAM_PW),
                 "users", "password", "sam", "--new-password-file",
                 _secret(tmp_path, "n.pw", SAM_NEW_PW), *db]) == 0
    assert main(["--as", "sam", "--password-file", _secret(tmp_path, "s.pw", SAM_PW),
                 "patients", *db]) == 1
    assert main(["--as", "sam", "--password-file", _secret(tmp_path, "n.pw", SAM_NEW_PW),
                 "patients", *db]) == 0
    # A right password for another account does not let a user sign in as sam.
    assert main(["--as", "sam", "--password-file", _secret(tmp_path, "a.pw", ADMIN_PW),
                 "patients", *db]) == 1


def test_demo_clinic_is_encrypted_and_opens_without_a_password(tmp_path: Path,
                                                                capsys) -> None:
    db = tmp_path / "demo.db"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["demo", "--db", str(db), "--patients", "0"]) == 0
    _scan([db])
    assert b"DEMO-0001" not in db.read_bytes()
    assert [s.kind for s in kf.read(key_file_path(db)).slots] == [kf.KIND_DEMO]
    capsys.readouterr()
    assert main(["patients", "--db", str(db)]) == 0
    assert "DEMO-0001" in capsys.readouterr().out


def test_an_existing_plaintext_clinic_opens_as_before(sqlite_template: Path,
                                                      tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "old.db"
    shutil.copyfile(sqlite_template, db)
    assert main(["init", "--db", str(db)]) == 0
    assert db.read_bytes().startswith(b"SQLite format 3")
    assert not key_file_path(db).exists()
    assert main(["patients", "--db", str(db)]) == 0
