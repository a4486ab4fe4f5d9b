"""`ptdesk` command line: no arguments opens the GUI; subcommands run headless jobs."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import io
import os
import sys
from collections.abc import Sequence
from typing import Any

from ptdesk.commands import CommandError, UsageError

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
    "ptdesk.commands.recovery",
    "ptdesk.commands.encrypt",
    "ptdesk.commands.desktop",
)


def version() -> str:
    """The installed distribution's version (package metadata), as `pip show ptdesk` reports it."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("ptdesk")
    except PackageNotFoundError:  # running from a source tree that was never installed
        from ptdesk import __version__

        return __version__


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="DB",
        help="database file path or SQLAlchemy URL (default: $PTDESK_DB, else the per-user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    from ptdesk.commands.acting import add_password_options

    parser = argparse.ArgumentParser(
        prog="ptdesk",
        description="PT Desk: charting for physical therapists who treat runners. "
        "Run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"ptdesk {version()}")
    add_db_option(parser)
    # Commands read it as getattr(args, "actor", None) or the OS login name.
    parser.add_argument("--as", dest="actor", metavar="USER", default=None,
                        help="act as this PT Desk user (default: your login name); once the "
                        "clinic is set up the password is asked for, or read from "
                        "--password-file, --password-stdin or $PTDESK_PASSWORD")
    add_password_options(parser, default=None)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
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
    """Run one command; every way out is an exit status and at most one line on stderr."""
    try:
        status = _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        return _quiet_after_broken_pipe()
    except KeyboardInterrupt:
        return 130
    except (SystemExit, GeneratorExit):
        raise  # argparse's --help, --version and usage errors: status 0 or 2, its own text
    except BaseException as exc:  # noqa: BLE001 - the one place every error ends up
        return _flush_stdout(_report(exc), reported=True)
    return _flush_stdout(status)


def _flush_stdout(status: int, reported: bool = False) -> int:
    """Deliver what is still buffered; a closed pipe or a full disk on stdout is one more exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_after_broken_pipe()
    except (OSError, ValueError) as exc:
        _quiet_after_broken_pipe()  # Python would flush (and fail) once more at exit
        if reported:  # the error already said it, once is enough
            return 1
        reason = (os.strerror(exc.errno).lower() if isinstance(exc, OSError) and exc.errno
                  else "closed")
        _say(f"could not write the output ({reason}); it is incomplete")
        return 1
    return status


def _dispatch(words: list[str]) -> int:
    if words == ["--version"]:  # no need to import every command for this
        print(f"ptdesk {version()}")
        return 0
    gui_args = _gui_only(words)
    if gui_args is not None:
        return _open_gui(gui_args)
    args = build_parser().parse_args(words)
    run = getattr(args, "run", None)
    if run is None:
        return _open_gui(args)
    if hasattr(args, "db"):
        _remove_leftovers(args.db)
    real = sys.stdout
    sys.stdout = _GuardedStdout(real)  # type: ignore[assignment]
    try:
        status = int(run(args) or 0)
        sys.stdout.flush()
        return status
    finally:
        sys.stdout = real


def _remove_leftovers(db: str | None) -> None:
    """Half-written backups and restore staging copies of killed runs hold patient data:
    removed at the next start (only PT Desk's own names, only while no run holds them)."""
    from ptdesk.db.engine import resolve_url
    from ptdesk.services.backup.leftovers import remove_leftovers_at_start

    try:
        url = resolve_url(db)
    except Exception:  # a bad --db is the command's to report, in its own words
        return
    remove_leftovers_at_start(url)


def _report(exc: BaseException) -> int:
    """One line on stderr for `exc` and the exit status; never a message that may hold PHI."""
    if isinstance(exc, OutputStreamError):
        _quiet_after_broken_pipe()  # Python would flush (and fail) once more at exit
        reason = os.strerror(exc.errno).lower() if exc.errno else "error"
        _say(f"could not write the output ({reason}); it is incomplete")
        return 1
    status, line = _classify(exc)
    _say(line)
    return status


class OutputStreamError(OSError):
    """Standard output itself failed (a full disk under `> file`); not a file PT Desk opened."""


class _GuardedStdout:
    """sys.stdout during a command: its write errors are told apart from other file errors."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        try:
            return int(self._inner.write(text))
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputStreamError(exc.errno, exc.strerror) from None

    def flush(self) -> None:
        try:
            self._inner.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputStreamError(exc.errno, exc.strerror) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _say(line: str) -> None:
    # If stderr is gone too, the exit status is all that is left.
    with contextlib.suppress(OSError, ValueError):
        print(f"ptdesk: {line}", file=sys.stderr, flush=True)


_FILE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                          errno.EIO, errno.ENOENT, errno.EISDIR, errno.ENOTDIR, errno.EEXIST,
                          errno.ELOOP, errno.ENXIO, errno.EFBIG, errno.ETXTBSY})


def _classify(exc: BaseException) -> tuple[int, str]:
    from ptdesk.db.engine import DatabaseTargetError
    from ptdesk.domain.errors import ValidationError
    from ptdesk.services.errors import ServiceError

    if isinstance(exc, UsageError):
        return 2, str(exc)
    if isinstance(exc, DatabaseTargetError):
        return 2, f"--db: {exc}"
    if isinstance(exc, ValidationError):  # a value refused: the field and why, for the user
        return 2, f"{exc.field.replace('_', ' ')}: {exc.message}"
    if isinstance(exc, (CommandError, ServiceError)):
        # Our own messages: written for the user, and they never carry patient data.
        return 1, str(exc)
    if isinstance(exc, OSError) and exc.errno in _FILE_ERRNOS:
        # Never the file name: it may be a patient's handout, named after the patient.
        return 1, (f"a file could not be read or written ({os.strerror(exc.errno).lower()}); "
                   "the command stopped there")
    storage = _storage_line(exc)
    if storage is not None:
        return 1, storage
    return 1, f"unexpected error: {type(exc).__name__} in {_place(exc)}"


def _storage_line(exc: BaseException) -> str | None:
    """Database trouble in plain words: the driver's own text may quote SQL and parameters."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    if isinstance(exc, DBAPIError):
        text = str(exc.orig).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return ("the database file is damaged; nothing was changed. Run `ptdesk verify` and "
                    "restore the newest good backup (`ptdesk restore FILE`)")
        from ptdesk.services.uow import storage_message

        message = storage_message(exc)
        if message.startswith("The database could not complete"):  # quotes the driver
            return f"the database refused the action ({type(exc.orig).__name__})"
        return message
    if isinstance(exc, SQLAlchemyError):
        return f"the database layer refused the action ({type(exc).__name__} in {_place(exc)})"
    return None


def _place(exc: BaseException) -> str:
    """module:function:line of the innermost frame in PT Desk's own code (else the innermost)."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    if not frames:
        return "an unknown place"
    ours = [f for f in frames if str(f.tb_frame.f_globals.get("__name__", "")).startswith("ptdesk")]
    frame = (ours or frames)[-1]
    module = frame.tb_frame.f_globals.get("__name__", "?")
    return f"{module}:{frame.tb_frame.f_code.co_name}:{frame.tb_lineno}"


def _quiet_after_broken_pipe() -> int:
    """The reader went away (`ptdesk patients --json | head -1`): stop without a word.

    Python flushes stdout again at exit; pointing it at /dev/null keeps that flush from
    printing a second BrokenPipeError.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # stdout is not a real file (tests capture it): nothing to silence
    return 1


def _open_gui(args: argparse.Namespace) -> int:
    app = importlib.import_module("ptdesk.ui.app")
    return int(app.run(db=args.db))


if __name__ == "__main__":
    sys.exit(main())
