"""Backups of the live database, a checked and atomic restore, and `verify`, for both engines.

A backup is a consistent copy taken with SQLite's online backup API (the app may keep
running) or, in clinic mode, with pg_dump (see pg_backup.py); it is written owner-only.
The audit key is copied next to it only outside the database's folder and its default
`backups` folder (copying the data folder must never give the key away).
A restore checks the backup completely on a staging copy (a scratch database on a
server), keeps the current database aside, and swaps in one atomic step.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from datetime import UTC, datetime
from glob import escape as glob_escape
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError

from ptdesk.db.engine import (
    DatabaseKey,
    SessionFactory,
    copy_database,
    default_data_dir,
    engine_of,
    make_engine,
    make_session_factory,
    resolve_url,
    sqlite_path,
)
from ptdesk.db.models import ClinicSettings
from ptdesk.services.audit import log as audit
from ptdesk.services.audit.anchor import anchor_path
from ptdesk.services.audit.anchor import reset as reset_anchor
from ptdesk.services.audit.key import (
    KEY_SUFFIX,
    load_key,
    write_key_file,
)
from ptdesk.services.audit.settings import restore_copies_kept
from ptdesk.services.backup import pg_backup
from ptdesk.services.backup.common import BackupError, fsync_dir, stamp
from ptdesk.services.backup.leftovers import (
    backup_lock,
    remove_partial_backups,
)
from ptdesk.services.backup.manifest import (
    head_of_engine,
    head_of_file,
    manifest_path,
    read_manifest,
    witness_problems,
    write_manifest,
)
from ptdesk.services.backup.pg_tools import PgToolError
from ptdesk.services.backup.restore_auth import (
    SignIn,
    sign_in_needed,
)
from ptdesk.services.backup.restore_encrypted import (
    Swapped,
    check_encrypted_restore,
    finish_keys,
    refuse_plaintext_onto_encrypted,
    restore_encrypted,
)
from ptdesk.services.backup.restore_file import RestoreResult
from ptdesk.services.backup.restore_swap import prune_kept_aside, restore_file
from ptdesk.services.clinic import get_backup_settings
from ptdesk.services.db_check import Check, ClinicModeError, Report, backend, check_database
from ptdesk.services.errors import ServiceError
from ptdesk.services.keys.backup_keys import (
    foreign_backup_problem,
    is_encrypted_backup,
    sidecars,
    write_sidecars,
)
from ptdesk.services.permissions import check as check_permission
from ptdesk.services.uow import default_actor, storage_message, transaction

__all__ = ["BackupError", "ClinicModeError", "Report", "RestoreResult",
           "RestoredWithProblemsError", "SignIn", "backup", "backup_folder", "default_folder",
           "last_backup_at", "list_backups", "prune_kept_aside", "restore", "restore_sign_in",
           "verify"]
DEFAULT_KEEP = 14
FILE_SUFFIX = ".db"


def _is_server(engine: Engine, what: str) -> bool:
    return backend(engine.url, what) == "postgresql"


def _database_file(engine: Engine, what: str) -> Path:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        raise ClinicModeError(f"{what} needs a database file, not an in-memory database.")
    return path


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


def _key_may_go_beside(engine: Engine, folder: Path) -> bool:
    """A copy of the key beside the backups only where it does not travel with the
    database's folder: never in that folder or its `backups` folder (the default), so
    whoever copies the data folder gets no key; beside backups on a drive or in a folder
    an administrator chose, so they can be checked and installed from there."""
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        return True  # a server's dumps are never in the database's folder
    home = path.expanduser().resolve().parent
    where = folder.expanduser().resolve()
    return where != home and not where.is_relative_to(home / "backups")


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
        for path in (old, old.with_name(old.name + KEY_SUFFIX), manifest_path(old),
                     *sidecars(old)):
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
    # A key beside a backup outside the data folder, so the copy's chain can be checked
    # where it is kept; a new key only for a log that never had one (never while the log
    # has entries).
    key = load_key(engine, create=audit.log_is_empty(sf))
    final = folder / f"{stem}-{stamp()}{suffix}"
    partial = folder / f".{final.name}.partial"
    with backup_lock(folder, stem):
        remove_partial_backups(folder, stem)  # of killed runs: the lock says none is running
        try:
            os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            if suffix == pg_backup.DUMP_SUFFIX:
                head = head_of_engine(engine)  # the dump holds at least this much
                pg_backup.dump(engine, partial)
            else:
                _copy_live(engine, partial)
                head = head_of_file(partial, engine)
            # An encrypted clinic's backup carries its slots and its audit key sealed
            # under the database key; a plaintext clinic's, the audit key as before.
            sealed = suffix != pg_backup.DUMP_SUFFIX and write_sidecars(engine, final, key)
            if key is not None and not sealed and _key_may_go_beside(engine, folder):
                write_key_file(final.with_name(final.name + KEY_SUFFIX), key, replace=True)
            write_manifest(partial, final.name, head, key)
            os.replace(partial, final)
            fsync_dir(folder)
        except (OSError, sqlite3.Error, PgToolError, DBAPIError) as exc:
            manifest_path(final).unlink(missing_ok=True)
            detail = storage_message(exc) if isinstance(exc, DBAPIError) else str(exc)
            raise BackupError(f"The backup could not be written to {folder}: "
                              f"{detail.rstrip('.')}. The database itself is unchanged.") \
                from exc
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
    # An encrypted clinic's copy stays encrypted under its key (ptdesk.db.engine).
    copy_database(engine, partial)
    fd = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify(target: SessionFactory | Engine) -> Report:
    """integrity_check, foreign_key_check, schema, audit chain, signed-note hashes, and the
    newest backup's manifest (the log must still reach the head it witnessed)."""
    engine = engine_of(target)
    if not _is_server(engine, "Checking the database"):
        _database_file(engine, "Checking the database")
    report = check_database(engine)
    if not all(c.ok for c in report.checks if c.name == "Schema version"):
        return report
    witness = _witness_check(engine)
    return report if witness is None else Report((*report.checks, witness))


WITNESS_CHECK = "Newest backup's witness (manifest)"


def _witness_check(engine: Engine) -> Check | None:
    try:
        stem, suffix = _naming(engine)
        folder = backup_folder(engine)
        found = [b for b in list_backups(folder, stem, suffix) if manifest_path(b).exists()] \
            if folder.is_dir() else []
        if not found:
            return None
        foreign = foreign_backup_problem(engine, found[-1])
        if foreign is not None:  # its manifest would only read as a confusing chain error
            return Check(WITNESS_CHECK, False, (foreign,))
        newest = read_manifest(manifest_path(found[-1]))
        problems = witness_problems(engine, newest, load_key(engine, create=False))
    except Exception as exc:  # a damaged database or folder: report it, never stop verify
        return Check(WITNESS_CHECK, False, (f"could not be checked: {type(exc).__name__}",))
    where = (f"backup {newest.backup}: {newest.head.entries} entries, last hash "
             f"{newest.head.last_hash or 'none'}")
    return Check(WITNESS_CHECK, not problems, (*problems, where))


class RestoredWithProblemsError(ServiceError):
    """The backup is in place, but a step after the swap failed; the message says which."""


def restore_sign_in(target_db: str | os.PathLike[str],
                    source: str | os.PathLike[str] | None = None) -> SignIn:
    """Whose administrator password a restore of `source` into `target_db` will need (ask
    before). A backup that cannot go there at all (another clinic's, or a plaintext and an
    encrypted clinic mixed) is refused here, before any password is asked."""
    url = resolve_url(target_db)
    if source is not None and sqlite_path(url) is not None:
        path = Path(source).expanduser()
        if is_encrypted_backup(path):
            return check_encrypted_restore(path, url)
        refuse_plaintext_onto_encrypted(path, url)
    return sign_in_needed(url)


def restore(
    path: str | os.PathLike[str], *, target_db: str | os.PathLike[str],
    actor: str | None = None, password: str | None = None,
) -> RestoreResult:
    """Replace the database at `target_db` with the backup at `path`, after checking it.

    The backup's whole schema is compared with the migrations' first, read-only (see
    schema_check.py); then it is copied to a staging file (or, for a PostgreSQL database,
    loaded into a scratch database on the same server), upgraded and checked there
    (integrity, foreign keys, schema, audit chain with the clinic's current key,
    signed-note hashes); only then is the current database kept aside and the staged
    copy put in its place in one step. `actor` and `password` must be an administrator's
    whenever `restore_sign_in` says so. An encrypted clinic's backup goes over the
    encrypted clinic with its key file (restore_encrypted.py); `password` is then always
    needed. Success is reported only once every step after the swap (the key file's last
    step, anchor, audit entry, pruning) has succeeded.
    """
    source = Path(path).expanduser()
    url = resolve_url(target_db)
    server = backend(url, "Restore") == "postgresql"
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    _require_kind(source, server)
    key: bytes | None = None
    swapped: Swapped | None = None
    if not server and is_encrypted_backup(source):
        swapped = restore_encrypted(source, url, actor, password or "")
        result, key = swapped.result, swapped.database_key
        actor = swapped.actor
    elif server:
        try:
            result = pg_backup.restore_dump(source, url, actor=actor, stamp=stamp(),
                                            password=password)
        except PgToolError as exc:
            raise BackupError(str(exc)) from exc
        except DBAPIError as exc:  # the server went away, or refused a statement
            raise BackupError(f"The restore stopped: {storage_message(exc)}") from exc
    else:
        refuse_plaintext_onto_encrypted(source, url)
        result = restore_file(source, url, actor, password)
    try:
        if swapped is not None:
            finish_keys(swapped)
        _after_swap(url, source, result, actor, key, by_recovery=swapped is not None
                    and swapped.actor is None)
    except Exception as exc:
        kept = f"; the previous database is kept as {result.kept_aside}" \
            if result.kept_aside else ""
        detail = storage_message(exc) if isinstance(exc, DBAPIError) else str(exc)
        raise RestoredWithProblemsError(
            f"The backup {source.name} was put in place{kept}, but finishing the restore "
            f"failed ({type(exc).__name__}: {detail.rstrip('.')}). Run `ptdesk verify` before "
            "using PT Desk.") from exc
    return result


def _after_swap(url: str, source: Path, result: RestoreResult, actor: str | None,
                database_key_bytes: bytes | None = None, *, by_recovery: bool = False) -> None:
    # An encrypted clinic's restored database opens under the backup's key.
    engine = make_engine(url, key=None if database_key_bytes is None
                         else DatabaseKey(database_key_bytes))
    how = " with the clinic recovery key" if by_recovery else ""
    try:
        sf = make_session_factory(engine)
        # The restored log is where this computer's record of the chain now starts.
        reset_anchor(anchor_path(engine), audit.current_anchor(sf))
        with transaction(sf) as session:
            audit.record(session, actor=actor or default_actor(), action="restore",
                         record_type="database",
                         summary=f"restored from backup {source.name}{how}")
        keep = restore_copies_kept(sf)
    finally:
        engine.dispose()
    target = sqlite_path(url)
    if target is not None:
        prune_kept_aside(target, keep)


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


