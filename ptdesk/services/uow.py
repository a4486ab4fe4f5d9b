"""One user action = one transaction: the context manager every service uses."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory


@contextmanager
def transaction(session_factory: SessionFactory) -> Iterator[Session]:
    """Commit when the block ends normally, roll everything back on any error."""
    with session_factory() as session, session.begin():
        yield session


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises various errors when no login name exists
        return "unknown"
