"""The status bar says when clinic mode's connection is not fully protected (issue 22)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from tests.factories import ACTOR

SERVER = "postgresql+psycopg://ptdesk@dbserver.clinic.lan/ptdesk"


@pytest.mark.parametrize(("query", "shown"), [
    ("?sslmode=require", "Clinic server: server identity not verified"),
    ("?sslmode=disable", "Clinic server: not encrypted"),
    ("?sslmode=prefer", "Clinic server: not encrypted"),
    ("", None),  # verify-full by default: nothing to warn about
])
def test_status_bar_names_a_weaker_sslmode(qtbot, settings: QSettings, query: str,
                                           shown: str | None) -> None:
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    engine = make_engine(SERVER + query)  # never connects: only its URL is read
    window._show_transport(AppContext(make_session_factory(engine), ACTOR))
    label = window.transport_label
    assert (label.text() if label is not None else None) == shown
    if label is not None:
        assert label.parent() is window.statusBar() or window.statusBar().isAncestorOf(label)
    engine.dispose()
