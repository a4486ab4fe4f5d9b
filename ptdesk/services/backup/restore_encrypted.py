"""Restoring an encrypted clinic's backup over the clinic in use: signed in, checked, swapped with its key file.

The same guarantees as a plaintext restore (restore_swap.py): an administrator of the
current database signs in (the password also unlocks the current key file; when the
current database cannot be read, an administrator's password from inside the backup or
the recovery key); the backup is opened on a staging copy (under the current database
key, or, when the clinic was re-keyed since, under the key the secret unwraps from the
backup's own slots) and checked completely with the clinic's current audit key; the
current database and its key file are kept aside together; then the database and the
key file are swapped so that a crash at any moment leaves a clinic that opens:

1. the key file gains the restored database's slots beside the current ones (unlocking
   tries each key a password unwraps and keeps the one that opens the file, exactly as
   after a re-key cut short, clinic_key.rekey_with);
2. the database is replaced in one rename;
3. the key file keeps only the restored database's slots (`finish_keys`).

A kill before 2 leaves the current clinic opening with today's passwords; after 2, the
restored one opening with the backup's. Files of another clinic (another clinic id in
the key file) and plaintext/encrypted mix-ups are refused before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from ptdesk.db.engine import (
    connect_keyed,
    database_errors,
    is_plain_sqlite_file,
    key_file_path,
    sqlite_path,
)
from ptdesk.services import passwords as pw
from ptdesk.services.audit.key import key_path_for_url, read_key_file, write_key_file
from ptdesk.services.backup.common import BackupError, fsync_dir, stamp
from ptdesk.services.backup.leftovers import remove_staging_leftovers, restore_lock
from ptdesk.services.backup.restore_auth import (
    REFUSED,
    Account,
    SignIn,
    backup_accounts,
    check_administrator,
)
from ptdesk.services.backup.restore_file import RestoreResult, StagedCopy, stage_backup
from ptdesk.services.backup.restore_swap import aside_key_path, link_aside
from ptdesk.services.backup.schema_check import open_untrusted
from ptdesk.services.db_check import ClinicModeError
from ptdesk.services.errors import LoginRefusedError
from ptdesk.services.keys import keyfile as kf
from ptdesk.services.keys.backup_keys import BackupRestoreError, sidecars, write_secret_file
from ptdesk.services.keys.clinic_key import normalize_recovery_key

# Tests stop the process at a named step (SIGKILL) to prove each one leaves a clinic.
KILL_ENV = "PTDESK_TEST_RESTORE_KILL_AT"
STEPS = ("kept-aside", "keys-merged", "swapped", "keys-final")
_ACCOUNTS = ("SELECT username, password_hash, role, active FROM clinicians "
             "WHERE password_hash != ''")
NEW_FOLDER_HINT = ("To open another clinic's backup on its own, restore it with --db NEW_PATH "
                   "into an empty folder.")


def _step(name: str) -> None:
    if os.environ.get(KILL_ENV) == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def other_clinic_message(source: Path) -> str:
    return (f"{source.name} is another clinic's backup (its key file belongs to a different "
            "clinic), so it was not restored and nothing was changed. " + NEW_FOLDER_HINT)


@dataclass(frozen=True)
class Swapped:
    """An encrypted backup in place; `finish_keys` drops the old clinic's slots next."""

    result: RestoreResult
    database_key: bytes  # the restored database's key (the backup's)
    keys_path: Path
    final: kf.KeyFile
    actor: str | None  # who restored (None: with the recovery key)


def _backup_keys(source: Path) -> kf.KeyFile:
    try:
        return kf.read(sidecars(source)[0])
    except kf.KeyFileError as exc:
        raise BackupRestoreError(f"{source.name} cannot be restored: {exc}. Nothing was "
                                 "changed.") from None


def _current_keys(target: Path) -> kf.KeyFile | None:
    """The current clinic's key file; None when it is missing or damaged (the current
    database cannot be read, and the backup's administrators decide)."""
    try:
        return kf.read(key_file_path(target))
    except kf.KeyFileError:
        return None


def check_encrypted_restore(source: Path, url: str) -> SignIn:
    """Refuse, before any password is asked and anything written, a backup that cannot go
    over the clinic at `url`; else whose secret the restore needs (CURRENT: an administrator
    of the current database; BACKUP: one inside the backup, or the recovery key)."""
    target = sqlite_path(url)
    if target is None:
        raise ClinicModeError("An encrypted backup is restored into a database file.")
    backup_keys = _backup_keys(source)
    if is_plain_sqlite_file(target):
        raise BackupRestoreError(
            f"{source.name} is an encrypted clinic's backup and the clinic at {target} is not "
            "encrypted, so it is not this clinic's backup; nothing was changed. "
            + NEW_FOLDER_HINT)
    current = _current_keys(target)
    if current is None:
        return SignIn.BACKUP
    if current.clinic != backup_keys.clinic:
        raise BackupRestoreError(other_clinic_message(source))
    return SignIn.CURRENT


def refuse_plaintext_onto_encrypted(source: Path, url: str) -> None:
    """A plaintext backup never goes over an encrypted clinic."""
    target = sqlite_path(url)
    if target is None or not key_file_path(target).exists() or is_plain_sqlite_file(target):
        return
    # Without this, the encrypted file would read as "the current database cannot be
    # read", and the clinic could be replaced by an unencrypted file.
    raise BackupError(f"{source.name} is not an encrypted backup, and this clinic is "
                      "encrypted: restoring it would leave the clinic's records unencrypted "
                      "(or it is another clinic's), so it was not restored and nothing was "
                      "changed. To look at it on its own, restore it with --db NEW_PATH into "
                      "an empty folder.")


def _opens(path: Path, key: bytes) -> bool:
    try:
        connection = connect_keyed(path, key, read_only=True)
    except database_errors():
        return False
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except database_errors():
        return False
    finally:
        connection.close()


def _unwrapped(keys: kf.KeyFile, secret: str, *, recovery: bool) -> list[tuple[str, bytes]]:
    """(slot kind, database key) for every slot `secret` opens (open slots need none)."""
    found: list[tuple[str, bytes]] = []
    for slot in keys.slots:
        if slot.kind == kf.KIND_RECOVERY and not recovery:
            continue
        typed = normalize_recovery_key(secret) if slot.kind == kf.KIND_RECOVERY else secret
        key = kf.unwrap(keys.clinic, slot, typed)
        if key is not None:
            found.append((slot.kind, key))
    return found


def _accounts(path: Path, key: bytes) -> list[Account] | None:
    """The current database's accounts; None when it cannot be read."""
    try:
        connection = open_untrusted(path, key)
        try:
            return [(str(u), str(h), str(r), bool(a)) for u, h, r, a in
                    connection.execute(_ACCOUNTS)]
        finally:
            connection.close()
    except database_errors():
        return None


@dataclass
class _SignedIn:
    actor: str | None  # None until an administrator of the backup is checked
    current_key: bytes | None  # the current database's key, when the secret opened it
    check_backup: bool  # the backup's administrators (or the recovery key) decide
    by_recovery: bool = False  # the secret is the clinic's current recovery key


def _sign_in(target: Path, current: kf.KeyFile | None, actor: str | None,
             password: str) -> _SignedIn:
    if current is None:
        return _SignedIn(None, None, True)
    opened = _unwrapped(current, password, recovery=True)
    keys = [key for _kind, key in opened]
    working = next((key for key in keys if _opens(target, key)), None)
    accounts = None if working is None else _accounts(target, working)
    if not opened or (accounts and all(kind == kf.KIND_RECOVERY for kind, _k in opened)):
        # A wrong password; or the recovery key while the database can be read, where an
        # administrator signs in. The same message and time as a wrong user name.
        pw.burn_time(password)
        raise LoginRefusedError(REFUSED)
    if not accounts:
        # The secret opens the key file but the database cannot be read (or has no
        # accounts yet): as for a plaintext clinic, an administrator of the backup (or
        # the recovery key) decides.
        recovery = working is not None and any(
            kind == kf.KIND_RECOVERY and key == working for kind, key in opened)
        return _SignedIn(None, working, True, recovery)
    return _SignedIn(check_administrator(accounts, actor, password), working, False)


def _backup_key(source: Path, backup_keys: kf.KeyFile, signed: _SignedIn,
                password: str) -> tuple[bytes, bool]:
    """The key the backup is under (the current database's key first: the usual case,
    no re-key since), and whether the recovery key opened it."""
    if signed.current_key is not None and _opens(source, signed.current_key):
        return signed.current_key, signed.by_recovery
    for kind, key in _unwrapped(backup_keys, password, recovery=signed.check_backup):
        if _opens(source, key):
            return key, kind == kf.KIND_RECOVERY
    if not signed.check_backup:
        raise BackupRestoreError(
            f"{source.name} was made before the clinic was re-keyed, and your password "
            "does not open it: sign in as an administrator whose password was the same "
            "when the backup was taken. Nothing was changed.")
    raise LoginRefusedError(REFUSED)


def restored_keys(backup_keys: kf.KeyFile, current: kf.KeyFile | None,
                  database_key: bytes) -> kf.KeyFile:
    """The restored clinic's slots: the backup's, which match the backup's accounts (as a
    plaintext restore returns the accounts to the backup's state), except the recovery
    slot. The clinic's CURRENT recovery slot is sealed to the restored key instead
    (sealing needs only its public key), so the recovery key printed and locked away
    today still opens the clinic, and one replaced since the backup (perhaps lost or
    seen) does not."""
    recovery = [s for s in (current.slots if current else ()) if s.kind == kf.KIND_RECOVERY]
    if not recovery:
        return backup_keys
    kept = tuple(s for s in backup_keys.slots if s.kind != kf.KIND_RECOVERY)
    resealed = tuple(kf.seal(backup_keys.clinic, s, database_key, secrets.token_hex(16))
                     for s in recovery)
    return kf.KeyFile(backup_keys.clinic, (*kept, *resealed))


def restore_encrypted(source: Path, url: str, actor: str | None, password: str) -> Swapped:
    """Put the encrypted backup at `source` in place of the encrypted clinic at `url`
    (see the module's docstring); `finish_keys` completes it."""
    sign_in = check_encrypted_restore(source, url)
    target = sqlite_path(url)
    assert target is not None  # checked above
    if source.resolve() == target.resolve():
        raise BackupError("That file is the database itself, not a backup of it.")
    backup_keys = _backup_keys(source)
    current = _current_keys(target) if sign_in is SignIn.CURRENT else None
    signed = _sign_in(target, current, actor, password)
    database_key, by_recovery = _backup_key(source, backup_keys, signed, password)
    with restore_lock(target):
        remove_staging_leftovers(target)
        key_file = key_path_for_url(url)
        audit_key = read_key_file(key_file) if key_file is not None and key_file.exists() \
            else None
        staged = stage_backup(source, target, stamp(), audit_key, url, database_key)
        try:
            if signed.check_backup and not by_recovery:
                signed.actor = check_administrator(
                    backup_accounts(staged.path, database_key), actor, password)
            final = restored_keys(backup_keys, current, database_key)
            notes = () if by_recovery or _secret_opens(final, password, database_key) else (
                "Your password does not open the restored clinic (it is newer than the "
                "backup): sign in with the password you had then, another administrator's, "
                "or the clinic recovery key.",)
            staged.close()
            aside = _swap(staged, target, url, signed.current_key, current, final)
        except BaseException:
            staged.discard()
            raise
    result = RestoreResult(source, target, aside, staged.revision, notes)
    return Swapped(result, database_key, key_file_path(target), final, signed.actor)


def _secret_opens(keys: kf.KeyFile, password: str, database_key: bytes) -> bool:
    return any(key == database_key for _kind, key in _unwrapped(keys, password,
                                                                  recovery=False))


def _fold_wal(target: Path, aside: Path, key: bytes | None) -> None:
    """Fold the -wal into the database (which also refuses under a running PT Desk: the
    journal mode changes only with every other connection closed); a database that cannot
    be read is kept aside as it is, with its -wal and -shm."""
    if key is not None:
        try:
            connection = connect_keyed(target, key)
            try:
                connection.execute("PRAGMA journal_mode=DELETE").fetchone()
            finally:
                connection.close()
            return
        except database_errors() as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise BackupError("The database is in use. Close every PT Desk window (on "
                                  "this and other computers) and try the restore again.") \
                    from exc
    for suffix in ("-wal", "-shm"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))


def _keep_aside(target: Path, aside: Path, url: str) -> None:
    """The current database and its key file (and audit key) under the dated name."""
    link_aside(target, aside)
    keys_path = key_file_path(target)
    if keys_path.exists():
        shutil.copyfile(keys_path, key_file_path(aside))  # bytes as they are, even damaged
        os.chmod(key_file_path(aside), 0o600)
    key_file = key_path_for_url(url)
    aside_key = aside_key_path(aside)
    if key_file is not None and key_file.exists() and aside_key is not None:
        write_key_file(aside_key, read_key_file(key_file), replace=True)


def _swap(staged: StagedCopy, target: Path, url: str, current_key: bytes | None,
          current: kf.KeyFile | None, final: kf.KeyFile) -> Path | None:
    keys_path = key_file_path(target)
    aside: Path | None = None
    if target.exists():
        aside = target.with_name(f"{target.name}.before-restore-{staged.stamp}")
        _fold_wal(target, aside, current_key)
        _keep_aside(target, aside, url)
        _step("kept-aside")
    before = keys_path.read_bytes() if keys_path.exists() else None
    try:
        # Step 1: a key file that opens the current database AND the restored one.
        kf.write(keys_path, kf.KeyFile(final.clinic,
                                       (*(current.slots if current else ()), *final.slots)))
        _step("keys-merged")
        # Step 2: the database, in one rename.
        os.replace(staged.path, target)
    except BaseException:
        _put_back(keys_path, before, aside)
        raise
    fsync_dir(target.parent)
    _step("swapped")
    return aside


def _put_back(keys_path: Path, before: bytes | None, aside: Path | None) -> None:
    """The swap failed before the database moved: the key file as it was, no copy aside."""
    with contextlib.suppress(OSError):
        if before is None:
            keys_path.unlink(missing_ok=True)
        else:
            write_secret_file(keys_path, before)
    if aside is not None:
        for path in (aside, key_file_path(aside), aside_key_path(aside)):
            if path is not None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


def finish_keys(swapped: Swapped) -> None:
    """Step 3: the key file keeps only the restored database's slots, so the old clinic's
    slots (an old password, a switched-off account) open nothing here any more."""
    kf.write(swapped.keys_path, swapped.final)
    _step("keys-final")
