"""Files a killed backup or restore leaves behind: found and removed safely at the next start.

A backup writes `.<name>.partial` in the backup folder and a restore a staging copy
`.<database>.restore-<stamp>` beside the database; both hold patient data. Each run
holds an exclusive lock on the folder itself (flock, released by the kernel when the
process dies; no lock file is left behind), so a run that gets the lock knows every
such file it finds belongs to a process that is gone, and removes it; a run in progress
is never disturbed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from glob import escape as glob_escape
from pathlib import Path

from ptdesk.db.engine import sqlite_path
from ptdesk.services.errors import ServiceError

_SIDE = ("-wal", "-shm", "-journal")


class BusyError(ServiceError):
    """Another backup or restore of the same database is running."""


@contextlib.contextmanager
def _flock(folder: Path, *, wait: bool) -> Iterator[bool]:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


@contextlib.contextmanager
def restore_lock(target: Path) -> Iterator[None]:
    """Held for a whole restore into `target`'s folder; a second one at once is refused."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _flock(target.parent, wait=False) as held:
        if not held:
            raise BusyError("Another restore of this database is running. Wait for it to "
                            "finish. Nothing was changed.")
        yield


@contextlib.contextmanager
def backup_lock(folder: Path, stem: str) -> Iterator[None]:
    """Held while a backup writes into `folder`; backups of one database take turns."""
    with _flock(folder, wait=True):
        yield


def _remove(paths: list[Path]) -> list[Path]:
    removed = []
    for path in paths:
        for side in (path, *(path.with_name(path.name + s) for s in _SIDE)):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                if side.is_symlink() or side.is_file():
                    side.unlink()
                    if side == path:
                        removed.append(path)
    return removed


def remove_staging_leftovers(target: Path) -> list[Path]:
    """Staging copies of killed restores beside `target`; the caller holds the restore lock."""
    pattern = f".{glob_escape(target.name)}.restore-*"
    return _remove([p for p in target.parent.glob(pattern)
                    if not p.name.endswith((*_SIDE, ".lock"))])


def remove_partial_backups(folder: Path, stem: str) -> list[Path]:
    """Half-written backups of killed runs in `folder`; the caller holds the backup lock."""
    return _remove(sorted(folder.glob(f".{glob_escape(stem)}-*.partial")))


def remove_leftovers(url: str, backup_folder: Path | None = None) -> list[Path]:
    """At start: remove what killed backups and restores of this database left behind.

    Only files no running PT Desk is using (their lock is free) are touched.
    """
    removed: list[Path] = []
    target = sqlite_path(url)
    if target is not None and target.parent.is_dir():
        with _flock(target.parent, wait=False) as held:
            if held:
                removed += remove_staging_leftovers(target)
    if backup_folder is not None and backup_folder.is_dir():
        stem = target.stem if target is not None else ""
        if stem:
            with _flock(backup_folder, wait=False) as held:
                if held:
                    removed += remove_partial_backups(backup_folder, stem)
    return removed


def remove_leftovers_at_start(url: str) -> None:
    """For the command line's start: clean beside a database file and in its default
    backup folder, without opening the database; never raises (a start must not fail
    over a leftover)."""
    try:
        target = sqlite_path(url)
        remove_leftovers(url, target.parent / "backups" if target is not None else None)
    except Exception:  # best effort only: the backup and restore commands clean again
        return
