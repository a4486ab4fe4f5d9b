"""Plain-Python change notifications for in-form events (no Qt signal needed per keystroke)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Notifier:
    """A tiny observer list with the connect/emit shape of a signal, for in-form events."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., object]] = []

    def connect(self, callback: Callable[..., object]) -> None:
        self._callbacks.append(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)
