"""Clinic mode backups: pg_dump files, restore via a checked scratch database and a swap, verify."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, select, text, update
from sqlalchemy.engine import make_url

psycopg = pytest.importorskip("psycopg")  # the optional [postgres] extra

from ptdesk.db.engine import make_engine, make_session_factory  # noqa: E402
from ptdesk.db.models import ClinicSettings, Patient  # noqa: E402
from ptdesk.services.audit import log as audit  # noqa: E402
from ptdesk.services.backup import backups, pg_backup  # noqa: E402
from ptdesk.services.backup.backups import BackupError, backup, list_backups, restore  # noqa: E402
from ptdesk.services.backup.restore_file import RestoreRefusedError  # noqa: E402
from ptdesk.services.db_check import check_database  # noqa: E402
from ptdesk.services.errors import LoginRefusedError, PermissionDeniedError  # noqa: E402
from ptdesk.services.uow import transaction  # noqa: E402
from tests.factories import ADMIN as STAFF_ADMIN  # noqa: E402
from tests.factories import ASSISTANT as STAFF_ASSISTANT  # noqa: E402
from tests.factories import (  # noqa: E402
    PASSWORD,
    audit_entries,
    make_patient,
)
from tests.integration.integrity_helpers import (  # noqa: E402
    ADMIN,
    ASSISTANT,
    CLINICIAN,
    drop_triggers,
    sealed_clinic,
)

pytestmark = pytest.mark.postgresql_only
AS_ADMIN = {"actor": STAFF_ADMIN, "password": PASSWORD}  # an administrator signs in to restore
DUMP = ".dump"


@pytest.fixture
def clinic(session_factory):
    """A clinic with accounts, a signed note with an addendum, and a sealed audit chain."""
    return sealed_clinic(session_factory)


@pytest.fixture
def server(request, db_url):
    """The throwaway server's admin side (the same cluster the `db_url` database is on)."""
    return request.getfixturevalue("pg_cluster")


@pytest.fixture(autouse=True)
def quick_busy_check(monkeypatch) -> None:
    monkeypatch.setattr(pg_backup, "BUSY_WAIT_S", 0.3)


def dbname(url: str) -> str:
    return str(make_url(url).database)


def databases(server, url: str) -> set[str]:
    """This test's databases: the live one plus any scratch or kept-aside copies."""
    name = dbname(url)
    rows = server.admin().execute("SELECT datname FROM pg_database").fetchall()
    return {r[0] for r in rows if r[0] == name or r[0].startswith(name + "_")}


@pytest.fixture
def cleanup(server) -> Iterator[list[str]]:
    """Names of databases a test made (kept-aside copies, tampered sources) to drop after."""
    names: list[str] = []
    yield names
    for name in names:
        server.drop(name)


@contextmanager
def connected(url: str) -> Iterator[Connection]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()  # a restore needs every connection closed


def counts(url: str) -> dict[str, int]:
    with connected(url) as c:
        return {table: c.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                for table in inspect(c).get_table_names()}


def mrns(url: str) -> set[str]:
    with connected(url) as c:
        return set(c.execute(select(Patient.mrn)).scalars())


def fingerprint(url: str) -> tuple[dict[str, int], str]:
    """Row counts plus the audit head: any change to the live database shows here."""
    with connected(url) as c:
        head = str(c.execute(text("SELECT * FROM audit_head")).all())
    return counts(url), head


def set_keep(sf, n: int) -> None:
    with transaction(sf) as session:
        if session.get(ClinicSettings, 1) is None:
            session.add(ClinicSettings(id=1))
            session.flush()
        session.execute(update(ClinicSettings).values(backups_kept=n))


def test_backup_writes_an_owner_only_dump_and_keeps_the_newest_n(db_url, clinic, tmp_path):
    set_keep(clinic, 3)
    folder = tmp_path / "out"
    made = [backup(clinic, to_dir=folder) for _ in range(5)]
    assert list_backups(folder, dbname(db_url), DUMP) == made[-3:]
    assert all(p.name.startswith(dbname(db_url) + "-") and p.suffix == DUMP for p in made)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in made[-3:]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
        key = path.with_name(path.name + ".auditkey")
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert key.read_text() == Path(os.environ["PTDESK_AUDIT_KEY_FILE"]).read_text()
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        [p.name for p in made[-3:]] + [p.name + ".auditkey" for p in made[-3:]]
        + [p.name + ".manifest" for p in made[-3:]])
    backup(clinic, to_dir=folder, keep=1)
    assert len(list_backups(folder, dbname(db_url), DUMP)) == 1
    assert len(list(folder.glob("*.auditkey"))) == 1


def test_backup_checks_the_role_and_is_audited(clinic, tmp_path):
    with pytest.raises(PermissionDeniedError):
        backup(clinic, to_dir=tmp_path / "b", actor=CLINICIAN)
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
    path = backup(clinic, to_dir=tmp_path / "b", actor=ADMIN)
    last = audit_entries(clinic, user=ADMIN)[-1]
    assert (last.action, last.summary) == ("backup", f"backup written: {path.name}")


def test_the_daily_backup_goes_to_the_clinic_folder(db_url, clinic, tmp_path, monkeypatch):
    from datetime import UTC, datetime, timedelta

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # PT Desk's data folder
    assert backups.default_folder(clinic) == tmp_path / "data" / "ptdesk" / "backups"
    assert backups.last_backup_at(clinic) is None
    path = backup(clinic, actor=ASSISTANT, daily=True)
    assert path.parent == backups.backup_folder(clinic) == backups.default_folder(clinic)
    when = backups.last_backup_at(clinic)
    assert when is not None and abs(datetime.now(UTC) - when) < timedelta(minutes=1)
    assert audit_entries(clinic)[-1].summary == f"daily backup written: {path.name}"
    with pytest.raises(PermissionDeniedError):
        backup(clinic, to_dir=tmp_path / "usb", actor=ASSISTANT)


def test_restore_round_trips_every_row_and_the_chain_verifies(db_url, engine, clinic, server,
                                                              cleanup, tmp_path):
    before = counts(db_url)
    path = backup(clinic, to_dir=tmp_path / "b")
    make_patient(clinic, mrn="AFTER-1")  # written after the backup
    engine.dispose()
    result = restore(path, target_db=db_url, **AS_ADMIN)
    assert isinstance(result.kept_aside, str)
    cleanup.append(result.kept_aside)
    assert result.database == dbname(db_url) and result.revision
    after = counts(db_url)
    audit_tables = {"audit_log", "audit_head"}
    assert {t: n for t, n in after.items() if t not in audit_tables} == \
        {t: n for t, n in before.items() if t not in audit_tables}
    assert after["audit_log"] > before["audit_log"]  # the backup's entries, then the restore
    assert mrns(db_url) == {"MRN-001"}
    aside_url = make_url(db_url).set(database=result.kept_aside).render_as_string(False)
    assert mrns(aside_url) == {"MRN-001", "AFTER-1"}
    assert databases(server, db_url) == {dbname(db_url), result.kept_aside}  # no scratch
    restored = make_engine(db_url)
    try:
        sf = make_session_factory(restored)
        assert audit.verify_chain(sf).ok
        report = check_database(restored)
        assert report.ok, report.lines()
        last = audit_entries(sf)[-1]
        assert (last.actor, last.action) == (STAFF_ADMIN, "restore")
        # The protecting triggers came back with the data.
        with pytest.raises(Exception, match="append-only|audit"), restored.begin() as c:
            c.execute(text("DELETE FROM audit_log WHERE id = 1"))
    finally:
        restored.dispose()


def _refused(server, url: str, engine, bad: Path, match: str, error=RestoreRefusedError,
             *, restore_as: str | None = None, actor: str = STAFF_ADMIN):
    engine.dispose()
    before = fingerprint(url)
    with pytest.raises(error, match=match) as info:
        restore(bad, target_db=restore_as or url, actor=actor, password=PASSWORD)
    assert fingerprint(url) == before
    assert databases(server, url) == {dbname(url)}  # no scratch, nothing kept aside
    return info.value


@pytest.mark.parametrize(("cut", "match"), [
    (lambda n: n * 2 // 3, "not a readable backup"),  # into the table of contents
    (lambda n: n - 64, "could not be loaded"),  # the list reads, the last table's data is gone
], ids=["contents", "data"])
def test_a_truncated_dump_is_refused(db_url, engine, clinic, server, tmp_path, cut, match):
    path = backup(clinic, to_dir=tmp_path / "b")
    data = path.read_bytes()
    path.write_bytes(data[: cut(len(data))])
    _refused(server, db_url, engine, path, match)


def test_a_file_that_is_not_a_dump_is_refused(db_url, engine, server, tmp_path):
    bad = tmp_path / "notes.dump"
    bad.write_text("hello " * 1000)
    _refused(server, db_url, engine, bad, "not a readable backup")


def test_an_sqlite_backup_is_refused_on_a_server(db_url, engine, server, tmp_path):
    bad = tmp_path / "clinic.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    _refused(server, db_url, engine, bad, "cannot be restored onto a PostgreSQL", BackupError)


def _tampered_dump(server, url: str, engine, tmp_path: Path, cleanup, sql: str,
                   triggers: str) -> Path:
    """A backup of a copy of this database, edited behind the triggers' back (then put back)."""
    engine.dispose()  # a database is only copied while nobody is connected
    copy_name = server.name("src_" + dbname(url).rsplit("_", 1)[1])
    cleanup.append(copy_name)
    copy_url = server.create(copy_name, dbname(url))
    copy = make_engine(copy_url)
    defs = ("SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "WHERE NOT t.tgisinternal")
    try:
        with copy.begin() as connection:
            saved = connection.execute(text(defs)).all()
        drop_triggers(copy, triggers)
        with copy.begin() as connection:
            connection.execute(text(sql))
            # The attacker puts the triggers back: the backup's structure looks untouched.
            left = {row[0] for row in connection.execute(text(defs))}
            for name, definition in saved:
                if name not in left:
                    connection.execute(text(definition))
        return backup(copy, to_dir=tmp_path / "b")
    finally:
        copy.dispose()


@pytest.mark.parametrize(("sql", "triggers", "match"), [
    ("DELETE FROM audit_log WHERE id = 2", "trg_audit_log_%", "Audit log chain"),
    ("UPDATE knee_exams SET notes = 'forged'", "trg_%_signed_%", "changed after it was signed"),
    ("UPDATE alembic_version SET version_num = '9999'", "none", "newer PT Desk"),
], ids=["audit-chain", "signed-note", "newer-schema"])
def test_a_backup_that_fails_its_checks_is_refused(db_url, engine, clinic, server, cleanup,
                                                   tmp_path, sql, triggers, match):
    bad = _tampered_dump(server, db_url, engine, tmp_path, cleanup, sql, triggers)
    _refused(server, db_url, engine, bad, match)


def test_a_backup_sealed_with_another_key_is_refused_with_a_hint(db_url, engine, clinic,
                                                                 server, tmp_path):
    path = backup(clinic, to_dir=tmp_path / "b")
    Path(os.environ["PTDESK_AUDIT_KEY_FILE"]).write_text("ab" * 32 + "\n")
    error = _refused(server, db_url, engine, path, "different audit key")
    assert "ptdesk audit key install" in str(error)


def test_restore_never_installs_the_key_kept_beside_the_backup(db_url, engine, clinic, server,
                                                               cleanup, tmp_path):
    from ptdesk.services.audit.key_admin import install_key

    path = backup(clinic, to_dir=tmp_path / "b")
    key_file = Path(os.environ["PTDESK_AUDIT_KEY_FILE"])
    key = key_file.read_text()
    key_file.unlink()
    error = _refused(server, db_url, engine, path, "ptdesk audit key install")
    assert not key_file.exists()
    # The administrator installs it deliberately (checked against the log), then restores.
    install_key(clinic, source=path.with_name(path.name + ".auditkey"), username=STAFF_ADMIN,
                password=PASSWORD)
    engine.dispose()
    clinic.kw["bind"].dispose()
    result = restore(path, target_db=db_url, **AS_ADMIN)
    cleanup.append(str(result.kept_aside))
    assert error is not None
    assert key_file.read_text() == key and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    restored = make_engine(db_url)
    assert audit.verify_chain(make_session_factory(restored)).ok
    restored.dispose()


def test_restore_refuses_while_another_workstation_is_connected(db_url, engine, clinic,
                                                                server, tmp_path):
    path = backup(clinic, to_dir=tmp_path / "b")
    plain = make_url(db_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain, application_name="ptdesk-front-desk"):
        error = _refused(server, db_url, engine, path, "1 other connection", BackupError)
    assert "ptdesk-front-desk" in str(error) and "Close PT Desk on every workstation" in str(error)


def test_a_failed_swap_changes_nothing_and_drops_the_scratch_database(
    db_url, engine, clinic, server, tmp_path, monkeypatch,
):
    path = backup(clinic, to_dir=tmp_path / "b")
    make_patient(clinic, mrn="KEEP-1")
    # A workstation connects after the last check: the rename itself must then fail.
    monkeypatch.setattr(pg_backup, "_refuse_if_busy", lambda *_a: None)
    plain = make_url(db_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain):
        _refused(server, db_url, engine, path, "connected to the database", BackupError)
    assert "KEEP-1" in mrns(db_url)


def test_only_an_administrator_restores(db_url, engine, clinic, server, tmp_path):
    path = backup(clinic, to_dir=tmp_path / "b")
    _refused(server, db_url, engine, path, "not an active administrator", LoginRefusedError,
             actor=STAFF_ASSISTANT)


def test_restore_onto_a_server_without_the_database_yet(db_url, clinic, server, cleanup,
                                                        tmp_path):
    path = backup(clinic, to_dir=tmp_path / "b")
    new_name = server.name("new_" + dbname(db_url).rsplit("_", 1)[1])
    cleanup.append(new_name)
    new_url = server.url(new_name)
    result = restore(path, target_db=new_url, actor=ADMIN)
    assert (result.database, result.kept_aside) == (new_name, None)
    assert mrns(new_url) == {"MRN-001"}
    assert databases(server, new_url) == {new_name}


def test_the_database_keeps_its_owner_and_who_may_connect(db_url, engine, clinic, server,
                                                          cleanup, tmp_path):
    path = backup(clinic, to_dir=tmp_path / "b")
    engine.dispose()
    name, role = dbname(db_url), dbname(db_url) + "_staff"
    admin = server.admin()
    admin.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        admin.execute(f'ALTER DATABASE "{name}" OWNER TO "{role}"')
        admin.execute(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC')
        admin.execute(f'GRANT CONNECT ON DATABASE "{name}" TO postgres WITH GRANT OPTION')
        query = ("SELECT pg_get_userbyid(datdba), datacl::text[] FROM pg_database "
                 "WHERE datname = %s")
        before = admin.execute(query, (name,)).fetchone()
        result = restore(path, target_db=db_url, **AS_ADMIN)
        cleanup.append(str(result.kept_aside))
        after = admin.execute(query, (name,)).fetchone()
        assert after[0] == before[0] == role
        assert sorted(after[1]) == sorted(before[1])
        assert not any(item.startswith("=") for item in after[1])  # PUBLIC: no rights
        assert mrns(db_url) == {"MRN-001"}
        # Loaded as the clinic's role, never as the superuser the restore connected as:
        # whatever the dump creates belongs to (and ran as) the clinic's role.
        with connected(db_url) as c:
            owners = set(c.execute(text("SELECT tableowner FROM pg_tables "
                                        "WHERE schemaname = current_schema()")).scalars())
        assert owners == {role}
    finally:
        with connected(db_url) as c:  # the tables the restore made as the clinic's role
            c.execute(text(f'REASSIGN OWNED BY "{role}" TO postgres'))
            c.commit()
        admin.execute(f'REASSIGN OWNED BY "{role}" TO postgres')  # databases included
        admin.execute(f'DROP ROLE "{role}"')


def test_restore_needs_the_createdb_right(db_url, engine, clinic, server, tmp_path):
    path = backup(clinic, to_dir=tmp_path / "b")
    role = dbname(db_url) + "_clerk"
    server.admin().execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        url = make_url(db_url).set(username=role).render_as_string(False)
        error = _refused(server, db_url, engine, path, "may not create databases", BackupError,
                         restore_as=url)
        assert f"ALTER ROLE {role} CREATEDB" in str(error)
    finally:
        server.admin().execute(f'DROP ROLE "{role}"')


def _ptdesk(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ptdesk", *argv], capture_output=True,
                          text=True, env=env, timeout=300, check=False)


def test_cli_backup_verify_and_restore_end_to_end(db_url, engine, clinic, server, cleanup,
                                                  tmp_path):
    engine.dispose()
    env = {**os.environ, "PTDESK_PASSWORD": PASSWORD,
           "PTDESK_AUDIT_KEY_FILE": os.environ["PTDESK_AUDIT_KEY_FILE"],
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env.pop("PTDESK_DB", None)
    done = _ptdesk("--as", STAFF_ADMIN, "backup", "--db", db_url, "--to", str(tmp_path / "b"),
                   env=env)
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.split("Backup written: ")[1].strip())
    assert path.suffix == DUMP and stat.S_IMODE(path.stat().st_mode) == 0o600
    make_patient(clinic, mrn="AFTER-1")
    clinic.kw["bind"].dispose()
    done = _ptdesk("verify", "--db", db_url, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "N/A   Database file integrity" in done.stdout and "Everything checks out." in done.stdout
    done = _ptdesk("--as", STAFF_ADMIN, "restore", str(path), "--db", db_url, env=env)
    assert done.returncode == 0, done.stderr
    aside = done.stdout.split("kept as ")[1].split(" on the server")[0]
    cleanup.append(aside)
    assert f"Restored {dbname(db_url)} on the server" in done.stdout
    assert mrns(db_url) == {"MRN-001"}
    done = _ptdesk("audit", "verify", "--db", db_url, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    done = _ptdesk("--as", STAFF_ADMIN, "restore", str(tmp_path / "missing.dump"), "--db",
                   db_url, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr


@pytest.mark.parametrize(("sql", "match"), [
    ("CREATE FUNCTION evil() RETURNS trigger AS $$ BEGIN DELETE FROM run_logs; RETURN NEW; "
     "END $$ LANGUAGE plpgsql", "function PT Desk does not create"),
    ("CREATE TRIGGER trg_wipe AFTER INSERT ON audit_log FOR EACH ROW "
     "EXECUTE FUNCTION ptdesk_keep_audit_head()", "trigger audit_log.trg_wipe"),
    ("CREATE OR REPLACE FUNCTION ptdesk_refuse() RETURNS trigger AS $$ BEGIN "
     "UPDATE clinicians SET role = 'administrator'; RETURN NEW; END $$ LANGUAGE plpgsql",
     "function ptdesk_refuse is not defined as PT Desk defines it"),
    ("CREATE VIEW sneaky AS SELECT 1 AS one", "object PT Desk does not create"),
], ids=["extra-function", "extra-trigger", "rewritten-function", "view"])
def test_a_dump_with_code_the_migrations_do_not_create_is_refused(
        db_url, engine, clinic, server, cleanup, tmp_path, sql, match):
    bad = _tampered_dump(server, db_url, engine, tmp_path, cleanup, sql, "none")
    _refused(server, db_url, engine, bad, match)
