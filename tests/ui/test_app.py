"""Composition root: window and sign-in prompt first, the database opens behind them, clean exit."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from ptdesk.db.engine import SessionFactory
from ptdesk.services import accounts
from ptdesk.services.clinic import update_settings
from ptdesk.services.exercises import list_exercises
from ptdesk.services.patients import search_patients
from ptdesk.ui import app as ui_app
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from ptdesk.ui.signin.login_dialog import LoginDialog
from ptdesk.ui.signin.setup_dialog import SetupDialog
from tests.factories import ACTOR, ADMIN, PASSWORD, make_patient, provision_accounts
from tests.helpers.clinic_files import open_clinic_file
from tests.ui.test_login import _audit

pytestmark = pytest.mark.usefixtures("private_settings")


@pytest.fixture
def slow_open(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """open_database holds until the test sets the event (a slow disk, a big clinic)."""
    release = threading.Event()
    real = ui_app.open_database

    def held(db: str | None) -> Any:
        release.wait(30)
        return real(db)

    monkeypatch.setattr(ui_app, "open_database", held)
    yield release
    release.set()  # never leave the loader thread waiting


# The real one: `slow_open` holds the app's open_database, not the making of the test clinic
# (which waited out its 30 s when the fixture was already in place).
_open_database = ui_app.open_database


def _clinic(tmp_path: Path) -> Path:
    db = tmp_path / "clinic.db"
    engine, sf = _open_database(str(db))
    provision_accounts(sf)
    update_settings(sf, actor=ADMIN, name="Hill Running PT")
    make_patient(sf, mrn="PT-9", first="Nia", last="Long")
    engine.dispose()
    return db


def _field(dialog: Any, name: str) -> QLineEdit:
    [edit] = [e for e in dialog.findChildren(QLineEdit) if e.accessibleName() == name]
    return edit


def test_the_modules_on_the_way_to_the_prompt_do_not_load_sqlalchemy() -> None:
    code = ("import sys; import ptdesk.cli, ptdesk.ui.app, ptdesk.ui.main_window, "
            "ptdesk.ui.signin.sign_in, ptdesk.ui.signin.login_dialog; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'alembic')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_login_dialog_can_be_submitted_before_the_database_is_open(
    qtbot: Any, session_factory: SessionFactory,
) -> None:
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.findChild(object, "clinicHeading").text() == "PT Desk"
    qtbot.keyClicks(_field(dialog, "User name"), ACTOR)
    qtbot.keyClicks(_field(dialog, "Password"), PASSWORD)
    qtbot.keyClick(_field(dialog, "Password"), Qt.Key.Key_Return)
    assert dialog.checking and not dialog.database_open
    assert dialog.status_label.text() == "Opening the clinic database…"
    assert not dialog.sign_in_button.isEnabled()
    assert _field(dialog, "Password").text() == PASSWORD
    qtbot.wait(50)
    assert dialog.result() == 0 and dialog.checking  # nothing happens until it is open
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.set_database(session_factory, "Hill Running PT")
        assert dialog.findChild(object, "clinicHeading").text() == "Hill Running PT"
        assert dialog.status_label.text() == "Signing in…"
    assert dialog.account is not None and dialog.account.username == ACTOR
    assert [e.actor for e in _audit(session_factory, "login")] == [ACTOR]


def test_the_window_keeps_running_while_the_password_is_checked(
    qtbot: Any, session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = accounts.authenticate

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.8)  # a slow disk or a costlier scrypt setting
        return real(*args, **kwargs)

    monkeypatch.setattr(accounts, "authenticate", slow)
    dialog = LoginDialog(session_factory, username=ACTOR)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(_field(dialog, "Password"), PASSWORD)
    ticks: list[float] = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start(10)
    began = time.perf_counter()
    dialog.sign_in_button.click()
    assert time.perf_counter() - began < 0.2  # the click returns at once
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
    ticker.stop()
    assert dialog.result() == QDialog.DialogCode.Accepted
    # On the UI thread the 0.8 s sleep would have stopped the timer completely.
    assert len(ticks) >= 20
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 0.4


def test_the_sign_in_prompt_shows_with_the_window_before_the_database_is_open(
    qtbot: Any, tmp_path: Path, slow_open: threading.Event,
) -> None:
    db = _clinic(tmp_path)
    started = ui_app.launch(str(db))
    window = started.window
    qtbot.addWidget(window)
    try:
        dialog = started.sign_in.login if started.sign_in is not None else None
        assert isinstance(dialog, LoginDialog)
        assert window.isVisible() and dialog.isVisible() and started.loader.busy
        assert dialog.windowModality() == Qt.WindowModality.WindowModal
        assert not dialog.database_open and window.model is None
        qtbot.waitUntil(lambda: QApplication.focusWidget() is _field(dialog, "User name"))
        # The clinician types while the database opens (real key events).
        qtbot.keyClicks(QApplication.focusWidget(), ACTOR)
        qtbot.keyClick(_field(dialog, "User name"), Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), PASSWORD)
        assert _field(dialog, "User name").text() == ACTOR
        assert _field(dialog, "Password").text() == PASSWORD
        qtbot.keyClick(_field(dialog, "Password"), Qt.Key.Key_Return)
        assert dialog.status_label.text() == "Opening the clinic database…"
        assert not dialog.sign_in_button.isEnabled() and dialog.checking
        qtbot.wait(100)
        assert window.model is None and started.loader.ctx is None  # still waiting
        with qtbot.waitSignal(started.loader.ready, timeout=30_000):
            slow_open.set()  # ... and it signs in by itself once the database is open
        assert window.ctx is not None and window.ctx.actor == ACTOR
        assert window.model is not None and window.model.rowCount() == 1
        assert not dialog.isVisible()
    finally:
        window.close()
        started.finish()


def test_the_clinic_name_fills_in_and_a_wrong_password_keeps_the_user_name(
    qtbot: Any, tmp_path: Path,
) -> None:
    db = _clinic(tmp_path)
    started = ui_app.launch(str(db))
    qtbot.addWidget(started.window)
    try:
        dialog = started.sign_in.login if started.sign_in is not None else None
        assert isinstance(dialog, LoginDialog)
        qtbot.waitUntil(lambda: dialog.database_open, timeout=30_000)
        assert dialog.findChild(object, "clinicHeading").text() == "Hill Running PT"
        _field(dialog, "User name").setText(ACTOR)
        _field(dialog, "Password").setText("not my password")
        dialog.sign_in_button.click()
        qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
        assert "not right" in dialog.rows.error_text("password")
        assert _field(dialog, "User name").text() == ACTOR
        assert _field(dialog, "Password").text() == ""
        assert dialog.isVisible() and started.window.model is None
    finally:
        started.window.close()
        started.finish()


def test_a_new_clinic_swaps_the_prompt_for_setup(
    qtbot: Any, tmp_path: Path, slow_open: threading.Event,
) -> None:
    started = ui_app.launch(str(tmp_path / "new.db"))
    qtbot.addWidget(started.window)
    try:
        assert started.sign_in is not None
        login = started.sign_in.login
        assert isinstance(login, LoginDialog) and login.isVisible()
        typed: list[str] = []
        _field(login, "User name").setText("pat")
        _field(login, "Password").textChanged.connect(typed.append)
        _field(login, "Password").setText("typed before the database was open")
        login.submit()
        slow_open.set()
        qtbot.waitUntil(lambda: isinstance(started.sign_in.dialog, SetupDialog), timeout=30_000)
        setup = started.sign_in.dialog
        assert setup.isVisible()
        assert typed[-1] == ""  # the password was wiped before the prompt went away
        qtbot.waitUntil(lambda: not any(isinstance(w, LoginDialog) and w.isVisible()
                                        and w.parent() is started.window
                                        for w in QApplication.topLevelWidgets()))
        assert all(e.text() == "" for e in setup.findChildren(QLineEdit))
        assert started.window.isVisible()  # swapping did not cancel the app
    finally:
        started.window.close()
        started.finish()


def test_cancelling_the_prompt_closes_the_app(qtbot: Any, tmp_path: Path) -> None:
    started = ui_app.launch(str(_clinic(tmp_path)))
    qtbot.addWidget(started.window)
    try:
        assert started.sign_in is not None and started.sign_in.login is not None
        started.sign_in.login.quit_button.click()
        assert not started.window.isVisible()
    finally:
        started.finish()


def test_open_database_migrates_and_loads_the_exercise_library(tmp_path: Path) -> None:
    engine, sf = ui_app.open_database(str(tmp_path / "new.db"))
    try:
        assert list_exercises(sf)  # the shipped library is there on first start
        assert search_patients(sf, "", actor=ACTOR) == []
    finally:
        engine.dispose()


def test_launch_shows_the_window_before_the_database_is_ready(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    engine, sf = ui_app.open_database(str(db))
    provision_accounts(sf)
    make_patient(sf, mrn="PT-9", first="Nia", last="Long")
    engine.dispose()
    started = ui_app.launch(str(db), credentials=(ACTOR, PASSWORD))
    window = started.window
    qtbot.addWidget(window)
    try:
        assert window.isVisible()
        assert QCoreApplication.applicationName() == "PT Desk"
        assert QCoreApplication.organizationName() == "PT Desk"
        with qtbot.waitSignal(started.loader.ready, timeout=30_000):
            pass
        assert window.ctx is not None and window.model is not None
        assert window.model.patient_at(0).last_name == "Long"  # type: ignore[union-attr]
        assert window.new_patient_action.isEnabled()
    finally:
        window.close()
        started.finish()


def test_typing_before_the_database_is_ready_is_kept(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    engine, sf = ui_app.open_database(str(db))
    provision_accounts(sf)
    make_patient(sf, mrn="PT-1", first="Ana", last="Smith")
    make_patient(sf, mrn="PT-2", first="Bo", last="Jones")
    engine.dispose()
    started = ui_app.launch(str(db), credentials=(ACTOR, PASSWORD))
    qtbot.addWidget(started.window)
    try:
        started.window.search_edit.setText("jon")
        with qtbot.waitSignal(started.loader.ready, timeout=30_000):
            pass
        assert started.window.model is not None
        assert started.window.model.rowCount() == 1
    finally:
        started.window.close()
        started.finish()


def test_run_returns_when_the_window_closes(qtbot, tmp_path: Path, monkeypatch) -> None:
    windows: list[MainWindow] = []
    real_launch = ui_app.launch

    def launch_and_close(db: str | None = None, argv: list[str] | None = None) -> ui_app.Launch:
        started = real_launch(db, argv)
        windows.append(started.window)
        # A new database opens on the setup dialog; closing the window there ends the app.
        started.loader.opened.connect(lambda _sf: QTimer.singleShot(0, started.window.close))
        return started

    monkeypatch.setattr(ui_app, "launch", launch_and_close)
    assert ui_app.run(db=str(tmp_path / "run.db")) == 0
    assert windows and not windows[0].isVisible()
    engine, sf = open_clinic_file(tmp_path / "run.db")  # new: encrypted, not set up yet
    try:
        assert list_exercises(sf)  # migrated and loaded by run()
    finally:
        engine.dispose()


def test_a_database_that_cannot_open_is_reported(qtbot, tmp_path: Path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(ui_app.QMessageBox, "critical",
                        lambda _parent, _title, text: shown.append(text))

    def broken(_db: str | None) -> None:
        raise RuntimeError("disk unreadable")

    monkeypatch.setattr(ui_app, "open_database", broken)
    assert ui_app.run(db=str(tmp_path / "x.db")) == 1
    assert shown and "could not open the clinic database" in shown[0]
    assert "disk unreadable" in shown[0]


def test_build_main_window_is_connected(qtbot, session_factory) -> None:
    window = ui_app.build_main_window(AppContext(session_factory, ACTOR))
    qtbot.addWidget(window)
    assert window.chart is not None and window.model is not None




def test_launch_collects_cycles_on_the_ui_thread(qtbot: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from ptdesk.ui.kit import ui_thread_gc

    installed: list[object] = []
    monkeypatch.setattr(ui_thread_gc, "install", installed.append)  # the suite's own stays off
    started = ui_app.launch(str(_clinic(tmp_path)))
    qtbot.addWidget(started.window)
    try:
        assert installed == [started.app]
    finally:
        started.finish()
