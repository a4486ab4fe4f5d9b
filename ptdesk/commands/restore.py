"""`ptdesk restore FILE`: check a backup, keep the current database aside, swap atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import actor_name, add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database
from ptdesk.db.engine import is_sqlite, resolve_url, sqlite_path
from ptdesk.services.errors import ServiceError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "restore", help="restore the database from a backup (administrators)",
        description="Check the backup (integrity, schema, audit chain, signed notes) before "
        "using it, keep the current database aside under a dated name, then put the backup "
        "in its place in one step. Close PT Desk first, on every workstation. On a "
        "PostgreSQL server the backup (.dump) is loaded into a new database beside the "
        "current one and checked there (the database user needs the CREATEDB right), and "
        "its audit log is checked with this workstation's audit key.",
    )
    parser.add_argument("file", metavar="FILE",
                        help="the backup file (.db, or .dump for a PostgreSQL server)")
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def _actor(args: argparse.Namespace) -> str:
    """Sign in against the current database when it is usable; else the name as given.

    A damaged or missing database cannot check a password; the restore then checks the
    name's role against the accounts in the backup.
    """
    url = resolve_url(getattr(args, "db", None))
    path = sqlite_path(url)
    if (path is None and is_sqlite(url)) or (path is not None and not path.exists()):
        return actor_name(args)
    try:
        engine, session_factory = open_database(args)
    except CommandError:
        return actor_name(args)
    try:
        return signed_in_actor(args, session_factory)
    finally:
        engine.dispose()


def run(args: argparse.Namespace) -> int:
    from ptdesk.services.backup.backups import restore

    source = Path(args.file).expanduser()
    if not source.is_file():
        raise UsageError(f"no backup file at {source}")
    actor = _actor(args)
    try:
        result = restore(source, target_db=resolve_url(getattr(args, "db", None)), actor=actor)
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    on_server = "" if isinstance(result.database, Path) else " on the server"
    if result.kept_aside is not None:
        print(f"The previous database was kept as {result.kept_aside}{on_server}.")
    print(f"Restored {result.database}{on_server} from {source} "
          f"(schema {result.revision} when backed up).")
    return 0
