"""The audit log's secret key: a 0600 file in an owner-only folder outside the data folder.

The key lives in PT Desk's configuration folder on this computer (`audit-keys/`, one
file per database, named by a digest of the database's resolved path or server URL), so
someone who copies the database's folder does not get it. Keys from older versions, kept
beside the database as `<database>.auditkey`, are moved there on first open.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
import sys
import weakref
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from ptdesk.db.engine import sqlite_path
from ptdesk.services.errors import ServiceError
from ptdesk.services.output_files import sync_folder

KEY_ENV = "PTDESK_AUDIT_KEY_FILE"  # one key file, wherever an administrator puts it
KEY_DIR_ENV = "PTDESK_AUDIT_KEY_DIR"  # the key folder (tests, a scripted set-up)
KEY_SUFFIX = ".auditkey"  # keys of older versions, beside the database; copies beside backups
BACKUP_MANIFEST_SUFFIX = ".manifest"  # what makes a database file a backup
KEY_BYTES = 32


class AuditKeyError(ServiceError):
    """The audit key file is missing or unreadable, so the log cannot be extended or checked."""


@dataclass(frozen=True)
class _Loaded:
    path: Path | None
    signature: tuple[int, int, int] | None  # (inode, size, mtime_ns) when loaded
    key: bytes


# Engine -> key. An in-memory database gets a key that lives exactly as long as it does.
_CACHE: weakref.WeakKeyDictionary[Engine, _Loaded] = weakref.WeakKeyDictionary()
_WARNED: set[Path] = set()  # old keys that could not be moved, said once per process


def key_folder() -> Path:
    """The owner-only folder of this computer's audit keys."""
    folder = os.environ.get(KEY_DIR_ENV, "")
    if folder:
        return Path(folder).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("ptdesk", appauthor=False)) / "audit-keys"


def key_home_for_url(url: str) -> Path | None:
    """Where this database's key belongs; None for an in-memory database."""
    override = os.environ.get(KEY_ENV, "")
    if override:
        return Path(override).expanduser()
    path = sqlite_path(url)
    if path is not None:
        label = "sqlite:" + str(path.expanduser().resolve())
    elif make_url(url).get_backend_name() == "sqlite":
        return None
    else:
        label = make_url(url).render_as_string(hide_password=True)
    # One key per database; the name is a digest so no folder, host or user name shows.
    digest = hashlib.sha256(label.encode("utf-8")).hexdigest()[:24]
    return key_folder() / f"{digest}.key"


def legacy_key_path(url: str) -> Path | None:
    """Where older versions kept an SQLite database's key: beside the file."""
    path = sqlite_path(url)
    return None if path is None else path.with_name(path.name + KEY_SUFFIX)


def key_path_for_url(url: str) -> Path | None:
    """Where the key of this database is; None for an in-memory database.

    An older key beside the database file is moved to the key folder first. If that
    cannot be done, the old file keeps being used, and stderr says so once.
    """
    home = key_home_for_url(url)
    legacy = None if os.environ.get(KEY_ENV) else legacy_key_path(url)
    if home is None or legacy is None or not os.path.lexists(legacy):
        return home
    database = legacy.with_name(legacy.name[:-len(KEY_SUFFIX)])
    if os.path.lexists(database.with_name(database.name + BACKUP_MANIFEST_SUFFIX)):
        # A backup opened to be checked: the key copy saved beside it stays there, read
        # in place (it is the copy an administrator may need to install from that drive).
        return legacy if not os.path.lexists(home) else home
    return _adopt(legacy, home)


def _warn(legacy: Path, why: str) -> None:
    if legacy not in _WARNED:
        _WARNED.add(legacy)
        print(f"PT Desk: the audit key file {legacy} {why}", file=sys.stderr)


def _adopt(legacy: Path, home: Path) -> Path:
    """Move an older key into the key folder: copied (owner-only, never over another
    key), read back, and only then removed from beside the database."""
    try:
        if not legacy.is_file() or legacy.is_symlink():
            _warn(legacy, "is not a plain file; it was left alone.")
            return home
        key = read_key_file(legacy)
        if not os.path.lexists(home):
            write_key_file(home, key)  # create-if-absent: a key that appeared meanwhile wins
        if read_key_file(home) != key:
            _warn(legacy, f"differs from this computer's key for the database ({home}); "
                          "it was left in place and is not used.")
            return home
        legacy.unlink()
        sync_folder(legacy.parent)
        return home
    except (OSError, AuditKeyError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
        _warn(legacy, f"could not be moved to the key folder {home.parent} "
                      f"({reason.lower()}); it is still used from beside the database.")
        return legacy


def key_path(engine: Engine) -> Path | None:
    return key_path_for_url(engine.url.render_as_string(hide_password=False))


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def read_key_file(path: Path) -> bytes:
    """The key in `path` (hex text); tightens loose permissions rather than trusting them."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(0o600)
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise AuditKeyError(f"The audit key file {path} cannot be read ({exc}).") from exc
    if len(key) < 16:
        raise AuditKeyError(f"The audit key file {path} is damaged (too short).")
    return key


def write_key_file(path: Path, key: bytes, *, replace: bool = False) -> None:
    """Write the key with owner-only permissions; never leaves a half-written key behind.

    Without `replace`, a key that appeared meanwhile (another process won the race)
    wins, and the caller re-reads it.
    """
    made = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if made:
        # mkdir's mode is masked by umask, and parents get the default: the key folder
        # PT Desk makes is owner-only, whatever the umask.
        path.parent.chmod(0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, (key.hex() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if replace:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic create-if-absent
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def load_key(engine: Engine, *, create: bool) -> bytes | None:
    """The engine's audit key; None when there is none yet and `create` is false."""
    loaded = _CACHE.get(engine)
    if loaded is not None and (loaded.path is None or _signature(loaded.path) == loaded.signature):
        return loaded.key
    path = key_path(engine)
    if path is None:
        key = loaded.key if loaded is not None else secrets.token_bytes(KEY_BYTES)
        _CACHE[engine] = _Loaded(None, None, key)
        return key
    if _signature(path) is None:
        if not create:
            return None
        write_key_file(path, secrets.token_bytes(KEY_BYTES))
    try:
        key = read_key_file(path)
    except FileNotFoundError:
        return None
    _CACHE[engine] = _Loaded(path, _signature(path), key)
    return key


def forget(engine: Engine) -> None:
    """Drop the cached key (after a restore put another key file in place)."""
    _CACHE.pop(engine, None)
