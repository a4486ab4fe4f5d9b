"""Who a CLI command acts as: `--as USER` or the OS login name, signed in once the clinic is set up.

Before setup (no account has a password) the name is taken as given, so `ptdesk init`,
`ptdesk demo` and scripts work on a fresh database. After setup the command signs in
with the account's password: from $PTDESK_PASSWORD, else a getpass prompt when stdin
is a terminal; with neither it stops with exit status 2 and never waits for input.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ptdesk.commands import CommandError, UsageError
from ptdesk.db.engine import SessionFactory
from ptdesk.services.uow import default_actor

PASSWORD_ENV = "PTDESK_PASSWORD"
AS_HELP = ("act as this PT Desk user (default: your login name); once the clinic is set up "
           f"the password is asked for, or read from ${PASSWORD_ENV}")


def add_actor_option(parser: argparse.ArgumentParser) -> None:
    # Also accepted after the subcommand (`ptdesk patients --as sam`), as scripts write it.
    parser.add_argument("--as", dest="actor", metavar="USER", default=argparse.SUPPRESS,
                        help=AS_HELP)


def actor_name(args: argparse.Namespace) -> str:
    return getattr(args, "actor", None) or default_actor()


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, OSError, ValueError):  # closed or replaced stdin
        return False


def read_secret(prompt: str, env: str, what: str) -> str:
    """A password from `env`, else a hidden prompt on a terminal; never a blocking read."""
    value = os.environ.get(env)
    if value:
        return value
    if not stdin_is_terminal():
        raise UsageError(f"{what} is needed: set ${env}, or run the command in a terminal")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UsageError(f"{what} is needed") from None


def signed_in_actor(args: argparse.Namespace, session_factory: SessionFactory) -> str:
    """The user name the command acts as, after checking the password when one is needed."""
    from ptdesk.services.accounts import authenticate, get_account, needs_setup
    from ptdesk.services.errors import LoginRefusedError

    name = actor_name(args)
    if needs_setup(session_factory):
        return name
    if get_account(session_factory, name) is None:
        raise UsageError(f"{name} has no PT Desk account: add --as USER with your PT Desk "
                         "user name")
    password = read_secret(f"PT Desk password for {name}: ", PASSWORD_ENV,
                           f"the password of {name}")
    command = getattr(args, "command", None) or "command"
    try:
        account = authenticate(session_factory, name, password,
                               summary=f"signed in for `ptdesk {command}`")
    except LoginRefusedError as exc:
        raise CommandError(f"cannot sign in as {name}: {exc}") from None
    # Kept for this one command run: changing your own password needs the current one.
    args.signed_in_password = password
    return account.username
