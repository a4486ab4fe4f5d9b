"""`ptdesk encrypt`: convert a plaintext clinic file into an encrypted one in place, safely.

The plaintext file is held for itself (nothing else writes meanwhile), exported to an
encrypted copy beside it (sqlcipher_export), and the copy is checked: integrity, schema,
audit chain and signed-note hashes, and every table's row count and checksum against the
original. Then, each step atomic and in this order: the key file goes in place (beside a
plaintext file it is ignored), the copy replaces the plaintext file, and the plaintext's
old blocks are overwritten and removed. A kill at any moment leaves either the old
plaintext clinic or the new encrypted one; `leftovers` tidies what a killed run left.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from ptdesk.db.engine import (
    DatabaseBusyError,
    DatabaseKey,
    SessionFactory,
    connect_keyed,
    engine_of,
    export_encrypted,
    hold_plain_database,
    key_file_path,
    make_engine,
    make_session_factory,
    sqlite_path,
)
from ptdesk.db.models import Clinician
from ptdesk.services import passwords as pw
from ptdesk.services.audit.key import load_key
from ptdesk.services.db_check import check_database
from ptdesk.services.errors import PermissionDeniedError, ServiceError
from ptdesk.services.keys import clinic_key
from ptdesk.services.keys import keyfile as kf
from ptdesk.services.keys.leftovers import OLD_SUFFIX, STAGING_SUFFIX, shred, tidy_leftovers
from ptdesk.services.output_files import sync_folder
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

# Tests stop the process at a named step (SIGKILL) to prove each one leaves a clinic.
KILL_ENV = "PTDESK_TEST_ENCRYPT_KILL_AT"
STEPS = ("held", "exported", "verified", "keys-in-place", "linked", "swapped", "shredded")

Fingerprints = dict[str, tuple[int, str]]
__all__ = ["OLD_SUFFIX", "STAGING_SUFFIX", "tidy_leftovers"]


class EncryptError(ServiceError):
    """The clinic could not be encrypted; it is left as it was (plain words)."""


def _step(name: str) -> None:
    if os.environ.get(KILL_ENV) == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def fingerprints(connection: Any) -> Fingerprints:
    """Row count and a SHA-256 of every row, in rowid order, for each table."""
    tables = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    result: Fingerprints = {}
    for table in tables:
        digest = hashlib.sha256()
        count = 0
        quoted = '"' + table.replace('"', '""') + '"'
        for row in connection.execute(f"SELECT * FROM {quoted} ORDER BY rowid"):  # noqa: S608
            digest.update(repr(row).encode("utf-8"))
            count += 1
        result[table] = (count, digest.hexdigest())
    return result


@dataclass(frozen=True)
class Approved:
    """An administrator's request to encrypt, checked: who, with which password, and the
    active accounts that get slots (see `check_request`)."""

    actor: str
    password: str
    accounts: dict[str, tuple[int, str]]  # user name: (account id, stored password hash)
    my_id: int


def check_request(session_factory: SessionFactory, *, actor: str, password: str) -> Approved:
    """Everything `encrypt_clinic` checks before it touches the file: a clinic file, not yet
    encrypted, an administrator whose password is right. The app asks this first, while the
    clinic is still open, so a typo is answered beside the password field."""
    engine = engine_of(session_factory)
    if sqlite_path(engine.url.render_as_string(hide_password=False)) is None:
        raise EncryptError("Only a clinic database file can be encrypted; a PostgreSQL "
                           "server encrypts its own storage.")
    if clinic_key.is_encrypted(session_factory):
        raise EncryptError("This clinic's database is already encrypted.")
    with transaction(session_factory) as session:
        require(session, actor, "manage_users")
        accounts = {row.username: (row.id, row.password_hash) for row in session.scalars(
            select(Clinician).where(Clinician.active.is_(True), Clinician.password_hash != ""))}
    me = accounts.get(actor.strip().lower())
    if me is None or not pw.verify_password(password, me[1]):
        raise PermissionDeniedError("The password is not right.")
    return Approved(actor, password, accounts, me[0])


def encrypt_clinic(session_factory: SessionFactory, *, actor: str, password: str,
                   progress: Callable[[str], None] | None = None) -> str:
    """Encrypt the plaintext clinic file in place; returns its new recovery key.

    The acting administrator's password gets an ordinary slot; every other active account
    a slot under its stored password hash (its own password opens it, and its next sign-in
    replaces it). The caller's engine is disposed: open the clinic again afterwards.
    """
    approved = check_request(session_factory, actor=actor, password=password)
    return encrypt_approved(session_factory, approved, progress)


def encrypt_approved(session_factory: SessionFactory, approved: Approved,
                     progress: Callable[[str], None] | None = None) -> str:
    """`encrypt_clinic` once `check_request` has said yes (the caller's engine is disposed)."""
    engine = engine_of(session_factory)
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    assert path is not None  # check_request refused anything but a file
    audit_key = load_key(engine, create=False)
    engine.dispose()
    say = progress or (lambda _text: None)
    tidy_leftovers(path)
    try:
        held = hold_plain_database(path)
    except DatabaseBusyError:
        raise EncryptError("The clinic database is open in PT Desk or another command; close "
                           "it everywhere and try again.") from None
    try:
        return _convert(held, path, approved.accounts, approved.my_id, approved.password,
                        audit_key, say)
    finally:
        held.close()


def _convert(held: Any, path: Path, accounts: dict[str, tuple[int, str]], my_id: int,
             password: str, audit_key: bytes | None, say: Callable[[str], None]) -> str:
    _step("held")
    staging = path.with_name(path.name + STAGING_SUFFIX)
    key = kf.new_database_key()
    clinic = kf.new_clinic_id()
    slots = [kf.new_slot(clinic, clinic_key.slot_id(key, my_id), kf.KIND_ACCOUNT, password,
                         key)]
    for account_id, stored in accounts.values():
        if account_id != my_id:
            slot = kf.slot_from_password_hash(clinic, clinic_key.slot_id(key, account_id),
                                              stored, key)
            if slot is not None:
                slots.append(slot)
    recovery_key = clinic_key.make_recovery_secret()
    slots.append(kf.new_slot(clinic, secrets.token_hex(16), kf.KIND_RECOVERY,
                             clinic_key.normalize_recovery_key(recovery_key), key))
    kf.create(key_file_path(staging), kf.KeyFile(clinic, tuple(slots)))
    say("Writing the encrypted copy…")
    before = fingerprints(held)
    # The copy gets the clinic file's own permissions (owner-only for one PT Desk made).
    os.close(os.open(staging, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    os.chmod(staging, path.stat().st_mode & 0o777)
    export_encrypted(held, staging, key)
    _step("exported")
    say("Checking the encrypted copy…")
    _verify_copy(staging, key, before, audit_key)
    _step("verified")
    os.replace(key_file_path(staging), key_file_path(path))  # ignored beside a plaintext file
    sync_folder(path.parent)
    _step("keys-in-place")
    old = path.with_name(path.name + OLD_SUFFIX)
    os.link(path, old)  # the plaintext's blocks, to overwrite once it is no longer the clinic
    _step("linked")
    os.replace(staging, path)
    sync_folder(path.parent)
    _step("swapped")
    say("Overwriting the plaintext file…")
    shred(old)
    sync_folder(path.parent)
    _step("shredded")
    return recovery_key


def _verify_copy(staging: Path, key: bytes, before: Fingerprints,
                 audit_key: bytes | None) -> None:
    copy = connect_keyed(staging, key)
    try:
        after = fingerprints(copy)
    finally:
        copy.close()
    if after != before:
        changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        raise EncryptError(f"The encrypted copy differs from the clinic in {len(changed)} "
                           "table(s); nothing was changed.")
    engine = make_engine(staging, key=DatabaseKey(key))
    try:
        report = check_database(engine, key=audit_key, anchor=False)
    finally:
        engine.dispose()
    failed = [check.name for check in report.checks if not check.ok]
    if failed:
        raise EncryptError(f"The encrypted copy failed its checks ({', '.join(failed)}); "
                           "nothing was changed.")


def record_encrypted(session_factory: SessionFactory, *, actor: str) -> None:
    """The audit entry, written into the new encrypted clinic (unlocked by the caller)."""
    from ptdesk.services.audit import log as audit

    with transaction(session_factory) as session:
        audit.record(session, actor=actor, action="update", record_type="database",
                     summary="database encrypted (ptdesk encrypt)")


def open_encrypted(db: str | os.PathLike[str] | None, *, actor: str, password: str) -> Engine:
    """The clinic just encrypted, opened and unlocked with the administrator's password and
    its audit entry written; EncryptError if the password opens no slot (then the recovery
    key does). Its schema and library are the plaintext clinic's, already up to date."""
    engine = clinic_key.open_clinic(db)
    try:
        if not clinic_key.unlock(engine, password):
            raise EncryptError("The clinic was encrypted but does not open with your "
                               "password; use the recovery key.")
        record_encrypted(make_session_factory(engine), actor=actor)
    except BaseException:
        engine.dispose()
        raise
    return engine


@dataclass(frozen=True)
class Reopened:
    """After encrypting from the app: the clinic open again, or why not."""

    session_factory: SessionFactory | None  # the encrypted clinic, unlocked (None: plaintext)
    recovery_key: str | None
    error: Exception | None


def encrypt_and_reopen(session_factory: SessionFactory, approved: Approved) -> Reopened:
    """Encrypt (the caller has closed everything on the clinic), then open the clinic again
    whatever happened: a failure after the swap still leaves an encrypted clinic, which
    opens with the same password; a failure before it leaves the plaintext one as it was."""
    path = sqlite_path(engine_of(session_factory).url.render_as_string(hide_password=False))
    assert path is not None  # check_request refused anything but a file
    recovery_key: str | None = None
    error: Exception | None = None
    try:
        recovery_key = encrypt_approved(session_factory, approved)
    except Exception as exc:  # noqa: BLE001 (handed back to be told; the file is looked at below)
        error = exc
    probe = clinic_key.open_clinic(path)
    encrypted = clinic_key.is_encrypted(probe)
    probe.dispose()
    if not encrypted:
        return Reopened(None, None, error)
    try:
        engine = open_encrypted(path, actor=approved.actor, password=approved.password)
    except Exception as exc:  # noqa: BLE001
        return Reopened(None, recovery_key, exc)
    return Reopened(make_session_factory(engine), recovery_key, error)
