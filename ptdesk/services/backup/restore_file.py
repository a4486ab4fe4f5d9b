"""Stage a backup for restore: check its schema untouched, copy it beside the database, upgrade and check the copy."""

from __future__ import annotations

import contextlib
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ptdesk.db.engine import (
    DatabaseKey,
    SessionFactory,
    connect_keyed,
    database_errors,
    make_engine,
    make_session_factory,
    sqlite_path,
)
from ptdesk.db.migrate import alembic_config, upgrade
from ptdesk.services.audit.key import KEY_SUFFIX, AuditKeyError, read_key_file
from ptdesk.services.audit.log import verify_chain
from ptdesk.services.backup.schema_check import check_backup_schema, open_untrusted
from ptdesk.services.db_check import check_database
from ptdesk.services.errors import ServiceError

SIDE_FILES = ("-wal", "-shm", "-journal")


class RestoreRefusedError(ServiceError):
    """The backup file failed a check; the current database was not touched."""


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path | str  # the file, or the database's name on a PostgreSQL server
    kept_aside: Path | str | None  # the database as it was before the restore
    revision: str  # the backup's schema revision before it was upgraded
    notes: tuple[str, ...] = ()  # what the administrator should know afterwards


@dataclass
class StagedCopy:
    """A checked, upgraded copy of the backup next to the database, ready to be renamed."""

    path: Path
    stamp: str
    engine: Engine
    key: bytes | None  # the clinic's current audit key, which verified the copy's chain
    revision: str  # the backup's schema revision before the upgrade
    database_key: bytes | None = None  # an encrypted clinic's copy: the key it is under

    def close(self) -> None:
        """Release the copy and make it one self-contained file (no -wal beside it)."""
        self.engine.dispose()
        connection = connect_keyed(self.path, self.database_key)
        try:
            connection.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            connection.close()

    def discard(self) -> None:
        self.engine.dispose()
        for path in (self.path, *(self.path.with_name(self.path.name + s) for s in SIDE_FILES)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def refuse(source: Path, reason: str) -> RestoreRefusedError:
    return RestoreRefusedError(f"{source.name} was not restored: {reason} "
                               "The current database was not changed.")


def _copy(source: Path, staging: Path, database_key: bytes | None = None) -> None:
    try:
        src = connect_keyed(source, database_key, read_only=True)
        try:
            copy = connect_keyed(staging, database_key)  # the copy stays under the same key
            try:
                src.backup(copy)
            finally:
                copy.close()
        finally:
            src.close()
    except database_errors() as exc:
        raise refuse(source, f"it is not a readable database ({exc}).") from exc


def _read_revision(connection: sqlite3.Connection, source: Path) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except database_errors() as exc:
        raise refuse(source, "it is not a PT Desk database.") from exc
    if row is None:
        raise refuse(source, "it is not a PT Desk database (no schema version).")
    return str(row[0])


def require_known(engine: Engine, source: Path, revision: str) -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    if revision not in {s.revision for s in script.walk_revisions()}:
        raise refuse(source, f"it was made by a newer PT Desk (schema {revision}); "
                              "update PT Desk first.")


def _untrusted_revision(source: Path, database_key: bytes | None) -> str:
    """The revision the backup records, read without letting its schema run anything."""
    connection = open_untrusted(source, database_key)
    try:
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except database_errors() as exc:
            raise refuse(source, f"it is not a readable database ({exc}).") from exc
        return _read_revision(connection, source)
    finally:
        connection.close()


def _integrity(source: Path, database_key: bytes | None) -> None:
    connection = open_untrusted(source, database_key)
    try:
        rows = [r[0] for r in connection.execute("PRAGMA integrity_check")]
    except database_errors() as exc:
        raise refuse(source, f"it is not a readable database ({exc}).") from exc
    finally:
        connection.close()
    if rows != ["ok"]:
        raise refuse(source, f"the file is damaged ({'; '.join(rows[:3])}).")


def install_hint(source: Path, target_url: str) -> str:
    beside = source.with_name(source.name + KEY_SUFFIX)
    target = sqlite_path(target_url) if "://" in target_url else Path(target_url)
    shown = str(target) if target is not None else target_url
    return (f"If you trust the key saved with that backup, an administrator installs it "
            f"first with: ptdesk audit key install {shlex.quote(str(beside))} --db "
            f"{shlex.quote(shown)} — then runs the restore again.")


def _check_key(source: Path, sf: SessionFactory, key: bytes | None, target_url: str) -> None:
    """The copy's chain must verify with the clinic's current key; restore never installs one."""
    result = verify_chain(sf, key=key, anchor=False)
    if result.ok or not result.sealed:
        return
    if key is None:
        raise refuse(source, "its audit log is sealed, but this computer has no audit key for "
                     "this database. " + install_hint(source, target_url))
    beside = source.with_name(source.name + KEY_SUFFIX)
    with contextlib.suppress(AuditKeyError, FileNotFoundError, OSError):
        other = read_key_file(beside)
        if other != key and verify_chain(sf, key=other, anchor=False).ok:
            raise refuse(source, "its audit log was sealed with a different audit key than "
                         "this clinic's (another clinic's, or the key was replaced since). "
                         + install_hint(source, target_url))


def stage_backup(source: Path, target: Path, stamp: str, key: bytes | None,
                 target_url: str = "", database_key: bytes | None = None) -> StagedCopy:
    """Check the backup's schema untouched, then copy, upgrade and check the copy.

    Raises RestoreRefusedError on any fault; nothing in the backup runs before its whole
    schema has been found identical to what the migrations make for its revision. An
    encrypted clinic's backup is read, copied and checked under `database_key` (the copy
    stays encrypted under it).
    """
    revision = _untrusted_revision(source, database_key)
    engine_for_script = make_engine("sqlite://")
    try:
        require_known(engine_for_script, source, revision)
    finally:
        engine_for_script.dispose()
    _integrity(source, database_key)
    differences = check_backup_schema(source, revision, database_key)
    if differences:
        raise refuse(source, "its database structure is not what PT Desk makes: "
                     + "; ".join(differences[:8]) + ".")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = target.with_name(f".{target.name}.restore-{stamp}")
    # Creates the file 0600; not connected until the copy is in.
    engine = make_engine(staging, key=None if database_key is None
                         else DatabaseKey(database_key))
    staged = StagedCopy(staging, stamp, engine, key, revision, database_key)
    try:
        _copy(source, staging, database_key)
        upgrade(engine)
        sf = make_session_factory(engine)
        _check_key(source, sf, key, target_url or str(target))
        report = check_database(engine, key=key, anchor=False)
        if not report.ok:
            raise refuse(source, "it failed these checks: " + " ".join(report.problems))
    except BaseException:
        staged.discard()
        raise
    return staged


def may_restore_into(engine: Engine, actor: str) -> bool:
    """True when the live database says `actor` may restore; False when it cannot be read.

    PermissionDeniedError when it can be read and says no. A damaged or outdated database
    cannot answer, and then the backup's own accounts decide.
    """
    from ptdesk.services.errors import PermissionDeniedError
    from ptdesk.services.permissions import check as check_permission

    try:
        check_permission(make_session_factory(engine), actor, "restore")
        return True
    except PermissionDeniedError:
        raise
    except Exception:  # unreadable: see the docstring
        return False
    finally:
        engine.dispose()
