"""Guards against a Qt binding that leaks references to True/None (PySide6 6.12.0 did).

Such a leak aborts Python 3.11 after a few hundred signals ("bool_dealloc"), i.e.
minutes into a clinician's typing; pyproject pins PySide6 below 6.12 for this.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    flag = Signal(bool)
    number = Signal(int)


def test_signals_and_empty_variants_do_not_leak_singletons(qapp) -> None:
    probe = _Probe()
    probe.flag.connect(lambda _value: None)
    probe.number.connect(lambda _value: None)
    before = (sys.getrefcount(True), sys.getrefcount(None))
    for n in range(200):
        probe.flag.emit(True)
        probe.number.emit(n)
        probe.property("never_set")
    after = (sys.getrefcount(True), sys.getrefcount(None))
    # A healthy binding returns every reference; allow small noise from the interpreter.
    assert abs(after[0] - before[0]) < 20 and abs(after[1] - before[1]) < 20, (before, after)
