"""Carrying the clinic's audit key to another workstation (clinic mode on a shared server).

With SQLite the key file sits beside the database file. On a PostgreSQL server every
workstation keeps its own copy in its configuration folder, and all copies must be the
same key, or the entries one workstation writes would not verify on another. An
administrator exports the key once and installs it on each new workstation; a key is
only installed after it has been checked against the clinic's audit chain.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from ptdesk.db.engine import SessionFactory, engine_of, make_session_factory
from ptdesk.services.audit import log as audit
from ptdesk.services.audit import rekey
from ptdesk.services.audit.key import (
    AuditKeyError,
    forget,
    key_path,
    load_key,
    read_key_file,
    write_key_file,
)
from ptdesk.services.audit.log import verify_chain
from ptdesk.services.output_files import OutputFileError, write_output
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

# The key guards the audit log, so handling it is an administrator's job.
_PERMISSION = "edit_settings"


def workstation_key_path(session_factory: SessionFactory) -> Path | None:
    """Where this workstation keeps the key of this database (None: in-memory database)."""
    return key_path(engine_of(session_factory))


def export_key(session_factory: SessionFactory, *, actor: str, dest: Path) -> Path:
    """Write this workstation's key to `dest` (owner-only), to be installed elsewhere."""
    with transaction(session_factory) as session:
        require(session, actor, _PERMISSION)
    key = load_key(engine_of(session_factory), create=False)
    if key is None:
        raise AuditKeyError("This workstation has no audit key for this database yet, so "
                            "there is nothing to export. Export it from a workstation that "
                            "has one.")
    if dest.exists() and dest.is_dir():
        raise AuditKeyError(f"{dest} is a folder; give the name of the file to write.")
    if _holds_something_else(dest):
        raise AuditKeyError(f"{dest} already holds something that is not an audit key; it "
                            "was left as it is. Give a new file name.")
    # Like every file the user names: no folders made, a device or pipe written to (never
    # replaced), a planted link never followed for the temporary file (issue 16).
    try:
        write_output(dest, (key.hex() + "\n").encode("ascii"))
    except OutputFileError as exc:
        raise AuditKeyError(f"The key was not written: {exc}") from None
    return dest


def _holds_something_else(dest: Path) -> bool:
    """An existing non-empty regular file that is not an earlier exported key (hex text):
    PT Desk never replaces what it did not write (a mistyped path, /etc/passwd as root)."""
    try:
        if not dest.is_file() or dest.stat().st_size == 0:
            return False
        with dest.open("rb") as handle:
            head = handle.read(_MAX_KEY_FILE + 1)
    except OSError:
        return False  # the writer reports what is wrong with the place, in plain words
    text = head.strip()
    return (len(head) > _MAX_KEY_FILE or not text
            or any(c not in b"0123456789abcdef" for c in text))


# An exported key is hex text and a newline; anything longer is some other file.
_MAX_KEY_FILE = 1024


def install_key(session_factory: SessionFactory, *, source: Path, username: str,
                password: str) -> Path:
    """Put the key from `source` in place for this workstation, once it checks out.

    The key must verify the clinic's sealed audit chain; a wrong key is refused rather
    than installed, because entries written with it would break the chain for everyone.
    The administrator signs in only after the key is in place: signing in writes an
    audit entry, which a workstation without the key cannot do. If the sign-in or the
    role check fails, the workstation is put back as it was.
    """
    from ptdesk.services.accounts import authenticate, needs_setup

    try:
        key = read_key_file(source)
    except FileNotFoundError:
        raise AuditKeyError(f"There is no key file at {source}.") from None
    result = verify_chain(session_factory, key=key)
    if result.sealed and not result.ok:
        raise AuditKeyError("This key does not match the clinic's audit log, so it was not "
                            "installed. Export the key again from a workstation where "
                            "`ptdesk audit verify` passes.")
    target = workstation_key_path(session_factory)
    if target is None:
        raise AuditKeyError("An in-memory database keeps its key in memory only.")
    engine = engine_of(session_factory)
    previous = target.read_bytes() if target.exists() else None
    write_key_file(target, key, replace=True)
    forget(engine)
    try:
        actor = username
        if not needs_setup(session_factory):
            actor = authenticate(session_factory, username, password,
                                 summary="signed in to install the audit key").username
        with transaction(session_factory) as session:
            require(session, actor, _PERMISSION)
            audit.record(session, actor=actor, action="update", record_type="audit_key",
                         summary="audit key installed on this workstation")
    except BaseException:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)
        forget(engine)
        raise
    return target


def install_key_before_restore(url: str, source: Path) -> Path:
    """Put a key in place for a database that does not exist yet (a new computer, before
    restoring a backup onto it); the restore then checks the backup with this key.

    With a database present, `install_key` (checked against its log, signed in) applies.
    """
    from ptdesk.db.engine import resolve_url
    from ptdesk.services.audit.key import key_path_for_url
    from ptdesk.services.backup.restore_auth import current_accounts

    url = resolve_url(url)
    try:
        present = current_accounts(url) is not None
    except Exception:  # unreadable counts as present: never overwrite a key beside it
        present = True
    if present:
        raise AuditKeyError("A database already exists there; install the key with the "
                            "database's own check (`ptdesk audit key install FILE --db ...`).")
    target = key_path_for_url(url)
    if target is None:
        raise AuditKeyError("An in-memory database keeps its key in memory only.")
    if target.exists():
        raise AuditKeyError(f"There is already an audit key at {target}; it was left as it is.")
    try:
        key = read_key_file(source)
    except FileNotFoundError:
        raise AuditKeyError(f"There is no key file at {source}.") from None
    write_key_file(target, key)
    return target


def pending_key_path(target: Path) -> Path:
    """Where a rotation keeps the new key until its commit is done."""
    return target.with_name(target.name + ".next")


def rotate_key(session_factory: SessionFactory, *, username: str, password: str) -> Path:
    """Re-key the audit log: an administrator's deliberate, audited act (never automatic).

    The chain must verify with the current key first. The new key is written beside the
    old one as `<key>.next`; in one transaction the rotation is recorded (naming the old
    head, so witnesses holding old hashes can be related to the new ones) and every entry
    is re-sealed with the new key; only after the commit does the new key replace the old
    (the old one is kept as `<key>.old-<entries>`). Returns the key file's path.
    """
    import secrets

    from ptdesk.services.accounts import authenticate
    from ptdesk.services.audit.anchor import anchor_path, reset

    engine = engine_of(session_factory)
    target = workstation_key_path(session_factory)
    if target is None:
        raise AuditKeyError("An in-memory database keeps its key in memory only.")
    pending = pending_key_path(target)
    old = load_key(engine, create=False)
    if old is None:
        raise AuditKeyError(f"There is no audit key at {target} to replace. Put it back, or "
                            "install it with `ptdesk audit key install FILE`.")
    if pending.exists() and _finish_interrupted(session_factory, target, pending, old):
        return target
    actor = authenticate(session_factory, username, password,
                         summary="signed in to rotate the audit key").username
    result = verify_chain(session_factory)
    if not result.ok:
        raise AuditKeyError("The audit log does not verify with the current key, so it was "
                            "not re-keyed: " + " ".join(result.problems[:3]))
    with transaction(session_factory) as session:
        require(session, actor, _PERMISSION)
    new = secrets.token_bytes(32)
    write_key_file(pending, new, replace=True)
    try:
        with transaction(session_factory) as session:
            require(session, actor, _PERMISSION)
            head = result.head
            audit.record(session, actor=actor, action="update", record_type="audit_key",
                         summary="audit key rotated by an administrator; entries re-sealed; "
                                 f"head before: {head.entries if head else 0} entries, hash "
                                 f"{head.last_hash if head else ''}")
            rekey.reseal(session, old=old, new=new)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    _install_pending(engine, target, pending, old)
    reset(anchor_path(engine), audit.current_anchor(session_factory))
    return target


def _install_pending(engine: Engine, target: Path, pending: Path, old: bytes) -> None:
    with transaction(make_session_factory(engine)) as session:
        entries = rekey.head_entries(session)
    write_key_file(target.with_name(f"{target.name}.old-{entries}"), old, replace=True)
    pending.replace(target)
    forget(engine)


def _finish_interrupted(session_factory: SessionFactory, target: Path, pending: Path,
                        old: bytes) -> bool:
    """A rotation stopped after its commit but before the key was swapped: finish it."""
    from ptdesk.services.audit.anchor import anchor_path, reset

    new = read_key_file(pending)
    if verify_chain(session_factory, key=new, anchor=False).ok:
        engine = engine_of(session_factory)
        _install_pending(engine, target, pending, old)
        reset(anchor_path(engine), audit.current_anchor(session_factory))
        return True
    pending.unlink(missing_ok=True)  # the rotation never committed
    return False
