"""Shared fixtures for the widget tests: the signed-in context and private window settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from ptdesk.db.engine import SessionFactory
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR


@pytest.fixture
def ctx(session_factory: SessionFactory) -> AppContext:
    """A clinician signed in (files that need another role override this fixture)."""
    return AppContext(session_factory, ACTOR)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Window layout settings in the test's own folder."""
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the real user's window layout out of (and away from) the tests."""
    ini = str(tmp_path / "ui.ini")
    monkeypatch.setattr("ptdesk.ui.main_window.QSettings",
                        lambda: QSettings(ini, QSettings.Format.IniFormat))


@pytest.fixture(autouse=True)
def _hide_stray_windows() -> Iterator[None]:
    """Hide any window a test leaves shown, so the next test never finds it.

    A closed main window can still own a shown sign-in prompt until Python collects it,
    and a test that looks for "the visible prompt" would then pick up another test's.
    Hiding (not closing) emits no accepted/rejected, so nothing runs on behalf of the
    finished test.
    """
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if isinstance(app, QApplication):
        for widget in app.topLevelWidgets():
            if widget.isVisible():
                widget.hide()
