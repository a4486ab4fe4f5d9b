"""Helpers shared by CLI subcommands: the `--db` option, opening the database, parsing values."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from ptdesk.commands import CommandError, UsageError
from ptdesk.db.engine import (
    DatabaseTargetError,
    SessionFactory,
    make_session_factory,
    resolve_url,
    sqlite_path,
)
from ptdesk.db.migrate import is_up_to_date
from ptdesk.services.keys.clinic_key import is_locked, open_clinic, unlock
from ptdesk.services.keys.keyfile import KeyFileError
from ptdesk.services.output_files import OutputFileError, check_output_path, write_output


def add_db_option(parser: argparse.ArgumentParser) -> None:
    # Also accepted after the subcommand (`ptdesk patients --db X`), as scripts write it.
    parser.add_argument("--db", metavar="DB", default=argparse.SUPPRESS,
                        help="database file path or SQLAlchemy URL")


def engine_for(args: argparse.Namespace, *, create: bool = False,
               unlocked: bool = True) -> Engine:
    """The engine for `--db`; a new file is made an encrypted clinic when `create` (`ptdesk
    init`). An encrypted clinic is unlocked with the acting user's password (the same one
    the sign-in then checks, asked for once), unless `unlocked` is False."""
    try:
        engine = open_clinic(getattr(args, "db", None), create=create)
    except KeyFileError as exc:
        raise CommandError(f"cannot open the database: {exc}") from None
    except DatabaseTargetError as exc:
        raise UsageError(f"--db: {exc}") from None
    except ArgumentError:
        # Never the URL: it may hold the server password.
        raise UsageError("--db: not a database file path or a database URL") from None
    except OSError as exc:
        raise CommandError(f"cannot open the database file: {exc.strerror}") from None
    if unlocked and is_locked(engine):
        _unlock(args, engine)
    return engine


def _unlock(args: argparse.Namespace, engine: Engine) -> None:
    from ptdesk.commands.acting import PASSWORD_ENV, actor_name, read_secret
    from ptdesk.services.accounts import WRONG

    name = actor_name(args)
    try:
        password = read_secret(f"PT Desk password for {name}: ", PASSWORD_ENV,
                               f"the password of {name}", args)
        args._given_password = password  # the sign-in that follows checks the same one
        opened = unlock(engine, password)
    except KeyFileError as exc:
        engine.dispose()
        raise CommandError(f"cannot open the database: {exc}") from None
    except BaseException:
        engine.dispose()
        raise
    if not opened:
        engine.dispose()
        raise CommandError(f"cannot sign in as {name}: {WRONG} (act as another user with "
                           "--as USER)")


def open_database(args: argparse.Namespace, *,
                  unlocked: bool = True) -> tuple[Engine, SessionFactory]:
    """An up-to-date database, or a clear line telling the user to run `ptdesk init`.

    With `unlocked` False an encrypted clinic that needs a password is returned locked
    (the caller refuses it: `setup` and `demo` never work on a clinic with accounts)."""
    try:
        path = sqlite_path(resolve_url(getattr(args, "db", None)))
    except DatabaseTargetError as exc:
        raise UsageError(f"--db: {exc}") from None
    if path is not None and not path.exists():
        # Only `ptdesk init` creates a database; a typo in --db must not leave empty files.
        raise CommandError(f"no database at {path}; run `ptdesk init` first")
    engine = engine_for(args, unlocked=unlocked)
    if is_locked(engine):
        return engine, make_session_factory(engine)
    try:
        ready = is_up_to_date(engine)
    except OperationalError as exc:
        from ptdesk.services.uow import storage_message

        raise CommandError(f"cannot open the database: {storage_message(exc)}") from None
    if not ready:
        raise CommandError("the database is not set up or is out of date; run `ptdesk init` first")
    return engine, make_session_factory(engine)


def parse_date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"{option} must be a date as YYYY-MM-DD (got {text!r})") from exc


# What a PDF file starts with: only such a file is replaced by a new PDF.
PDF_MAGIC = b"%PDF"


def output_path(option: str, text: str, replaces: bytes = PDF_MAGIC) -> Path:
    """The file an `--out`-like option names, refused (exit 2) before any work if unusable."""
    path = Path(text).expanduser()
    try:
        check_output_path(path, replaces)
    except OutputFileError as exc:
        raise UsageError(f"{option}: {exc}") from None
    return path


def write_user_file(option: str, path: Path, data: bytes, replaces: bytes = PDF_MAGIC) -> None:
    """Write a file the user asked for (ptdesk.services.output_files), one line on failure."""
    try:
        write_output(path, data, replaces)
    except OutputFileError as exc:
        if exc.usage:
            raise UsageError(f"{option}: {exc}") from None
        raise CommandError(str(exc)) from None
