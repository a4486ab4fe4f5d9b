"""Verify on an encrypted clinic: integrity and foreign keys on one connection with a big cache.

Each page of an encrypted file is decrypted whenever SQLite reads it into its cache. The
foreign-key check used to re-read (re-decrypt) every page the integrity check had just read;
now it runs after it on the same connection, whose cache holds the file, and `ptdesk verify`
on the 10,000-patient bench clinic went from 11.7 s to about 9.2 s (bench/run.py --encrypted;
a speed is never asserted here). These tests keep the new path honest: each check runs
once, the pooled connection gets its cache size back, and a broken link is still found.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from ptdesk.db.engine import connect_keyed, database_key, make_session_factory
from ptdesk.services import db_check
from ptdesk.services.keys.clinic_key import open_clinic
from ptdesk.services.keys.opening import finish_opening
from tests.factories import make_episode, make_patient, provision_accounts


def _clinic(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = open_clinic(tmp_path / "clinic.db", create=True)  # encrypted from the start
    sf = make_session_factory(engine)
    finish_opening(sf)
    provision_accounts(sf)
    make_episode(sf, make_patient(sf).id)
    return engine


def test_each_file_check_runs_once_and_the_cache_is_put_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _clinic(tmp_path)
    try:
        calls: list[str] = []
        real = db_check._foreign_keys

        def counted(*args: object) -> db_check.Check:
            calls.append("links")
            return real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(db_check, "_foreign_keys", counted)
        with engine.connect() as connection:  # what every new connection gets
            default = connection.execute(text("PRAGMA cache_size")).scalar_one()
        report = db_check.check_database(engine, anchor=False)
        names = [c.name for c in report.checks]
        assert names.count("Links between records (foreign keys)") == 1
        assert calls == ["links"]
        assert all(c.ok for c in report.checks if c.name in db_check._FILE_CHECKS)
        with engine.connect() as connection:  # the pooled connection is as it was
            assert connection.execute(text("PRAGMA cache_size")).scalar_one() == default
    finally:
        engine.dispose()


def test_a_record_pointing_nowhere_is_found_in_an_encrypted_file(tmp_path: Path) -> None:
    engine = _clinic(tmp_path)
    holder = database_key(engine)
    assert holder is not None and holder.key is not None
    key = holder.key
    engine.dispose()
    connection = connect_keyed(tmp_path / "clinic.db", key)
    try:  # someone with the key and sqlite3, foreign keys off
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("UPDATE episodes SET patient_id = 999999")
        connection.commit()
    finally:
        connection.close()
    engine = open_clinic(tmp_path / "clinic.db")
    try:
        database_key(engine).set(key)  # type: ignore[union-attr]
        report = db_check.check_database(engine, anchor=False)
        checks = {c.name: c for c in report.checks}
        assert checks["Database file integrity"].ok
        links = checks["Links between records (foreign keys)"]
        assert not links.ok and "episodes" in " ".join(links.details)
    finally:
        engine.dispose()
