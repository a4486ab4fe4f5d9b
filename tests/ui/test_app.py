"""Composition root: the window appears first, the database opens behind it, `run` exits cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTimer

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.services.exercises import list_exercises
from ptdesk.services.patients import search_patients
from ptdesk.ui import app as ui_app
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from tests.factories import ACTOR, PASSWORD, make_patient, provision_accounts


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch) -> None:
    """Keep the real user's window layout out of (and away from) the tests."""
    ini = str(tmp_path / "ui.ini")
    monkeypatch.setattr("ptdesk.ui.main_window.QSettings",
                        lambda: QSettings(ini, QSettings.Format.IniFormat))


def test_open_database_migrates_and_loads_the_exercise_library(tmp_path: Path) -> None:
    engine, sf = ui_app.open_database(str(tmp_path / "new.db"))
    try:
        assert list_exercises(sf)  # the shipped library is there on first start
        assert search_patients(sf, "") == []
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
    engine = make_engine(tmp_path / "run.db")
    try:
        assert list_exercises(make_session_factory(engine))  # migrated and loaded by run()
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


