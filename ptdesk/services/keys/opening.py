"""Finish opening a clinic once its key is known: schema migrated, exercise library loaded."""

from __future__ import annotations

import contextlib

from ptdesk.db.engine import SessionFactory, engine_of
from ptdesk.db.migrate import upgrade
from ptdesk.services.keys.clinic_key import is_locked, unlock


def finish_opening(session_factory: SessionFactory) -> None:
    from ptdesk.services.episode_facts import record_upgrade_merges
    from ptdesk.services.errors import ServiceError
    from ptdesk.services.exercises import sync_library

    upgrade(engine_of(session_factory))
    # What an upgrade merged goes into the audit log (once). If that fails (say the audit
    # key is missing, which sign-in reports) it is recorded at a later start.
    with contextlib.suppress(ServiceError):
        record_upgrade_merges(session_factory)
    sync_library(session_factory)


def unlock_and_open(session_factory: SessionFactory, password: str) -> bool:
    """Unlock a locked clinic with a password and finish opening it; False if no slot opens.

    A clinic that is not locked is left as it is (True).
    """
    if not is_locked(session_factory):
        return True
    if not unlock(session_factory, password):
        return False
    finish_opening(session_factory)
    return True
