"""`ptdesk users list|add|deactivate|password`: an administrator manages the clinic's accounts."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import add_actor_option, password_from_file, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database
from ptdesk.commands.setup import new_password
from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import NotFoundError, ServiceError
from ptdesk.services.permissions import ROLES

if TYPE_CHECKING:
    from ptdesk.services.accounts import Account

NEW_PASSWORD_ENV = "PTDESK_NEW_PASSWORD"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "users", help="list or add user accounts (administrators)",
        description="Manage the clinic's user accounts. You act as an administrator: "
        "--as USER, with the password asked for or read from $PTDESK_PASSWORD. A new "
        "password is typed twice at a terminal, or read from --new-password-file FILE or "
        f"${NEW_PASSWORD_ENV}.",
    )
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list every account with its role")
    add = actions.add_parser("add", help="add an account")
    add.add_argument("username", metavar="USERNAME", help="e.g. sam.alvarez")
    add.add_argument("--role", required=True, choices=ROLES, help="what the account may do")
    add.add_argument("--name", metavar="FULL NAME", help="full name (default: the user name)")
    add.add_argument("--credentials", metavar="TEXT", default="",
                     help="letters after the name on handouts, e.g. \"PT, DPT\"")
    off = actions.add_parser("deactivate", help="switch an account off (its history stays)")
    off.add_argument("username", metavar="USERNAME")
    reset = actions.add_parser("password", help="set a new password for an account")
    reset.add_argument("username", metavar="USERNAME")
    for sub in (add, reset):
        sub.add_argument("--new-password-file", metavar="FILE",
                         help="read the new password from the first line of FILE")
    for sub in (listing, add, off, reset):
        add_db_option(sub)
        add_actor_option(sub)
        sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ptdesk.services import accounts

    engine, session_factory = open_database(args)
    try:
        actor = signed_in_actor(args, session_factory)
        if args.users_action == "list":
            _print_users(accounts.list_users(session_factory, actor=actor))
        elif args.users_action == "add":
            password = _new_password(args)
            account = accounts.create_user(
                session_factory, actor=actor, username=args.username,
                display_name=args.name or args.username, role=args.role, password=password,
                credentials=args.credentials)
            print(f"Added {account.username} ({account.role_label.lower()}).")
        elif args.users_action == "deactivate":
            account = accounts.deactivate_user(session_factory, actor=actor,
                                               username=args.username)
            print(f"{account.username} is switched off and can no longer sign in.")
        else:
            password = _new_password(args)
            accounts.set_password(session_factory, actor=actor, username=args.username,
                                  password=password, current_password=_own_current(args, actor))
            print(f"New password set for {args.username.strip().lower()}.")
    except ValidationError as exc:
        raise UsageError(f"{exc.field.replace('_', ' ')}: {exc.message}") from None
    except NotFoundError as exc:
        raise UsageError(str(exc)) from None
    except ServiceError as exc:
        raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
    return 0


def _new_password(args: argparse.Namespace) -> str:
    # Not `args`' --password-file/--password-stdin: those carry the administrator's own.
    path = getattr(args, "new_password_file", None)
    if path:
        return password_from_file(path)
    return new_password(args.username, NEW_PASSWORD_ENV)


def _own_current(args: argparse.Namespace, actor: str) -> str | None:
    """Changing your own password: the one you just signed in with is the current one."""
    if args.username.strip().lower() != actor:
        return None
    return getattr(args, "signed_in_password", None)


def _print_users(users: Sequence[Account]) -> None:
    print(f"{'User name':<24} {'Name':<30} {'Role':<14} Status")
    for user in users:
        status = "active" if user.active else "switched off"
        if user.active and not user.has_password:
            status = "no password yet"
        print(f"{user.username:<24} {user.display_name[:30]:<30} {user.role_label:<14} {status}")
    print(f"{len(users)} account{'s' if len(users) != 1 else ''}")
