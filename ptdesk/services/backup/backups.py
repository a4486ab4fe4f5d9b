"""Backups of the live database, a checked and atomic restore, and `verify`, for both engines.

A backup is a consistent copy taken with SQLite's online backup API (the app may keep
running) or, in clinic mode, with pg_dump (see pg_backup.py); it is written owner-only,
with the audit key file copied next to it so the copy's audit chain can still be checked.
A restore checks the backup completely on a staging copy (a scratch database on a
server), keeps the current database aside, and swaps in one atomic step.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from glob import escape as glob_escape
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError

from ptdesk.db.engine import (
    SessionFactory,
    default_data_dir,
    engine_of,
    make_engine,
    make_session_factory,
    resolve_url,
    sqlite_path,
)
from ptdesk.db.models import ClinicSettings
from ptdesk.services.audit import log as audit
from ptdesk.services.audit.key import (
    KEY_SUFFIX,
    key_path_for_url,
    load_key,
    read_key_file,
    write_key_file,
)
from ptdesk.services.backup import pg_backup
from ptdesk.services.backup.pg_tools import PgToolError
from ptdesk.services.backup.restore_file import (
    RestoreResult,
    StagedCopy,
    may_restore_into,
    stage_backup,
)
from ptdesk.services.clinic import get_backup_settings
from ptdesk.services.db_check import ClinicModeError, Report, backend, check_database
from ptdesk.services.errors import ServiceError
from ptdesk.services.permissions import check as check_permission
from ptdesk.services.uow import default_actor, storage_message, transaction

__all__ = ["BackupError", "ClinicModeError", "Report", "RestoreResult", "backup",
           "backup_folder", "default_folder", "last_backup_at", "list_backups", "restore",
           "verify"]
DEFAULT_KEEP = 14
FILE_SUFFIX = ".db"


class BackupError(ServiceError):
    """A backup or restore that could not be done; nothing was changed."""


def _is_server(engine: Engine, what: str) -> bool:
    return backend(engine.url, what) == "postgresql"


def _database_file(engine: Engine, what: str) -> Path:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        raise ClinicModeError(f"{what} needs a database file, not an in-memory database.")
    return path


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a folder be synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _naming(engine: Engine) -> tuple[str, str]:
    """Backup names: `<database>-<UTC stamp><suffix>`; `.dump` for pg_dump files."""
    if _is_server(engine, "Backup"):
        return str(engine.url.database), pg_backup.DUMP_SUFFIX
    return _database_file(engine, "Backup").stem, FILE_SUFFIX


def _pattern(stem: str, suffix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(stem)}-\d{{8}}-\d{{6}}-\d{{6}}{re.escape(suffix)}$")


def list_backups(folder: Path, stem: str, suffix: str = FILE_SUFFIX) -> list[Path]:
    """This database's backups in `folder`, oldest first (`.dump` ones: pass the suffix)."""
    pattern = _pattern(stem, suffix)
    return sorted(p for p in folder.glob(f"{glob_escape(stem)}-*{suffix}")
                  if pattern.match(p.name))


def default_folder(target: SessionFactory | Engine) -> Path:
    """Where backups go without --to: a `backups` folder next to the database file, or
    in PT Desk's data folder on this computer for a database on a server."""
    engine = engine_of(target)
    if _is_server(engine, "Backup"):
        return default_data_dir() / "backups"
    return _database_file(engine, "Backup").parent / "backups"


def backup_folder(target: SessionFactory | Engine) -> Path:
    """The clinic's backup folder: the one an administrator chose, else `default_folder`."""
    engine = engine_of(target)
    chosen = get_backup_settings(make_session_factory(engine)).folder
    return Path(chosen).expanduser() if chosen else default_folder(engine)


def last_backup_at(target: SessionFactory | Engine,
                   to_dir: str | os.PathLike[str] | None = None) -> datetime | None:
    """When the newest backup in the folder was taken (UTC), for the daily backup offer."""
    stem, suffix = _naming(engine_of(target))
    folder = Path(to_dir).expanduser() if to_dir is not None else backup_folder(target)
    found = list_backups(folder, stem, suffix) if folder.is_dir() else []
    if not found:
        return None
    stamp = found[-1].name[len(stem) + 1:-len(suffix)]
    return datetime.strptime(stamp, "%Y%m%d-%H%M%S-%f").replace(tzinfo=UTC)


def _prune(folder: Path, stem: str, suffix: str, keep: int) -> None:
    for old in list_backups(folder, stem, suffix)[:-keep]:
        for path in (old, old.with_name(old.name + KEY_SUFFIX)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _keep_setting(session_factory: SessionFactory) -> int:
    with transaction(session_factory) as session:
        value = session.scalar(select(ClinicSettings.backups_kept).limit(1))
    return int(value) if value else DEFAULT_KEEP


def backup(
    target: SessionFactory | Engine, *, to_dir: str | os.PathLike[str] | None = None,
    keep: int | None = None, actor: str | None = None, daily: bool = False,
) -> Path:
    """Write a consistent, owner-only copy of the live database; returns its path.

    Keeps the newest `keep` backups of this database in the folder (default: the clinic
    setting); the folder defaults to the clinic's backup folder. With `actor`, the
    permission is checked and the backup is audited. `daily` is the backup offered on
    close: any role may take it (permission "daily_backup"), so it always uses the
    clinic's folder and keep setting, never a caller's.
    """
    if daily and (to_dir is not None or keep is not None):
        raise ValueError("the daily backup uses the clinic's backup folder and keep setting")
    engine = engine_of(target)
    stem, suffix = _naming(engine)
    sf = make_session_factory(engine)
    if actor is not None:
        check_permission(sf, actor, "daily_backup" if daily else "backup")
    keep = keep if keep is not None else _keep_setting(sf)
    if keep < 1:
        raise BackupError("At least one backup must be kept.")
    folder = Path(to_dir).expanduser() if to_dir is not None else backup_folder(engine)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise BackupError(f"The backup folder {folder} cannot be created ({exc.strerror}).") \
            from exc
    key = load_key(engine, create=True)  # so the copy's chain can always be checked
    final = folder / f"{stem}-{_stamp()}{suffix}"
    partial = folder / f".{final.name}.partial"
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        if suffix == pg_backup.DUMP_SUFFIX:
            pg_backup.dump(engine, partial)
        else:
            _copy_live(engine, partial)
        if key is not None:
            write_key_file(final.with_name(final.name + KEY_SUFFIX), key, replace=True)
        os.replace(partial, final)
        _fsync_dir(folder)
    except (OSError, sqlite3.Error, PgToolError, DBAPIError) as exc:
        detail = storage_message(exc) if isinstance(exc, DBAPIError) else str(exc)
        raise BackupError(f"The backup could not be written to {folder}: "
                          f"{detail.rstrip('.')}. The database itself is unchanged.") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    _prune(folder, stem, suffix, keep)
    if actor is not None:
        with transaction(sf) as session:
            audit.record(session, actor=actor, action="backup", record_type="database",
                         summary=f"{'daily ' if daily else ''}backup written: {final.name}")
    return final


def _copy_live(engine: Engine, partial: Path) -> None:
    with engine.connect() as connection:
        source = connection.connection.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # one step: a single consistent snapshot of the live file
            # A self-contained file: no -wal next to the backup.
            copy.execute("PRAGMA journal_mode=DELETE")
            result = copy.execute("PRAGMA quick_check").fetchone()[0]
            copy.commit()
        finally:
            copy.close()
    if result != "ok":
        raise sqlite3.DatabaseError(f"the copy failed its check ({result})")
    fd = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify(target: SessionFactory | Engine) -> Report:
    """integrity_check, foreign_key_check, schema, audit chain, signed-note hashes."""
    engine = engine_of(target)
    if not _is_server(engine, "Checking the database"):
        _database_file(engine, "Checking the database")
    return check_database(engine)


def restore(
    path: str | os.PathLike[str], *, target_db: str | os.PathLike[str],
    actor: str | None = None,
) -> RestoreResult:
    """Replace the database at `target_db` with the backup at `path`, after checking it.

    The backup is copied to a staging file (or, for a PostgreSQL database, loaded into a
    scratch database on the same server), checked (integrity, foreign keys, schema,
    audit chain, signed-note hashes) and upgraded there; only then is the current
    database kept aside and the staged copy put in its place in one step.
    """
    source = Path(path).expanduser()
    url = resolve_url(target_db)
    server = backend(url, "Restore") == "postgresql"
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    _require_kind(source, server)
    if server:
        try:
            result = pg_backup.restore_dump(source, url, actor=actor, stamp=_stamp())
        except PgToolError as exc:
            raise BackupError(str(exc)) from exc
        except DBAPIError as exc:  # the server went away, or refused a statement
            raise BackupError(f"The restore stopped: {storage_message(exc)}") from exc
    else:
        result = _restore_file(source, url, actor)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            audit.record(session, actor=actor or default_actor(), action="restore",
                         record_type="database",
                         summary=f"restored from backup {source.name}")
    finally:
        engine.dispose()
    return result


def _require_kind(source: Path, server: bool) -> None:
    """A pg_dump file only restores onto a server, an SQLite file only into a file."""
    with contextlib.suppress(OSError), source.open("rb") as file:
        head = file.read(16)
        if server and head.startswith(b"SQLite format 3"):
            raise BackupError(f"{source.name} is a backup of a database file (SQLite); it "
                              "cannot be restored onto a PostgreSQL server.")
        if not server and head.startswith(b"PGDMP"):
            raise BackupError(f"{source.name} is a backup of a clinic server (pg_dump); "
                              "restore it with --db set to the PostgreSQL database.")


def _restore_file(source: Path, url: str, actor: str | None) -> RestoreResult:
    target = sqlite_path(url)
    if target is None:
        raise ClinicModeError("Restore needs a database file, not an in-memory database.")
    if source.resolve() == target.resolve():
        raise BackupError("That file is the database itself, not a backup of it.")
    checked_here = actor is not None and _check_current(url, actor)
    staged = stage_backup(source, target, _stamp(), key_path_for_url(url))
    try:
        if actor is not None and not checked_here:
            check_permission(make_session_factory(staged.engine), actor, "restore")
        staged.close()
        aside = _swap(staged, target, url)
    except BaseException:
        staged.discard()
        raise
    return RestoreResult(source, target, aside, staged.revision)


def _check_current(url: str, actor: str) -> bool:
    """Check `actor` may restore, against the current database when it can be read."""
    target = sqlite_path(url)
    if target is None or not target.exists():
        return False
    return may_restore_into(make_engine(url), actor)


def _swap(staged: StagedCopy, target: Path, url: str) -> Path | None:
    """Keep the current database aside, then rename the staged copy over it (atomic).

    If the rename fails, the key file and the folder are put back as they were.
    """
    aside: Path | None = None
    key_file = key_path_for_url(url)
    old_key = read_key_file(key_file) if key_file is not None and key_file.exists() else None
    if target.exists():
        aside = target.with_name(f"{target.name}.before-restore-{staged.stamp}")
        _take_out_of_wal(target, aside)
        try:
            os.link(target, aside)  # the old file stays reachable under the new name
        except OSError:
            shutil.copy2(target, aside)
        os.chmod(aside, 0o600)
        if old_key is not None:
            write_key_file(aside.with_name(aside.name + KEY_SUFFIX), old_key, replace=True)
    try:
        if key_file is not None and staged.key is not None:
            write_key_file(key_file, staged.key, replace=True)
        os.replace(staged.path, target)
    except BaseException:
        if key_file is not None and old_key is not None:
            write_key_file(key_file, old_key, replace=True)
        if aside is not None:
            for path in (aside, aside.with_name(aside.name + KEY_SUFFIX)):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        raise
    _fsync_dir(target.parent)
    return aside


def _take_out_of_wal(target: Path, aside: Path) -> None:
    """Fold the -wal file into the database so the file alone is complete.

    Switching the journal mode needs every other connection closed, so this also
    refuses to restore under a running PT Desk.
    """
    try:
        connection = sqlite3.connect(target, timeout=1.0)
        try:
            connection.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            connection.close()
        return
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupError("The database is in use. Close every PT Desk window (on this "
                              "and other computers) and try the restore again.") from exc
    except sqlite3.DatabaseError:
        pass
    # A damaged database is kept aside as it is, with its -wal and -shm files.
    for suffix in ("-wal", "-shm"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
