"""An encrypted clinic's backup: its key slots and audit key go with it, the audit key sealed
under the database key (never in clear); `restore_into_new` brings such a backup back into
a new, empty place (a lost or dead laptop) with an administrator's password or the recovery
key, and is the one path by which an audit key arrives with a backup."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine, select

from ptdesk.db.engine import database_key, key_file_path, make_session_factory
from ptdesk.db.models import Clinician
from ptdesk.services import passwords as pw
from ptdesk.services.audit.key import key_path_for_url, write_key_file
from ptdesk.services.db_check import check_database
from ptdesk.services.errors import ServiceError
from ptdesk.services.keys import clinic_key
from ptdesk.services.keys import keyfile as kf
from ptdesk.services.uow import transaction

SEALED_AUDIT_KEY_SUFFIX = ".auditkey.sealed"
_PURPOSE = b"ptdesk audit key in a backup"
_NONCE_BYTES = 12
_MAX_SEALED_BYTES = 4096


class BackupRestoreError(ServiceError):
    """An encrypted backup cannot be restored here (plain words; nothing was written)."""


def _sealing_key(database_key_bytes: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=_PURPOSE).derive(database_key_bytes)


def seal_audit_key(database_key_bytes: bytes, audit_key: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce + AESGCM(_sealing_key(database_key_bytes)).encrypt(nonce, audit_key, _PURPOSE)


def open_audit_key(database_key_bytes: bytes, sealed: bytes) -> bytes | None:
    try:
        return AESGCM(_sealing_key(database_key_bytes)).decrypt(
            sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _PURPOSE)
    except (InvalidTag, ValueError):
        return None


def sidecars(backup: Path) -> tuple[Path, Path]:
    """The key file and the sealed audit key that go beside an encrypted backup."""
    return key_file_path(backup), backup.with_name(backup.name + SEALED_AUDIT_KEY_SUFFIX)


def write_sidecars(engine: Engine, backup: Path, audit_key: bytes | None) -> bool:
    """Beside the backup of an encrypted clinic: its slots, and its audit key sealed; False
    (nothing written) for a plaintext clinic."""
    holder = database_key(engine)
    keys_path = clinic_key.key_path_of(engine)
    if holder is None or holder.key is None or keys_path is None:
        return False
    slots, sealed = sidecars(backup)
    kf.write(slots, kf.read(keys_path))
    if audit_key is not None:
        write_secret_file(sealed, seal_audit_key(holder.key, audit_key))
    return True


def write_secret_file(path: Path, data: bytes) -> None:
    """`data` at `path`, owner-only, written whole under a temporary name then renamed."""
    staged = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(staged, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(staged, path)


@dataclass(frozen=True)
class Restored:
    database: Path
    by_recovery_key: bool


def is_encrypted_backup(source: Path) -> bool:
    return key_file_path(source).exists()


def restore_into_new(source: Path, target: Path, secret: str) -> Restored:
    """Restore an encrypted backup at `source` into `target`, a new file in an empty (or new)
    folder: opened with `secret` (an administrator's password in the backup, or the clinic
    recovery key), checked completely on a staging copy, then moved into place with its
    slots and its audit key."""
    if target.exists() or os.path.lexists(target):
        raise BackupRestoreError(f"{target} already exists: an encrypted backup is restored "
                                 "into a new file in an empty folder (--db NEW_PATH).")
    folder = target.parent
    if folder.exists() and any(folder.iterdir()):
        raise BackupRestoreError(f"{folder} is not empty: restore into an empty folder.")
    slots_src, sealed_src = sidecars(source)
    try:
        keys = kf.read(slots_src)
    except kf.KeyFileError as exc:
        raise BackupRestoreError(f"{source.name} cannot be restored: {exc}.") from None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = folder / f".{target.name}.restoring"
    try:
        return _restore(source, staging, target, keys, sealed_src, secret)
    finally:
        for leftover in (staging, key_file_path(staging)):
            leftover.unlink(missing_ok=True)


def _restore(source: Path, staging: Path, target: Path, keys: kf.KeyFile, sealed_src: Path,
             secret: str) -> Restored:
    fd = os.open(staging, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    shutil.copyfile(source, staging)  # the backup file itself is never opened for writing
    kf.create(key_file_path(staging), keys)
    engine = clinic_key.open_clinic(staging)
    try:
        if not clinic_key.is_locked(engine) or not clinic_key.unlock(engine, secret):
            raise BackupRestoreError("That password or recovery key does not open this "
                                     "backup; nothing was restored.")
        by_recovery = clinic_key.unlocked_by_recovery_key(engine)
        holder = database_key(engine)
        assert holder is not None and holder.key is not None
        audit_key = None
        if sealed_src.exists():
            audit_key = open_audit_key(holder.key, sealed_src.read_bytes()[:_MAX_SEALED_BYTES])
            if audit_key is None:
                raise BackupRestoreError("The audit key beside the backup is not this "
                                         "backup's; nothing was restored.")
        if not by_recovery and not _administrator_password(engine, secret):
            raise BackupRestoreError("Only an administrator's password (or the clinic "
                                     "recovery key) restores a backup; nothing was restored.")
        report = check_database(engine, key=audit_key, anchor=False)
        failed = [c.name for c in report.checks if not c.ok]
        if failed:
            raise BackupRestoreError(f"The backup failed its checks ({', '.join(failed)}); "
                                     "nothing was restored.")
    finally:
        engine.dispose()
    os.replace(key_file_path(staging), key_file_path(target))
    os.replace(staging, target)
    audit_key_path = key_path_for_url("sqlite:///" + str(target.resolve()))
    if audit_key is not None and audit_key_path is not None:
        write_key_file(audit_key_path, audit_key)
    return Restored(target, by_recovery)


def _administrator_password(engine: Engine, secret: str) -> bool:
    with transaction(make_session_factory(engine)) as session:
        hashes_ = list(session.scalars(select(Clinician.password_hash).where(
            Clinician.role == "administrator", Clinician.active.is_(True),
            Clinician.password_hash != "")))
    return any(pw.verify_password(secret, stored) for stored in hashes_)


def foreign_backup_problem(engine: Engine, backup: Path) -> str | None:
    """Why the backup at `backup` (found in this clinic's backup folder) is not this
    clinic's, judged by its key file: another clinic id, or an encrypted clinic's backup
    beside a clinic that is not encrypted. None when nothing says so."""
    backup_keys_path = sidecars(backup)[0]
    if not backup_keys_path.exists():
        return None  # a plaintext backup (this clinic's from before `encrypt`, say)
    own = clinic_key.key_path_of(engine)
    where = f"backup {backup.name} in the backup folder"
    if own is None:
        return (f"{where} is an encrypted clinic's and this clinic is not encrypted: it is "
                "another clinic's backup; move it out of this clinic's backup folder")
    try:
        theirs, ours = kf.read(backup_keys_path).clinic, kf.read(own).clinic
    except kf.KeyFileError as exc:
        return f"{where} cannot be checked: {exc}"
    if theirs != ours:
        return (f"{where} is another clinic's backup (its key file names a different clinic); "
                "move it out of this clinic's backup folder")
    return None


def another_clinics_file(path: Path, home: Path) -> bool:
    """True when the encrypted file at `path` belongs to another clinic than the encrypted
    clinic at `home` (their key files name different clinics); False when either is not
    encrypted, is the same file, or a key file cannot be read."""
    try:
        if path.resolve() == home.resolve():
            return False
        return kf.read(key_file_path(path)).clinic != kf.read(key_file_path(home)).clinic
    except (kf.KeyFileError, OSError):
        return False
