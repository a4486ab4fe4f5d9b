"""`ptdesk` command line: no arguments opens the GUI; subcommands run headless jobs."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ptdesk import __version__
from ptdesk.commands import CommandError, UsageError
from ptdesk.services.errors import ServiceError

# Subcommand modules, imported only when `ptdesk` runs so start-up stays quick.
COMMAND_MODULES = (
    "ptdesk.commands.init",
    "ptdesk.commands.demo",
    "ptdesk.commands.patients",
    "ptdesk.commands.runplan",
    "ptdesk.commands.runs",
    "ptdesk.commands.handout",
    "ptdesk.commands.report",
    "ptdesk.commands.setup",
    "ptdesk.commands.users",
    "ptdesk.commands.audit",
    "ptdesk.commands.backup",
    "ptdesk.commands.restore",
    "ptdesk.commands.verify",
)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="DB",
        help="database file path or SQLAlchemy URL (default: $PTDESK_DB, else the per-user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ptdesk",
        description="PT Desk: charting for physical therapists who treat runners. "
        "Run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"ptdesk {__version__}")
    add_db_option(parser)
    # Commands read it as getattr(args, "actor", None) or the OS login name.
    parser.add_argument("--as", dest="actor", metavar="USER", default=None,
                        help="act as this PT Desk user (default: your login name); once the "
                        "clinic is set up the password is asked for, or read from "
                        "$PTDESK_PASSWORD")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a command not built yet; the others still work
                continue
            raise
        module.register(subparsers)
    return parser


def _gui_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """Plain `ptdesk [--db DB] [--as USER]`: the options the window needs, else None.

    Building the full parser imports every command, and with them SQLAlchemy, Alembic
    and the services; the window should not wait for that (start-up is a benchmark).
    """
    quick = argparse.ArgumentParser(add_help=False)
    quick.add_argument("--db", default=None)
    quick.add_argument("--as", dest="actor", default=None)
    try:
        args, rest = quick.parse_known_args(list(argv))
    except SystemExit:  # a malformed option: let the full parser explain it
        return None
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    gui_args = _gui_only(words)
    if gui_args is not None:
        return _open_gui(gui_args)
    parser = build_parser()
    args = parser.parse_args(words)
    run = getattr(args, "run", None)
    try:
        if run is None:
            return _open_gui(args)
        return int(run(args) or 0)
    except UsageError as exc:
        print(f"ptdesk: {exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"ptdesk: {exc}", file=sys.stderr)
        return 1
    except ServiceError as exc:  # e.g. the acting user's role does not allow the command
        print(f"ptdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _open_gui(args: argparse.Namespace) -> int:
    app = importlib.import_module("ptdesk.ui.app")
    return int(app.run(db=args.db))


if __name__ == "__main__":
    sys.exit(main())
