"""Engine and session factory; the only module that knows about SQLite, SQLCipher or PostgreSQL specifics."""

from __future__ import annotations

import os
import stat
import threading
import weakref
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
# The wrapped keys of an encrypted (SQLCipher) clinic live in this file beside the database.
KEY_FILE_SUFFIX = ".keys"
DATABASE_KEY_BYTES = 32  # SQLCipher's raw AES-256 key, given as x'hex' (no passphrase KDF)


class DatabaseTargetError(ValueError):
    """`--db` names something PT Desk must not open: a plain sentence without the URL's password."""


class DatabaseLockedError(RuntimeError):
    """The clinic database is encrypted and nobody has unlocked it with a password yet."""

    def __init__(self) -> None:
        super().__init__("The clinic database is locked: sign in with your password first.")


class DatabaseKey:
    """The raw key an encrypted engine opens its connections with; None while locked.

    One object per engine, shared by every pooled connection it makes: unlocking sets it,
    a re-key replaces it (and drops the pooled connections that used the old one).
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._lock = threading.Lock()
        self._key = key

    @property
    def key(self) -> bytes | None:
        with self._lock:
            return self._key

    def set(self, key: bytes | None) -> None:
        if key is not None and len(key) != DATABASE_KEY_BYTES:
            raise ValueError("a database key is 32 bytes")
        with self._lock:
            self._key = key


# The key holder of each encrypted engine (a plain or server engine has none).
_KEYS: weakref.WeakKeyDictionary[Engine, DatabaseKey] = weakref.WeakKeyDictionary()


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


def key_file_path(path: Path) -> Path:
    """Where the wrapped keys of the database at `path` are kept (beside it, owner-only)."""
    return path.with_name(path.name + KEY_FILE_SUFFIX)


def is_plain_sqlite_file(path: Path) -> bool:
    """True for an existing, non-empty file that starts with SQLite's plaintext header."""
    try:
        return path.stat().st_size > 0 and _has_sqlite_header(path)
    except OSError:
        return False


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
    if info.st_size and not _has_sqlite_header(path) and not key_file_path(path).exists():
        # An encrypted clinic has no readable header; its key file beside it says what it is.
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
    # Sorts, indexes and temporary tables stay in memory: never a plaintext temp file.
    cursor.execute("PRAGMA temp_store=MEMORY")
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


def _keyed(connection: Any, key: bytes) -> None:
    """Key a new SQLCipher connection (the first statement it runs) and pin its settings."""
    # SQLCipher's own log goes to stderr: a wrong key would print lines around ours.
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(_key_pragma(key))
    connection.execute("PRAGMA cipher_compatibility = 4")


def _key_pragma(key: bytes) -> str:
    # A raw key (x'...'), so SQLCipher skips its own passphrase KDF: the key is random.
    return f"PRAGMA key = \"x'{key.hex()}'\""


def _sqlcipher_module() -> Any:
    import sqlcipher3  # type: ignore[import-untyped]  # ships no type hints

    return sqlcipher3.dbapi2


def _encrypted_engine(url: str, holder: DatabaseKey, **kwargs: Any) -> Engine:
    """An SQLite engine whose every connection is SQLCipher, keyed from `holder` first thing."""
    module = _sqlcipher_module()
    plain = create_engine(url)
    args, params = plain.dialect.create_connect_args(plain.url)
    plain.dispose()

    def connect() -> Any:
        key = holder.key
        if key is None:
            raise DatabaseLockedError()
        connection = module.connect(*args, **params)
        try:
            _keyed(connection, key)
            # SQLCipher's default: wiping every freed allocation cost the bench search
            # about a third more, and the key itself stays in this process's memory anyway.
            connection.execute("PRAGMA cipher_memory_security = OFF")
            # A wrong key shows here ("file is not a database"), not in the first query.
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            connection.close()
            raise
        return connection

    # `module`: errors are SQLCipher's classes, so SQLAlchemy wraps them like sqlite3's.
    engine = create_engine(url, creator=connect, module=module, **kwargs)
    event.listen(engine, "connect", _on_sqlite_connect)
    _KEYS[engine] = holder
    return engine


def make_engine(db: str | os.PathLike[str] | None = None, *, key: DatabaseKey | None = None,
                **kwargs: Any) -> Engine:
    """The engine for `db`; with `key`, an SQLite file is opened through SQLCipher."""
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None:
        prepare_sqlite_file(path)
    if is_sqlite(url):
        if key is not None and path is not None:
            return _encrypted_engine(url, key, **kwargs)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, **{**_server_options(url), **kwargs})


def database_key(target: SessionFactory | Engine) -> DatabaseKey | None:
    """The key holder of an encrypted engine; None for a plaintext or server database."""
    return _KEYS.get(engine_of(target))


def key_works(engine: Engine, key: bytes) -> bool:
    """True when `key` opens the engine's database file (checked on a connection of its own)."""
    path = sqlite_path(str(engine.url.render_as_string(hide_password=False)))
    if path is None:
        return False
    module = _sqlcipher_module()
    connection = module.connect(str(path), check_same_thread=False)
    try:
        _keyed(connection, key)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except module.DatabaseError:
        return False
    finally:
        connection.close()


class KeyChangeError(OSError):
    """PRAGMA rekey failed (the database busy, say); the database keeps its old key."""


def rekey(engine: Engine, new_key: bytes) -> None:
    """Re-encrypt the whole database under `new_key` (PRAGMA rekey); the old key opens nothing.

    The pool is emptied first so no connection keeps the old key, and again after, so
    every new connection uses the new one.
    """
    holder = _KEYS.get(engine)
    if holder is None or holder.key is None:
        raise DatabaseLockedError()
    if len(new_key) != DATABASE_KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    engine.dispose()
    module = _sqlcipher_module()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # Fold the WAL in first: its frames are under the old key.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        cursor.close()
        holder.set(new_key)
    except module.Error as exc:
        raise KeyChangeError(str(exc)) from exc
    finally:
        raw.invalidate()  # never back to the pool: it was keyed with the old key
    engine.dispose()


def connect_file(path: Path, like: Engine, *, read_only: bool = True) -> Any:
    """A DBAPI connection to another SQLite file of the same kind as `like`'s database:
    plain sqlite3 for a plaintext clinic, SQLCipher keyed with the clinic's key otherwise."""
    import sqlite3

    holder = _KEYS.get(like)
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    if holder is None:
        return sqlite3.connect(target, uri=read_only)
    key = holder.key
    if key is None:
        raise DatabaseLockedError()
    connection = _sqlcipher_module().connect(target, uri=read_only)
    _keyed(connection, key)
    return connection


class DatabaseBusyError(RuntimeError):
    """Another program has the database open, so it cannot be taken for itself."""


def hold_plain_database(path: Path) -> Any:
    """A connection that holds the plaintext database at `path` for itself (ptdesk encrypt):
    its WAL folded in and gone (journal DELETE) and an exclusive lock kept until closed, so
    nothing writes to it while it is copied. DatabaseBusyError when it is open elsewhere."""
    module = _sqlcipher_module()  # a SQLCipher build opens plaintext files too (no key)
    connection = module.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise DatabaseBusyError("the database is open in another program")
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")  # the exclusive lock stays (locking_mode EXCLUSIVE)
    except module.OperationalError as exc:
        connection.close()
        raise DatabaseBusyError("the database is open in another program") from exc
    except BaseException:
        connection.close()
        raise
    return connection


def export_encrypted(held: Any, target: Path, key: bytes) -> None:
    """Write an encrypted copy of the held plaintext database to the new file `target`
    (sqlcipher_export: every table, index, trigger and the schema version)."""
    version = held.execute("PRAGMA user_version").fetchone()[0]
    held.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
    try:
        held.execute("SELECT sqlcipher_export('encrypted')")
        held.execute(f"PRAGMA encrypted.user_version = {int(version)}")
    finally:
        held.execute("DETACH DATABASE encrypted")


def connect_keyed(path: Path, key: bytes | None, *, read_only: bool = False) -> Any:
    """A DBAPI connection to the SQLite file at `path`: SQLCipher keyed with `key`, or plain
    sqlite3 when `key` is None (reads only what the caller asks; no pragmas of the app).
    `read_only` opens it with mode=ro (an untrusted backup is never written)."""
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    if key is None:
        import sqlite3

        return sqlite3.connect(target, uri=read_only)
    connection = _sqlcipher_module().connect(target, uri=read_only)
    try:
        _keyed(connection, key)
    except BaseException:
        connection.close()
        raise
    return connection


def database_errors() -> tuple[type[Exception], ...]:
    """DatabaseError of sqlite3 and of SQLCipher (whose classes are its own), for `except`."""
    import sqlite3

    return (sqlite3.DatabaseError, _sqlcipher_module().DatabaseError)


class CopyCheckError(OSError):
    """A database copy could not be made or did not pass SQLite's quick_check."""


def copy_database(engine: Engine, target: Path) -> None:
    """A consistent one-step copy of the live database into the new file `target`.

    An encrypted clinic's copy is encrypted under the same key: its pages are never
    written in clear.
    """
    import sqlite3

    holder = _KEYS.get(engine)
    module: Any = sqlite3 if holder is None else _sqlcipher_module()
    with engine.connect() as connection:
        source = connection.connection.driver_connection
        try:
            copy = module.connect(str(target))
            try:
                if holder is not None:
                    key = holder.key
                    if key is None:
                        raise DatabaseLockedError()
                    _keyed(copy, key)
                assert source is not None
                source.backup(copy)  # one step: a single consistent snapshot of the live file
                # A self-contained file: no -wal next to the copy.
                copy.execute("PRAGMA journal_mode=DELETE")
                result = copy.execute("PRAGMA quick_check").fetchone()[0]
                copy.commit()
            finally:
                copy.close()
        except module.Error as exc:
            raise CopyCheckError(str(exc)) from exc
    if result != "ok":
        raise CopyCheckError(f"the copy failed its check ({result})")


def _on_reader_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_reader_engine(path: Path, key: bytes | None = None) -> Engine:
    """An engine that only reads an existing SQLite database file (a helper process
    sharing the reading of a check), through SQLCipher with `key` for an encrypted one.
    It never creates the file or changes its journal."""
    if not path.is_file():
        raise DatabaseTargetError(f"{path} is not a database file")
    url = "sqlite:///" + str(path)
    engine = (_encrypted_engine(url, DatabaseKey(key), poolclass=NullPool) if key is not None
              else create_engine(url, poolclass=NullPool))
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
