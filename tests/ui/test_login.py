"""Signing in: setup and login dialogs (errors beside the fields), and the automatic lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
)
from sqlalchemy import Engine, select

from ptdesk.db.engine import SessionFactory, make_session_factory
from ptdesk.db.models import AuditEntry
from ptdesk.services import accounts
from ptdesk.services.clinic import get_settings
from ptdesk.services.evaluations import list_visits, load_evaluation
from ptdesk.services.keys.opening import unlock_and_open
from ptdesk.services.uow import transaction
from ptdesk.ui import app as ui_app
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from ptdesk.ui.signin.lock_overlay import LockOverlay
from ptdesk.ui.signin.login_dialog import LoginDialog
from ptdesk.ui.signin.setup_dialog import SetupDialog
from tests.factories import ACTOR, PASSWORD, make_episode, make_patient, provision_accounts
from tests.ui.test_evaluation_tab import find

pytestmark = pytest.mark.usefixtures("private_settings")

SECRET = "Correct horse battery staple"


@pytest.fixture
def fresh(engine: Engine) -> SessionFactory:
    return make_session_factory(engine)


def _type(qtbot: Any, dialog: QDialog, name: str, text: str) -> QLineEdit:
    edit = find(dialog, name)
    assert isinstance(edit, QLineEdit)
    edit.clear()
    qtbot.keyClicks(edit, text)
    return edit


def _error(dialog: Any, key: str) -> str:
    return dialog.rows.error_text(key)


def _press(qtbot: Any, dialog: Any, button: Any) -> None:
    """Click, then wait for the answer from the worker thread (the password check)."""
    button.click()
    qtbot.waitUntil(lambda: not dialog.checking if isinstance(dialog, LoginDialog)
                    else not dialog.busy, timeout=10_000)


def _audit(sf: SessionFactory, action: str) -> list[AuditEntry]:
    with transaction(sf) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# ---- setup --------------------------------------------------------------------------------

def test_setup_dialog_shows_errors_beside_fields_and_keeps_what_was_typed(
    qtbot: Any, fresh: SessionFactory,
) -> None:
    dialog = SetupDialog(fresh)
    qtbot.addWidget(dialog)
    _type(qtbot, dialog, "Clinic name", "Hill Running PT")
    _type(qtbot, dialog, "Your full name", "Pat Morgan")
    _type(qtbot, dialog, "User name", "Pat Morgan")
    _type(qtbot, dialog, "Password", SECRET)
    _type(qtbot, dialog, "Password again", SECRET + "!")
    dialog.setup_button.click()
    assert "not the same" in _error(dialog, "password_again")
    assert _error(dialog, "username") == ""
    _type(qtbot, dialog, "Password again", SECRET)
    dialog.setup_button.click()
    assert not dialog.setup_button.isEnabled()  # checked on a worker thread meanwhile
    assert dialog.status_label.text() == "Setting up the clinic…"
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert "lowercase letters" in _error(dialog, "username")
    assert dialog.setup_button.isEnabled() and dialog.status_label.isHidden()
    assert _error(dialog, "password_again") == ""
    assert find(dialog, "User name").text() == "Pat Morgan"  # type: ignore[attr-defined]
    assert find(dialog, "Password").text() == SECRET  # type: ignore[attr-defined]
    _type(qtbot, dialog, "User name", "pat.morgan")
    _type(qtbot, dialog, "Password", "short one")
    _type(qtbot, dialog, "Password again", "short one")
    _press(qtbot, dialog, dialog.setup_button)
    assert "at least 10 characters" in _error(dialog, "password")
    assert accounts.needs_setup(fresh) and dialog.result() == 0
    _type(qtbot, dialog, "Password", SECRET)
    _type(qtbot, dialog, "Password again", SECRET)
    _press(qtbot, dialog, dialog.setup_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account is not None and dialog.account.role == "administrator"
    assert find(dialog, "Password").text() == ""  # type: ignore[attr-defined]
    assert not accounts.needs_setup(fresh)
    assert get_settings(fresh).name == "Hill Running PT"
    assert [e.actor for e in _audit(fresh, "login")] == ["pat.morgan"]


# ---- login --------------------------------------------------------------------------------

def test_login_dialog_errors_and_the_wait_after_failures(
    qtbot: Any, session_factory: SessionFactory,
) -> None:
    dialog = LoginDialog(session_factory, clinic_name="Hill Running PT")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.findChild(object, "clinicHeading").text() == "Hill Running PT"
    dialog.sign_in_button.click()
    assert _error(dialog, "username") == "Enter your user name."
    _type(qtbot, dialog, "User name", ACTOR)
    dialog.sign_in_button.click()
    assert _error(dialog, "username") == "" and _error(dialog, "password") == "Enter your password."
    for attempt in range(3):
        _type(qtbot, dialog, "Password", f"wrong guess {attempt}")
        qtbot.keyClick(find(dialog, "Password"), Qt.Key.Key_Return)
        # Checked on a worker thread: "Signing in…", the button off, the typed text kept.
        assert dialog.checking and not dialog.sign_in_button.isEnabled()
        assert dialog.status_label.text() == "Signing in…" and dialog.status_label.isVisible()
        assert find(dialog, "Password").text() == f"wrong guess {attempt}"  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
        assert _error(dialog, "password") == "The user name or password is not right."
        assert find(dialog, "Password").text() == ""  # type: ignore[attr-defined]
        assert find(dialog, "User name").text() == ACTOR  # type: ignore[attr-defined]
        assert not dialog.status_label.isVisible()
    # Third failure in a row: one second before the next try, shown and enforced.
    assert dialog.wait_label.isVisible() and "1 second" in dialog.wait_label.text()
    assert not dialog.sign_in_button.isEnabled()
    _type(qtbot, dialog, "Password", PASSWORD)
    dialog.submit()  # Enter during the wait does nothing either
    assert not dialog.checking
    qtbot.waitUntil(dialog.sign_in_button.isEnabled, timeout=3000)
    assert not dialog.wait_label.isVisible()
    _press(qtbot, dialog, dialog.sign_in_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account is not None and dialog.account.username == ACTOR
    assert find(dialog, "Password").text() == ""  # type: ignore[attr-defined]
    assert len(_audit(session_factory, "failed_login")) == 3
    assert len(_audit(session_factory, "login")) == 1


def test_app_shows_setup_first_and_no_patient_before_anyone_signs_in(
    qtbot: Any, tmp_path: Path,
) -> None:
    db = tmp_path / "new.db"
    engine, sf = ui_app.open_database(str(db))
    make_patient(sf, mrn="PT-1", first="Ana", last="Smith")
    engine.dispose()
    started = ui_app.launch(str(db))
    qtbot.addWidget(started.window)
    try:
        qtbot.waitUntil(lambda: isinstance(started.sign_in.dialog, SetupDialog), timeout=30_000)
        dialog = started.sign_in.dialog
        assert isinstance(dialog, SetupDialog) and dialog.isVisible()
        assert started.window.model is None  # the patient list stays empty until signed in
        for name, text in (("Clinic name", "Hill PT"), ("Your full name", "Pat Morgan"),
                           ("User name", "pat"), ("Password", SECRET),
                           ("Password again", SECRET)):
            _type(qtbot, dialog, name, text)
        with qtbot.waitSignal(started.loader.ready, timeout=10_000):
            dialog.setup_button.click()
        assert started.window.ctx is not None and started.window.ctx.actor == "pat"
        assert started.window.model is not None and started.window.model.rowCount() == 1
        assert started.window.account_menu is not None
        assert "Pat Morgan · Administrator" in started.window.account_menu.user_label.text()
        # The new (encrypted) clinic's recovery key is shown once, without blocking.
        notice = dialog.recovery_notice
        assert notice is not None and notice.isVisible()
        recovery_key = notice.key_edit.text()
        assert len(recovery_key.replace("-", "")) == 40
        assert "gone for good" in " ".join(w.text() for w in notice.findChildren(QLabel))
        notice.accept()
        assert notice.key_edit.text() == ""
    finally:
        started.window.close()
        started.finish()
    engine, sf = ui_app.open_database(str(db))
    assert unlock_and_open(sf, recovery_key)  # the key shown opens the clinic
    engine.dispose()
    # Setup re-keyed the new clinic: only the administrator's password opens it now.
    engine, sf = ui_app.open_database(str(db))
    assert sf is not None and not unlock_and_open(sf, "a wrong password")
    assert unlock_and_open(sf, SECRET)
    try:
        assert [e.actor for e in _audit(sf, "logout")] == ["pat"]
    finally:
        engine.dispose()


def test_app_asks_for_the_password_on_every_later_start(qtbot: Any, tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    engine, sf = ui_app.open_database(str(db))
    provision_accounts(sf)
    engine.dispose()
    started = ui_app.launch(str(db), credentials=(ACTOR, "not my password"))
    qtbot.addWidget(started.window)
    try:
        dialog = started.sign_in.dialog
        assert isinstance(dialog, LoginDialog) and dialog.isVisible()
        qtbot.waitUntil(lambda: bool(_error(dialog, "password")), timeout=30_000)
        assert "not right" in _error(dialog, "password")  # the refused pair is explained
        assert find(dialog, "User name").text() == ACTOR  # type: ignore[attr-defined]
        assert started.window.model is None
        _type(qtbot, dialog, "Password", PASSWORD)
        with qtbot.waitSignal(started.loader.ready, timeout=10_000):
            dialog.sign_in_button.click()
        assert started.window.ctx is not None and started.window.ctx.actor == ACTOR
    finally:
        started.window.close()
        started.finish()


# ---- the automatic lock ---------------------------------------------------------------------

@pytest.fixture
def charting(qtbot: Any, session_factory: SessionFactory, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> tuple[MainWindow, Any]:
    """A clinician halfway through typing a new evaluation (nothing saved yet)."""
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    patient = make_patient(session_factory).id
    make_episode(session_factory, patient)
    window = MainWindow(AppContext(session_factory, ACTOR),
                        QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.open_patient(patient)
    assert window.chart is not None
    visits_tab = window.chart.tab_titled("Visits")
    window.chart.show_tab(visits_tab)  # type: ignore[arg-type]
    visits_tab.new_buttons["initial_evaluation"].click()  # type: ignore[union-attr]
    evaluation = window.chart.evaluation_tab
    complaint = find(evaluation, "Chief complaint")
    assert isinstance(complaint, QLineEdit)
    qtbot.keyClicks(complaint, "Knee aches on stairs after long runs")
    complaint.setCursorPosition(10)
    soap = find(evaluation, "S — Subjective")
    assert isinstance(soap, QPlainTextEdit)
    soap.setPlainText("Reports 3/10 pain, worse downhill.")
    complaint.setFocus()
    qtbot.waitUntil(complaint.hasFocus)
    return window, evaluation


def test_inactivity_locks_and_unlocking_resumes_exactly_where_the_clinician_was(
    qtbot: Any, charting: tuple[MainWindow, Any], session_factory: SessionFactory,
) -> None:
    window, evaluation = charting
    complaint = find(evaluation, "Chief complaint")
    soap = find(evaluation, "S — Subjective")
    assert isinstance(complaint, QLineEdit) and isinstance(soap, QPlainTextEdit)
    assert window.account_menu is not None
    lock = window.account_menu.lock
    with qtbot.waitSignal(lock.locked, timeout=5000):
        lock.set_idle_ms(300)  # "10 minutes" shortened for the test
    overlay = lock.overlay
    assert isinstance(overlay, LockOverlay) and overlay.isVisible()
    assert overlay.geometry() == window.rect()  # the whole window is hidden under it
    assert overlay.password is not None and overlay.password.hasFocus()
    assert [e.actor for e in _audit(session_factory, "lock")] == [ACTOR]
    # Nothing gets through while locked: typing, shortcuts, the menus.
    qtbot.keyClicks(complaint, "XYZ")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.save_action.shortcut() == QKeySequence("Ctrl+S")
    assert complaint.text() == "Knee aches on stairs after long runs"
    [visit] = list_visits(session_factory, window.chart.patient_id,  # type: ignore[union-attr]
                          actor=ACTOR)
    assert load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)[1].subjective is None
    window.close()
    assert window.isVisible()  # a locked chart cannot be closed by someone else
    # A wrong password is refused next to the field; the right one unlocks.
    qtbot.keyClicks(overlay.password, "wrong password")
    qtbot.keyClick(overlay.password, Qt.Key.Key_Return)
    assert lock.checking and overlay.unlock_button is not None  # scrypt: off the UI thread
    assert not overlay.unlock_button.isEnabled() and overlay.unlock_button.text() == "Checking…"
    assert overlay.password.text() == ""  # never left lying in the widget
    qtbot.waitUntil(lambda: not lock.checking, timeout=10_000)
    assert lock.is_locked and "not right" in overlay.error_text()
    assert overlay.unlock_button.isEnabled()
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.keyClicks(overlay.password, PASSWORD)
        qtbot.keyClick(overlay.password, Qt.Key.Key_Return)
    assert not any(isinstance(w, LockOverlay) and w.isVisible()
                   for w in window.findChildren(LockOverlay))
    # Exactly as it was: the text, the cursor, the focus, the unsaved state.
    assert complaint.text() == "Knee aches on stairs after long runs"
    assert complaint.cursorPosition() == 10
    qtbot.waitUntil(complaint.hasFocus)
    assert soap.toPlainText() == "Reports 3/10 pain, worse downhill."
    assert evaluation.has_unsaved_changes()
    qtbot.keyClicks(complaint, "!")
    assert complaint.text() == "Knee aches! on stairs after long runs"
    assert [e.summary for e in _audit(session_factory, "login")] == ["unlocked the screen"]
    lock.set_idle_ms(600_000)


def test_lock_now_covers_dialogs_too(qtbot: Any, charting: tuple[MainWindow, Any]) -> None:
    window, _evaluation = charting
    assert window.account_menu is not None
    lock = window.account_menu.lock
    other = QDialog(window)
    other.setWindowTitle("Something open beside the chart")
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    window.activateWindow()
    window.account_menu.lock_action.trigger()
    assert lock.is_locked
    covered = {o.parentWidget() for o in lock.overlays}
    assert {window, other} <= covered
    late = QDialog(window)  # e.g. a print preview finishing while the clinician is away
    qtbot.addWidget(late)
    late.show()
    qtbot.waitUntil(lambda: late in {o.parentWidget() for o in lock.overlays}, timeout=2000)
    assert lock.overlay is not None and lock.overlay.parentWidget() is window
    assert lock.unlock(PASSWORD)
    assert not lock.overlays and other.isVisible() and late.isVisible()
    assert QApplication.activePopupWidget() is None


def test_lock_time_comes_from_the_clinic_setting(
    qtbot: Any, session_factory: SessionFactory, tmp_path: Path,
) -> None:
    from ptdesk.services.clinic import set_lock_minutes
    from tests.factories import ADMIN

    set_lock_minutes(session_factory, actor=ADMIN, minutes=3)
    window = MainWindow(AppContext(session_factory, ACTOR),
                        QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert window.account_menu is not None
    assert window.account_menu.lock.timer.interval() == 3 * 60_000
    assert window.account_menu.lock.timer.isActive()



def test_a_question_left_open_is_locked_too_with_the_password_in_it(
    qtbot: Any, charting: tuple[MainWindow, Any],
) -> None:
    window, _evaluation = charting
    assert window.account_menu is not None
    lock = window.account_menu.lock
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                      "This chart has changes that are not saved yet. Save them?",
                      buttons.Save | buttons.Cancel, window)
    qtbot.addWidget(box)
    box.open()
    qtbot.waitExposed(box)
    lock.lock()
    overlay = lock.overlay
    assert overlay is not None and overlay.parentWidget() is box
    assert window in {o.parentWidget() for o in lock.overlays}
    assert overlay.password is not None and overlay.password.isVisible()
    corner = overlay.password.mapTo(box, overlay.password.rect().bottomRight())
    assert box.rect().contains(corner)  # the compact form fits inside the small box
    qtbot.mouseClick(box.button(buttons.Save), Qt.MouseButton.LeftButton)
    assert box.isVisible() and box.clickedButton() is None  # nobody answers it meanwhile
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.keyClicks(overlay.password, PASSWORD)
        qtbot.keyClick(overlay.password, Qt.Key.Key_Return)
    assert box.isVisible() and not lock.overlays
    qtbot.mouseClick(box.button(buttons.Cancel), Qt.MouseButton.LeftButton)
    assert box.clickedButton() is box.button(buttons.Cancel)
