"""Background work, one shape: a call off the UI thread whose outcome arrives on the UI thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal


class _Courier(QObject):
    """Carries calls from worker threads to the UI thread; one per process, never deleted.

    A worker thread must not emit on a widget's QObject: the UI thread may be deleting it at
    that very moment (the clinician closed the dialog, or the app quit), and emitting on a
    QObject while another thread deletes it is a crash in Qt's C++, not an exception. Worker
    threads emit on the courier instead; on the UI thread, where deleting happens, it makes
    the call only if its receiver still exists.
    """

    arrived = Signal(object, object, object)  # (receiver, slot, args)

    def __init__(self) -> None:
        super().__init__()
        self.arrived.connect(self._deliver)  # queued: the emits come from worker threads

    def _deliver(self, receiver: QObject, slot: Callable[..., None], args: tuple[Any, ...]
                 ) -> None:
        if shiboken6.isValid(receiver):
            slot(*args)


_COURIER: list[_Courier] = []
_MAKING = threading.Lock()  # two worker threads asking first still make one courier


def courier() -> _Courier:
    """The process's courier, made on first use from any thread (then moved to the UI thread)."""
    with _MAKING:
        if not _COURIER:
            made = _Courier()
            app = QCoreApplication.instance()
            if app is not None and made.thread() is not app.thread():
                made.moveToThread(app.thread())
            _COURIER.append(made)
    return _COURIER[0]


def deliver_later(receiver: QObject, slot: Callable[..., None], *args: Any) -> None:
    """From any thread: `slot(*args)` on the UI thread, if `receiver` still exists by then."""
    # At interpreter shutdown the courier may already be gone: nobody is left to tell.
    with contextlib.suppress(RuntimeError):
        courier().arrived.emit(receiver, slot, args)


class BackgroundCall(QObject):
    """Runs `fn()` off the UI thread; `finished(result, error)` arrives queued on the UI thread.

    `fn` takes plain values (ids, DTOs) and opens its own session through a service call;
    it never touches a widget. One call at a time per runner: `start` refuses a second one
    while the first is running (a double click signs in once). scrypt takes about 0.3 s
    by design and releases the GIL, so the window keeps painting while a password is checked.
    The outcome travels through the courier in one queued delivery, so `busy` turns False in
    the same event that tells the receivers: with two queued deliveries a waiter could see
    `busy` False before the receiver had shown the outcome (seen on a busy machine).
    """

    finished = Signal(object, object)  # (result, None) or (None, Exception)

    def __init__(self, parent: QObject | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        # Without a pool each call gets a daemon thread of its own: sign-in and setup never
        # wait behind queued jobs, and a check still running never holds the app open.
        self._pool = pool
        self._busy = False
        self._ran = threading.Event()

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
        ran = self._ran

        def run() -> None:
            _run(fn, self, ran)

        if self._pool is None:
            threading.Thread(target=run, name="ptdesk-background", daemon=True).start()
        else:
            self._pool.start(run)
        return True

    def join(self, timeout: float | None = None) -> None:
        """Wait until `fn` has returned (its outcome is delivered by the event loop)."""
        if self._busy:
            self._ran.wait(timeout)

    def _on_delivered(self, result: Any, error: Any) -> None:
        self._busy = False  # before the receivers run, so they already see it False
        self.finished.emit(result, error)


def _run(fn: Callable[[], Any], call: BackgroundCall, ran: threading.Event) -> None:
    """On the worker thread: run `fn`, then hand the outcome to the courier (never to `call`)."""
    try:
        result = fn()
    except Exception as exc:  # shown by the receiver on the UI thread
        outcome: tuple[Any, Any] = (None, _without_frames(exc))
    else:
        outcome = (result, None)
    finally:
        ran.set()
    deliver_later(call, call._on_delivered, *outcome)


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
