"""User accounts: first-start setup, sign-in with a growing wait after failures, users, passwords.

See `ptdesk.services.permissions` for the roles and the first-start (transition) policy.
Passwords are only ever stored as scrypt hashes (`ptdesk.services.passwords`) and never
logged; the audit log gets "login", "failed_login", "logout" and "lock" entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ptdesk.db.base import utcnow
from ptdesk.db.engine import SessionFactory, engine_of
from ptdesk.db.models import Clinician, ClinicSettings
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.stamps import as_utc
from ptdesk.services import passwords as pw
from ptdesk.services import sign_in_limits as limits
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import LoginRefusedError, NotFoundError, ServiceError
from ptdesk.services.keys import clinic_key, recovery
from ptdesk.services.permissions import (
    ROLE_LABELS,
    ROLES,
    account_for,
    check,
    require,
    setup_done,
)
from ptdesk.services.uow import transaction

Clock = Callable[[], datetime]
WRONG = "The user name or password is not right."
UNKNOWN_ACTOR = limits.UNKNOWN_ACTOR
# User names the demo clinic uses (ptdesk.demo.generator); real accounts never start so.
DEMO_PREFIX = "demo."
DEMO_DATABASE = ("This is a demo database: its demo accounts have a published password, so "
                 "real accounts are not added here. Use the clinic's own database.")


@dataclass(frozen=True)
class Account:
    """An account as the screens show it: never the password hash."""

    id: int
    username: str
    display_name: str
    credentials: str
    role: str
    active: bool
    has_password: bool
    failed_logins: int
    last_login_at: datetime | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def signature_name(self) -> str:
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name


def _account(row: Clinician) -> Account:
    return Account(row.id, row.username, row.display_name, row.credentials, row.role, row.active,
                   bool(row.password_hash), row.failed_logins, _aware(row.last_login_at))


def _aware(when: datetime | None) -> datetime | None:
    return None if when is None else as_utc(when)


def _display_name(value: str) -> str:
    return v.require_text("display_name", value, "Full name", 200)


def _role(value: str) -> str:
    return v.validate_choice("role", value, ROLES, "Role")


# ---- first start ------------------------------------------------------------------------

def needs_setup(session_factory: SessionFactory) -> bool:
    """True until the first administrator exists (no account has a password yet)."""
    with transaction(session_factory) as session:
        return not setup_done(session)


def provision_account(
    session: Session, *, username: str, display_name: str, role: str, credentials: str = "",
    password_hash: str = "",
) -> Clinician:
    """Add an account inside the caller's transaction, with no permission check.

    Only for first-start setup and the demo clinic; everything else uses `create_user`.
    """
    row = Clinician(username=pw.clean_username(username), display_name=_display_name(display_name),
                    credentials=credentials.strip()[:100], role=_role(role),
                    password_hash=password_hash, active=True)
    session.add(row)
    session.flush()
    return row


def setup_clinic(
    session_factory: SessionFactory, *, clinic_name: str, admin_username: str,
    admin_display_name: str, password: str,
) -> Account:
    """First start: name the clinic and create the first administrator.

    Refused once any account has a password, so it cannot be used to take over a clinic.
    """
    name = v.require_text("clinic_name", clinic_name, "Clinic name", 200)
    username = _real_username("admin_username", admin_username)
    display_name = _display_name(admin_display_name)
    pw.check_password_rules(password, username, display_name, name)
    hashed = pw.hash_password(password)
    with transaction(session_factory) as session:
        if setup_done(session):
            raise ServiceError("PT Desk is already set up. Sign in, or ask an administrator.")
        if account_for(session, username) is not None:
            raise ValidationError("admin_username", f"The user name {username} is already taken.")
        settings = session.get(ClinicSettings, 1)
        if settings is None:
            settings = ClinicSettings(id=1, paper_size="letter", default_units="mi")
            session.add(settings)
        settings.name = name
        row = provision_account(session, username=username, display_name=display_name,
                                role="administrator", password_hash=hashed)
        audit.record(session, actor=username, action="create", record_type="account",
                     record_id=row.id, summary="clinic set up with its first administrator")
        account = _account(row)
    # An encrypted clinic: re-keyed, the administrator's slot in, the provisional one out.
    clinic_key.rekey_with(session_factory, new_accounts={account.id: password})
    return account


# ---- signing in ---------------------------------------------------------------------------

def authenticate(
    session_factory: SessionFactory, username: str, password: str, *,
    clock: Clock | None = None, summary: str = "signed in",
) -> Account:
    """The account if the password is right; LoginRefusedError (plain message) otherwise.

    After FREE_ATTEMPTS wrong passwords in a row each try must wait longer (1, 2, 4 …
    at most 30 seconds); a try that comes too early is refused without checking the
    password, so guessing cannot go faster than that.
    """
    now = (clock or utcnow)()
    name = (username or "").strip().lower()
    with transaction(session_factory) as session:
        row = account_for(session, name) if name else None
        snapshot = None if row is None else (row.id, row.password_hash, row.active,
                                             row.failed_logins, _aware(row.last_failed_at))
    if snapshot is None:
        return _refuse_unknown(session_factory, name, password, now)
    if not snapshot[1]:
        pw.burn_time(password or "")
        _record_failure(session_factory, snapshot[0], now, "account has no password yet")
        raise LoginRefusedError(WRONG)
    account_id, hashed, active, failures, last_failed = snapshot
    wait = limits.remaining_wait(failures, last_failed, now)
    if wait > 0:
        raise LoginRefusedError(limits.wait_text(wait), retry_after=wait)
    if not pw.verify_password(password or "", hashed):
        failures = _record_failure(session_factory, account_id, now, "wrong password")
        raise LoginRefusedError(WRONG, retry_after=pw.delay_after(failures))
    if not active:
        _record_failure(session_factory, account_id, now, "account switched off", count=False)
        raise LoginRefusedError("This account is switched off. Ask an administrator.")

    def signed_in() -> Account:
        with transaction(session_factory) as session:
            row = session.get(Clinician, account_id)
            if row is None:  # removed between the two transactions
                raise LoginRefusedError(WRONG)
            row.failed_logins, row.last_failed_at, row.last_login_at = 0, None, now
            audit.record(session, actor=row.username, action="login", record_type="account",
                         record_id=row.id, summary=summary)
            return _account(row)

    account = limits.again_if_stale(signed_in)
    _settle_key_slot(session_factory, account.id, password)
    return account


def _settle_key_slot(session_factory: SessionFactory, account_id: int, password: str) -> None:
    """After a right password on an encrypted clinic: a setup cut short before its re-key
    is finished now, and an account without an ordinary slot of its own gets one."""
    if not clinic_key.is_encrypted(session_factory):
        return
    if clinic_key.is_provisional(session_factory):
        with transaction(session_factory) as session:
            others = tuple(session.scalars(select(Clinician.id).where(
                Clinician.id != account_id)))
        clinic_key.rekey_with(session_factory, keep=others,
                              new_accounts={account_id: password})
    elif not clinic_key.has_fresh_slot(session_factory, account_id):
        # No slot, or one `ptdesk encrypt` made from the stored password hash.
        clinic_key.enroll(session_factory, account_id, password)


def _refuse_unknown(session_factory: SessionFactory, name: str, password: str,
                    now: datetime) -> Account:
    """A name with no account: the same waits, the same scrypt work and the same answers as
    a real account with a wrong password, and the same audit entry (without the name)."""
    summary = limits.unknown_summary(engine_of(session_factory), name)
    with transaction(session_factory) as session:
        failures, last_failed = limits.unknown_failures(session, summary, now)
    wait = limits.remaining_wait(failures, last_failed, now)
    if wait > 0:
        raise LoginRefusedError(limits.wait_text(wait), retry_after=wait)
    pw.burn_time(password or "")
    _record_failure(session_factory, None, now, summary)
    raise LoginRefusedError(WRONG, retry_after=pw.delay_after(failures + 1))


def _record_failure(session_factory: SessionFactory, account_id: int | None, now: datetime,
                    reason: str, count: bool = True) -> int:
    """Count the failure and audit it; returns the failures in a row so far."""

    def write() -> int:
        with transaction(session_factory) as session:
            row = session.get(Clinician, account_id) if account_id is not None else None
            if row is not None and count:
                row.failed_logins += 1
                row.last_failed_at = now
            # A name with no account is not recorded: it may be a password typed in the
            # wrong box.
            actor = row.username if row is not None else UNKNOWN_ACTOR
            audit.record(session, actor=actor, action="failed_login", record_type="account",
                         record_id=account_id, summary=reason)
            return row.failed_logins if row is not None else 0

    return limits.again_if_stale(write)


def login_wait(session_factory: SessionFactory, username: str, *,
               clock: Clock | None = None) -> float:
    """Seconds before `username` may try again (0 when a try is allowed now)."""
    now = (clock or utcnow)()
    with transaction(session_factory) as session:
        row = account_for(session, username)
        if row is not None:
            return limits.remaining_wait(row.failed_logins, _aware(row.last_failed_at), now)
    name = (username or "").strip().lower()
    if not name:
        return 0.0
    summary = limits.unknown_summary(engine_of(session_factory), name)
    with transaction(session_factory) as session:
        return limits.remaining_wait(*limits.unknown_failures(session, summary, now), now)


def record_logout(session_factory: SessionFactory, *, actor: str) -> None:
    with transaction(session_factory) as session:
        audit.record(session, actor=actor, action="logout", record_type="account",
                     summary="signed out")


def record_lock(session_factory: SessionFactory, *, actor: str, reason: str = "inactivity") -> None:
    with transaction(session_factory) as session:
        audit.record(session, actor=actor, action="lock", record_type="account",
                     summary=f"screen locked ({reason})")


def get_account(session_factory: SessionFactory, username: str) -> Account | None:
    """The signed-in person's own account (name and role for the window), or None."""
    with transaction(session_factory) as session:
        row = account_for(session, username)
        return _account(row) if row is not None else None


# ---- administration -------------------------------------------------------------------------

def list_users(session_factory: SessionFactory, *, actor: str) -> list[Account]:
    with transaction(session_factory) as session:
        require(session, actor, "manage_users")
        rows = session.scalars(select(Clinician).order_by(Clinician.active.desc(),
                                                          func.lower(Clinician.display_name)))
        return [_account(row) for row in rows]


def create_user(
    session_factory: SessionFactory, *, actor: str, username: str, display_name: str, role: str,
    password: str, credentials: str = "",
) -> Account:
    name = _real_username("username", username)
    display_name = _display_name(display_name)
    role = _role(role)
    credentials = v.optional_text("credentials", credentials, "Credentials", 100)
    pw.check_password_rules(password, name, display_name)
    check(session_factory, actor, "manage_users")  # before the costly hash
    hashed = pw.hash_password(password)
    with transaction(session_factory) as session:
        require(session, actor, "manage_users")
        if _demo_logins_on(session):
            raise ServiceError(DEMO_DATABASE)
        if account_for(session, name) is not None:
            raise ValidationError("username", f"The user name {name} is already taken.")
        row = provision_account(session, username=name, display_name=display_name, role=role,
                                credentials=credentials, password_hash=hashed)
        audit.record(session, actor=actor, action="create", record_type="account",
                     record_id=row.id, summary=f"account {name} created ({role})")
        account = _account(row)
    clinic_key.enroll(session_factory, account.id, password)  # its own slot of the key
    return account


def _real_username(field: str, username: str) -> str:
    name = pw.clean_username(username)
    if name.startswith(DEMO_PREFIX):
        raise ValidationError(field, f"User names starting with {DEMO_PREFIX} are kept for the "
                                     "demo clinic.")
    return name


def _demo_logins_on(session: Session) -> bool:
    """True in a demo database: a demo account can sign in with the published password."""
    return session.scalar(select(Clinician.id).where(
        Clinician.username.startswith(DEMO_PREFIX, autoescape=True),
        Clinician.password_hash != "").limit(1)) is not None


def _user(session: Session, username: str) -> Clinician:
    row = account_for(session, username)
    if row is None:
        raise NotFoundError(f"There is no account called {username.strip().lower()}.")
    return row


def set_password(
    session_factory: SessionFactory, *, actor: str, username: str, password: str,
    current_password: str | None = None,
) -> None:
    """An administrator resets anyone's password; anyone changes their own with the current one."""
    name = (username or "").strip().lower()
    pw.check_password_rules(password, name)
    own = name == actor.strip().lower()
    with transaction(session_factory) as session:
        row = _user(session, name)
        if own:
            require(session, actor, "view_chart")  # any active account may change its own
            if not pw.verify_password(current_password or "", row.password_hash):
                raise ValidationError("current_password", "The current password is not right.")
        else:
            require(session, actor, "manage_users")
    hashed = pw.hash_password(password)
    with transaction(session_factory) as session:
        row = _user(session, name)
        row.password_hash, row.failed_logins, row.last_failed_at = hashed, 0, None
        audit.record(session, actor=actor, action="update", record_type="account",
                     record_id=row.id, summary="password changed" if own else "password reset")
        account_id = row.id
    # The old password's slot is replaced: it no longer unlocks the clinic.
    clinic_key.enroll(session_factory, account_id, password)


def _active_admins(session: Session) -> int:
    return int(session.scalar(select(func.count(Clinician.id)).where(
        Clinician.role == "administrator", Clinician.active.is_(True),
        Clinician.password_hash != "")) or 0)


def set_active(session_factory: SessionFactory, *, actor: str, username: str,
               active: bool) -> Account:
    with transaction(session_factory) as session:
        require(session, actor, "manage_users")
        row = _user(session, username)
        if not active:
            if row.username == actor.strip().lower():
                raise ServiceError("You cannot switch off your own account.")
            if row.role == "administrator" and row.active and _active_admins(session) <= 1:
                raise ServiceError("This is the last administrator; add another one first.")
        row.active = active
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="account",
                     record_id=row.id,
                     summary="account switched on" if active else "account switched off")
        account = _account(row)
    if not active:
        # Its key slot goes and the database is re-keyed: a copy of the key it could
        # unwrap opens nothing. Switched on again, it needs a new password (a new slot).
        recovery.rekey_after_switch_off(session_factory)
    return account


def deactivate_user(session_factory: SessionFactory, *, actor: str, username: str) -> Account:
    """Switch an account off: it can no longer sign in; its history stays."""
    return set_active(session_factory, actor=actor, username=username, active=False)


def set_role(session_factory: SessionFactory, *, actor: str, username: str, role: str) -> Account:
    role = _role(role)
    with transaction(session_factory) as session:
        require(session, actor, "manage_users")
        row = _user(session, username)
        if (row.role == "administrator" and role != "administrator" and row.active
                and _active_admins(session) <= 1):
            raise ServiceError("This is the last administrator; add another one first.")
        before, row.role = row.role, role
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="account",
                     record_id=row.id, summary=f"role {before} → {role}")
        return _account(row)
