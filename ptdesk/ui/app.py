"""Composition root: database, migrations, exercise library, QApplication and the main window."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from ptdesk.ui.kit import ui_thread_gc
from ptdesk.ui.kit.background import deliver_later

if TYPE_CHECKING:
    from ptdesk.db.engine import Engine, SessionFactory  # the UI never imports SQLAlchemy
    from ptdesk.ui.context import AppContext
    from ptdesk.ui.main_window import MainWindow
    from ptdesk.ui.signin.encrypt_offer import EncryptOffer
    from ptdesk.ui.signin.sign_in import SignInFlow

APP_NAME = "PT Desk"
ORGANIZATION = "PT Desk"


def open_database(db: str | None) -> tuple[Engine, SessionFactory]:
    """Engine for `db` (default: the per-user file), schema migrated, exercise library loaded.

    A new file becomes an encrypted clinic. An encrypted clinic that needs a password
    stays locked here: the sign-in unlocks it and finishes opening it
    (`ptdesk.services.keys.opening`).
    """
    from ptdesk.db.engine import make_session_factory
    from ptdesk.services.keys.clinic_key import is_locked, open_clinic
    from ptdesk.services.keys.opening import finish_opening

    engine = open_clinic(db, create=True)
    session_factory = make_session_factory(engine)
    if not is_locked(engine):
        finish_opening(session_factory)
    return engine, session_factory


def build_main_window(ctx: AppContext) -> MainWindow:
    """A main window already connected to `ctx` (tests and benchmarks)."""
    from ptdesk.ui.main_window import MainWindow

    return MainWindow(ctx)


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        list(argv) if argv is not None else sys.argv[:1])
    app.setStyle("Fusion")
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    return app


def _warm_chart_tabs() -> None:
    """Import (never build) the big chart tabs off the UI thread, so opening one is quick."""
    from ptdesk.ui.chart.registry import tab_classes

    tab_classes()  # a missing module is a packaging error: it shows when the chart opens


class DatabaseLoader(QObject):
    """Opens the database on a worker thread while the window and sign-in prompt are on screen.

    Importing SQLAlchemy and Alembic and checking the schema takes several times
    longer than showing a window, so the clinician can already type their user name
    and password; the list fills in once the database is open and someone has
    signed in (no patient name shows before that). Whether the clinic still needs
    setting up, and its name, are read here too, off the UI thread.
    """

    opened = Signal(object)   # SessionFactory: the database is ready, nobody signed in yet
    ready = Signal(object)    # AppContext of the signed-in user
    failed = Signal(object)   # Exception

    def __init__(self, db: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.engine: Engine | None = None
        self.session_factory: SessionFactory | None = None
        self.ctx: AppContext | None = None
        self.setup_needed = False  # read with the database, before `opened`
        self.clinic_name = ""
        self._thread = threading.Thread(target=self._work, name="ptdesk-open-db", daemon=True)
        # Started once the database is open: it runs while the clinician signs in.
        self._warm_thread = threading.Thread(target=_warm_chart_tabs, name="ptdesk-warm", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        for thread in (self._thread, self._warm_thread):
            if thread.is_alive():
                thread.join()

    @property
    def busy(self) -> bool:
        return self._thread.is_alive() or self._warm_thread.is_alive()

    def _work(self) -> None:
        try:
            result: Any = open_database(self.db)
            from ptdesk.services.accounts import needs_setup
            from ptdesk.services.clinic import get_settings
            from ptdesk.services.keys.clinic_key import is_locked

            # A locked (encrypted) clinic has its administrator; its name shows once unlocked.
            locked = is_locked(result[1])
            self.setup_needed = not locked and needs_setup(result[1])
            self.clinic_name = "" if locked or self.setup_needed else get_settings(result[1]).name
            # What attach() needs, imported here rather than on the UI thread.
            import ptdesk.ui.admin.account_menu
            import ptdesk.ui.chart.chart_widget
            import ptdesk.ui.context
            import ptdesk.ui.patients.patient_list_model  # noqa: F401
        except Exception as exc:  # shown to the user on the UI thread
            # Through the courier, never an emit on the loader: the window it belongs to may
            # be closing on the UI thread at this moment.
            deliver_later(self, self._on_finished, None, exc)
            return
        deliver_later(self, self._on_finished, result, None)

    def _on_finished(self, result: Any, error: Exception | None) -> None:
        if error is not None:
            self.failed.emit(error)
            return
        self.engine, self.session_factory = result
        self._warm_thread.start()  # the big chart tabs, while the clinician signs in
        self.opened.emit(self.session_factory)

    def sign_in_done(self, username: str) -> None:
        """The signed-in account becomes the acting user of everything done in the window."""
        from ptdesk.ui.context import AppContext

        assert self.session_factory is not None
        self.ctx = AppContext(self.session_factory, username)
        self.ready.emit(self.ctx)


@dataclass
class Launch:
    """What `launch` started; `finish` waits for background work and closes the database."""

    app: QApplication
    window: MainWindow
    loader: DatabaseLoader
    exit_code: list[int] = field(default_factory=list)
    sign_in: SignInFlow | None = None  # the prompt shown with the window
    encrypt_offer: EncryptOffer | None = None  # shown to an administrator of a plaintext file

    def finish(self) -> None:
        self.loader.join()
        if self.sign_in is not None:
            self.sign_in.join(30)  # a password check still running uses the database
        if self.loader.ctx is not None:
            self.loader.ctx.wait_for_background()
        # Whoever is signed in now (another user after Switch user; nobody after Sign out).
        signed_in = self.window.ctx
        if signed_in is not None:
            from contextlib import suppress

            from ptdesk.services.accounts import record_logout
            from ptdesk.services.errors import ServiceError

            with suppress(ServiceError):  # closing must not fail over the audit entry
                record_logout(signed_in.session_factory, actor=signed_in.actor)
        if self.loader.engine is not None:
            from ptdesk.services.keys.clinic_key import lock

            lock(self.loader.engine)  # the key is forgotten with the connections
            self.loader.engine.dispose()


def launch(db: str | None = None, argv: list[str] | None = None, *,
           credentials: tuple[str, str] | None = None) -> Launch:
    """Show the main window and the sign-in prompt at once, and open the database behind them.

    The clinician types while the database opens; a new clinic swaps the prompt for
    the setup dialog. `credentials` (user name, password) are typed into the prompt
    and submitted for the user (tests, benchmarks).
    """
    from ptdesk.ui.main_window import MainWindow
    from ptdesk.ui.signin.sign_in import SignInFlow

    app = make_application(argv)
    ui_thread_gc.install(app)  # background reads never delete a dead dialog's widgets
    window = MainWindow()
    loader = DatabaseLoader(db, window)
    flow = SignInFlow(window, credentials=credentials)
    started = Launch(app, window, loader, sign_in=flow)

    def on_opened(session_factory: SessionFactory) -> None:
        flow.database_opened(session_factory, setup_needed=loader.setup_needed,
                             clinic_name=loader.clinic_name)

    def on_failed(error: Exception) -> None:
        flow.abort()
        QMessageBox.critical(window, "PT Desk", "PT Desk could not open the clinic database.\n\n"
                                                f"{error}")
        started.exit_code.append(1)
        app.exit(1)

    def on_reopened(session_factory: SessionFactory) -> None:
        # Encrypted from the offer: the plaintext engine is done with; finish() closes the
        # new one (and forgets its key).
        from ptdesk.db.engine import engine_of

        if loader.engine is not None:
            loader.engine.dispose()
        loader.engine, loader.session_factory = engine_of(session_factory), session_factory

    def on_ready(ctx: AppContext) -> None:
        from ptdesk.ui.signin.encrypt_offer import offer_encryption

        started.encrypt_offer = offer_encryption(window, ctx, on_reopened)

    flow.signed_in.connect(loader.sign_in_done)
    flow.cancelled.connect(window.close)
    loader.opened.connect(on_opened)
    loader.ready.connect(window.attach)
    loader.ready.connect(on_ready)
    loader.failed.connect(on_failed)
    window.show()
    flow.start()  # window-modal over the window: the first thing the clinician can act on
    app.processEvents()  # paint both before the loader competes for the interpreter
    loader.start()
    return started


def run(db: str | None = None, argv: list[str] | None = None) -> int:
    """`ptdesk` with no command: the desktop app. Returns the process exit code."""
    from ptdesk.ui.desktop import desktop_shell

    shell = desktop_shell.before_window(db, argv)  # display check, log, one window per database
    if shell.exit_code is not None:
        return shell.exit_code
    started = launch(db, argv)
    desktop_shell.window_shown(shell, started)
    # The real app offers the daily backup on close; tests that launch windows opt in.
    started.window.offer_backup_on_close = True
    from ptdesk.ui import crash_guard

    crash_guard.install(lambda: started.window)
    code = started.app.exec()
    started.finish()
    desktop_shell.finish(shell)
    return started.exit_code[0] if started.exit_code else int(code)
