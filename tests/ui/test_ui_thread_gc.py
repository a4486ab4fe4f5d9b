"""Reference cycles are collected on the UI thread only: a background read never deletes widgets."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from ptdesk.ui.kit import ui_thread_gc


class _Cycle:
    """Unreachable once made: only the cycle collector frees it, and notes on which thread."""

    def __init__(self, died_on: list[str]) -> None:
        self.me = self
        self.died_on = died_on

    def __del__(self) -> None:
        self.died_on.append(threading.current_thread().name)


@pytest.fixture
def collector(qapp: QApplication, monkeypatch: pytest.MonkeyPatch
              ) -> Iterator[ui_thread_gc.UiThreadCollector]:
    """The app's collector on a stand-in owner (the test suite collects between tests)."""
    monkeypatch.setattr(ui_thread_gc, "install_enabled", True)
    owner = QObject()
    made = ui_thread_gc.install(owner)
    assert made is not None
    yield made
    made.stop()
    gc.disable()  # as the suite runs: collected between tests (tests/conftest.py)
    shiboken6.delete(owner)


def test_cycles_die_on_the_ui_thread_never_on_a_background_one(
        qtbot: Any, collector: ui_thread_gc.UiThreadCollector) -> None:
    assert collector.active and not gc.isenabled()
    died_on: list[str] = []
    gc.collect()
    _Cycle(died_on)
    kept: list[Any] = []

    def background_read() -> None:  # allocates far past the collector's first threshold
        kept.append([[n] for n in range(100_000)])

    worker = threading.Thread(target=background_read, name="background-read")
    worker.start()
    worker.join()
    assert died_on == []  # the background thread collected nothing
    qtbot.waitUntil(lambda: died_on != [], timeout=10_000)
    assert died_on == [threading.current_thread().name]
    assert threading.current_thread() is threading.main_thread()


def test_one_collector_per_application_and_python_collects_again_once_it_stops(
        collector: ui_thread_gc.UiThreadCollector) -> None:
    owner = collector.parent()
    assert ui_thread_gc.install(owner) is collector
    gc.collect()
    assert ui_thread_gc.collect_due() == 0  # nothing due right after a full collection
    collector.stop()
    assert gc.isenabled() and not collector.active
    assert ui_thread_gc.install(owner) is collector and collector.active and not gc.isenabled()
