"""Who may restore: an administrator's password, checked whatever state the current database is in.

A restore replaces every record, so it needs an administrator's password whenever the
current database has accounts, whatever its schema version (a database one version
behind must not skip the check). When the current database is too damaged to read its
accounts, the password of an administrator account inside the backup is required. The
accounts are read with plain read-only SQL (trusted_schema=OFF), never through the
current models, so an old or damaged file cannot turn the check off.
"""

from __future__ import annotations

import sqlite3
from enum import Enum
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ptdesk.db.engine import make_engine, sqlite_path
from ptdesk.services import passwords as pw
from ptdesk.services.backup.schema_check import open_untrusted
from ptdesk.services.errors import LoginRefusedError

REFUSED = ("The user name or password is not right, or that account is not an active "
           "administrator. Nothing was changed.")
_ACCOUNTS = ("SELECT username, password_hash, role, active FROM clinicians "
             "WHERE password_hash != ''")


class SignIn(Enum):
    NONE = "none"  # no current database, or one without accounts yet
    CURRENT = "current"  # an administrator of the current database
    BACKUP = "backup"  # the current database cannot be read: an administrator of the backup


Account = tuple[str, str, str, bool]


def _sqlite_accounts(path: Path, key: bytes | None = None) -> list[Account]:
    connection = open_untrusted(path, key)
    try:
        columns = {r[1] for r in connection.execute("PRAGMA table_info(clinicians)")}
        if not {"username", "password_hash", "role", "active"} <= columns:
            # Older than accounts with passwords (or no accounts table at all); a
            # database whose header is damaged fails before this, on the first read.
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return []
        return [(str(u), str(h), str(r), bool(a)) for u, h, r, a in
                connection.execute(_ACCOUNTS)]
    finally:
        connection.close()


def server_accounts(url: str) -> list[Account] | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = 'clinicians' AND column_name IN "
                "('username', 'password_hash', 'role', 'active')")).scalar_one()
            if found < 4:
                return []
            return [(str(u), str(h), str(r), bool(a))
                    for u, h, r, a in connection.execute(text(_ACCOUNTS))]
    except DBAPIError as exc:
        if "does not exist" in str(exc.orig):
            return None  # no current database on the server yet
        raise
    finally:
        engine.dispose()


def current_accounts(url: str) -> list[Account] | None:
    """Accounts with a password in the current database; None when there is no database.

    sqlite3.DatabaseError / DBAPIError when the database exists but cannot be read.
    """
    path = sqlite_path(url)
    if path is None:
        return server_accounts(url)
    if not path.exists() or path.stat().st_size == 0:
        return None
    return _sqlite_accounts(path)


def sign_in_needed(url: str) -> SignIn:
    """Whose password a restore into `url` needs (asked before anything is read from the backup)."""
    try:
        accounts = current_accounts(url)
    except (sqlite3.Error, DBAPIError, OSError):
        return SignIn.BACKUP
    return SignIn.CURRENT if accounts else SignIn.NONE


def check_administrator(accounts: list[Account], username: str | None,
                        password: str | None) -> str:
    """The administrator's user name when the password is right; LoginRefusedError otherwise.

    The same message and about the same time for an unknown name, a wrong password and
    an account that is not an active administrator.
    """
    name = (username or "").strip().lower()
    match = next((a for a in accounts if a[0].lower() == name), None) if name else None
    if match is None:
        pw.burn_time(password or "")
        raise LoginRefusedError(REFUSED)
    if not pw.verify_password(password or "", match[1]) or match[2] != "administrator" \
            or not match[3]:
        raise LoginRefusedError(REFUSED)
    return match[0]


def backup_accounts(staged: Path, key: bytes | None = None) -> list[Account]:
    """Accounts inside the (schema-checked) backup copy (an encrypted one read under `key`)."""
    return _sqlite_accounts(staged, key)
