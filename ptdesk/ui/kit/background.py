"""Background work, the app's two shapes in one place: jobs on the thread pool and one-at-a-time calls."""

from __future__ import annotations

import contextlib
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _JobSignals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _JobSignals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the UI thread, shown to the user
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_RUNNING: set[_Job] = set()  # jobs in flight stay referenced until their outcome is delivered


def run_job(pool: QThreadPool, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
    """Run `fn` on the pool; `on_done(result)` or `on_error(exc)` follows on the UI thread.

    `fn` takes plain values (ids, DTOs) and opens its own session through a service call;
    it never touches a widget.
    """
    job = _Job(fn)
    job.setAutoDelete(False)
    _RUNNING.add(job)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _RUNNING.discard(job)
        callback(value)

    job.signals.done.connect(lambda value: finish(on_done, value))
    job.signals.failed.connect(lambda exc: finish(on_error, exc))
    pool.start(job)


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
