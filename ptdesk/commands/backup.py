"""`ptdesk backup [--to DIR]`: a consistent, owner-only copy of the live database."""

from __future__ import annotations

import argparse

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database
from ptdesk.services.errors import ServiceError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "backup", help="back up the database (administrators)",
        description="Copy the database safely while PT Desk may be running: a .db file, or "
        "for a PostgreSQL server a .dump written by pg_dump (PostgreSQL's client programs "
        "must be installed; $PTDESK_PG_BIN names their folder). Backups are owner-only; "
        "the newest ones are kept (clinic setting, 14 by default). The audit key is "
        "copied next to each backup in a folder outside the database's own folder (never "
        "into its default 'backups' folder, which travels with the data folder).",
    )
    parser.add_argument("--to", dest="to_dir", metavar="DIR",
                        help="folder for backups (default: the clinic's backup folder, else "
                        "'backups' next to the database file or in PT Desk's data folder)")
    parser.add_argument("--keep", type=int, metavar="N",
                        help="how many backups to keep (default: the clinic setting)")
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ptdesk.services.backup.backups import backup

    if args.keep is not None and args.keep < 1:
        raise UsageError("--keep must be at least 1")
    engine, session_factory = open_database(args)
    try:
        actor = signed_in_actor(args, session_factory)
        path = backup(session_factory, to_dir=args.to_dir, keep=args.keep, actor=actor)
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        engine.dispose()
    print(f"Backup written: {path}")
    return 0
