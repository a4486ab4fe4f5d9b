"""`ptdesk demo` (issue 16, items 2, 4 and 7): never into a live clinic, audited, race-safe.

The demo refuses a database holding any patient or account it did not make; everything it
adds is audited; a demo-only database acts as the demo clinician, so the README's example
runs as written; two runs at once and a full disk end cleanly and truthfully.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ptdesk.cli import main
from ptdesk.db.engine import make_session_factory
from ptdesk.db.models import AuditEntry, Clinician, Patient
from ptdesk.demo.generator import DEMO_ACTOR, DEMO_USERNAMES, STORY_MRNS, build_demo_clinic
from ptdesk.services.uow import transaction
from tests.factories import make_patient
from tests.helpers.clinic_files import open_clinic_file

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(autouse=True)
def no_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTDESK_PASSWORD", raising=False)
    monkeypatch.setattr("ptdesk.commands.acting.stdin_is_terminal", lambda: False)


def _counts(db: Path) -> tuple[int, int]:
    engine, _sf = open_clinic_file(db, os.environ.get("PTDESK_PASSWORD"))
    try:
        with transaction(make_session_factory(engine)) as session:
            return (int(session.scalar(select(func.count(Clinician.id))) or 0),
                    int(session.scalar(select(func.count(Patient.id))) or 0))
    finally:
        engine.dispose()


def _audit(db: Path) -> list[AuditEntry]:
    engine, _sf = open_clinic_file(db, os.environ.get("PTDESK_PASSWORD"))
    try:
        with transaction(make_session_factory(engine)) as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def test_readme_example_runs_as_written(tmp_path: Path, capsys) -> None:
    """`ptdesk init --db X && ptdesk demo --db X --patients N && ptdesk patients --db X --json`."""
    db = str(tmp_path / "x.db")
    assert main(["init", "--db", db]) == 0
    assert main(["demo", "--db", db, "--patients", "3"]) == 0
    capsys.readouterr()
    assert main(["patients", "--db", db, "--json"]) == 0  # no "root has no PT Desk account"
    rows = json.loads(capsys.readouterr().out)
    assert {r["mrn"] for r in rows} >= set(STORY_MRNS) and len(rows) == 8
    # Viewing is audited, under the demo clinician the command acted as.
    assert [e.actor for e in _audit(Path(db)) if e.action == "view"][-1:] in ([DEMO_ACTOR], [])


def test_demo_accounts_still_sign_in_with_the_published_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    db = str(tmp_path / "x.db")
    assert main(["init", "--db", db]) == 0 and main(["demo", "--db", db, "--patients", "0"]) == 0
    monkeypatch.setenv("PTDESK_PASSWORD", "runner-demo")
    capsys.readouterr()
    assert main(["--as", "demo.front", "patients", "--db", db]) == 0
    assert "5 patients" in capsys.readouterr().out


def test_everything_the_demo_adds_is_audited(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["demo", "--db", str(db), "--patients", "4"]) == 0
    entries = _audit(db)
    created = {e.summary for e in entries if e.record_type == "account" and e.action == "create"}
    assert created == {f"demo set-up: demo account {u} created ({r})" for u, r in (
        ("demo.alvarez", "clinician"), ("demo.lindqvist", "clinician"),
        ("demo.mensah", "clinician"), ("demo.chen", "clinician"),
        ("demo.admin", "administrator"), ("demo.front", "assistant"))}
    assert any("published demo password" in e.summary for e in entries)
    story = [e for e in entries if e.record_type == "patient" and e.action == "create"
             and e.patient_id is not None]
    assert len(story) == len(STORY_MRNS)
    assert any(e.summary == "demo clinic: 4 synthetic patients (seed 1)" for e in entries)
    assert main(["verify", "--db", str(db)]) == 0  # the chain holds


def _live_clinic_with_an_account(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["init", "--db", str(db)]) == 0
    monkeypatch.setenv("PTDESK_PASSWORD", "admin's long secret")
    assert main(["setup", "--db", str(db), "--clinic", "Hill PT", "--admin", "pat"]) == 0


def _live_clinic_with_a_patient(db: Path, _monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["init", "--db", str(db)]) == 0
    engine, _sf = open_clinic_file(db, os.environ.get("PTDESK_PASSWORD"))
    make_patient(make_session_factory(engine), mrn="H-1", first="Nell", last="Whitaker")
    engine.dispose()


@pytest.mark.parametrize("make_live", [_live_clinic_with_an_account, _live_clinic_with_a_patient])
def test_demo_refuses_a_live_clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_live,
                                   capsys) -> None:
    db = tmp_path / "clinic.db"
    make_live(db, monkeypatch)
    before = _counts(db)
    capsys.readouterr()
    monkeypatch.setenv("PTDESK_PASSWORD", "admin's long secret")
    assert main(["--as", "pat", "demo", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did not create" in err and "Whitaker" not in err
    assert _counts(db) == before  # no demo patients, no demo accounts (no second admin)
    engine, _sf = open_clinic_file(db, os.environ.get("PTDESK_PASSWORD"))
    with transaction(make_session_factory(engine)) as session:
        assert not session.scalars(select(Clinician).where(
            Clinician.username.in_(DEMO_USERNAMES))).all()
    engine.dispose()


def test_a_demo_database_stays_demo_only_when_run_again(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert main(["init", "--db", db]) == 0
    assert main(["demo", "--db", db, "--patients", "2"]) == 0
    assert main(["demo", "--db", db, "--patients", "3"]) == 0  # acts as the demo clinician
    assert _counts(Path(db)) == (6, 8)


def test_a_racing_demo_run_is_absorbed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other run adds the story patients first: this run's MRN clash is retried, skipped."""
    from ptdesk.demo import generator
    from ptdesk.domain.errors import ValidationError

    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db)]) == 0
    engine, _sf = open_clinic_file(db, os.environ.get("PTDESK_PASSWORD"))
    sf = make_session_factory(engine)
    real = generator.add_story_patients
    raced: list[bool] = []

    def other_run_wins(*args, **kwargs):
        if not raced:
            raced.append(True)
            real(*args, **kwargs)  # the other run's stories land first ...
            raise ValidationError("mrn", "MRN DEMO-0001 is already used by another patient.")
        return real(*args, **kwargs)

    monkeypatch.setattr(generator, "add_story_patients", other_run_wins)
    try:
        result = build_demo_clinic(sf, actor="root", patients=2, demo_only=True)
    finally:
        engine.dispose()
    assert raced and result.story_added == 0 and result.story_skipped == len(STORY_MRNS)
    assert _counts(db) == (6, 7)


def test_two_demo_runs_at_once_on_a_fresh_database(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db)]) == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTDESK_PASSWORD")}
    command = [sys.executable, "-m", "ptdesk", "demo", "--db", str(db), "--patients", "12"]
    runs = [subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    for status, err in results:
        assert status in (0, 1), err
        assert "Traceback" not in err and not re.search(r"(DEMO|SYN)-\d", err)
        if status == 1:
            assert err.count("\n") == 1
    assert any(status == 0 for status, _err in results)
    assert _counts(db) == (6, len(STORY_MRNS) + 12)


def test_full_disk_reports_what_was_really_saved(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys) -> None:
    import sqlite3

    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db)]) == 0
    writes = {"n": 0}
    real = SQLiteDialect_pysqlite.do_commit

    def fills_up(self, dbapi_connection) -> None:
        if dbapi_connection.in_transaction:  # a commit that writes (reads still work)
            writes["n"] += 1
            if writes["n"] > 60:
                # The driver's own error class (SQLCipher's for a new, encrypted clinic).
                error = self.dbapi.OperationalError if self.dbapi else sqlite3.OperationalError
                raise error("database or disk is full")
        real(self, dbapi_connection)

    monkeypatch.setattr(SQLiteDialect_pysqlite, "do_commit", fills_up)
    capsys.readouterr()
    assert main(["demo", "--db", str(db), "--patients", "5"]) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    saved = _counts(db)[1]
    assert 0 < saved < len(STORY_MRNS) + 5  # some patients made it before the disk filled
    assert "nothing was saved" not in err
    assert f"{saved} demo patient" in err and err.count("\n") == 1
