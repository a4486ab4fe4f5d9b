"""Sign-in limits shared by every account and every unknown name: the growing wait, retries.

An unknown user name must be indistinguishable from a known one with a wrong password:
its failures are counted from the audit log under a short keyed tag (never the name, which
may be a password typed in the wrong box), so it gets the same growing wait.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptdesk.db.models import AuditEntry
from ptdesk.domain.stamps import as_utc
from ptdesk.services import passwords as pw
from ptdesk.services.errors import ServiceError

T = TypeVar("T")
UNKNOWN_ACTOR = "(unknown user)"  # what a failed sign-in with no such account records
NO_SUCH_ACCOUNT = "no such account"
# Failures for a name with no account are counted over this window of the audit log.
UNKNOWN_WINDOW = timedelta(hours=1)
# Two sign-ins of one account at the same moment both update its row (version counter):
# the later one reads the row again and applies its own change on top.
STALE_RETRIES = 5


def remaining_wait(failures: int, last_failed: datetime | None, now: datetime) -> float:
    delay = pw.delay_after(failures)
    if not delay or last_failed is None:
        return 0.0
    return max(0.0, (last_failed + timedelta(seconds=delay) - now).total_seconds())


def wait_text(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    unit = "second" if whole == 1 else "seconds"
    return f"Too many wrong passwords. Wait {whole} {unit}, then try again."


def unknown_summary(engine: Engine, name: str) -> str:
    """The audit summary of a failed sign-in with `name`: a short keyed tag, never the name."""
    from ptdesk.services.audit.key import load_key

    key = load_key(engine, create=False) or b""
    tag = hmac.new(key, b"unknown user\0" + name.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{NO_SUCH_ACCOUNT} ({tag[:8]})"


def unknown_failures(session: Session, summary: str,
                     now: datetime) -> tuple[int, datetime | None]:
    """(failures, when the last was) for the unknown name behind `summary`."""
    # patient_id IS NULL and `at` let the (patient_id, at) index find the recent entries.
    count, last = session.execute(
        select(func.count(AuditEntry.id), func.max(AuditEntry.at)).where(
            AuditEntry.patient_id.is_(None), AuditEntry.at >= now - UNKNOWN_WINDOW,
            AuditEntry.actor == UNKNOWN_ACTOR, AuditEntry.action == "failed_login",
            AuditEntry.summary == summary)).one()
    return int(count or 0), None if last is None else as_utc(last)


def again_if_stale(write: Callable[[], T]) -> T:
    """Run `write`; if a concurrent transaction changed the same account first, run it again."""
    for attempt in range(STALE_RETRIES):
        try:
            return write()
        except StaleDataError:
            if attempt == STALE_RETRIES - 1:
                raise ServiceError("Someone else was signing in to this account at the same "
                                   "moment. Try again.") from None
    raise AssertionError("unreachable")
