"""Last line of defence for an error nobody caught: keep the typed text, tell the user plainly.

Qt calls our slots from its event loop, so an exception escaping one would otherwise only
print a traceback (whose message could carry patient text) and leave the clinician
guessing. The guard writes one line naming the error type and place, never its message,
keeps every open form as a draft, and shows a plain message over the window.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.app_log import log_dir, log_exception
from ptdesk.services.errors import PermissionDeniedError, StorageError

_showing = False  # an error inside the message box must not stack more boxes


def message_for(error: BaseException) -> str:
    if isinstance(error, PermissionDeniedError):
        return (f"{error} Your account may have been changed or switched off by an "
                "administrator. What you typed is kept as a draft; sign in again or ask an "
                "administrator.")
    if isinstance(error, StorageError):
        return f"{error} What you typed is kept as a draft."
    return (f"Something went wrong inside PT Desk ({type(error).__name__}). What you typed "
            "is kept as a draft: save again, or close and reopen PT Desk to pick it up.\n\n"
            f"Details for support are in the log folder: {log_dir()}")


def where(tb: TracebackType | None) -> str:
    frames = traceback.extract_tb(tb)
    if not frames:
        return "unknown place"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


def handle(window: QWidget | None, error_type: type[BaseException], error: BaseException,
           tb: TracebackType | None) -> None:
    global _showing
    # Type and place only: the message may quote what the clinician typed.
    sys.stderr.write(f"PT Desk: unexpected {error_type.__name__} at {where(tb)}\n")
    log_exception(error_type, tb)  # type and code lines only, like the line above
    if window is None or _showing:
        return
    chart = getattr(window, "chart", None)
    if chart is not None:
        try:
            chart.flush_draft()
        except Exception as again:  # keep going: the message matters more
            sys.stderr.write(f"PT Desk: drafts not kept ({type(again).__name__})\n")
    _showing = True
    try:
        QMessageBox.critical(window, "PT Desk", message_for(error))
    finally:
        _showing = False


def install(window: Callable[[], QWidget | None]) -> None:
    """Route uncaught errors through `handle`; Ctrl-C still stops the program."""

    def hook(error_type: type[BaseException], error: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(error_type, KeyboardInterrupt):
            sys.__excepthook__(error_type, error, tb)
            return
        handle(window(), error_type, error, tb)

    sys.excepthook = hook
