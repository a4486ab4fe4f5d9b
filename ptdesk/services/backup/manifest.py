"""The witness each backup carries: a manifest, signed with the audit key, naming the audit head.

`<backup>.manifest` records where the audit chain ended when the backup was taken (entry
count, last id, last hash) and the backup file's SHA-256, with an HMAC keyed by the
audit key. A live database whose log no longer reaches the newest manifest's head was
rolled back (or its log cut); `ptdesk verify` checks that, and the head it prints can be
compared by hand with the manifests kept with off-site backups.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select

from ptdesk.db.engine import connect_file
from ptdesk.db.models import AuditEntry, AuditHead
from ptdesk.services.audit.anchor import Head
from ptdesk.services.audit.key import BACKUP_MANIFEST_SUFFIX

MANIFEST_SUFFIX = BACKUP_MANIFEST_SUFFIX
FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    backup: str  # the backup file's name
    sha256: str
    taken_at: str  # UTC, ISO 8601
    head: Head
    mac: str  # "" when the clinic had no key yet


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def _body(m: Manifest) -> str:
    return json.dumps({"format": FORMAT, "backup": m.backup, "sha256": m.sha256,
                       "taken_at": m.taken_at, "audit_head": {
                           "entries": m.head.entries, "last_id": m.head.last_id,
                           "last_hash": m.head.last_hash}}, sort_keys=True)


def _mac(key: bytes | None, body: str) -> str:
    if key is None:
        return ""
    return hmac.new(key, ("ptdesk-backup-manifest" + body).encode("utf-8"),
                    hashlib.sha256).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def head_of_file(path: Path, like: Engine | None = None) -> Head:
    """The audit head recorded inside an SQLite backup copy (of `like`'s kind: plain or
    encrypted under its key)."""
    connection = (sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                  if like is None else connect_file(path, like))
    try:
        row = connection.execute(
            "SELECT entries, last_id, last_hash FROM audit_head WHERE id = 1").fetchone()
    finally:
        connection.close()
    return Head(int(row[0]), int(row[1]), str(row[2])) if row else Head(0, 0, "")


def head_of_engine(engine: Engine) -> Head:
    with engine.connect() as connection:
        row = connection.execute(select(AuditHead.entries, AuditHead.last_id,
                                        AuditHead.last_hash).where(AuditHead.id == 1)).first()
    return Head(int(row[0]), int(row[1]), str(row[2])) if row else Head(0, 0, "")


def write_manifest(backup: Path, final_name: str, head: Head, key: bytes | None) -> Path:
    """Write the manifest for the backup file at `backup` (to be renamed `final_name`)."""
    partial = Manifest(final_name, _sha256(backup),
                       datetime.now(UTC).isoformat(timespec="seconds"), head, "")
    body = _body(partial)
    data = json.loads(body)
    data["mac"] = _mac(key, body)
    target = manifest_path(backup.with_name(final_name))
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, json.dumps(data, sort_keys=True, indent=1).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    return target


def read_manifest(path: Path) -> Manifest:
    """ValueError when the file is not a manifest."""
    try:
        data = json.loads(path.read_text(encoding="ascii"))
        head = data["audit_head"]
        return Manifest(str(data["backup"]), str(data["sha256"]), str(data["taken_at"]),
                        Head(int(head["entries"]), int(head["last_id"]),
                             str(head["last_hash"])), str(data.get("mac", "")))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path.name} is not a readable backup manifest") from exc


def signed_by(manifest: Manifest, key: bytes | None) -> bool:
    return bool(manifest.mac) and hmac.compare_digest(manifest.mac, _mac(key, _body(manifest)))


def witness_problems(engine: Engine, manifest: Manifest, key: bytes | None) -> list[str]:
    """Why the live database's log does not reach the head the manifest witnessed ([] = it does)."""
    problems: list[str] = []
    name = manifest.backup
    if manifest.mac and key is not None and not signed_by(manifest, key):
        # The head it names means nothing then: no second line about a rolled-back log.
        return [f"the manifest of backup {name} is not signed with this clinic's audit key "
                "(it is another clinic's backup, or it was altered, or the key was replaced)"]
    head = manifest.head
    if not head.last_hash:
        return problems
    with engine.connect() as connection:
        found = connection.execute(select(AuditEntry.entry_hash)
                                   .where(AuditEntry.id == head.last_id)).scalar()
        count = connection.execute(select(func.count()).select_from(AuditEntry)
                                   .where(AuditEntry.id <= head.last_id)).scalar_one()
    if found != head.last_hash or count != head.entries:
        problems.append(f"the audit log no longer reaches where it ended when backup {name} "
                        f"was taken ({head.entries} entries, last hash "
                        f"{head.last_hash[:16]}…): the database was rolled back to an older "
                        "copy, or its log was cut or rewritten")
    return problems
