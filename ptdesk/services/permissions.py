"""Who may do what: the role → permission matrix and the check every service makes first.

Roles (column `clinicians.role`):
- administrator: user accounts, clinic settings, backups (to any folder), restore, the
  audit report; may also open charts and print, but not chart.
- clinician: all clinical work, including signing notes and adding addenda.
- assistant: opens charts, enters run logs and prints handouts; cannot sign or chart.
- every role: the daily backup offered when PT Desk closes (`daily_backup`). It only
  writes into the clinic's backup folder, with the clinic's keep-last-N, so it cannot copy
  the records anywhere else or prune old backups away; whoever closes PT Desk last in the
  evening (rarely the administrator) can still keep the clinic backed up.

Transition policy (first start). Until the clinic is set up, that is while no account
has a password (`needs_setup`), an actor with no account (the OS login name that
`ptdesk init`, `ptdesk demo` and scripts use) is allowed everything except managing
accounts, so a fresh database works as it did before accounts existed. An actor that *has* an account is
held to its role even then. Once any account has a password, an unknown actor is
refused, and so is a switched-off (inactive) account, whatever its role.

The services trust the `actor` string they are given: the sign-in dialog (GUI) and
`ptdesk --as USER` with its password (CLI) are where the person is authenticated.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Clinician
from ptdesk.services.errors import PermissionDeniedError
from ptdesk.services.uow import transaction

ROLES = ("administrator", "clinician", "assistant")
ROLE_LABELS = {"administrator": "Administrator", "clinician": "Clinician", "assistant": "Assistant"}

# Permission → what it lets a person do, in the words of the refusal message.
PERMISSIONS: dict[str, str] = {
    "view_chart": "open patient charts",
    "edit_patient": "register patients or change their details",
    "edit_evaluation": "write or change visit notes",
    "sign_note": "sign notes",
    "add_addendum": "add addenda to signed notes",
    "prescribe": "prescribe exercises",
    "edit_plan": "make or change return-to-run plans",
    "log_runs": "enter run logs",
    "print": "print handouts or reports",
    "edit_library": "change the exercise library",
    "manage_users": "manage user accounts",
    "edit_settings": "change the clinic settings",
    "backup": "back up the clinic database",
    "daily_backup": "take the daily backup when closing PT Desk",
    "restore": "restore a backup",
    "audit_report": "see the audit log",
}

_CLINICAL = frozenset({
    "view_chart", "edit_patient", "edit_evaluation", "sign_note", "add_addendum", "prescribe",
    "edit_plan", "log_runs", "print", "edit_library",
})
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "administrator": frozenset({
        "view_chart", "print", "manage_users", "edit_settings", "backup", "daily_backup",
        "restore", "audit_report",
    }),
    "clinician": _CLINICAL | {"daily_backup"},
    "assistant": frozenset({"view_chart", "log_runs", "print", "daily_backup"}),
}
# Before setup an actor with no account stands in for the whole clinic (see the docstring),
# except for managing accounts: the first account with a password must be an administrator
# made by `setup_clinic`, or a clinic could end up set up with nobody to administer it.
SETUP_PERMISSIONS = frozenset(PERMISSIONS) - {"manage_users"}

_ARTICLE = {"administrator": "An administrator", "clinician": "A clinician",
            "assistant": "An assistant"}


def setup_done(session: Session) -> bool:
    """True once any account has a password (the first administrator was created)."""
    return session.scalar(select(Clinician.id).where(Clinician.password_hash != "").limit(1)) \
        is not None


def account_for(session: Session, actor: str) -> Clinician | None:
    """The account whose user name is `actor` (user names are stored in lower case)."""
    name = actor.strip().lower()
    if not name:
        return None
    return session.scalar(select(Clinician).where(Clinician.username == name))


def refusal(role: str, permission: str) -> str:
    """The plain sentence shown when `role` lacks `permission`: "An assistant cannot sign notes."."""
    return f"{_ARTICLE.get(role, 'This account')} cannot {PERMISSIONS[permission]}."


def require(session: Session, actor: str, permission: str) -> Clinician | None:
    """The acting account if it may do `permission`; None for an unknown actor before setup.

    Raises PermissionDeniedError with a plain message otherwise. Call it inside the
    service's own transaction, before anything is read or written.
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    account = account_for(session, actor)
    if account is None:
        if not setup_done(session):
            if permission in SETUP_PERMISSIONS:
                return None
            raise PermissionDeniedError(
                "PT Desk is not set up yet: first create the clinic's administrator "
                "(start PT Desk, or run `ptdesk setup`).")
        raise PermissionDeniedError(
            f"“{actor}” has no PT Desk account, so it cannot {PERMISSIONS[permission]}. "
            "Sign in with your own account.")
    if not account.active:
        raise PermissionDeniedError(
            f"The account “{account.username}” is switched off. Ask an administrator.")
    if permission not in ROLE_PERMISSIONS.get(account.role, frozenset()):
        raise PermissionDeniedError(refusal(account.role, permission))
    return account


def check(session_factory: SessionFactory, actor: str, permission: str) -> None:
    """`require` in a transaction of its own, for services that span several transactions."""
    with transaction(session_factory) as session:
        require(session, actor, permission)


def role_of(session_factory: SessionFactory, actor: str) -> str | None:
    """The actor's role, or None when the actor has no account."""
    with transaction(session_factory) as session:
        account = account_for(session, actor)
        return account.role if account is not None else None


def permissions_of(session_factory: SessionFactory, actor: str) -> frozenset[str]:
    """Everything the actor may do right now (for showing or hiding menu items)."""
    with transaction(session_factory) as session:
        account = account_for(session, actor)
        if account is None:
            return frozenset() if setup_done(session) else SETUP_PERMISSIONS
        if not account.active:
            return frozenset()
        return ROLE_PERMISSIONS.get(account.role, frozenset())


def can(session_factory: SessionFactory, actor: str, permission: str) -> bool:
    """Whether `require` would let the actor do `permission` (for the UI; services still check)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    return permission in permissions_of(session_factory, actor)
