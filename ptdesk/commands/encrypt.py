"""`ptdesk encrypt`: an administrator converts a plaintext clinic file into an encrypted one."""

from __future__ import annotations

import argparse

from ptdesk.commands import CommandError
from ptdesk.commands.acting import add_actor_option, signed_in_actor
from ptdesk.commands.common import add_db_option, open_database
from ptdesk.commands.recovery import add_key_file_option, hand_over, key_file_target
from ptdesk.services.errors import ServiceError

SSD_NOTE = ("The plaintext file was overwritten and removed. On an SSD or a copy-on-write "
            "file system its old blocks may still be readable: see README, 'Encryption'.")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "encrypt", help="encrypt a plaintext clinic database in place (administrator)",
        description="Write an encrypted copy of the clinic database beside it, check it "
        "(integrity, schema, audit chain, signed notes, every table's rows), swap it in and "
        "overwrite the plaintext file. Every active account keeps its password. Close PT "
        "Desk everywhere first. The new recovery key is shown once, or written to "
        "--recovery-key-file FILE.")
    add_key_file_option(parser)
    add_db_option(parser)
    add_actor_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ptdesk.services.keys.clinic_key import is_encrypted
    from ptdesk.services.keys.encrypt import encrypt_clinic, open_encrypted

    target = key_file_target(args)
    engine, session_factory = open_database(args)
    try:
        if is_encrypted(session_factory):
            raise CommandError("this clinic's database is already encrypted")
        actor = signed_in_actor(args, session_factory)
        password = getattr(args, "signed_in_password", None)
        if password is None:
            raise CommandError("an administrator signs in to encrypt the clinic (--as USER "
                               "with a password; set the clinic up first)")
        key = encrypt_clinic(session_factory, actor=actor, password=password, progress=print)
        open_encrypted(getattr(args, "db", None), actor=actor, password=password).dispose()
    except ServiceError as exc:
        raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
    print("The clinic database is encrypted.")
    hand_over(key, target)
    print(SSD_NOTE)
    return 0
