"""BackgroundCall: its outcome and its `busy` flag reach the UI thread in one event."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtWidgets import QApplication

from ptdesk.ui.kit.background import BackgroundCall, courier


class _Receiver(QObject):
    """Lives on the UI thread, like the sign-in dialog that listens to the call."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[tuple[Any, Any]] = []

    @Slot(object, object)
    def on_finished(self, result: Any, error: Any) -> None:
        self.outcomes.append((result, error))


class _FirstDelivery(QObject):
    """Delivers the courier's first queued event by hand and notes what a waiter would see."""

    def __init__(self, call: BackgroundCall, receiver: _Receiver) -> None:
        super().__init__()
        self.call = call
        self.receiver = receiver
        self.seen: tuple[bool, int] | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.seen is None and event.type() == QEvent.Type.MetaCall:
            watched.event(event)
            self.seen = (self.call.busy, len(self.receiver.outcomes))
            return True
        return False


def test_busy_turns_false_only_together_with_the_outcome(qtbot: Any) -> None:
    # A waiter polling `busy` (qtbot.waitUntil(lambda: not dialog.checking)) may run between
    # two queued events. Replayed here deterministically: right after the first event the
    # call delivers, `busy` False must mean the receiver already has the outcome.
    call = BackgroundCall()
    receiver = _Receiver()
    call.finished.connect(receiver.on_finished)
    probe = _FirstDelivery(call, receiver)
    courier().installEventFilter(probe)
    try:
        assert call.start(lambda: 42)
        qtbot.waitUntil(lambda: probe.seen is not None, timeout=10_000)
    finally:
        courier().removeEventFilter(probe)
    busy, delivered = probe.seen  # type: ignore[misc]
    assert not busy and delivered == 1
    qtbot.waitUntil(lambda: not call.busy, timeout=10_000)
    assert receiver.outcomes == [(42, None)]


class _PostsTo(QObject):
    """Counts the queued calls posted to the object it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.posted = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MetaCall:
            self.posted += 1
        return False


def test_the_worker_never_posts_to_the_call_so_closing_its_window_midway_is_safe(
        qtbot: Any) -> None:
    # The call is a child of a dialog or window. If the worker thread emitted on the call
    # while the UI thread deleted that window, Qt would crash in C++ (a worker crashed so
    # in CI). The outcome goes through the process's courier instead; a call deleted
    # meanwhile is simply not told.
    window = QObject()
    call = BackgroundCall(window)
    receiver = _Receiver()
    call.finished.connect(receiver.on_finished)
    posts, delivered = _PostsTo(), _PostsTo()
    call.installEventFilter(posts)
    courier().installEventFilter(delivered)
    try:
        assert call.start(lambda: 1)
        qtbot.waitUntil(lambda: receiver.outcomes == [(1, None)], timeout=10_000)
        assert posts.posted == 0  # delivered through the courier, not posted to the call

        gate = threading.Event()
        before = delivered.posted
        assert call.start(lambda: gate.wait(10))
        shiboken6.delete(window)  # the clinician closes the window while the call runs
        assert not shiboken6.isValid(call)
        gate.set()
        qtbot.waitUntil(lambda: delivered.posted > before, timeout=10_000)
    finally:
        courier().removeEventFilter(delivered)
    assert receiver.outcomes == [(1, None)]  # the second outcome had nobody to go to


def test_a_worker_thread_may_be_the_first_to_need_the_courier(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ptdesk.ui.kit import background

    monkeypatch.setattr(background, "_COURIER", [])  # as if no call had run in this process
    receiver = _Receiver()
    ran_on: list[threading.Thread] = []

    def slot(value: int) -> None:
        ran_on.append(threading.current_thread())
        receiver.on_finished(value, None)

    worker = threading.Thread(target=lambda: background.deliver_later(receiver, slot, 7))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: receiver.outcomes == [(7, None)], timeout=10_000)
    assert ran_on == [threading.main_thread()]
    assert courier().thread() is QApplication.instance().thread()  # type: ignore[union-attr]
