"""One user action = one transaction: the context manager every service uses."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.services.errors import StorageError

# Driver messages (SQLite's wording, lower case) -> what the clinician is told.
_STORAGE_MESSAGES = (
    ("disk is full", "The disk is full, so nothing was saved. Free some disk space, then "
                     "try again."),
    ("disk i/o error", "The computer could not write to the database (a disk error), so "
                       "nothing was saved. Check the disk or network drive, then try again."),
    ("locked", "The database is busy with another PT Desk window or a backup, so nothing "
               "was saved. Try again in a moment."),
    ("readonly", "The database file cannot be written (it is read-only), so nothing was "
                 "saved."),
)


def storage_message(exc: OperationalError) -> str:
    text = str(exc.orig).lower()
    for needle, message in _STORAGE_MESSAGES:
        if needle in text:
            return message
    return f"The database could not complete this action, so nothing was saved ({exc.orig})."


@contextmanager
def transaction(session_factory: SessionFactory) -> Iterator[Session]:
    """Commit when the block ends normally, roll everything back on any error.

    A failed write or commit (disk full, I/O error, database busy) is rolled back as a
    whole and reported as a StorageError in plain words.
    """
    try:
        with session_factory() as session, session.begin():
            yield session
    except OperationalError as exc:
        raise StorageError(storage_message(exc)) from exc


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises various errors when no login name exists
        return "unknown"
