"""The audit log's secret key: a 0600 file kept outside the database, loaded once per engine."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
import weakref
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from ptdesk.db.engine import sqlite_path
from ptdesk.services.errors import ServiceError

KEY_ENV = "PTDESK_AUDIT_KEY_FILE"
KEY_SUFFIX = ".auditkey"
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


def key_path_for_url(url: str) -> Path | None:
    """Where the key of this database lives; None for an in-memory database."""
    override = os.environ.get(KEY_ENV, "")
    if override:
        return Path(override).expanduser()
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + KEY_SUFFIX)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return None
    from platformdirs import user_config_dir

    # One key per server database; the name is a digest so no host or user name leaks.
    label = parsed.render_as_string(hide_password=True)
    digest = hashlib.sha256(label.encode("utf-8")).hexdigest()[:24]
    return Path(user_config_dir("ptdesk", appauthor=False)) / "audit-keys" / f"{digest}.key"


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
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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
