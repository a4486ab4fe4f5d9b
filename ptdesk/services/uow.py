"""One user action = one transaction: the context manager every service uses."""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

# Re-exported: the UI names the session factory's type through services, never through db.
from ptdesk.db.engine import SessionFactory as SessionFactory
from ptdesk.services.errors import StorageError

_DISK_FULL = "The disk is full, so nothing was saved. Free some disk space, then try again."
_SERVER_DISK_FULL = ("The database server's disk is full, so nothing was saved. Ask whoever "
                     "looks after the server to free some space, then try again.")
_DISK_ERROR = ("The computer could not write to the database (a disk error), so nothing was "
               "saved. Check the disk or network drive, then try again.")
_SERVER_DISK_ERROR = ("The database server could not write to the database (a disk error), so "
                      "nothing was saved. Ask whoever looks after the server to check it.")
_BUSY = ("The database is busy with another PT Desk window or a backup, so nothing was saved. "
         "Try again in a moment.")
_SERVER_BUSY = ("Another workstation was saving the same records at the same moment, so "
                "nothing was saved. Try again in a moment.")
_READ_ONLY = "The database file cannot be written (it is read-only), so nothing was saved."
_SERVER_READ_ONLY = ("The database server only allows reading right now, so nothing was "
                     "saved. Ask whoever looks after the server.")
_NO_SERVER = ("PT Desk lost its connection to the database server (or the server is not "
              "running), so nothing was saved. Check the network and that the server is "
              "running, then try again.")

_LOGIN_REFUSED = ("The database server refused the user name or password in PT Desk's "
                  "connection settings (PTDESK_DB or --db, and ~/.pgpass), so nothing was "
                  "saved.")
_NO_DATABASE = ("The database named in PT Desk's connection settings does not exist on the "
                "server, so nothing was saved. Create it first (README: Running a clinic).")
_NO_ROLE = ("The database user named in PT Desk's connection settings does not exist on the "
            "server, so nothing was saved.")

# PostgreSQL error codes (SQLSTATE) -> what the clinician is told. Classes (two
# characters) catch the codes of that class not listed on their own.
_SQLSTATES = {
    "53100": _SERVER_DISK_FULL,  # disk_full
    "53": _SERVER_DISK_FULL,  # insufficient resources (out of memory, connections, ...)
    "58030": _SERVER_DISK_ERROR,  # io_error
    "58": _SERVER_DISK_ERROR,  # system error
    "55P03": _SERVER_BUSY,  # lock_not_available (lock_timeout)
    "40001": _SERVER_BUSY,  # serialization_failure
    "40P01": _SERVER_BUSY,  # deadlock_detected
    "25006": _SERVER_READ_ONLY,  # read_only_sql_transaction (e.g. a standby server)
    "08": _NO_SERVER,  # connection exceptions
    "57P": _NO_SERVER,  # the server is shutting down, restarting or crashed
}
# Driver messages (lower case) -> message; SQLite's wording and libpq's connection errors.
_STORAGE_MESSAGES = (
    ("disk is full", _DISK_FULL),
    ("disk i/o error", _DISK_ERROR),
    ("locked", _BUSY),
    ("readonly", _READ_ONLY),
    ("no space left on device", _SERVER_DISK_FULL),
    # Refusals while connecting carry no SQLSTATE, only libpq's FATAL line.
    ("password authentication failed", _LOGIN_REFUSED),
    ("no password supplied", _LOGIN_REFUSED),
    ("fatal:  database \"", _NO_DATABASE),
    ("fatal:  role \"", _NO_ROLE),
    ("server closed the connection", _NO_SERVER),
    ("connection refused", _NO_SERVER),
    ("connection failed", _NO_SERVER),
    ("could not connect", _NO_SERVER),
    ("could not translate host name", _NO_SERVER),
    ("connection is closed", _NO_SERVER),
    ("terminating connection", _NO_SERVER),
)
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")  # scheme://user:password@host
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.I)  # password=...


def scrub(text: str) -> str:
    """`text` with any password a database URL or connection string put in it blanked out."""
    return _KEYWORD_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


def storage_message(exc: DBAPIError) -> str:
    state = getattr(exc.orig, "sqlstate", None) or ""
    for prefix in (state, state[:3], state[:2]):
        if prefix and prefix in _SQLSTATES:
            return _SQLSTATES[prefix]
    text = str(exc.orig).lower()
    for needle, message in _STORAGE_MESSAGES:
        if needle in text:
            return message
    if exc.connection_invalidated:
        return _NO_SERVER
    detail = scrub(str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "")
    return f"The database could not complete this action, so nothing was saved ({detail})."


@contextmanager
def transaction(session_factory: SessionFactory) -> Iterator[Session]:
    """Commit when the block ends normally, roll everything back on any error.

    A failed write or commit (disk full, I/O error, database busy, server gone) is
    rolled back as a whole and reported as a StorageError in plain words.
    """
    try:
        with session_factory() as session, session.begin():
            yield session
    except OperationalError as exc:
        raise StorageError(storage_message(exc)) from exc
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise  # constraint and programming errors are not storage trouble
        raise StorageError(storage_message(exc)) from exc


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises various errors when no login name exists
        return "unknown"
