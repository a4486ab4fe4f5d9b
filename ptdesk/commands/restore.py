"""`ptdesk restore FILE`: check a backup, keep the current database aside, swap atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import PASSWORD_ENV, actor_name, add_actor_option, read_secret
from ptdesk.commands.common import add_db_option
from ptdesk.db.engine import resolve_url
from ptdesk.services.errors import ServiceError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "restore", help="restore the database from a backup (administrators)",
        description="Check the backup (integrity, schema, audit chain, signed notes) before "
        "using it, keep the current database aside under a dated name, then put the backup "
        "in its place in one step. Close PT Desk first, on every workstation. On a "
        "PostgreSQL server the backup (.dump) is loaded into a new database beside the "
        "current one and checked there (the database user needs the CREATEDB right), and "
        "its audit log is checked with this workstation's audit key. A backup's whole "
        "structure is compared with what PT Desk makes before anything in it runs; a key "
        "saved beside a backup is never installed (use `ptdesk audit key install`). An "
        "administrator's password is needed whenever the current database has accounts "
        "(if it cannot be read: the password of an administrator inside the backup). An "
        "encrypted clinic's backup goes over that clinic (its key file is swapped with it and "
        "the current one kept aside too), or with --db NEW_PATH into an empty folder (a lost "
        "laptop: an administrator's password from the backup or the recovery key); another "
        "clinic's backup is refused.",
    )
    parser.add_argument("file", metavar="FILE",
                        help="the backup file (.db, or .dump for a PostgreSQL server)")
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ptdesk.db.engine import sqlite_path
    from ptdesk.services.backup.backups import SignIn, restore, restore_sign_in
    from ptdesk.services.keys.backup_keys import is_encrypted_backup

    source = Path(args.file).expanduser()
    if not source.is_file():
        raise UsageError(f"no backup file at {source}")
    url = resolve_url(getattr(args, "db", None))
    encrypted = is_encrypted_backup(source)
    if encrypted:
        target = sqlite_path(url)
        if target is None:
            raise UsageError("--db: an encrypted backup is restored into a database file")
        if not target.exists():  # as before: restore_into_new refuses a dangling link
            return _restore_into_new(args, source, target)
    name = actor_name(args)
    password = None
    try:
        # Asked whatever the current database's schema version: only "no accounts yet"
        # (or no database) restores without an administrator's password. A backup that
        # cannot go here at all is refused first.
        needed = restore_sign_in(url, source)
        if needed is SignIn.BACKUP and encrypted:
            password = read_secret(
                "Password of an administrator in the backup, or the clinic recovery key: ",
                PASSWORD_ENV, "an administrator's password from the backup or the clinic "
                "recovery key, because the current database cannot be read", args)
        elif needed is not SignIn.NONE:
            whose = ("an administrator of the current database" if needed is SignIn.CURRENT
                     else "an administrator account inside the backup, because the current "
                     "database cannot be read")
            password = read_secret(f"PT Desk password for {name}: ", PASSWORD_ENV,
                                   f"the password of {name} ({whose})", args)
        result = restore(source, target_db=url, actor=name, password=password)
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    on_server = "" if isinstance(result.database, Path) else " on the server"
    if result.kept_aside is not None:
        print(f"The previous database was kept as {result.kept_aside}{on_server}.")
    print(f"Restored {result.database}{on_server} from {source} "
          f"(schema {result.revision} when backed up).")
    for note in result.notes:
        print(note)
    return 0


def _restore_into_new(args: argparse.Namespace, source: Path, target: Path) -> int:
    """An encrypted clinic's backup into a new file in an empty folder (a lost or dead
    laptop), opened with an administrator's password from the backup or the recovery key."""
    from ptdesk.services.keys.backup_keys import restore_into_new

    secret = read_secret("Password of an administrator in the backup, or the clinic recovery "
                         "key: ", PASSWORD_ENV, "an administrator's password from the backup "
                         "or the clinic recovery key", args)
    try:
        result = restore_into_new(source, target, secret)
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    how = " with the clinic recovery key" if result.by_recovery_key else ""
    print(f"Restored {result.database} from {source}{how}.")
    return 0
