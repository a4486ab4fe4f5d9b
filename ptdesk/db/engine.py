"""Engine and session factory; the only module that knows about SQLite or PostgreSQL specifics."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from ptdesk.db.pg_tls import tls_connect_args

SessionFactory = sessionmaker[Session]

BUSY_TIMEOUT_MS = 10_000
LOCK_TIMEOUT_MS = 10_000  # PostgreSQL's counterpart of SQLite's busy timeout
CONNECT_TIMEOUT_S = 10
DB_FILENAME = "ptdesk.db"
SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
# The databases and drivers PT Desk supports; any other URL is refused before a driver is
# loaded (an unknown dialect would otherwise surface as an import error deep in SQLAlchemy).
BACKENDS = ("sqlite", "postgresql")
DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg", "psycopg2")}


class DatabaseTargetError(ValueError):
    """`--db` names something PT Desk must not open: a plain sentence without the URL's password."""


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ptdesk", appauthor=False))


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """Turn `--db`/`PTDESK_DB`/default into an SQLAlchemy URL.

    A value containing '://' is taken as a URL; anything else is a file path.
    """
    value = os.fspath(db) if db is not None else os.environ.get("PTDESK_DB", "")
    if not value:
        value = str(default_data_dir() / DB_FILENAME)
    if "://" in value:
        return value
    path = Path(value).expanduser()
    if path.is_symlink() and not path.exists():
        # Resolving would hide the link; SQLite would then create whatever it names.
        raise DatabaseTargetError(f"{path} is a link to nothing, not a database file")
    return "sqlite:///" + str(path.resolve())


def parse_url(url: str) -> URL:
    """The parsed URL of a supported database, else DatabaseTargetError (never the URL itself)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseTargetError("not a database file path or a database URL") from None
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise DatabaseTargetError(
            f"PT Desk works with an SQLite file or a PostgreSQL server, not {backend[:40]!r}")
    if "+" in parsed.drivername and parsed.get_driver_name() not in DRIVERS[backend]:
        raise DatabaseTargetError(f"PT Desk does not use the {parsed.get_driver_name()[:40]!r} "
                                  f"driver; write {backend}:// or {backend}+"
                                  f"{DRIVERS[backend][0]}://")
    return parsed


def sqlite_path(url: str) -> Path | None:
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def is_sqlite(url: str) -> bool:
    return parse_url(url).get_backend_name() == "sqlite"


def check_sqlite_target(path: Path) -> None:
    """A database file must be a regular file (or not exist yet): never a folder, device or pipe.

    `stat` follows a symbolic link on purpose: a link to a database file is fine, a link to
    /dev/sda is not.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if os.path.lexists(path):  # SQLite would create whatever the dangling link names
            raise DatabaseTargetError(f"{path} is a link to nothing, not a database file") from None
        return
    except OSError as exc:
        raise DatabaseTargetError(f"cannot use {path} as a database file: "
                                  f"{(exc.strerror or 'not readable').lower()}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseTargetError(f"{path} is a folder, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseTargetError(f"{path} is a device, pipe or socket, not a database file")
    if info.st_size and not _has_sqlite_header(path):
        # SQLite would refuse it later, but only after opening it (and perhaps making
        # journal files beside it); a document named by mistake is left alone at once.
        raise DatabaseTargetError(f"{path} is not a PT Desk database (not an SQLite file)")


def _has_sqlite_header(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return True  # unreadable: let SQLite say why


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and the file (0600) before SQLite does, so PHI is owner-only.

    Only what is created here gets a mode: an existing file or folder keeps its own, because
    PT Desk never changes what it did not create (`--db` may name any file on the machine).
    """
    check_sqlite_target(path)
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    try:
        # O_EXCL: create it or leave it alone; the mode is set only on a file made here.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _server_options(url: str) -> dict[str, Any]:
    """Pool and connection settings for a database server (PostgreSQL in clinic mode)."""
    options: dict[str, Any] = {
        # A server restart or a dropped network link leaves dead pooled connections;
        # test each one before use instead of failing the clinician's next save.
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 5,
        "pool_timeout": 30,
        "pool_recycle": 1800,
    }
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        defaults = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "ptdesk",
            # Wait at most this long for a row another workstation holds, then report it.
            "options": f"-c lock_timeout={LOCK_TIMEOUT_MS}",
        }
        # TLS: a server on another host is verified (pg_tls.py); a local one is left as is.
        defaults.update(tls_connect_args(parsed))
        # Settings written into the URL (?connect_timeout=...) win over these defaults.
        options["connect_args"] = {k: v for k, v in defaults.items() if k not in parsed.query}
    return options


def make_engine(db: str | os.PathLike[str] | None = None, **kwargs: Any) -> Engine:
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None:
        prepare_sqlite_file(path)
    if is_sqlite(url):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, **{**_server_options(url), **kwargs})


def _on_reader_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_reader_engine(path: Path) -> Engine:
    """An engine that only reads an existing SQLite database file (a helper process
    sharing the reading of a check). It never creates the file or changes its journal."""
    if not path.is_file():
        raise DatabaseTargetError(f"{path} is not a database file")
    engine = create_engine("sqlite:///" + str(path), poolclass=NullPool)
    event.listen(engine, "connect", _on_reader_connect)
    return engine


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(bind=engine, expire_on_commit=False)


def engine_of(target: SessionFactory | Engine) -> Engine:
    """The engine behind a session factory (or the engine itself)."""
    if isinstance(target, Engine):
        return target
    bind = target.kw.get("bind")
    if not isinstance(bind, Engine):
        raise TypeError("the session factory is not bound to an engine")
    return bind
