"""One slow call (a password check, a clinic setup) on a worker thread, its outcome back on the UI thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class BackgroundCall(QObject):
    """Runs `fn()` on a daemon thread; `finished(result, error)` arrives queued on the UI thread.

    scrypt takes about 0.3 s by design and releases the GIL, so the window keeps painting
    and counting down while a password is checked. One call at a time: `start` refuses a
    second one while the first is running (a double click signs in once).
    """

    finished = Signal(object, object)  # (result, None) or (None, Exception)
    # The worker thread emits this one; its slot runs on the UI thread and re-emits `finished`
    # there. One queued delivery, so `busy` turns False in the same event that tells the
    # receivers: with two queued connections a waiter could see `busy` False before the
    # receiver had shown the outcome (seen on a busy machine).
    _delivered = Signal(object, object)

    def __init__(self, parent: QObject | None = None, *, name: str = "ptdesk-sign-in") -> None:
        super().__init__(parent)
        self._name = name
        self._thread: threading.Thread | None = None
        self._busy = False
        self._delivered.connect(self._on_delivered)

    @property
    def busy(self) -> bool:
        """From `start` until the outcome has been delivered on the UI thread."""
        return self._busy

    def start(self, fn: Callable[[], Any]) -> bool:
        """False (and nothing started) while an earlier call is still running."""
        if self._busy:
            return False
        self._busy = True
        self._thread = threading.Thread(target=self._run, args=(fn,), name=self._name,
                                        daemon=True)
        self._thread.start()
        return True

    def _on_delivered(self, result: Any, error: Any) -> None:
        self._busy = False  # before the receivers run, so they already see it False
        self.finished.emit(result, error)

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except Exception as exc:  # shown by the receiver on the UI thread
            outcome: tuple[Any, Any] = (None, _without_frames(exc))
        else:
            outcome = (result, None)
        # The dialog may have been closed and deleted meanwhile (the app quit): nothing to tell.
        with contextlib.suppress(RuntimeError):
            self._delivered.emit(*outcome)


def _without_frames(error: BaseException) -> BaseException:
    """The error without its tracebacks: their frames hold the typed password as a local."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return error
