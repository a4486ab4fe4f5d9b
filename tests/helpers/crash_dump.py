"""When a pytest-xdist worker dies outright (a crash in Qt's C++), print where every thread was.

A worker that segfaults or aborts takes its stderr with it, so the run only says "worker
'gw0' crashed while running <test>" and the test named is often just the one that was
running when an earlier test's thread or deferred deletion went wrong. Each worker writes
Python's fault handler dump (all threads) to a file of its own; the controller prints that
file under the run's output when the worker goes down with an error.
"""

from __future__ import annotations

import faulthandler
import shutil
import tempfile
from pathlib import Path
from typing import Any, TextIO

import pytest

_DIR_KEY = "ptdesk_crash_dir"
_open: list[TextIO] = []  # the worker's dump file, kept open for faulthandler


@pytest.hookimpl(optionalhook=True)  # an xdist hook: absent when xdist is not installed
def pytest_configure_node(node: Any) -> None:
    """Controller: tell each worker where to write its dump."""
    config = node.config
    folder = getattr(config, "_ptdesk_crash_dir", None)
    if folder is None:
        folder = tempfile.mkdtemp(prefix="ptdesk-test-crash-")
        config._ptdesk_crash_dir = folder
    node.workerinput[_DIR_KEY] = folder


@pytest.hookimpl(trylast=True)  # after pytest's own faulthandler set-up, which writes to stderr
def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    if not workerinput or _DIR_KEY not in workerinput:
        return
    path = Path(workerinput[_DIR_KEY]) / f"{workerinput['workerid']}.txt"
    dump = path.open("w", encoding="utf-8")
    _open.append(dump)
    faulthandler.enable(file=dump, all_threads=True)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Controller: a worker that went down with an error shows its fault handler dump."""
    folder = getattr(node.config, "_ptdesk_crash_dir", None)
    if not error or folder is None:
        return
    path = Path(folder) / f"{node.gateway.id}.txt"
    text = path.read_text(encoding="utf-8", errors="replace").strip() if path.exists() else ""
    reporter = node.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    reporter.write_line("")
    reporter.write_line(f"[{node.gateway.id}] fault handler dump:")
    for line in (text or "(empty: the worker died without a Python-level fault)").splitlines():
        reporter.write_line(f"    {line}")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_ptdesk_crash_dir", None)
    if folder is not None:  # the controller, once every worker is done
        shutil.rmtree(folder, ignore_errors=True)
