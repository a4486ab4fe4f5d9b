"""An encrypted clinic's backups: encrypted, carrying their key slots and the audit key sealed;
restored into an empty folder (a lost laptop) with an administrator's password or the
recovery key, never with anyone else's."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptdesk.cli import main
from ptdesk.services.audit.key import key_path_for_url
from ptdesk.services.keys.backup_keys import SEALED_AUDIT_KEY_SUFFIX
from ptdesk.services.patients import search_patients
from tests.helpers.clinic_files import open_clinic_file
from tests.helpers.encrypted_clinic import (
    ADMIN_PW,
    MRN,
    NAME,
    SAM_PW,
    make_encrypted_clinic,
    no_password_sources,
    secret_file,
)


@pytest.fixture(autouse=True)
def no_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    no_password_sources(monkeypatch)


def _audit_key_file(db: Path) -> Path:
    found = key_path_for_url("sqlite:///" + str(db.resolve()))
    assert found is not None and found.exists()
    return found


def _secret(folder: Path, name: str, text: str) -> str:
    return secret_file(folder, name, text)


@pytest.fixture
def backup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(the clinic, its backup, the recovery key file)."""
    clinic = make_encrypted_clinic(tmp_path)
    return clinic.db, clinic.backup, clinic.recovery


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
