"""`ptdesk recovery-key` (a new clinic recovery key) and `ptdesk recover` (every password forgotten)."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

from ptdesk.commands import CommandError, UsageError
from ptdesk.commands.acting import add_actor_option, read_secret, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database, output_path, write_user_file
from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import NotFoundError, ServiceError

# The first line of a recovery key file: only such a file is replaced by a new key.
KEY_FILE_HEADER = b"PT Desk clinic recovery key"
RECOVERY_ENV = "PTDESK_RECOVERY_KEY"
_MAX_KEY_FILE_BYTES = 4096


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    make = subparsers.add_parser(
        "recovery-key", help="make a new clinic recovery key (administrator)",
        description="Re-key the encrypted clinic database and make a new clinic recovery key; "
        "the old one opens nothing any more. The key is shown once (or written to "
        "--recovery-key-file): print it and lock it away.")
    add_key_file_option(make)
    add_db_option(make)
    add_actor_option(make)
    make.set_defaults(run=run_new_key)
    back = subparsers.add_parser(
        "recover", help="every password forgotten: a new administrator password with the "
        "clinic recovery key",
        description="Open the encrypted clinic with its recovery key (from "
        f"--recovery-key-file FILE, ${RECOVERY_ENV} or a prompt) and give an administrator "
        "a new password (from --new-password-file FILE, $PTDESK_NEW_PASSWORD or a prompt).")
    back.add_argument("--admin", required=True, metavar="USER",
                      help="the administrator account to give a new password")
    back.add_argument("--recovery-key-file", metavar="FILE",
                      help="read the recovery key from FILE (as `ptdesk setup` wrote it)")
    back.add_argument("--new-password-file", metavar="FILE",
                      help="read the new password from the first line of FILE")
    add_db_option(back)
    back.set_defaults(run=run_recover)


def add_key_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--recovery-key-file", metavar="FILE",
                        help="write the new recovery key to FILE (owner-only) instead of "
                        "showing it")


def key_file_target(args: argparse.Namespace) -> Path | None:
    text = getattr(args, "recovery_key_file", None)
    return output_path("--recovery-key-file", text, KEY_FILE_HEADER) if text else None


def hand_over(key: str, target: Path | None) -> None:
    """Show the new recovery key once, or write it to the file the administrator named."""
    from ptdesk.services.keys.recovery import RECOVERY_WARNING

    if target is not None:
        text = f"{KEY_FILE_HEADER.decode()}\n{key}\n\n{RECOVERY_WARNING}\n"
        write_user_file("--recovery-key-file", target, text.encode("utf-8"), KEY_FILE_HEADER)
        print(f"Clinic recovery key written to {target}.")
        print(RECOVERY_WARNING)
        return
    print("Clinic recovery key (shown only this once):")
    print(f"    {key}")
    print(RECOVERY_WARNING)


def run_new_key(args: argparse.Namespace) -> int:
    from ptdesk.services.keys.recovery import replace_recovery_key

    target = key_file_target(args)
    engine, session_factory = open_database(args)
    try:
        actor = signed_in_actor(args, session_factory)
        key = replace_recovery_key(session_factory, actor=actor)
    except ServiceError as exc:
        raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
    hand_over(key, target)
    return 0


def _read_key_file(path: str) -> str:
    try:
        fd = os.open(os.path.expanduser(path), os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise UsageError(f"--recovery-key-file: cannot read {path}: "
                         f"{(exc.strerror or 'error').lower()}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"--recovery-key-file: {path} is not a file")
        data = os.read(fd, _MAX_KEY_FILE_BYTES)
    finally:
        os.close(fd)
    from ptdesk.services.keys.clinic_key import normalize_recovery_key

    # The key is the line of letters and digits in groups; the header and warning are not.
    for line in data.decode("utf-8", "replace").splitlines():
        if "-" in line and len(normalize_recovery_key(line)) >= 20 and " " not in line.strip():
            return line.strip()
    raise UsageError(f"--recovery-key-file: no recovery key in {path}")


def run_recover(args: argparse.Namespace) -> int:
    from ptdesk.commands.setup import new_password
    from ptdesk.commands.users import NEW_PASSWORD_ENV
    from ptdesk.services.keys.clinic_key import is_locked, unlock_with_recovery_key
    from ptdesk.services.keys.opening import finish_opening
    from ptdesk.services.keys.recovery import NOT_ENCRYPTED, recover_administrator

    key = (_read_key_file(args.recovery_key_file) if args.recovery_key_file else
           read_secret("Clinic recovery key: ", RECOVERY_ENV, "the clinic recovery key"))
    engine, session_factory = open_database(args, unlocked=False)
    try:
        if not is_locked(session_factory):
            raise CommandError(NOT_ENCRYPTED)
        if not unlock_with_recovery_key(session_factory, key):
            raise CommandError("that recovery key does not open this clinic")
        finish_opening(session_factory)
        path = getattr(args, "new_password_file", None)
        from ptdesk.commands.acting import password_from_file

        password = password_from_file(path) if path else new_password(args.admin,
                                                                      NEW_PASSWORD_ENV)
        recover_administrator(session_factory, username=args.admin, password=password)
    except ValidationError as exc:
        raise UsageError(f"{exc.field.replace('_', ' ')}: {exc.message}") from None
    except NotFoundError as exc:
        raise UsageError(str(exc)) from None
    except ServiceError as exc:
        raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
    print(f"New password set for {args.admin.strip().lower()}; sign in with it now.")
    return 0
