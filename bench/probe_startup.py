"""Start-up probe (one cold process): an empty QMainWindow, or `ptdesk` until its list is usable.

    python bench/probe_startup.py empty
    python bench/probe_startup.py app DB

Prints wall-clock marks (time.time()); the parent subtracts the moment it spawned the process.
"app" goes through `ptdesk.cli.main` exactly as the `ptdesk` command does; "ready" is the first
idle turn of the event loop after the patient list holds its first page and has been painted.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from probe_common import emit, stub_dialogs

# ptdesk.services.demo.DEMO_PASSWORD, not imported: it would load SQLAlchemy before timing.
DEMO_PASSWORD = "runner-demo"


def empty_window() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()

    def idle() -> None:
        app.processEvents()  # the first paint is done
        emit({"ready": time.time()})
        app.quit()

    QTimer.singleShot(0, idle)
    app.exec()


def ptdesk_app(db: str) -> int:
    from PySide6.QtCore import QTimer

    from ptdesk import cli
    from ptdesk.ui import app as ui_app

    marks: dict[str, Any] = {}
    original_launch = ui_app.launch

    def launch(db: str | None = None, argv: list[str] | None = None) -> ui_app.Launch:
        started = original_launch(db, argv, credentials=("demo.alvarez", DEMO_PASSWORD))
        stub_dialogs()
        window, loader = started.window, started.loader
        ticks = [time.perf_counter()]
        stall = [0.0]
        ticker = QTimer()

        def tick() -> None:
            now = time.perf_counter()
            stall[0] = max(stall[0], now - ticks[-1])
            ticks.append(now)

        def shown() -> None:
            marks["shown"] = time.time()  # window on screen, list still empty

        def ready(_ctx: object) -> None:
            QTimer.singleShot(0, usable)

        def usable() -> None:
            started.app.processEvents()  # the filled list is painted
            marks["ready"] = time.time()
            marks["rows"] = window.model.rowCount() if window.model is not None else 0
            # Background imports go on after the list is usable: how long can the UI
            # thread stall while they run? (A 5 ms ticker; the longest gap between ticks.)
            ticks.append(time.perf_counter())
            ticker.start(5)
            QTimer.singleShot(0, settled)

        def settled() -> None:
            if loader.busy:
                QTimer.singleShot(10, settled)
                return
            marks["stall_ms"] = stall[0] * 1000
            window.close()

        def failed(error: object) -> None:
            marks["error"] = str(error)

        ticker.timeout.connect(tick)
        QTimer.singleShot(0, shown)
        loader.ready.connect(ready)
        loader.failed.connect(failed)
        marks["_keep"] = ticker  # keep the timer alive for the app's lifetime
        return started

    ui_app.launch = launch  # type: ignore[assignment]
    code = cli.main(["--db", db])
    marks.pop("_keep", None)
    emit({**marks, "exit_code": code})
    return 0 if "ready" in marks else 1


def main() -> int:
    mode = sys.argv[1]
    if mode == "empty":
        empty_window()
        return 0
    return ptdesk_app(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
