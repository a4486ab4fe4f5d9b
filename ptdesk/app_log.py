"""The per-user rotating log file and the hard-crash dump (faulthandler), without patient data.

Records say what happened (started, database opened, a print job, an error's type and
the code lines it passed through), never a value a clinician typed: exception messages
can quote a patient's name, so only their type and stack are written (see
`log_exception`). The folder is platformdirs' user log folder, e.g.
~/.local/state/ptdesk/log on Linux; `PTDESK_LOG_DIR` moves it (tests, portable installs).
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO

LOGGER_NAME = "ptdesk"
LOG_FILE = "ptdesk.log"
CRASH_FILE = "crash.log"
MAX_BYTES = 1_000_000  # a few weeks of normal use per file
BACKUPS = 4  # ptdesk.log.1 .. .4 are kept
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_crash_stream: IO[str] | None = None
_handler: logging.Handler | None = None
_faulthandler_before = False  # e.g. pytest's: put back by shutdown()


def log_dir() -> Path:
    """Where the log files are (created on first use with owner-only access)."""
    override = os.environ.get("PTDESK_LOG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir("ptdesk", appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_FILE


def get_logger(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)


def setup(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Attach the rotating file and faulthandler once per process; returns the folder.

    Only the `ptdesk` logger tree is written: libraries' own loggers (SQLAlchemy
    echoes statements with their parameters) never reach this file.
    """
    global _crash_stream, _handler, _faulthandler_before
    folder = folder if folder is not None else log_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    logger = logging.getLogger(LOGGER_NAME)
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
    _handler = logging.handlers.RotatingFileHandler(
        folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    _handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(_handler)
    logger.setLevel(level)
    logger.propagate = False
    # A segfault inside Qt or a driver kills the interpreter before any Python handler
    # runs; faulthandler still writes every thread's stack (code lines only) here.
    if _crash_stream is not None:
        faulthandler.disable()
        _crash_stream.close()
    else:
        _faulthandler_before = faulthandler.is_enabled()
    _crash_stream = open(folder / CRASH_FILE, "a", encoding="utf-8")  # noqa: SIM115  # open for the process's life
    faulthandler.enable(_crash_stream, all_threads=True)
    return folder


def shutdown() -> None:
    """Detach the file and faulthandler (tests; the app keeps them until it exits)."""
    global _crash_stream, _handler
    if _handler is not None:
        logging.getLogger(LOGGER_NAME).removeHandler(_handler)
        _handler.close()
        _handler = None
    if _crash_stream is not None:
        faulthandler.disable()
        _crash_stream.close()
        _crash_stream = None
        if _faulthandler_before:
            faulthandler.enable(sys.__stderr__ or sys.stderr, all_threads=True)


def stack_lines(tb: TracebackType | None) -> str:
    """File, line and function of every frame: no source text, no locals, no message."""
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                       for f in reversed(traceback.extract_tb(tb)))


def log_exception(error_type: type[BaseException], tb: TracebackType | None,
                  what: str = "unexpected error") -> None:
    """One record for an uncaught error: its type and where it went through, never its text."""
    get_logger("errors").error("%s: %s at %s", what, error_type.__name__, stack_lines(tb))


def log_startup(version: str) -> None:
    get_logger().info("PT Desk %s starting (Python %s, %s)", version,
                      sys.version.split()[0], sys.platform)
