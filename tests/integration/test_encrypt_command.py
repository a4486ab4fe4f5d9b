"""`ptdesk encrypt`: a populated plaintext clinic becomes an encrypted one, every row kept; a
kill at any step leaves the old plaintext clinic or the new encrypted one, never neither."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ptdesk.cli import main
from ptdesk.db.engine import connect_keyed, key_file_path, make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.services.audit.key import key_home_for_url, key_path_for_url
from ptdesk.services.keys.encrypt import KILL_ENV, OLD_SUFFIX, STAGING_SUFFIX, STEPS
from ptdesk.services.keys.encrypt import fingerprints as table_fingerprints
from tests.factories import ADMIN, PASSWORD, make_patient, provision_accounts
from tests.helpers.clinic_files import open_clinic_file

NAME = "Quillonbey"


@pytest.fixture
def plain_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plaintext clinic as made before encryption: staff, patients, an audit chain (its
    audit key in this test's key folder)."""
    db = tmp_path_factory.mktemp("plain") / "clinic.db"
    engine = make_engine(db)
    upgrade(engine)
    sf = make_session_factory(engine)
    provision_accounts(sf)
    for n in range(12):
        make_patient(sf, mrn=f"QX-{n:04d}", first="Ottoline" + "abcdefghijkl"[n], last=NAME)
    engine.dispose()
    return db


def _fingerprints(db: Path, key: bytes | None = None) -> dict[str, tuple[int, str]]:
    connection = connect_keyed(db, key)
    try:
        return table_fingerprints(connection)
    finally:
        connection.close()


# Signing in (to encrypt, or to check) updates these; the service itself compares every
# table of the copy with the held original, these included.
_SIGN_IN_TABLES = ("clinicians", "audit_log", "audit_head")


def _same_rows(a: dict[str, tuple[int, str]], b: dict[str, tuple[int, str]]) -> bool:
    return set(a) == set(b) and all(
        a[t] == b[t] for t in a if t not in _SIGN_IN_TABLES) and \
        a["clinicians"][0] == b["clinicians"][0]


def _secret(tmp_path: Path) -> str:
    path = tmp_path / "pw"
    path.write_text(PASSWORD + "\n")
    path.chmod(0o600)
    return str(path)


def _clinic(plain_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "clinic" / "clinic.db"
    db.parent.mkdir(parents=True)
    shutil.copyfile(plain_template, db)
    # The audit key goes with it (kept in this computer's key folder, per database path).
    key = key_path_for_url("sqlite:///" + str(plain_template.resolve()))
    home = key_home_for_url("sqlite:///" + str(db.resolve()))
    if key is not None and key.exists() and home is not None:
        home.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(key, home)
    return db


def test_encrypt_keeps_every_row_and_the_audit_chain(plain_template: Path, tmp_path: Path,
                                                     capsys) -> None:
    db = _clinic(plain_template, tmp_path)
    before = _fingerprints(db)
    assert NAME.encode() in db.read_bytes()
    capsys.readouterr()
    assert main(["--as", ADMIN, "--password-file", _secret(tmp_path), "encrypt",
                 "--db", str(db), "--recovery-key-file", str(tmp_path / "rk.txt")]) == 0
    out = capsys.readouterr().out
    assert "SSD" in out
    assert NAME.encode() not in db.read_bytes()
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert not db.with_name(db.name + OLD_SUFFIX).exists()
    assert not db.with_name(db.name + STAGING_SUFFIX).exists()
    engine, sf = open_clinic_file(db, PASSWORD)
    from ptdesk.db.engine import database_key

    holder = database_key(engine)
    assert holder is not None and holder.key is not None
    after = _fingerprints(db, holder.key)
    engine.dispose()
    # Every table the same, row for row; the audit log gained the sign-in and encrypt.
    assert _same_rows(after, before)
    assert after["audit_log"][0] > before["audit_log"][0]
    assert main(["--as", ADMIN, "--password-file", _secret(tmp_path), "verify",
                 "--db", str(db)]) == 0
    # Every other account's own password opens it too (a slot from its stored hash).
    engine, _sf = open_clinic_file(db, PASSWORD)
    engine.dispose()
    assert main(["--as", ADMIN, "--password-file", _secret(tmp_path), "encrypt",
                 "--db", str(db)]) == 1  # already encrypted


def test_encrypt_needs_an_administrator(plain_template: Path, tmp_path: Path) -> None:
    db = _clinic(plain_template, tmp_path)
    assert main(["--as", "test-clinician", "--password-file", _secret(tmp_path), "encrypt",
                 "--db", str(db)]) == 1
    assert db.read_bytes().startswith(b"SQLite format 3")
    assert not key_file_path(db).exists()


def _opens_with_all_rows(db: Path, expected: dict[str, tuple[int, str]]) -> str:
    """'plain' or 'encrypted' when the clinic opens (as PT Desk would) with every row."""
    engine, sf = open_clinic_file(db, PASSWORD)
    from ptdesk.db.engine import database_key
    from ptdesk.services.patients import search_patients

    try:
        holder = database_key(engine)
        key = None if holder is None else holder.key
        got = _fingerprints(db, key)
        assert _same_rows(got, expected)
        assert len(search_patients(sf, NAME, actor="test-clinician")) == 12
        return "plain" if holder is None else "encrypted"
    finally:
        engine.dispose()


def test_a_kill_at_any_step_leaves_one_whole_clinic(plain_template: Path,
                                                    tmp_path: Path) -> None:
    rng = random.Random(22)
    points = [*STEPS, *rng.choices(STEPS, k=5)]  # every step, then random ones again
    assert len(points) >= 10
    expected = _fingerprints(plain_template)
    outcomes = set()
    for n, point in enumerate(points):
        db = _clinic(plain_template, tmp_path / f"run{n}")
        env = {**os.environ, KILL_ENV: point}
        env.pop("PTDESK_PASSWORD", None)
        done = subprocess.run(
            [sys.executable, "-m", "ptdesk", "--as", ADMIN, "--password-file",
             _secret(db.parent), "encrypt", "--db", str(db), "--recovery-key-file",
             str(tmp_path / f"run{n}" / "rk.txt")],
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        assert done.returncode == -signal.SIGKILL, (point, done.stderr)
        outcomes.add(_opens_with_all_rows(db, expected))
        # Running it again (or just opening PT Desk) finishes the job cleanly.
        assert main(["--as", ADMIN, "--password-file", _secret(tmp_path / f"run{n}"),
                     "encrypt", "--db", str(db)]) in (0, 1)
        assert _opens_with_all_rows(db, expected) == "encrypted"
        assert not db.with_name(db.name + OLD_SUFFIX).exists()
        assert NAME.encode() not in db.read_bytes()
    assert outcomes == {"plain", "encrypted"}
