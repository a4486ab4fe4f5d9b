"""`ptdesk setup --clinic NAME --admin USER`: first start, the clinic and its first administrator."""

from __future__ import annotations

import argparse
import os

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import (
    PASSWORD_ENV,
    add_password_options,
    given_password,
    read_secret,
)
from ptdesk.commands.common import add_db_option, open_database
from ptdesk.commands.recovery import add_key_file_option, hand_over, key_file_target
from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError

_OPTION = {"clinic_name": "--clinic", "admin_username": "--admin", "admin_display_name": "--name",
           "username": "--admin", "display_name": "--name", "password": "password"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "setup", help="first start: name the clinic and create its first administrator",
        description="Name the clinic and create the first administrator account. Works only "
        "once, on a database where no account has a password yet. The password is asked "
        "for twice in a terminal, or read from --password-file FILE, --password-stdin or "
        f"${PASSWORD_ENV}. A new (encrypted) clinic also gets its recovery key, shown once or "
        "written to --recovery-key-file FILE: losing every password and the recovery key "
        "means the data is gone.",
    )
    parser.add_argument("--clinic", required=True, metavar="NAME", help="the clinic's name")
    parser.add_argument("--admin", required=True, metavar="USER",
                        help="user name of the first administrator, e.g. pat.morgan")
    parser.add_argument("--name", metavar="FULL NAME",
                        help="the administrator's full name (default: the user name)")
    add_key_file_option(parser)
    add_db_option(parser)
    add_password_options(parser)
    parser.set_defaults(run=run)


def new_password(what: str, env: str = PASSWORD_ENV,
                 args: argparse.Namespace | None = None) -> str:
    """A new password: from --password-file/--password-stdin in `args`, or `env`, or typed
    twice at a terminal prompt (never a blocking read)."""
    given = given_password(args)
    if given is not None:
        return given
    if os.environ.get(env):
        return os.environ[env]
    password = read_secret(f"New password for {what}: ", env, f"a password for {what}")
    if read_secret("Type it again: ", env, "the password again") != password:
        raise UsageError("the two passwords are not the same")
    return password


def run(args: argparse.Namespace) -> int:
    from ptdesk.services.accounts import needs_setup, setup_clinic
    from ptdesk.services.keys.clinic_key import is_encrypted, is_locked
    from ptdesk.services.keys.recovery import replace_recovery_key

    target = key_file_target(args)  # checked before any work
    engine, session_factory = open_database(args, unlocked=False)
    try:
        # An encrypted clinic that needs a password has its administrator already.
        if is_locked(session_factory) or not needs_setup(session_factory):
            raise CommandError("PT Desk is already set up; an administrator adds users with "
                               "`ptdesk users add`")
        password = new_password(args.admin, args=args)
        account = setup_clinic(session_factory, clinic_name=args.clinic,
                               admin_username=args.admin,
                               admin_display_name=args.name or args.admin, password=password)
        # The re-key in setup_clinic just happened: the new key gets its recovery slot.
        key = replace_recovery_key(session_factory, actor=account.username, rekey=False) \
            if is_encrypted(session_factory) else None
    except ValidationError as exc:
        raise UsageError(f"{_OPTION.get(exc.field, exc.field)}: {exc.message}") from None
    except ServiceError as exc:
        raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
    print(f"Clinic set up. Administrator {account.username} can now sign in.")
    if key is not None:
        hand_over(key, target)
    elif target is not None:
        print("This clinic's database is not encrypted, so no recovery key was written.")
    return 0
