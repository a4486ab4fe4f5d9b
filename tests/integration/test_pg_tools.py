"""Clinic mode: `verify` on a server, and PostgreSQL's client programs (right version, no password shown)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

pytest.importorskip("psycopg")  # the optional [postgres] extra

from ptdesk.db.engine import DatabaseTargetError, make_engine  # noqa: E402
from ptdesk.services.backup import (
    backups,  # noqa: E402
    pg_tools,  # noqa: E402
)
from ptdesk.services.backup.backups import BackupError, backup, restore  # noqa: E402
from ptdesk.services.db_check import ClinicModeError  # noqa: E402
from tests.factories import make_patient  # noqa: E402
from tests.integration.integrity_helpers import charted_visit  # noqa: E402

pytestmark = pytest.mark.postgresql_only


def dbname(url: str) -> str:
    return str(make_url(url).database)


def test_the_password_goes_through_the_environment_only(db_url, session_factory, tmp_path,
                                                        monkeypatch):
    make_patient(session_factory)
    secret = "s3cret-pw"  # the test server trusts loopback, so any password works
    url = make_url(db_url).set(password=secret).render_as_string(hide_password=False)
    seen: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def spy(args, *rest, **kwargs):
        seen.append((list(args), dict(kwargs.get("env") or {})))
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(pg_tools.subprocess, "run", spy)
    engine = make_engine(url)
    try:
        path = backup(engine, to_dir=tmp_path / "b")
    finally:
        engine.dispose()
    dumps = [(args, env) for args, env in seen if Path(args[0]).name == "pg_dump"
             and "--format=custom" in args]
    assert len(dumps) == 1 and path.exists()
    args, env = dumps[0]
    assert env["PGPASSWORD"] == secret
    assert all(secret not in arg for args, _env in seen for arg in args)
    assert f"dbname='{dbname(db_url)}'" in " ".join(args)


FAILING_PG_DUMP = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 99.1"; exit 0; fi
echo "pg_dump: error: connection failed, password $PGPASSWORD" >&2
exit 1
"""


def test_a_failed_pg_dump_leaves_no_partial_file_and_shows_no_password(
    db_url, session_factory, tmp_path, monkeypatch,
):
    tools = _fake_tools(tmp_path / "bin", 99)
    (tools / "pg_dump").write_text(FAILING_PG_DUMP)
    monkeypatch.setenv(pg_tools.BIN_ENV, str(tools))
    secret = "s3cret-pw"
    engine = make_engine(make_url(db_url).set(password=secret).render_as_string(False))
    folder = tmp_path / "b"
    try:
        with pytest.raises(BackupError, match="pg_dump failed") as info:
            backup(engine, to_dir=folder)
    finally:
        engine.dispose()
    assert "connection failed" in str(info.value) and secret not in str(info.value)
    assert "The database itself is unchanged." in str(info.value)
    assert list(folder.iterdir()) == []


def test_only_sqlite_and_postgresql_are_supported(tmp_path):
    import sqlite3 as fake_driver  # never used: no connection is opened

    # The engine itself now refuses another server (issue 16), so no backup can reach one;
    # restore, which takes the target as a URL, refuses it by name.
    with pytest.raises(DatabaseTargetError, match="SQLite file or a PostgreSQL server"):
        make_engine("mysql+pymysql://clinic@server/ptdesk", module=fake_driver)
    with pytest.raises(ClinicModeError, match="SQLite database file or a PostgreSQL"):
        restore(tmp_path, target_db="mysql://clinic@server/ptdesk")


def _fake_tools(folder: Path, major: int) -> Path:
    folder.mkdir(parents=True)
    for name in ("pg_dump", "pg_restore"):
        program = folder / name
        program.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {major}.2'\n")
        program.chmod(0o755)
    return folder


def test_the_client_programs_must_be_at_least_as_new_as_the_server(tmp_path, monkeypatch):
    old, new = _fake_tools(tmp_path / "12", 12), _fake_tools(tmp_path / "17", 17)
    monkeypatch.delenv(pg_tools.BIN_ENV, raising=False)
    monkeypatch.setattr(pg_tools, "_candidate_folders", lambda: [old, new])
    assert pg_tools.find_tools(15) == pg_tools.PgTools(new, 17)
    assert pg_tools.find_tools(12).folder == old
    monkeypatch.setattr(pg_tools, "_candidate_folders", lambda: [old])
    with pytest.raises(pg_tools.PgToolError, match=r"version 15 or newer \(found only version 12"):
        pg_tools.find_tools(15)
    monkeypatch.setenv(pg_tools.BIN_ENV, str(old))
    with pytest.raises(pg_tools.PgToolError, match="older than the database server"):
        pg_tools.find_tools(15)
    monkeypatch.setenv(pg_tools.BIN_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(pg_tools.PgToolError, match="not there"):
        pg_tools.find_tools(15)


def test_verify_on_a_server_finds_records_whose_parent_is_missing(engine, session_factory):
    charted_visit(session_factory)
    report = backups.verify(engine)
    assert report.ok, report.lines()
    lines = report.lines()
    assert lines[0] == "N/A   Database file integrity" and "not applicable" in lines[1]
    assert "OK    Links between records (foreign keys)" in lines
    assert "OK    Audit log chain" in lines
    with engine.begin() as connection:  # as a careless bulk load could: keys not enforced
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text("DELETE FROM episodes"))
    report = backups.verify(engine)
    assert not report.ok
    assert any("point to a missing row in episodes" in p for p in report.problems)
