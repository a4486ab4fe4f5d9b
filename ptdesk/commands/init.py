"""`ptdesk init`: create the database or upgrade it to the newest schema."""

from __future__ import annotations

import argparse

from ptdesk.commands import CommandError
from ptdesk.commands.common import add_db_option, engine_for
from ptdesk.db.migrate import current_revision, upgrade


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "init", help="create or upgrade the database",
        description="Create the database, or upgrade it to the newest schema. Safe to run again.",
    )
    add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from ptdesk.db.engine import make_session_factory
    from ptdesk.services.episode_facts import record_upgrade_merges
    from ptdesk.services.errors import ServiceError
    from ptdesk.services.uow import storage_message

    engine = engine_for(args)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
        try:  # what the upgrade merged goes into the audit log (else at the next start)
            record_upgrade_merges(make_session_factory(engine))
        except ServiceError as exc:
            print(f"Note: the upgrade's changes are not in the audit log yet ({exc}).")
    except OperationalError as exc:
        engine.dispose()
        # Plain words, and never the URL's password.
        raise CommandError(f"cannot set up the database: {storage_message(exc)}") from None
    if before == after:
        print(f"Database is up to date (schema {after}).")
    else:
        print(f"Database ready (schema {after}).")
    engine.dispose()
    return 0
