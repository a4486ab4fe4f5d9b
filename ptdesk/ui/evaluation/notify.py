"""Plain-Python change notifications, and a Qt signal emit that survives a PySide6 refcount bug.

PySide6 6.12 on Python 3.11 releases one reference to ``True`` on every ``emit()`` made
from Python. ``True`` starts with only a few hundred references, so a form that emitted a
Qt signal per keystroke would abort the interpreter ("bool_dealloc") after a few hundred
edits. The form therefore notifies itself through `Notifier` (no Qt involved), and the few
real Qt emits go through `emit()`, which puts the lost reference back when the bug is present.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class Notifier:
    """A tiny observer list with the connect/emit shape of a signal, for in-form events."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., object]] = []

    def connect(self, callback: Callable[..., object]) -> None:
        self._callbacks.append(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)


class _Probe(QObject):
    ping = Signal()


def _emit_drops_true() -> int:
    """How many references to True one Python-side emit loses (0 on a fixed PySide6)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    # Put back what the probe itself took, then report the loss per emit.
    for _ in range(max(lost, 0)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return max(lost, 0) // 4


_LOST_PER_EMIT = _emit_drops_true()


def emit(signal: Any, *args: Any) -> None:
    """`signal.emit(*args)`, compensating the lost reference on affected PySide6 builds."""
    signal.emit(*args)
    for _ in range(_LOST_PER_EMIT):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
