"""What makes `ptdesk` behave like a desktop application around the main window.

app.run calls `before_window` (display check, log file, one window per database) and
`window_shown` (icon, appearance, raising on a second start); main_window calls
`add_menu_items` (Help › Open log folder, View › Appearance…) and `show_about`.
"""

from __future__ import annotations

import importlib.resources
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QMenu, QMenuBar

from ptdesk import __version__, app_log
from ptdesk.platform_check import preflight
from ptdesk.ui.desktop import appearance
from ptdesk.ui.desktop.shortcut_list import show_shortcuts
from ptdesk.ui.desktop.single_instance import SingleInstance, bring_to_front, instance_key

if TYPE_CHECKING:
    from ptdesk.ui.app import Launch
    from ptdesk.ui.main_window import MainWindow

DESKTOP_FILE = "ptdesk"  # ptdesk.desktop: Wayland matches the window to the menu entry by it
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# PTDESK_SMOKE_TEST=sign-in: quit with 0 at the sign-in prompt (the bundle's CI smoke test).
SMOKE_ENV = "PTDESK_SMOKE_TEST"
SMOKE_TIMEOUT_MS = 120_000
log = app_log.get_logger("app")


def app_icon() -> QIcon:
    folder = Path(str(importlib.resources.files("ptdesk_resources"))) / "icons"
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(folder / f"ptdesk-{size}.png"))
    return icon


@dataclass
class Start:
    """`exit_code` set: stop now (display libraries missing, or another window took over)."""

    exit_code: int | None = None
    instance: SingleInstance | None = None


def before_window(db: str | None, argv: list[str] | None = None) -> Start:
    """Everything that must happen before the first window: in this order, and no patient data."""
    problem = preflight()
    if problem is not None:  # Qt would abort with a core dump instead
        print(problem, file=sys.stderr)
        return Start(exit_code=1)
    try:
        app_log.setup()
    except OSError as exc:  # an unwritable log folder must not stop the clinic
        print(f"PT Desk: no log file ({exc.strerror})", file=sys.stderr)
    app_log.log_startup(__version__)
    from ptdesk.ui.app import make_application

    app = make_application(argv)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(DESKTOP_FILE)
    instance = SingleInstance(instance_key(db), app)
    # It listens for later starts once the window is up (window_shown): the network module
    # and the server are not on the way to the sign-in prompt.
    if not instance.claim(listen=False):
        log.info("another PT Desk window has this database; asked it to come to the front")
        return Start(exit_code=0)
    return Start(instance=instance)


def window_shown(start: Start, started: Launch) -> None:
    """Appearance for this computer now, the user's own once signed in; raise on a second start."""
    window = started.window
    settings = window.settings
    appearance.apply(appearance.saved_mode(settings))
    started.loader.ready.connect(lambda ctx: appearance.apply(
        appearance.saved_mode(settings, getattr(ctx, "actor", None))))
    if start.instance is not None:
        start.instance.activated.connect(lambda: bring_to_front(window))
        start.instance.activated.connect(lambda: log.info("raised for a second start"))
        QTimer.singleShot(0, start.instance.listen)  # the event loop's first turn
    # Events only: no user, patient or database name.
    started.loader.opened.connect(lambda _sf: log.info("database open"))
    started.loader.ready.connect(lambda _ctx: log.info("signed in"))
    started.loader.failed.connect(lambda error: log.error(
        "database could not be opened: %s", type(error).__name__))
    log.info("main window shown")
    if os.environ.get(SMOKE_ENV) == "sign-in":
        _exit_at_sign_in_prompt(started)


def _exit_at_sign_in_prompt(started: Launch) -> None:
    """Bundle smoke test: exit 0 once the database is open and the sign-in prompt waits."""
    timer = QElapsedTimer()
    timer.start()
    poll = QTimer(started.window)

    def check() -> None:
        login = started.sign_in.login if started.sign_in is not None else None
        if started.loader.session_factory is not None and login is not None and login.isVisible():
            poll.stop()
            print("PT Desk smoke test: database open, sign-in prompt shown", flush=True)
            started.app.exit(0)
        elif timer.elapsed() > SMOKE_TIMEOUT_MS or started.exit_code:
            poll.stop()
            print("PT Desk smoke test: no sign-in prompt", file=sys.stderr, flush=True)
            started.app.exit(3)

    poll.timeout.connect(check)
    poll.start(100)


def open_log_folder() -> bool:
    folder = app_log.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def show_about(window: MainWindow) -> None:
    from ptdesk.ui.desktop.about_dialog import AboutDialog

    location = schema = None
    if window.ctx is not None:
        from ptdesk.services.about import database_info

        info = database_info(window.ctx.session_factory)
        location, schema = info.location, info.schema
    AboutDialog(location, schema, window).exec()


def show_appearance(window: MainWindow) -> None:
    user = window.ctx.actor if window.ctx is not None else None
    appearance.AppearanceDialog(window.settings, user, window).exec()


def add_menu_items(window: MainWindow, bar: QMenuBar, help_menu: QMenu) -> None:
    """View › Appearance… (before Help), Help › Keyboard shortcuts and Help › Open log folder."""
    view_menu = QMenu("&View", bar)
    view_menu.setObjectName("viewMenu")
    bar.insertMenu(help_menu.menuAction(), view_menu)
    appearance_action = view_menu.addAction("&Appearance…")
    appearance_action.setObjectName("appearance")
    appearance_action.triggered.connect(lambda: show_appearance(window))
    keys_action = help_menu.addAction("&Keyboard shortcuts")
    keys_action.setObjectName("keyboardShortcuts")
    keys_action.triggered.connect(lambda: show_shortcuts(window))
    window.shortcuts_action = keys_action  # type: ignore[attr-defined]
    log_action = help_menu.addAction("Open &log folder")
    log_action.setObjectName("openLogFolder")
    log_action.triggered.connect(open_log_folder)
    window.appearance_action = appearance_action  # type: ignore[attr-defined]
    window.open_log_action = log_action  # type: ignore[attr-defined]


def finish(start: Start) -> None:
    if start.instance is not None:
        start.instance.release()
    log.info("PT Desk closed")
    app_log.shutdown()

