"""The audit key lives in an owner-only key folder outside the data folder.

A copy of the database's folder (a synced folder, a stolen drive) carries no key, so on
another computer nothing can be sealed with it; a key an older version kept beside the
database moves to the key folder on first open, never over a different key.
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.services.audit import log as audit
from ptdesk.services.audit.anchor import ANCHOR_ENV
from ptdesk.services.audit.key import (
    KEY_DIR_ENV,
    KEY_SUFFIX,
    AuditKeyError,
    forget,
    key_folder,
    key_path,
)
from ptdesk.services.backup import backups
from ptdesk.services.uow import transaction
from tests.integration.integrity_helpers import run_cli, sealed_clinic

pytestmark = pytest.mark.sqlite_only  # the database file and its folder


def append(sf: SessionFactory, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with transaction(sf) as session:
            audit.record(session, actor="sam", action="view", record_type="visit",
                         record_id=i, summary=f"entry {i}")


def attacker(db: Path, *statements: str) -> None:
    connection = sqlite3.connect(db)
    try:
        for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


@pytest.fixture
def clinic(db_path: Path, engine: Engine, session_factory: SessionFactory) -> SessionFactory:
    sealed_clinic(session_factory)
    backups.backup(session_factory)  # into the data folder's own backups folder
    assert audit.verify_chain(session_factory).ok
    return session_factory


def test_the_key_is_in_an_owner_only_folder_outside_the_data_folder(
        clinic: SessionFactory, engine: Engine, db_path: Path) -> None:
    key = key_path(engine)
    assert key is not None and key.parent == key_folder()
    assert not key.is_relative_to(db_path.parent) and db_path.stem not in key.name
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) & 0o077 == 0
    secret = key.read_text().strip().encode("ascii")
    for path in db_path.parent.rglob("*"):
        assert not path.name.endswith(KEY_SUFFIX)
        if path.is_file():
            assert secret not in path.read_bytes(), f"the key is in {path.name}"


def test_a_copied_data_folder_has_no_key_and_cannot_seal_a_forged_log_elsewhere(
        clinic: SessionFactory, engine: Engine, db_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    engine.dispose()
    copy = tmp_path / "elsewhere" / "data"
    shutil.copytree(db_path.parent, copy, ignore=shutil.ignore_patterns("elsewhere"))
    stolen = copy / db_path.name
    assert not [p for p in copy.rglob("*") if p.name.endswith(KEY_SUFFIX)]
    # Another computer: its own (empty) configuration, key and anchor folders.
    other = tmp_path / "elsewhere" / "home"
    monkeypatch.setenv("HOME", str(other))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(other / ".config"))
    monkeypatch.setenv(KEY_DIR_ENV, str(other / "keys"))
    monkeypatch.setenv(ANCHOR_ENV, str(other / "anchors"))
    there = make_engine(stolen)
    sf = make_session_factory(there)
    assert key_path(there) is not None and not key_path(there).exists()  # type: ignore[union-attr]
    # The forger edits an entry, then signs in (which writes to the log): nothing is sealed.
    attacker(stolen, "UPDATE audit_log SET summary = 'nothing happened' WHERE id = 2")
    with pytest.raises(AuditKeyError, match="missing"):
        append(sf, 1, start=50)
    assert not (other / "keys").exists() or not list((other / "keys").iterdir())
    result = audit.verify_chain(sf)
    assert not result.ok and "key file is missing" in " ".join(result.problems)
    there.dispose()
    capsys.readouterr()
    assert run_cli(monkeypatch, ["verify", "--db", str(stolen)]) == 1
    assert "key file is missing" in capsys.readouterr().out
    # Back on the clinic's computer the real key still checks the real log.
    monkeypatch.undo()
    assert audit.verify_chain(clinic).ok


def _old_layout(engine: Engine, db_path: Path) -> tuple[Path, bytes]:
    """As an older PT Desk left it: the key beside the database."""
    home = key_path(engine)
    assert home is not None
    secret = home.read_bytes()
    beside = db_path.with_name(db_path.name + KEY_SUFFIX)
    home.rename(beside)
    forget(engine)
    return beside, secret


def test_an_older_key_beside_the_database_moves_to_the_key_folder_on_first_open(
        clinic: SessionFactory, engine: Engine, db_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    beside, secret = _old_layout(engine, db_path)
    engine.dispose()
    reopened = make_engine(db_path)
    assert audit.verify_chain(make_session_factory(reopened)).ok
    home = key_path(reopened)
    assert home is not None and home.read_bytes() == secret and not beside.exists()
    assert stat.S_IMODE(home.stat().st_mode) == 0o600
    assert capsys.readouterr().err == ""
    append(make_session_factory(reopened), 1, start=70)  # the log goes on with the same key
    reopened.dispose()


def test_an_older_key_never_replaces_a_different_key_in_the_key_folder(
        clinic: SessionFactory, engine: Engine, db_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    beside, secret = _old_layout(engine, db_path)
    home = key_path(engine)  # moves it back: the same key, so the old file goes
    assert home is not None and home.read_bytes() == secret and not beside.exists()
    beside.write_text("cd" * 32 + "\n")  # a different key appears beside the database
    forget(engine)
    assert key_path(engine) == home
    assert home.read_bytes() == secret and beside.read_text() == "cd" * 32 + "\n"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "left in place" in err[0] and "MRN" not in err[0]
    assert audit.verify_chain(clinic).ok


def test_when_the_key_cannot_be_moved_the_old_key_keeps_working_and_stderr_says_so(
        clinic: SessionFactory, engine: Engine, db_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    beside, secret = _old_layout(engine, db_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the key folder would go")
    monkeypatch.setenv(KEY_DIR_ENV, str(blocker / "keys"))
    assert key_path(engine) == beside
    assert audit.verify_chain(clinic).ok
    append(clinic, 1, start=80)
    assert beside.read_bytes() == secret
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "could not be moved" in err[0]
    assert "MRN" not in err[0]  # one line, no patient data
