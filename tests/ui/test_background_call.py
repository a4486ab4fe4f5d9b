"""BackgroundCall: its outcome and its `busy` flag reach the UI thread in one event."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Slot

from ptdesk.ui.kit.background import BackgroundCall


class _Receiver(QObject):
    """Lives on the UI thread, like the sign-in dialog that listens to the call."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[tuple[Any, Any]] = []

    @Slot(object, object)
    def on_finished(self, result: Any, error: Any) -> None:
        self.outcomes.append((result, error))


class _FirstDelivery(QObject):
    """Delivers the call's first queued event by hand and notes what a waiter would see."""

    def __init__(self, receiver: _Receiver) -> None:
        super().__init__()
        self.receiver = receiver
        self.seen: tuple[bool, int] | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.seen is None and event.type() == QEvent.Type.MetaCall:
            watched.event(event)
            assert isinstance(watched, BackgroundCall)
            self.seen = (watched.busy, len(self.receiver.outcomes))
            return True
        return False


def test_busy_turns_false_only_together_with_the_outcome(qtbot: Any) -> None:
    # A waiter polling `busy` (qtbot.waitUntil(lambda: not dialog.checking)) may run between
    # two queued events. Replayed here deterministically: right after the first event the
    # call delivers, `busy` False must mean the receiver already has the outcome.
    call = BackgroundCall()
    receiver = _Receiver()
    call.finished.connect(receiver.on_finished)
    probe = _FirstDelivery(receiver)
    call.installEventFilter(probe)
    assert call.start(lambda: 42)
    qtbot.waitUntil(lambda: probe.seen is not None, timeout=10_000)
    busy, delivered = probe.seen  # type: ignore[misc]
    assert not busy and delivered == 1
    qtbot.waitUntil(lambda: not call.busy, timeout=10_000)
    assert receiver.outcomes == [(42, None)]
