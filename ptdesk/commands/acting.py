"""Who a CLI command acts as: `--as USER` or the OS login name, signed in once the clinic is set up.

Before setup (no account has a password) the name is taken as given, so `ptdesk init`,
`ptdesk demo` and scripts work on a fresh database. A demo-only database (nothing but
what `ptdesk demo` made) acts as the demo clinician unless `--as` says otherwise. After
setup the command signs in with the account's password: from `--password-file FILE`,
`--password-stdin` or $PTDESK_PASSWORD, else a getpass prompt when stdin is a terminal;
with none of them it stops with exit status 2 and never waits for input. An unknown
user name gets the same answer, after the same wait, as a wrong password.
"""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys

from ptdesk.commands import CommandError, UsageError
from ptdesk.db.engine import SessionFactory
from ptdesk.services.uow import default_actor

PASSWORD_ENV = "PTDESK_PASSWORD"
AS_HELP = ("act as this PT Desk user (default: your login name); once the clinic is set up "
           "the password is asked for, or read from --password-file, --password-stdin or "
           f"${PASSWORD_ENV}")
# A password is at most 1024 characters (services.passwords.MAX_LENGTH), up to 4 bytes each.
_MAX_PASSWORD_BYTES = 4 * 1024 + 2


def add_actor_option(parser: argparse.ArgumentParser) -> None:
    # Also accepted after the subcommand (`ptdesk patients --as sam`), as scripts write it.
    parser.add_argument("--as", dest="actor", metavar="USER", default=argparse.SUPPRESS,
                        help=AS_HELP)
    add_password_options(parser)


def add_password_options(parser: argparse.ArgumentParser,
                         default: object = argparse.SUPPRESS) -> None:
    parser.add_argument("--password-file", metavar="FILE", default=default,
                        help="read the password from the first line of FILE (keep it mode "
                        "0600); safer than $PTDESK_PASSWORD, which other programs of yours "
                        "can see")
    parser.add_argument("--password-stdin", action="store_true", default=default,
                        help="read the password from the first line of standard input")


def actor_name(args: argparse.Namespace) -> str:
    return getattr(args, "actor", None) or default_actor()


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, OSError, ValueError):  # closed or replaced stdin
        return False


def password_from_file(path: str) -> str:
    """The first line of `path`, without its line ending; a FIFO with no writer is empty."""
    try:
        # O_NONBLOCK: opening a named pipe nobody writes to must not hang the command.
        fd = os.open(os.path.expanduser(path), os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise UsageError(f"--password-file: cannot read {path}: "
                         f"{(exc.strerror or 'error').lower()}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"--password-file: {path} is a folder")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.readline(_MAX_PASSWORD_BYTES)
    except OSError as exc:
        raise UsageError(f"--password-file: cannot read {path}: "
                         f"{(exc.strerror or 'error').lower()}") from None
    finally:
        os.close(fd)
    return _first_line(data, "--password-file")


def password_from_stdin() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    try:
        raw = stream.readline(_MAX_PASSWORD_BYTES) if stream is not None else \
            (sys.stdin.readline(_MAX_PASSWORD_BYTES) if sys.stdin is not None else "")
    except (OSError, ValueError):
        raw = b""
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    return _first_line(data, "--password-stdin")


def _first_line(data: bytes, option: str) -> str:
    line = data.split(b"\n", 1)[0].removesuffix(b"\r")
    if not line:
        raise UsageError(f"{option}: no password there (the first line is empty)")
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{option}: the password is not UTF-8 text") from None


def given_password(args: argparse.Namespace | None) -> str | None:
    """The password from --password-file or --password-stdin, when either was given."""
    if args is None:
        return None
    path = getattr(args, "password_file", None)
    from_stdin = bool(getattr(args, "password_stdin", False))
    if path and from_stdin:
        raise UsageError("give either --password-file or --password-stdin, not both")
    cached = getattr(args, "_given_password", None)
    if cached is not None:
        return str(cached)
    value = password_from_file(path) if path else password_from_stdin() if from_stdin else None
    args._given_password = value  # stdin can be read once only
    return value


def read_secret(prompt: str, env: str, what: str,
                args: argparse.Namespace | None = None) -> str:
    """A password from --password-file/--password-stdin or `env`, else a hidden prompt on a
    terminal; never a blocking read."""
    given = given_password(args)
    if given is not None:
        return given
    value = os.environ.get(env)
    if value:
        return value
    if not stdin_is_terminal():
        raise UsageError(f"{what} is needed: use --password-file FILE, --password-stdin or "
                         f"${env}, or run the command in a terminal")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UsageError(f"{what} is needed") from None


def signed_in_actor(args: argparse.Namespace, session_factory: SessionFactory) -> str:
    """The user name the command acts as, after checking the password when one is needed."""
    from ptdesk.demo.generator import DEMO_ACTOR, is_demo_only
    from ptdesk.services.accounts import authenticate, needs_setup
    from ptdesk.services.errors import LoginRefusedError

    name = actor_name(args)
    if needs_setup(session_factory):
        return name
    if not getattr(args, "actor", None) and is_demo_only(session_factory):
        # The demo's password is published: asking for it protects nothing (README, Demo).
        return DEMO_ACTOR
    # Asked for whether or not `name` has an account, so the answer cannot tell user names.
    password = read_secret(f"PT Desk password for {name}: ", PASSWORD_ENV,
                           f"the password of {name}", args)
    command = getattr(args, "command", None) or "command"
    try:
        account = authenticate(session_factory, name, password,
                               summary=f"signed in for `ptdesk {command}`")
    except LoginRefusedError as exc:
        raise CommandError(f"cannot sign in as {name}: {exc} (act as another user with "
                           "--as USER)") from None
    # Kept for this one command run: changing your own password needs the current one.
    args.signed_in_password = password
    return account.username
