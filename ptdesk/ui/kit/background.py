"""Background work, one shape: a call off the UI thread whose outcome arrives on the UI thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal


class BackgroundCall(QObject):
    """Runs `fn()` off the UI thread; `finished(result, error)` arrives queued on the UI thread.

    `fn` takes plain values (ids, DTOs) and opens its own session through a service call;
    it never touches a widget. One call at a time per runner: `start` refuses a second one
    while the first is running (a double click signs in once). scrypt takes about 0.3 s
    by design and releases the GIL, so the window keeps painting while a password is checked.
    """

    finished = Signal(object, object)  # (result, None) or (None, Exception)
    # The worker thread emits this one; its slot runs on the UI thread and re-emits `finished`
    # there. One queued delivery, so `busy` turns False in the same event that tells the
    # receivers: with two queued connections a waiter could see `busy` False before the
    # receiver had shown the outcome (seen on a busy machine).
    _delivered = Signal(object, object)

    def __init__(self, parent: QObject | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        # Without a pool each call gets a daemon thread of its own: sign-in and setup never
        # wait behind queued jobs, and a check still running never holds the app open.
        self._pool = pool
        self._busy = False
        self._ran = threading.Event()
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
        self._ran.clear()
        if self._pool is None:
            threading.Thread(target=self._run, args=(fn,), name="ptdesk-background",
                             daemon=True).start()
        else:
            self._pool.start(lambda: self._run(fn))
        return True

    def join(self, timeout: float | None = None) -> None:
        """Wait until `fn` has returned (its outcome is delivered by the event loop)."""
        if self._busy:
            self._ran.wait(timeout)

    def _on_delivered(self, result: Any, error: Any) -> None:
        self._busy = False  # before the receivers run, so they already see it False
        self.finished.emit(result, error)

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except Exception as exc:  # shown by the receiver on the UI thread
            outcome: tuple[Any, Any] = (None, _without_frames(exc))
        else:
            outcome = (result, None)
        finally:
            self._ran.set()
        # The receiver may have been closed and deleted meanwhile (the app quit): nothing to tell.
        with contextlib.suppress(RuntimeError):
            self._delivered.emit(*outcome)


_RUNNING: set[BackgroundCall] = set()  # fire-and-forget calls stay referenced until delivered


def run_job(pool: QThreadPool, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
    """One BackgroundCall for one job: `on_done(result)` or `on_error(exc)` on the UI thread."""
    call = BackgroundCall(pool=pool)
    _RUNNING.add(call)

    def finish(result: Any, error: Exception | None) -> None:
        _RUNNING.discard(call)
        if error is not None:
            on_error(error)
        else:
            on_done(result)

    call.finished.connect(finish)
    call.start(fn)


def _without_frames(error: BaseException) -> BaseException:
    """The error without its tracebacks: their frames hold locals (a typed password, patient data)."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return error
