"""The clinic recovery key: shown once at setup, replaced by an administrator, the way back in
when every password is forgotten; switching a user off re-keys the clinic."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from ptdesk.cli import main
from ptdesk.db.engine import database_key
from ptdesk.db.models import AuditEntry
from ptdesk.services.keys import clinic_key
from ptdesk.services.uow import transaction
from tests.helpers.clinic_files import open_clinic_file

ADMIN_PW = "lantern orchard velvet 42"
SAM_PW = "copper meadow whistle 17"
NEW_PW = "granite harbor pickle 88"


@pytest.fixture(autouse=True)
def no_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PTDESK_PASSWORD", "PTDESK_NEW_PASSWORD", "PTDESK_RECOVERY_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("ptdesk.commands.acting.stdin_is_terminal", lambda: False)


def _secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


@pytest.fixture
def clinic(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "ptdesk.db"
    key_file = tmp_path / "recovery.txt"
    admin = _secret(tmp_path, "admin.pw", ADMIN_PW)
    assert main(["init", "--db", str(db)]) == 0
    assert main(["setup", "--db", str(db), "--clinic", "Hill PT", "--admin", "pat",
                 "--password-file", admin, "--recovery-key-file", str(key_file)]) == 0
    assert main(["--as", "pat", "--password-file", admin, "users", "add", "sam", "--role",
                 "clinician", "--new-password-file", _secret(tmp_path, "sam.pw", SAM_PW),
                 "--db", str(db)]) == 0
    return db, key_file


def _opens(db: Path, secret: str) -> bool:
    engine = clinic_key.open_clinic(db)
    try:
        return clinic_key.unlock(engine, secret)
    finally:
        engine.dispose()


def _key_in(key_file: Path) -> str:
    return key_file.read_text().splitlines()[1]


def test_setup_shows_the_key_once_with_the_plain_warning(tmp_path: Path, capsys) -> None:
    db = tmp_path / "c.db"
    assert main(["init", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["setup", "--db", str(db), "--clinic", "Hill PT", "--admin", "pat",
                 "--password-file", _secret(tmp_path, "a.pw", ADMIN_PW)]) == 0
    out = capsys.readouterr().out
    assert "recovery key" in out and "gone for good" in out
    [line] = [x for x in out.splitlines() if x.startswith("    ")]
    assert _opens(db, line.strip())


def test_recovery_key_file_is_owner_only_and_opens_the_clinic(clinic: tuple[Path, Path]) -> None:
    db, key_file = clinic
    assert key_file.stat().st_mode & 0o077 == 0
    assert _opens(db, _key_in(key_file))
    assert _opens(db, _key_in(key_file).lower().replace("-", " "))  # as typed from paper
    assert not _opens(db, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GGGGG-HHHHH")


def test_every_password_forgotten_the_recovery_key_lets_the_admin_back_in(
        clinic: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    db, key_file = clinic
    assert main(["recover", "--db", str(db), "--admin", "pat", "--recovery-key-file",
                 str(key_file), "--new-password-file", _secret(tmp_path, "n.pw", NEW_PW)]) == 0
    assert not _opens(db, ADMIN_PW)
    assert main(["--as", "pat", "--password-file", _secret(tmp_path, "n2.pw", NEW_PW),
                 "users", "list", "--db", str(db)]) == 0
    engine, sf = open_clinic_file(db, NEW_PW)
    with transaction(sf) as session:
        summaries = list(session.scalars(select(AuditEntry.summary)))
    engine.dispose()
    assert "password reset with the clinic recovery key" in summaries
    capsys.readouterr()
    # The recovery key resets administrators only.
    assert main(["recover", "--db", str(db), "--admin", "sam", "--recovery-key-file",
                 str(key_file), "--new-password-file", _secret(tmp_path, "n.pw", NEW_PW)]) == 2
    # A password is not a recovery key.
    assert main(["recover", "--db", str(db), "--admin", "pat", "--recovery-key-file",
                 _secret(tmp_path, "x.txt", "PT Desk clinic recovery key\nABCDE-FGHJK-LMNPQ-"
                         "RSTUV-WXYZ2-34567-89ABC-DEFGH"), "--new-password-file",
                 _secret(tmp_path, "n.pw", NEW_PW)]) == 1
    assert "does not open" in capsys.readouterr().err


def test_a_new_recovery_key_is_for_administrators_and_retires_the_old(
        clinic: tuple[Path, Path], tmp_path: Path) -> None:
    db, key_file = clinic
    old = _key_in(key_file)
    assert main(["--as", "sam", "--password-file", _secret(tmp_path, "s.pw", SAM_PW),
                 "recovery-key", "--db", str(db), "--recovery-key-file",
                 str(tmp_path / "sam.txt")]) == 1
    assert not (tmp_path / "sam.txt").exists()
    assert main(["--as", "pat", "--password-file", _secret(tmp_path, "a.pw", ADMIN_PW),
                 "recovery-key", "--db", str(db), "--recovery-key-file", str(key_file)]) == 0
    new = _key_in(key_file)
    assert new != old and _opens(db, new) and not _opens(db, old)
    assert _opens(db, ADMIN_PW) and _opens(db, SAM_PW)  # the re-key kept every account
    engine, sf = open_clinic_file(db, ADMIN_PW)
    with transaction(sf) as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.summary.like("clinic recovery key made%"))).all()
    engine.dispose()
    assert [e.actor for e in entry] == ["pat", "pat"]  # at setup, and now


def test_switching_a_user_off_rekeys_so_old_keys_open_nothing(clinic: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    db, key_file = clinic
    engine, _sf = open_clinic_file(db, SAM_PW)
    holder = database_key(engine)
    assert holder is not None and holder.key is not None
    sams_copy = holder.key  # what sam could have taken while still on staff
    engine.dispose()
    assert main(["--as", "pat", "--password-file", _secret(tmp_path, "a.pw", ADMIN_PW),
                 "users", "deactivate", "sam", "--db", str(db)]) == 0
    assert not _opens(db, SAM_PW)
    check = clinic_key.open_clinic(db)
    assert not clinic_key.key_works(check, sams_copy)
    check.dispose()
    assert _opens(db, ADMIN_PW) and _opens(db, _key_in(key_file))
