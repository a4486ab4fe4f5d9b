"""The clinic recovery key: made at setup and by `ptdesk recovery-key`, the way back in when
every password is forgotten, and the re-key when an account is switched off."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Clinician
from ptdesk.services import passwords as pw
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError, PermissionDeniedError, ServiceError
from ptdesk.services.keys import clinic_key
from ptdesk.services.keys.words import RECOVERY_WARNING
from ptdesk.services.permissions import account_for, require
from ptdesk.services.uow import transaction

__all__ = ["RECOVERY_WARNING", "recover_administrator", "replace_recovery_key"]

REKEY_LATER = ("The account is switched off and can no longer sign in, but the database could "
               "not be re-keyed just now (it is busy). Run `ptdesk recovery-key` when nobody "
               "is using PT Desk: it re-keys the database.")
NOT_ENCRYPTED = ("This clinic's database is not encrypted, so it has no recovery key; an "
                 "administrator encrypts it first (`ptdesk encrypt`).")


def _active_account_ids(session_factory: SessionFactory) -> tuple[int, ...]:
    with transaction(session_factory) as session:
        return tuple(session.scalars(select(Clinician.id).where(
            Clinician.active.is_(True), Clinician.password_hash != "")))


def replace_recovery_key(session_factory: SessionFactory, *, actor: str,
                         rekey: bool = True) -> str:
    """A new recovery key for an administrator to print; the old one opens nothing.

    With `rekey` (`ptdesk recovery-key`: the old key may be lost or seen) the database is
    re-keyed first, so even an old copy of the key file opened with the old recovery key
    no longer opens it. Setup, right after its own re-key, passes False.
    """
    if not clinic_key.is_encrypted(session_factory):
        raise ServiceError(NOT_ENCRYPTED)
    with transaction(session_factory) as session:
        require(session, actor, "manage_users")
    if rekey:
        clinic_key.rekey_with(session_factory, keep=_active_account_ids(session_factory))
    key = clinic_key.new_recovery_key(session_factory)
    assert key is not None  # encrypted and unlocked: checked above
    with transaction(session_factory) as session:
        audit.record(session, actor=actor, action="update", record_type="database",
                     summary="clinic recovery key made" + (" (database re-keyed)"
                                                           if rekey else ""))
    return key


def recover_administrator(session_factory: SessionFactory, *, username: str,
                          password: str) -> None:
    """Every password forgotten: on a clinic unlocked with its recovery key, give an
    administrator a new password (and slot). Audited as done with the recovery key."""
    if not clinic_key.unlocked_by_recovery_key(session_factory):
        raise PermissionDeniedError("Only the clinic recovery key can do this.")
    name = (username or "").strip().lower()
    pw.check_password_rules(password, name)
    hashed = pw.hash_password(password)
    with transaction(session_factory) as session:
        row = account_for(session, name)
        if row is None or row.role != "administrator":
            raise NotFoundError(f"There is no administrator account called {name}.")
        row.password_hash, row.failed_logins, row.last_failed_at = hashed, 0, None
        row.active = True
        audit.record(session, actor=row.username, action="update", record_type="account",
                     record_id=row.id, summary="password reset with the clinic recovery key")
        account_id = row.id
    clinic_key.enroll(session_factory, account_id, password)


def rekey_after_switch_off(session_factory: SessionFactory) -> None:
    """An account was switched off: re-key so its slot, and any copy of the old key, opens
    nothing; every other active account keeps its slot (resealed, no password needed)."""
    if not clinic_key.is_encrypted(session_factory):
        return
    try:
        clinic_key.rekey_with(session_factory, keep=_active_account_ids(session_factory))
    except (DBAPIError, OSError) as exc:
        # The file still opens with every password (the old slots stay until the re-key
        # is done); the switched-off account can no longer sign in either way.
        raise ServiceError(REKEY_LATER) from exc
