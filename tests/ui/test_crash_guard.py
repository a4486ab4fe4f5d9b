"""An error nobody caught: the typed text is kept as a draft and the message names no PHI."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from ptdesk.services import drafts
from ptdesk.services.errors import PermissionDeniedError
from ptdesk.ui import crash_guard
from ptdesk.ui.chart.evaluation.draft_store import form_key
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from tests.factories import ACTOR, make_episode, make_patient


def _named(root: QWidget, name: str) -> Any:
    matches = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(matches) == 1, f"{len(matches)} widgets named {name!r}"
    return matches[0]


def _raised(error: BaseException) -> tuple[type[BaseException], BaseException, Any]:
    try:
        raise error
    except BaseException:
        info = sys.exc_info()
    assert info[0] is not None and info[1] is not None
    return info[0], info[1], info[2]


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: said.append(text))
    return said


def test_an_uncaught_error_keeps_the_typed_evaluation_as_a_draft(
        qtbot, session_factory, shown, capsys) -> None:
    from ptdesk.services.evaluations import create_visit

    patient = make_patient(session_factory, mrn="CG-1", first="Nora", last="Quist").id
    episode = make_episode(session_factory, patient)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 11, 2), visit_type="initial_evaluation")
    window = MainWindow(AppContext(session_factory, ACTOR))
    qtbot.addWidget(window)
    window.open_patient(patient)
    chart = window.chart
    assert chart is not None
    try:
        tab = chart.tab_titled("Evaluation")
        assert tab is not None
        chart.show_tab(tab)
        _named(tab, "Chief complaint").setText("Knee hurts after 5 km, Nora's secret")
        key = form_key(visit.id)
        assert drafts.get_draft(session_factory, actor=ACTOR, form_key=key) is None

        crash_guard.handle(window, *_raised(RuntimeError("Nora's secret leaked into a message")))

        draft = drafts.get_draft(session_factory, actor=ACTOR, form_key=key)
        assert draft is not None and "Nora's secret" in draft.payload
        assert len(shown) == 1 and "kept as a draft" in shown[0] and "RuntimeError" in shown[0]
        assert "Nora" not in shown[0]
        err = capsys.readouterr().err
        assert "RuntimeError" in err and "test_crash_guard.py:" in err and "Nora" not in err
    finally:
        chart.discard_changes()  # or closing the window would ask about them


def test_a_switched_off_account_is_told_what_happened(qtbot, shown) -> None:
    refusal = PermissionDeniedError("This account is switched off.")
    crash_guard.handle(None, *_raised(refusal))  # no window: only the one line
    assert shown == []
    window = QWidget()
    qtbot.addWidget(window)
    crash_guard.handle(window, *_raised(refusal))
    assert "switched off" in shown[0] and "sign in again" in shown[0]


def test_install_routes_uncaught_errors_and_leaves_ctrl_c_alone(monkeypatch, shown) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    seen: list[str] = []
    monkeypatch.setattr(crash_guard, "handle", lambda _w, t, _e, _tb: seen.append(t.__name__))
    monkeypatch.setattr(sys, "__excepthook__", lambda t, _e, _tb: seen.append("default"))
    crash_guard.install(lambda: None)
    sys.excepthook(*_raised(ValueError("x")))
    sys.excepthook(*_raised(KeyboardInterrupt()))
    assert seen == ["ValueError", "default"]
