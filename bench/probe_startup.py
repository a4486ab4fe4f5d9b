"""Start-up probe (one cold process): an empty QMainWindow, or `ptdesk` to its sign-in prompt.

    python bench/probe_startup.py empty
    python bench/probe_startup.py app DB [--eager]

Prints wall-clock marks (time.time()); the parent subtracts the moment it spawned the process.
"app" goes through `ptdesk.cli.main` exactly as the `ptdesk` command does. Its "prompt" mark
is the first idle turn of the event loop once the main window and the sign-in prompt are
painted and the user-name field has the keyboard focus: the first moment a clinician can act.
The probe then proves the prompt takes keystrokes (it types the user name as key events),
and signs in through the real dialog (password set, Sign in clicked):

- by default once the database is open and the background imports are done, as a person who
  takes a second or two to type would: `submit` to `ready` is the sign-in itself;
- with --eager the moment the prompt is ready, so `ready` is the soonest the list can be
  usable (the sign-in waits for the database).

"ready" is the first idle turn after the patient list holds its first page and is painted.
While signing in a 5 ms timer ticks on the UI thread; the longest gap between ticks is the
longest stall (`check_stall_ms` until the sign-in is accepted, `stall_ms` until "ready").
"""

from __future__ import annotations

import sys
import time
from typing import Any

from probe_common import DEMO_PASSWORD, emit, stub_dialogs

DEMO_USER = "demo.alvarez"


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


class Stalls:
    """A 5 ms timer on the UI thread; the longest gap between its ticks since `start`."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start(5)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def now_ms(self) -> float:
        """The longest gap so far, counting the one still open."""
        return max(self.longest, time.perf_counter() - self.last) * 1000


def type_text(widget: Any, text: str) -> None:
    """Key press and release events, as the keyboard sends them."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     char))


def ptdesk_app(db: str, eager: bool) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ptdesk import cli
    from ptdesk.ui import app as ui_app
    from ptdesk.ui.main_window import MainWindow  # imported by launch() anyway

    marks: dict[str, Any] = {}
    hooks: dict[str, Any] = {}
    original_launch = ui_app.launch
    original_attach = MainWindow.attach

    def attach(window: MainWindow, ctx: Any) -> None:
        # Signed in: the password check is over; what follows is building the list.
        marks["signed_in"] = time.time()
        marks["check_stall_ms"] = hooks["stalls"].now_ms()
        original_attach(window, ctx)
        hooks["attached"]()

    def launch(db: str | None = None, argv: list[str] | None = None) -> ui_app.Launch:
        started = original_launch(db, argv)  # no credentials: the prompt is used as a person would
        stub_dialogs()
        window, loader, flow = started.window, started.loader, started.sign_in
        app = started.app
        stalls = hooks["stalls"] = Stalls()  # the timer lives as long as the app

        def prompt_ready() -> None:
            dialog = flow.login if flow is not None else None
            app.processEvents()  # window and prompt painted
            if dialog is None or not dialog.isVisible() \
                    or QApplication.focusWidget() is not dialog.username:
                QTimer.singleShot(0, prompt_ready)
                return
            marks["prompt"] = time.time()
            marks["db_open_at_prompt"] = loader.session_factory is not None
            type_text(QApplication.focusWidget(), DEMO_USER)  # not timed: proves it types
            marks["typed"] = dialog.username.text() == DEMO_USER
            QTimer.singleShot(0, submit_when_ready)

        def submit_when_ready() -> None:
            dialog = flow.login if flow is not None else None
            if dialog is None:
                marks["error"] = "the sign-in prompt went away (setup needed?)"
                window.offer_backup_on_close = False
                window.close()
                return
            if not eager and (not dialog.database_open or loader.busy):
                QTimer.singleShot(10, submit_when_ready)
                return
            dialog.password.setText(DEMO_PASSWORD)
            stalls.start()
            marks["submit"] = time.time()
            dialog.sign_in_button.click()

        def opened(_sf: object) -> None:
            marks["db_open"] = time.time()


        def usable() -> None:
            app.processEvents()  # the filled list is painted
            marks["ready"] = time.time()
            marks["stall_ms"] = stalls.now_ms()
            stalls.timer.stop()
            marks["rows"] = window.model.rowCount() if window.model is not None else 0
            QTimer.singleShot(0, finish)

        def finish() -> None:
            if loader.busy:  # eager: background imports may still run; let them end
                QTimer.singleShot(10, finish)
                return
            # `ptdesk` offers the daily backup on close; the probe times start-up only.
            window.offer_backup_on_close = False
            window.close()

        def failed(error: object) -> None:
            marks["error"] = str(error)

        loader.opened.connect(opened)
        loader.failed.connect(failed)
        hooks["attached"] = lambda: QTimer.singleShot(0, usable)
        QTimer.singleShot(0, prompt_ready)
        return started

    ui_app.launch = launch  # type: ignore[assignment]
    MainWindow.attach = attach  # type: ignore[method-assign]
    code = cli.main(["--db", db])
    emit({**marks, "exit_code": code})
    return 0 if "ready" in marks and "prompt" in marks else 1


def main() -> int:
    mode = sys.argv[1]
    if mode == "empty":
        empty_window()
        return 0
    return ptdesk_app(sys.argv[2], eager="--eager" in sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
