"""Helpers shared by CLI subcommands: the `--db` option, opening the database, parsing values."""

from __future__ import annotations

import argparse
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from ptdesk.commands import CommandError, UsageError
from ptdesk.db.engine import (
    SessionFactory,
    make_engine,
    make_session_factory,
    resolve_url,
    sqlite_path,
)
from ptdesk.db.migrate import is_up_to_date


def add_db_option(parser: argparse.ArgumentParser) -> None:
    # Also accepted after the subcommand (`ptdesk patients --db X`), as scripts write it.
    parser.add_argument("--db", metavar="DB", default=argparse.SUPPRESS,
                        help="database file path or SQLAlchemy URL")


def engine_for(args: argparse.Namespace) -> Engine:
    try:
        return make_engine(getattr(args, "db", None))
    except ArgumentError as exc:
        raise UsageError(f"--db: not a database path or URL ({exc})") from exc
    except OSError as exc:
        raise CommandError(f"cannot open the database file: {exc.strerror}") from exc


def open_database(args: argparse.Namespace) -> tuple[Engine, SessionFactory]:
    """An up-to-date database, or a clear line telling the user to run `ptdesk init`."""
    path = sqlite_path(resolve_url(getattr(args, "db", None)))
    if path is not None and not path.exists():
        # Only `ptdesk init` creates a database; a typo in --db must not leave empty files.
        raise CommandError(f"no database at {path}; run `ptdesk init` first")
    engine = engine_for(args)
    try:
        ready = is_up_to_date(engine)
    except OperationalError as exc:
        raise CommandError(f"cannot open the database: {exc.orig}") from exc
    if not ready:
        raise CommandError("the database is not set up or is out of date; run `ptdesk init` first")
    return engine, make_session_factory(engine)


def parse_date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"{option} must be a date as YYYY-MM-DD (got {text!r})") from exc
