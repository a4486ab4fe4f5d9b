"""Stage a backup for restore: copy it beside the database, check and upgrade the copy there."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import alembic_config, known_head, upgrade
from ptdesk.services.audit.key import KEY_SUFFIX, AuditKeyError, read_key_file
from ptdesk.services.audit.log import verify_chain
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


@dataclass
class StagedCopy:
    """A checked, upgraded copy of the backup next to the database, ready to be renamed."""

    path: Path
    stamp: str
    engine: Engine
    key: bytes | None  # the audit key that verifies the copy's chain
    revision: str  # the backup's schema revision before the upgrade

    def close(self) -> None:
        """Release the copy and make it one self-contained file (no -wal beside it)."""
        self.engine.dispose()
        connection = sqlite3.connect(self.path)
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


def _copy(source: Path, staging: Path) -> None:
    try:
        src = sqlite3.connect(source)
        try:
            copy = sqlite3.connect(staging)
            try:
                src.backup(copy)
            finally:
                copy.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise refuse(source, f"it is not a readable database ({exc}).") from exc


def _revision(source: Path, staging: Path) -> str:
    connection = sqlite3.connect(staging)
    try:
        if known_head() != _read_revision(connection, source):
            # Migrations must not run on a damaged file; at head, check_database checks it.
            rows = [r[0] for r in connection.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                raise refuse(source, f"the file is damaged ({'; '.join(rows[:3])}).")
        return _read_revision(connection, source)
    finally:
        connection.close()


def _read_revision(connection: sqlite3.Connection, source: Path) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
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


def _key_candidates(source: Path, current_key_file: Path | None) -> list[bytes | None]:
    # The backup's own key first; a backup copied without it may share the clinic's key.
    out: list[bytes | None] = []
    for path in (source.with_name(source.name + KEY_SUFFIX), current_key_file):
        if path is not None and path.exists():
            with contextlib.suppress(AuditKeyError, FileNotFoundError):
                out.append(read_key_file(path))
    return out or [None]


def stage_backup(source: Path, target: Path, stamp: str,
                 current_key_file: Path | None) -> StagedCopy:
    """Copy, check, upgrade and re-check the backup; raises RestoreRefusedError on any fault."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = target.with_name(f".{target.name}.restore-{stamp}")
    engine = make_engine(staging)  # creates the file 0600; not connected until the copy is in
    staged = StagedCopy(staging, stamp, engine, None, "")
    try:
        _copy(source, staging)
        staged.revision = _revision(source, staging)
        require_known(engine, source, staged.revision)
        upgrade(engine)
        sf = make_session_factory(engine)
        candidates = _key_candidates(source, current_key_file)
        staged.key = next((k for k in candidates if verify_chain(sf, key=k).ok), candidates[0])
        report = check_database(engine, key=staged.key)
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
