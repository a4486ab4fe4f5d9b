"""Desktop behaviour around the main window: icon, About, appearance, log folder, crash message."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import QApplication

from ptdesk import __version__, app_log
from ptdesk.db.engine import SessionFactory
from ptdesk.ui import crash_guard
from ptdesk.ui.context import AppContext
from ptdesk.ui.desktop import appearance, desktop_shell
from ptdesk.ui.desktop.about_dialog import AboutDialog, notices_html
from ptdesk.ui.desktop.appearance import AppearanceDialog
from ptdesk.ui.desktop.single_instance import SingleInstance
from ptdesk.ui.main_window import MainWindow
from tests.factories import ACTOR


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, session_factory: SessionFactory, settings: QSettings) -> MainWindow:
    win = MainWindow(AppContext(session_factory, ACTOR), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture(autouse=True)
def system_appearance_after():
    yield
    appearance.apply("system")


def _window_lightness() -> int:
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness()


def test_the_app_icon_has_every_size(qapp) -> None:
    icon = desktop_shell.app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes


def test_about_shows_version_database_schema_and_licences(qtbot, window: MainWindow,
                                                           db_url: str, monkeypatch) -> None:
    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    window.about_action.trigger()
    assert len(shown) == 1
    about = shown[0]
    qtbot.addWidget(about)
    texts = " ".join(label.text() for label in about.findChildren(type(about.schema_label)))
    assert f"PT Desk {__version__}" in texts
    from ptdesk.db.migrate import known_head

    assert about.schema_label.text() == known_head()
    from sqlalchemy.engine import make_url

    from ptdesk.db.engine import resolve_url, sqlite_path

    path = sqlite_path(resolve_url(db_url))
    expected = str(path) if path else make_url(resolve_url(db_url)).render_as_string(hide_password=True)
    assert about.location_label.text() == expected  # a server's URL never shows its password
    notices = about.notices.toPlainText()
    for name in ("PySide6", "SQLAlchemy", "reportlab", "DejaVu", "Noto Emoji", "Bitstream Vera"):
        assert name in notices


def test_licence_notices_carry_the_full_font_licence_texts(qapp) -> None:
    text = notices_html()
    assert "SIL OPEN FONT LICENSE" in text.upper()
    assert "Permission is hereby granted" in text  # DejaVu / Bitstream Vera


def test_about_before_the_database_is_open(qtbot) -> None:
    about = AboutDialog(None, None)
    qtbot.addWidget(about)
    assert about.location_label.text() == "not open yet"


def test_help_menu_opens_the_log_folder(window: MainWindow, monkeypatch, tmp_path: Path) -> None:
    opened: list[QUrl] = []
    monkeypatch.setenv("PTDESK_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    action = next(a for a in help_menu.actions() if a.objectName() == "openLogFolder")
    action.trigger()
    assert [url.toLocalFile() for url in opened] == [str(tmp_path / "logs")]
    assert (tmp_path / "logs").is_dir()


def test_crash_message_says_where_the_log_is(qapp, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PTDESK_LOG_DIR", str(tmp_path / "logs"))
    message = crash_guard.message_for(RuntimeError("Zoë"))
    assert str(tmp_path / "logs") in message and "Zoë" not in message


def test_appearance_applies_at_once_and_is_remembered_per_user(qtbot, settings: QSettings) -> None:
    dialog = AppearanceDialog(settings, "sam.lee")
    qtbot.addWidget(dialog)
    assert dialog.buttons["system"].isChecked()  # nothing chosen yet
    dialog.buttons["dark"].click()
    assert _window_lightness() < 128  # previewed straight away
    dialog.accept()
    assert appearance.saved_mode(settings, "sam.lee") == "dark"
    assert appearance.saved_mode(settings, "pat.morgan") == "dark"  # the computer's last choice
    appearance.save_mode(settings, "light", "pat.morgan")
    assert appearance.saved_mode(settings, "sam.lee") == "dark"
    assert appearance.saved_mode(settings, "pat.morgan") == "light"


def test_cancel_puts_the_saved_appearance_back(qtbot, settings: QSettings) -> None:
    appearance.save_mode(settings, "light", "sam.lee")
    appearance.apply("light")
    dialog = AppearanceDialog(settings, "sam.lee")
    qtbot.addWidget(dialog)
    dialog.buttons["dark"].click()
    assert _window_lightness() < 128
    dialog.reject()
    assert _window_lightness() > 128
    assert appearance.saved_mode(settings, "sam.lee") == "light"


def test_view_menu_opens_the_appearance_setting(window: MainWindow, monkeypatch) -> None:
    opened: list[AppearanceDialog] = []
    monkeypatch.setattr(AppearanceDialog, "exec", lambda self: opened.append(self) or 0)
    window.appearance_action.trigger()  # type: ignore[attr-defined]
    assert len(opened) == 1 and opened[0].user == ACTOR


def test_the_saved_appearance_applies_at_start(qtbot, tmp_path: Path) -> None:
    """app.run: the computer's last choice before sign-in."""
    from ptdesk.ui import app as ui_app

    path = tmp_path / "ui.ini"
    store = QSettings(str(path), QSettings.Format.IniFormat)
    appearance.save_mode(store, "dark")
    started = ui_app.launch(str(tmp_path / "c.db"))
    started.window.settings = store
    try:
        desktop_shell.window_shown(desktop_shell.Start(), started)
        assert _window_lightness() < 128
    finally:
        started.window.offer_backup_on_close = False
        started.loader.join()
        if started.sign_in is not None:
            started.sign_in.abort()
        started.window.close()
        started.finish()


def test_log_setup_happens_before_the_window(monkeypatch, tmp_path: Path, qtbot) -> None:
    monkeypatch.setenv("PTDESK_LOG_DIR", str(tmp_path / "logs"))
    start = desktop_shell.before_window(str(tmp_path / "c.db"))
    try:
        assert start.exit_code is None and start.instance is not None
        assert not QApplication.windowIcon().isNull()
        assert "starting" in (tmp_path / "logs" / app_log.LOG_FILE).read_text(encoding="utf-8")
    finally:
        desktop_shell.finish(start)


def test_the_real_window_has_the_icon_and_comes_to_the_front(qtbot, tmp_path: Path,
                                                              monkeypatch) -> None:
    """What app.run wires: the app icon on the main window, and a second start raising it."""
    from ptdesk.ui import app as ui_app

    monkeypatch.setenv("PTDESK_LOG_DIR", str(tmp_path / "logs"))
    db = str(tmp_path / "c.db")
    start = desktop_shell.before_window(db)
    started = ui_app.launch(db)
    try:
        desktop_shell.window_shown(start, started)
        assert not started.window.windowIcon().isNull()
        assert started.window.windowIcon().cacheKey() == QApplication.windowIcon().cacheKey()
        started.window.showMinimized()
        assert start.instance is not None
        # It listens from the event loop's first turn; a later start's real message raises it.
        qtbot.waitUntil(lambda: start.instance is not None and start.instance.server is not None)
        with qtbot.waitSignal(start.instance.activated, timeout=30_000):
            assert SingleInstance(start.instance.key)._send_activate()
        qtbot.waitUntil(lambda: not started.window.isMinimized())
        assert started.window.isVisible()
    finally:
        started.window.offer_backup_on_close = False
        started.loader.join()
        if started.sign_in is not None:
            started.sign_in.abort()
        started.window.close()
        started.finish()
        desktop_shell.finish(start)
