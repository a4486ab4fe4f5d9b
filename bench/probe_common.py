"""Helpers shared by the probe processes: the result line, dialog stubs, memory, app start-up."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

# ptdesk.demo.generator.DEMO_PASSWORD, not imported: it would load SQLAlchemy before timing.
DEMO_PASSWORD = "runner-demo"
ACTOR = "demo.alvarez"  # the demo clinician every probe signs in as (clinic_cache.ACTOR)

if TYPE_CHECKING:
    from ptdesk.ui.app import Launch

RESULT_PREFIX = "BENCH-RESULT "
DIALOGS: list[str] = []  # titles of message boxes that would have waited for a click


def emit(result: dict[str, Any]) -> None:
    """The probe's answer: one line the parent looks for, so other output cannot confuse it."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def parse_result(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return dict(json.loads(line[len(RESULT_PREFIX):]))
    raise ValueError("the probe printed no result line")


def rss_mib() -> float:
    """Resident memory now (VmRSS); where /proc is missing, the peak from getrusage."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak_kib / 1024 / (1024 if sys.platform == "darwin" else 1)


def stub_dialogs() -> None:
    """A modal message box would wait forever offscreen: answer No/OK and remember it."""
    from PySide6.QtWidgets import QMessageBox

    def answer(default: QMessageBox.StandardButton) -> Callable[..., Any]:
        def reply(_parent: object, title: str, *_args: object, **_kw: object) -> Any:
            DIALOGS.append(str(title))
            return default

        return reply

    buttons = QMessageBox.StandardButton
    QMessageBox.question = answer(buttons.No)  # type: ignore[method-assign, assignment]
    for name in ("information", "warning", "critical"):
        setattr(QMessageBox, name, answer(buttons.Ok))


def pump(app: Any, until: Callable[[], bool], timeout_s: float = 300.0) -> None:
    """Run the event loop in small steps until `until()` holds."""
    deadline = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get ready in time")
        app.processEvents()
        time.sleep(0.002)


def launch_app(db: str) -> Launch:
    """The app as `ptdesk` starts it (window first, database behind it), once fully loaded.

    Waits for the background imports too, so later measurements do not share the
    interpreter with them.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ptdesk.ui import app as ui_app

    started = ui_app.launch(db, credentials=(ACTOR, DEMO_PASSWORD))
    stub_dialogs()
    failed: list[object] = []
    started.loader.failed.connect(failed.append)
    pump(started.app, lambda: bool(failed) or (started.loader.ctx is not None
                                                and not started.loader.busy))
    if failed:
        raise RuntimeError(f"the app could not open the database: {failed[0]}")
    started.app.processEvents()
    return started


def close_app(started: Launch) -> None:
    started.window.close()
    started.app.processEvents()
    started.finish()


def patient_ids(session_factory: Any, mrns: list[str]) -> dict[str, int]:
    from ptdesk.services.patients import find_by_mrn

    return {mrn: find_by_mrn(session_factory, mrn, actor=ACTOR).id for mrn in mrns}


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: a p95 is one of the measured values)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil(n * pct / 100)
    return ordered[int(rank) - 1]


# `bench/run.py --encrypted`: the probes open an encrypted copy of the clinic, unlocked as
# the app's sign-in does (with the demo accounts' published password).
BENCH_PASSWORD_ENV = "PTDESK_BENCH_PASSWORD"


def _open_unlocked_when_asked() -> None:
    password = os.environ.get(BENCH_PASSWORD_ENV)
    if not password:
        return
    import ptdesk.ui.app as ui_app

    real_open = ui_app.open_database

    def open_unlocked(db: str | None) -> Any:
        from ptdesk.services.keys.opening import unlock_and_open

        engine, sf = real_open(db)
        if not unlock_and_open(sf, password):
            raise SystemExit("the bench password does not open the encrypted clinic")
        return engine, sf

    ui_app.open_database = open_unlocked  # type: ignore[assignment]


_open_unlocked_when_asked()
