"""Files the clinician asks for (PDFs, CSVs): written whole and owner-only, never through a trap.

A regular file is written to an exclusive temporary file beside it (O_CREAT|O_EXCL|
O_NOFOLLOW, so a pre-planted symbolic link cannot redirect it), synced and renamed into
place: a reader sees the old file or the new one, never half of one. An existing device
or named pipe (/dev/null, /dev/stdout, a FIFO) is written to directly and never replaced
by a regular file. A block device, socket or folder is refused.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

# Owner-only: a handout names its patient, an audit export names many.
FILE_MODE = 0o600


class OutputFileError(Exception):
    """The file could not be written; `usage` is True when the path itself is wrong."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def check_output_path(path: Path, replaces: bytes = b"") -> None:
    """Refuse, before any work is done, a path that can never take the output.

    With `replaces` (e.g. b"%PDF"), an existing non-empty regular file is replaced only if
    it starts with those bytes: a handout named like an older handout is replaced, a
    mistyped path to some other document (or /etc/passwd, as root) is not.
    """
    _plan(path, replaces)


def write_output(path: Path, data: bytes, replaces: bytes = b"") -> None:
    """Put `data` at `path` (see the module docstring); OutputFileError in plain words."""
    target, special = _plan(path, replaces)
    if special:
        _write_special(target, path, data)
    else:
        _replace_regular(target, path, data)


def _plan(path: Path, replaces: bytes = b"") -> tuple[Path, bool]:
    """(where to write, whether it is an existing device or pipe to write into directly).

    A link the user names is followed to its end (a regular file there is replaced, the
    link itself left as it was); a link to nothing is refused, since whoever planted it
    would choose where the patient's file lands.
    """
    path = Path(os.path.expanduser(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise OutputFileError(f"{path} is a link to nothing", usage=True) from None
        if not path.parent.is_dir():
            raise OutputFileError(f"the folder {path.parent} does not exist",
                                  usage=True) from None
        return path, False
    except OSError as exc:
        raise OutputFileError(f"cannot write {path}: {_reason(exc)}", usage=True) from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputFileError(f"{path} is a folder, not a file", usage=True)
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return path, True
    if not stat.S_ISREG(info.st_mode):
        raise OutputFileError(f"{path} is a disk device or socket; PT Desk does not write there",
                              usage=True)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if replaces and info.st_size and not _starts_with(target, replaces):
        kind = replaces.decode("ascii", "replace").strip("%")
        raise OutputFileError(f"{path} already exists and is not a {kind} file; PT Desk does "
                              "not replace it (choose another name)", usage=True)
    return target, False


def _starts_with(path: Path, prefix: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(prefix)) == prefix
    except OSError:
        return False


def _write_special(target: Path, shown: Path, data: bytes) -> None:
    # O_NONBLOCK: a named pipe nobody reads from fails at once (ENXIO) instead of hanging.
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputFileError(f"nothing is reading from {shown}", usage=True) from None
        raise OutputFileError(f"cannot write {shown}: {_reason(exc)}") from None
    try:
        os.set_blocking(fd, True)
        _write_all(fd, data)
    except OSError as exc:
        raise OutputFileError(f"cannot write {shown}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _replace_regular(target: Path, shown: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(temp, flags, FILE_MODE)
    except OSError as exc:
        raise OutputFileError(f"cannot write {shown}: {_reason(exc)}") from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputFileError(f"cannot write {shown}: {_reason(exc)}") from None
    sync_folder(target.parent)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def sync_folder(folder: Path) -> None:
    """Make a rename or removal in `folder` durable; some file systems cannot sync a
    folder, which is fine (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full, so nothing was written"
    return (exc.strerror or "error").lower()
