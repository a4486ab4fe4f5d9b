"""Shared workstations (issue 18, item 5): Sign out and Switch user without quitting.

Wrong before: after the administrator added a clinician the only way to sign in as them
was to quit, and the lock screen took only the locked user's password.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from ptdesk.db.engine import SessionFactory
from ptdesk.services import drafts
from ptdesk.services.accounts import create_user
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from ptdesk.ui.signin.lock_overlay import LockOverlay
from ptdesk.ui.signin.login_dialog import LoginDialog
from tests.factories import ACTOR, ADMIN, COLLEAGUE, PASSWORD, make_episode, make_patient
from tests.ui.test_evaluation_tab import find

TYPED = "Knee aches on stairs after long runs"


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every "Restore unsaved changes?" question asked, answered Yes."""
    asked: list[str] = []

    def answer(_parent: object, title: str, *_a: object, **_k: object) -> Any:
        asked.append(title)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


def _window(qtbot: Any, session_factory: SessionFactory, tmp_path: Path,
            actor: str) -> MainWindow:
    window = MainWindow(AppContext(session_factory, actor),
                        QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def _sign_in(qtbot: Any, window: MainWindow, username: str, password: str = PASSWORD) -> None:
    # This window's prompt: a window an earlier test closed may still own a shown one.
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, LoginDialog) and w.isVisible() and w.parent() is window)
    dialog.username.setText(username)
    qtbot.keyClicks(dialog.password, password)
    dialog.submit()
    qtbot.waitUntil(lambda: window.ctx is not None and window.ctx.actor == username,
                    timeout=15_000)


def _complaint(window: MainWindow) -> QLineEdit:
    assert window.chart is not None
    edit = find(window.chart.evaluation_tab, "Chief complaint")
    assert isinstance(edit, QLineEdit)
    return edit


def test_lock_screen_switch_user_keeps_drafts_for_their_author_only(
        qtbot: Any, session_factory: SessionFactory, tmp_path: Path,
        questions: list[str]) -> None:
    patient = make_patient(session_factory).id
    make_episode(session_factory, patient)
    window = _window(qtbot, session_factory, tmp_path, ACTOR)
    window.open_patient(patient)
    assert window.chart is not None
    visits = window.chart.tab_titled("Visits")
    window.chart.show_tab(visits)  # type: ignore[arg-type]
    visits.new_buttons["initial_evaluation"].click()  # type: ignore[union-attr]
    qtbot.keyClicks(_complaint(window), TYPED)  # typed, never saved

    assert window.account_menu is not None
    lock = window.account_menu.lock
    lock.lock("locked by the user")
    overlay = lock.overlay
    assert isinstance(overlay, LockOverlay) and overlay.switch_button is not None
    overlay.switch_button.click()  # a colleague takes over the workstation
    qtbot.waitUntil(lambda: window.ctx is None, timeout=5000)
    assert not [o for o in window.findChildren(LockOverlay) if o.isVisible()]
    assert drafts.list_drafts(session_factory, actor=ACTOR)  # kept for the first user
    _sign_in(qtbot, window, COLLEAGUE)

    # The colleague never sees the first user's drafts: no offer, an empty field.
    assert drafts.list_drafts(session_factory, actor=COLLEAGUE) == []
    window.open_patient(patient)
    assert window.chart is not None
    window.chart.show_tab(window.chart.evaluation_tab)
    assert _complaint(window).text() == ""
    assert questions == []

    # Back to the first user (File › Switch user): their work is offered back.
    window.account_menu.switch_action.trigger()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.ctx is None, timeout=5000)
    _sign_in(qtbot, window, ACTOR)
    window.open_patient(patient)
    assert window.chart is not None
    window.chart.show_tab(window.chart.evaluation_tab)
    qtbot.waitUntil(lambda: _complaint(window).text() == TYPED, timeout=5000)
    assert questions  # "Restore unsaved changes?" was asked of this user only


def test_sign_out_then_sign_in_as_a_clinician_just_added(
        qtbot: Any, session_factory: SessionFactory, tmp_path: Path,
        questions: list[str]) -> None:
    window = _window(qtbot, session_factory, tmp_path, ADMIN)
    create_user(session_factory, actor=ADMIN, username="new.clinician",
                display_name="Noor New", role="clinician", password="noor-password-123")
    assert window.account_menu is not None
    window.account_menu.sign_out_action.trigger()  # File › Sign out
    qtbot.waitUntil(lambda: window.ctx is None, timeout=5000)
    assert window.chart is None and window.isVisible()  # no quitting
    _sign_in(qtbot, window, "new.clinician", "noor-password-123")
    assert window.account_menu is not None
    assert "Noor New" in window.account_menu.user_label.text()
    assert window.account_menu.users_action.isVisible() is False  # a clinician's menus
    file_items = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert file_items.count("Sign &out") == 1  # the old user's items are gone


def _answer_sign_out_question(monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


def test_sign_out_asks_to_save_or_keep_unsaved_work(
        qtbot: Any, session_factory: SessionFactory, tmp_path: Path,
        questions: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    patient = make_patient(session_factory).id
    make_episode(session_factory, patient)
    window = _window(qtbot, session_factory, tmp_path, ACTOR)
    window.open_patient(patient)
    assert window.chart is not None and window.account_menu is not None
    visits = window.chart.tab_titled("Visits")
    window.chart.show_tab(visits)  # type: ignore[arg-type]
    visits.new_buttons["initial_evaluation"].click()  # type: ignore[union-attr]
    qtbot.keyClicks(_complaint(window), TYPED)
    asked = _answer_sign_out_question(monkeypatch, "Cancel")
    window.account_menu.sign_out_action.trigger()
    assert asked and window.ctx is not None and _complaint(window).text() == TYPED  # nothing lost
    asked = _answer_sign_out_question(monkeypatch, "Keep as draft")
    window.account_menu.sign_out_action.trigger()
    qtbot.waitUntil(lambda: window.ctx is None, timeout=5000)
    [draft] = [d for d in drafts.list_drafts(session_factory, actor=ACTOR)
               if TYPED in d.payload]
    assert draft.patient_id == patient
