"""Open a clinic file the way PT Desk does (encrypted or not) for a test to look inside it."""

from __future__ import annotations

import os

from sqlalchemy import Engine

from ptdesk.db.engine import SessionFactory, make_session_factory
from ptdesk.services.keys.clinic_key import is_locked, open_clinic, unlock


def open_clinic_file(db: str | os.PathLike[str],
                     password: str | None = None) -> tuple[Engine, SessionFactory]:
    """Engine and session factory for `db`: plaintext as is, an encrypted clinic through its
    open slot or unlocked with `password` (AssertionError when that does not open it)."""
    engine = open_clinic(db)
    if is_locked(engine):
        assert password is not None and unlock(engine, password), "the clinic stays locked"
    return engine, make_session_factory(engine)
