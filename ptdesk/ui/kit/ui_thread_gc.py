"""Python's cycle collector, run on the UI thread only: Qt objects must die on their own thread."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

CHECK_EVERY_MS = 500


class UiThreadCollector(QObject):
    """Turns off automatic cycle collection and runs it from a timer on the UI thread.

    Python collects reference cycles in whichever thread happens to allocate when a
    threshold is crossed. PT Desk reads and checks passwords on background threads; if one
    of them crossed the threshold it could collect a closed dialog's widgets and delete
    them off the UI thread, which crashes Qt. The timer applies Python's own generations and
    thresholds, so memory is reclaimed as often as before, only always on the UI thread.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(collect_due)
        self.start()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Automatic collection again (the application is going away)."""
        self._timer.stop()
        gc.enable()


# Python's own thresholds, read before anything changes them.
_THRESHOLDS = gc.get_threshold()


def collect_due() -> int:
    """Collect the generations whose thresholds were crossed; the objects found unreachable.

    Call on the UI thread only (the timer does; so does the test suite between tests).
    """
    counts = gc.get_count()
    if counts[0] <= _THRESHOLDS[0]:
        return 0
    generation = 0
    if counts[1] > _THRESHOLDS[1]:
        generation = 1
        if counts[2] > _THRESHOLDS[2]:
            generation = 2
    return gc.collect(generation)


# Whether `install` starts a collector. The test suite turns it off and collects between
# tests instead (tests/conftest.py): mid-test, a finished test's windows can still be on
# screen with nothing referring to them, and collecting a shown window crashes Qt.
install_enabled = True


def install(app: QObject) -> UiThreadCollector | None:
    """The application's collector, started (one per application, stopped when it quits)."""
    if not install_enabled:
        return None
    existing = app.findChild(UiThreadCollector)
    if isinstance(existing, UiThreadCollector):
        if not existing.active:
            existing.start()
        return existing
    collector = UiThreadCollector(app)
    if isinstance(app, QCoreApplication):
        app.aboutToQuit.connect(collector.stop)
    return collector
