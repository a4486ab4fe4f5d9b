"""Restoring into a database file: the checked copy is swapped in atomically, the old one kept aside."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from glob import escape as glob_escape
from pathlib import Path

from ptdesk.db.engine import KEY_FILE_SUFFIX, make_engine, make_session_factory, sqlite_path
from ptdesk.db.migrate import is_up_to_date
from ptdesk.services.audit.key import (
    KEY_ENV,
    KEY_SUFFIX,
    key_home_for_url,
    key_path_for_url,
    read_key_file,
    write_key_file,
)
from ptdesk.services.backup.common import BackupError, fsync_dir, stamp
from ptdesk.services.backup.leftovers import remove_staging_leftovers, restore_lock
from ptdesk.services.backup.restore_auth import (
    SignIn,
    backup_accounts,
    check_administrator,
    current_accounts,
    sign_in_needed,
)
from ptdesk.services.backup.restore_file import (
    SIDE_FILES,
    RestoreResult,
    StagedCopy,
    may_restore_into,
    stage_backup,
)
from ptdesk.services.db_check import ClinicModeError
from ptdesk.services.permissions import check as check_permission


def prune_kept_aside(target: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` databases set aside by restores (with their key and side files;
    an encrypted clinic's copy with its key file, `.keys`)."""
    prefix = f"{target.name}.before-restore-"
    ends = (KEY_SUFFIX, KEY_FILE_SUFFIX, *SIDE_FILES)
    copies = sorted(p for p in target.parent.glob(f"{glob_escape(prefix)}*")
                    if not p.name.endswith(ends))
    removed = []
    for old in copies[:-keep] if keep > 0 else copies:
        key = aside_key_path(old)
        for side in (old, *(old.with_name(old.name + s) for s in ends),
                     *([key] if key is not None else [])):
            with contextlib.suppress(FileNotFoundError):
                side.unlink()
        removed.append(old)
    return removed


def restore_file(source: Path, url: str, actor: str | None,
                  password: str | None) -> RestoreResult:
    target = sqlite_path(url)
    if target is None:
        raise ClinicModeError("Restore needs a database file, not an in-memory database.")
    if source.resolve() == target.resolve():
        raise BackupError("That file is the database itself, not a backup of it.")
    needed = sign_in_needed(url)
    if needed is SignIn.CURRENT:
        if actor is not None and is_up_to_date_file(target):
            # The role first, in the live database's own words (as every service does).
            may_restore_into(make_engine(url), actor)
        actor = check_administrator(current_accounts(url) or [], actor, password)
    with restore_lock(target):
        remove_staging_leftovers(target)
        key_file = key_path_for_url(url)
        key = None
        if key_file is not None and key_file.exists():
            key = read_key_file(key_file)
        staged = stage_backup(source, target, stamp(), key, url)
        try:
            if needed is SignIn.BACKUP:
                check_administrator(backup_accounts(staged.path), actor, password)
            elif needed is SignIn.NONE and actor is not None:
                check_permission(make_session_factory(staged.engine), actor, "restore")
            staged.close()
            aside = _swap(staged, target, url)
        except BaseException:
            staged.discard()
            raise
    return RestoreResult(source, target, aside, staged.revision)


def is_up_to_date_file(target: Path) -> bool:
    """True when the database file can be read and is at the current schema."""
    try:
        engine = make_engine(target)
        try:
            return is_up_to_date(engine)
        finally:
            engine.dispose()
    except Exception:  # damaged or older: the raw password check alone decides
        return False


def _swap(staged: StagedCopy, target: Path, url: str) -> Path | None:
    """Keep the current database aside, then rename the staged copy over it (atomic).

    If the rename fails, the folder is put back as it was.
    """
    aside: Path | None = None
    key_file = key_path_for_url(url)
    old_key = read_key_file(key_file) if key_file is not None and key_file.exists() else None
    if target.exists():
        aside = target.with_name(f"{target.name}.before-restore-{staged.stamp}")
        _take_out_of_wal(target, aside)
        link_aside(target, aside)
        aside_key = aside_key_path(aside)
        if old_key is not None and aside_key is not None:
            write_key_file(aside_key, old_key, replace=True)  # in the key folder too
    try:
        # The key stays the clinic's own: the copy was verified with it (restore never
        # installs a key found beside a backup).
        os.replace(staged.path, target)
    except BaseException:
        if aside is not None:
            for path in (aside, aside_key_path(aside) or aside):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        raise
    fsync_dir(target.parent)
    return aside


def aside_key_path(aside: Path) -> Path | None:
    """Where the key of a database kept aside by a restore lives (the key folder, unless
    $PTDESK_AUDIT_KEY_FILE names the one key file, which the live database keeps)."""
    if os.environ.get(KEY_ENV):
        return None
    return key_home_for_url("sqlite:///" + str(aside))


def link_aside(target: Path, aside: Path) -> None:
    """The current database also under the kept-aside name (owner-only): a hard link, so the
    old file stays reachable, or a copy where the folder cannot link."""
    try:
        os.link(target, aside)
    except OSError:
        shutil.copy2(target, aside)
    os.chmod(aside, 0o600)


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
