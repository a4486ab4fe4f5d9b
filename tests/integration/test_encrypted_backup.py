"""An encrypted clinic's backups: encrypted, carrying their key slots and the audit key sealed;
restored into an empty folder (a lost laptop) with an administrator's password or the
recovery key, never with anyone else's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ptdesk.cli import main
from ptdesk.services.audit.key import key_path_for_url
from ptdesk.services.keys.backup_keys import SEALED_AUDIT_KEY_SUFFIX
from ptdesk.services.patients import PatientInput, create_patient, search_patients
from tests.helpers.clinic_files import open_clinic_file

ADMIN_PW = "lantern orchard velvet 42"
SAM_PW = "copper meadow whistle 17"
NAME, MRN = "Quillonbey", "QX-730412"


@pytest.fixture(autouse=True)
def no_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PTDESK_PASSWORD", "PTDESK_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("ptdesk.commands.acting.stdin_is_terminal", lambda: False)


def _audit_key_file(db: Path) -> Path:
    found = key_path_for_url("sqlite:///" + str(db.resolve()))
    assert found is not None and found.exists()
    return found


def _secret(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


@pytest.fixture
def backup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(the clinic, its backup, the recovery key file)."""
    db = tmp_path / "laptop" / "ptdesk.db"
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    admin = _secret(secrets_dir, "admin.pw", ADMIN_PW)
    recovery = secrets_dir / "recovery.txt"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["setup", "--db", str(db), "--clinic", "Hill PT", "--admin", "pat",
                 "--password-file", admin, "--recovery-key-file", str(recovery)]) == 0
    assert main(["--as", "pat", "--password-file", admin, "users", "add", "sam", "--role",
                 "clinician", "--new-password-file", _secret(secrets_dir, "s.pw", SAM_PW),
                 "--db", str(db)]) == 0
    engine, sf = open_clinic_file(db, SAM_PW)
    create_patient(sf, actor="sam", data=PatientInput(
        mrn=MRN, first_name="Ottoline", last_name=NAME, date_of_birth=date(1988, 3, 14)))
    engine.dispose()
    to = tmp_path / "usb"
    assert main(["--as", "pat", "--password-file", admin, "backup", "--db", str(db), "--to",
                 str(to)]) == 0
    [made] = sorted(to.glob("*.db"))
    return db, made, recovery


def test_backup_is_encrypted_and_carries_its_keys_sealed(backup: tuple[Path, Path, Path]) -> None:
    db, made, _recovery = backup
    audit_key = _audit_key_file(db).read_bytes().strip()
    beside = sorted(p.name for p in made.parent.iterdir())
    assert made.name + ".keys" in beside and made.name + SEALED_AUDIT_KEY_SUFFIX in beside
    assert made.name + ".auditkey" not in beside  # never in clear
    for path in made.parent.iterdir():
        data = path.read_bytes()
        assert NAME.encode() not in data and MRN.encode() not in data, path.name
        assert audit_key not in data, path.name
    assert not made.read_bytes().startswith(b"SQLite format 3")


@pytest.mark.parametrize("how", ["admin password", "recovery key"])
def test_restore_into_an_empty_folder(backup: tuple[Path, Path, Path], tmp_path: Path,
                                      how: str, capsys) -> None:
    db, made, recovery = backup
    secret = ADMIN_PW if how == "admin password" else recovery.read_text().splitlines()[1]
    new = tmp_path / "new-laptop" / "ptdesk.db"
    capsys.readouterr()
    assert main(["restore", str(made), "--db", str(new), "--password-file",
                 _secret(tmp_path, "x.pw", secret)]) == 0
    assert "Restored" in capsys.readouterr().out
    assert _audit_key_file(new).read_bytes() == _audit_key_file(db).read_bytes()
    engine, sf = open_clinic_file(new, SAM_PW)  # every account's password still opens it
    try:
        assert [p.mrn for p in search_patients(sf, NAME, actor="sam")] == [MRN]
    finally:
        engine.dispose()
    assert main(["--as", "pat", "--password-file", _secret(tmp_path, "a.pw", ADMIN_PW),
                 "verify", "--db", str(new)]) == 0


def test_restore_refuses_wrong_secrets_and_places_in_use(backup: tuple[Path, Path, Path],
                                                        tmp_path: Path, capsys) -> None:
    _db, made, _recovery = backup
    new = tmp_path / "new-laptop" / "ptdesk.db"
    for secret in ("not the password at all", SAM_PW):  # wrong; not an administrator's
        capsys.readouterr()
        assert main(["restore", str(made), "--db", str(new), "--password-file",
                     _secret(tmp_path, "x.pw", secret)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "nothing was restored" in err
        assert not new.exists() and not any(new.parent.iterdir())
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    assert main(["restore", str(made), "--db", str(busy / "ptdesk.db"), "--password-file",
                 _secret(tmp_path, "a.pw", ADMIN_PW)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
