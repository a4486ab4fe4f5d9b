"""Verify's helper process: the same hashes as one process, a tampered note in its half is
caught, and a helper that cannot start or fails changes nothing but the speed."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Visit
from ptdesk.demo.generator import build_demo_clinic
from ptdesk.services import note_hash_pool
from ptdesk.services.note_hash import hash_visits
from ptdesk.services.note_hash_pool import hash_many
from ptdesk.services.signing import verify_signed_notes
from ptdesk.services.uow import transaction
from tests.factories import ACTOR

pytestmark = pytest.mark.sqlite_only  # the helper reads the database file


@pytest.fixture
def clinic(session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch) -> SessionFactory:
    build_demo_clinic(session_factory, actor=ACTOR, patients=8, seed=3)
    monkeypatch.setattr(note_hash_pool, "POOL_MIN", 1)  # a helper even for a small clinic
    return session_factory


def _signed(sf: SessionFactory) -> list[int]:
    with transaction(sf) as session:
        return list(session.scalars(select(Visit.id).where(Visit.status == "signed")
                                    .order_by(Visit.id)))


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes] | None]:
    started: list[subprocess.Popen[bytes] | None] = []
    real = note_hash_pool._start

    def start(*args: object) -> subprocess.Popen[bytes] | None:
        helper = real(*args)  # type: ignore[arg-type]
        started.append(helper)
        return helper
    monkeypatch.setattr(note_hash_pool, "_start", start)
    return started


def _assert_helped_with_the_same_hashes(sf: SessionFactory,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """One helper started and ended well, and the hashes are exactly one process's."""
    started = _spy(monkeypatch)
    ids = _signed(sf)
    with transaction(sf) as session:
        alone = hash_visits(session, ids)
        shared = hash_many(session, ids)
    assert len(started) == 1 and started[0] is not None and started[0].returncode == 0
    assert shared == alone and len(shared) == len(ids) > 20


def test_a_helper_process_gives_exactly_the_hashes_of_one_process(
        clinic: SessionFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_helped_with_the_same_hashes(clinic, monkeypatch)


def test_a_note_changed_in_the_helpers_half_is_caught(
        clinic: SessionFactory, db_path: Path, engine: Engine,
        monkeypatch: pytest.MonkeyPatch) -> None:
    started = _spy(monkeypatch)
    last = _signed(clinic)[-1]  # the highest id: always the helper's
    engine.dispose()
    connection = sqlite3.connect(db_path)
    try:
        for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute(f"UPDATE visits SET soap_plan = 'rewritten' WHERE id = {last}")
        connection.commit()
    finally:
        connection.close()
    problems = verify_signed_notes(clinic)
    assert started and started[0] is not None and started[0].returncode == 0
    assert [p.record_id for p in problems] == [last]


@pytest.mark.parametrize("python", ["/nonexistent/python", "/bin/false"])
def test_a_helper_that_cannot_start_or_fails_changes_nothing(
        clinic: SessionFactory, monkeypatch: pytest.MonkeyPatch, python: str) -> None:
    ids = _signed(clinic)
    with transaction(clinic) as session:
        alone = hash_visits(session, ids)
    started = _spy(monkeypatch)
    monkeypatch.setattr(note_hash_pool.sys, "executable", python)
    with transaction(clinic) as session:
        assert hash_many(session, ids) == alone
    assert len(started) == 1
    assert verify_signed_notes(clinic) == []


def test_an_encrypted_clinic_is_helped_too_with_its_key_never_on_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong before: an encrypted clinic was hashed on one core only (verify ~2x slower)."""
    from ptdesk.db.engine import database_key, make_session_factory
    from ptdesk.services.keys.clinic_key import open_clinic
    from ptdesk.services.keys.opening import finish_opening
    from tests.factories import provision_accounts

    engine = open_clinic(tmp_path / "clinic.db", create=True)  # encrypted, provisional slot
    try:
        holder = database_key(engine)
        assert holder is not None and holder.key is not None
        sf = make_session_factory(engine)
        finish_opening(sf)
        provision_accounts(sf)
        build_demo_clinic(sf, actor=ACTOR, patients=8, seed=3)
        monkeypatch.setattr(note_hash_pool, "POOL_MIN", 1)
        commands: list[list[str]] = []
        real_popen = subprocess.Popen

        def popen(args: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
            commands.append([str(a) for a in args])
            return real_popen(args, **kwargs)  # type: ignore[call-overload, no-any-return]

        monkeypatch.setattr(note_hash_pool.subprocess, "Popen", popen)
        _assert_helped_with_the_same_hashes(sf, monkeypatch)
        assert commands and not any(holder.key.hex() in " ".join(c) for c in commands)
    finally:
        engine.dispose()
