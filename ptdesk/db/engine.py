"""Engine and session factory; the only module that knows about SQLite or PostgreSQL specifics."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]

BUSY_TIMEOUT_MS = 10_000
LOCK_TIMEOUT_MS = 10_000  # PostgreSQL's counterpart of SQLite's busy timeout
CONNECT_TIMEOUT_S = 10
DB_FILENAME = "ptdesk.db"


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
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and the file (0600) before SQLite does, so PHI is owner-only."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    elif stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o600)


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
