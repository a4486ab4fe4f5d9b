"""Administrator screens: Users dialog, audit-log viewer (and their models), role-based menus."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QInputDialog

from ptdesk.db.engine import SessionFactory
from ptdesk.services import accounts
from ptdesk.services.audit.log import AuditRow
from ptdesk.services.clinic import get_settings
from ptdesk.services.patients import get_patient
from ptdesk.ui.admin.add_user_dialog import AddUserDialog
from ptdesk.ui.admin.audit_model import AuditModel
from ptdesk.ui.admin.audit_viewer import AuditViewer
from ptdesk.ui.admin.password_dialog import PasswordDialog
from ptdesk.ui.admin.users_dialog import UsersDialog
from ptdesk.ui.admin.users_model import UsersModel
from ptdesk.ui.context import AppContext
from ptdesk.ui.main_window import MainWindow
from tests.factories import ACTOR, ADMIN, ASSISTANT, COLLEAGUE, make_patient
from tests.ui.test_login import _type


@pytest.fixture
def admin(session_factory: SessionFactory) -> AppContext:
    return AppContext(session_factory, ADMIN)


def _users(dialog: UsersDialog) -> dict[str, list[str]]:
    model = dialog.model
    return {model.data(model.index(r, 0)): [model.data(model.index(r, c)) for c in range(5)]
            for r in range(model.rowCount())}


def _select(dialog: UsersDialog, username: str) -> None:
    row = dialog.model.row_of(username)
    assert row is not None
    dialog.view.selectRow(row)


def test_users_model_passes_the_model_tester(qtmodeltester: Any,
                                             session_factory: SessionFactory) -> None:
    model = UsersModel()
    model.set_accounts(accounts.list_users(session_factory, actor=ADMIN))
    assert model.rowCount() == 4
    qtmodeltester.check(model)


def test_audit_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = AuditModel()
    at = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)
    model.set_rows([AuditRow(i, at + timedelta(minutes=i), "sam", "desk-1", action, mrn,
                             "visit", i or None, "saved evaluation: knee")
                    for i, (action, mrn) in enumerate([("view", "P-1"), ("failed_login", ""),
                                                       ("sign", "P-2")])])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 3)) == "Failed sign-in"
    assert model.data(model.index(0, 5)) == "visit"  # no record id
    assert model.data(model.index(2, 5)) == "visit 2"
    assert model.data(model.index(2, 4)) == "P-2" and model.entry(3) is None


def test_users_dialog_adds_switches_off_and_resets(
    qtbot: Any, admin: AppContext, monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = UsersDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = _users(dialog)
    assert set(rows) == {ACTOR, ASSISTANT, ADMIN, COLLEAGUE}
    assert rows[ADMIN][2] == "Administrator" and rows[ASSISTANT][3] == "Active"

    def add(user_dialog: AddUserDialog) -> int:
        for name, text in (("Full name", "Sam Lee"), ("Credentials", "PT, DPT"),
                           ("User name", "sam.lee"), ("First password", "river path at dawn"),
                           ("Password again", "river path at dawn")):
            _type(qtbot, user_dialog, name, text)
        user_dialog.role.setCurrentIndex(user_dialog.role.findData("assistant"))
        user_dialog.buttons.accepted.emit()
        return user_dialog.result()

    monkeypatch.setattr(AddUserDialog, "exec", add)
    dialog.add_button.click()
    assert _users(dialog)["sam.lee"][1:4] == ["Sam Lee, PT, DPT", "Assistant", "Active"]
    assert dialog.selected() is not None and dialog.selected().username == "sam.lee"
    dialog.active_button.click()
    assert _users(dialog)["sam.lee"][3] == "Switched off"
    assert dialog.active_button.text().replace("&", "") == "Switch on"
    _select(dialog, ADMIN)
    dialog.active_button.click()
    assert dialog.error.isVisible() and "your own account" in dialog.error.text()
    _select(dialog, ASSISTANT)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Clinician", True))
    dialog.role_button.click()
    assert _users(dialog)[ASSISTANT][2] == "Clinician"

    def reset(password_dialog: PasswordDialog) -> int:
        _type(qtbot, password_dialog, "New password", "a new long secret")
        _type(qtbot, password_dialog, "New password again", "a new long secret")
        password_dialog.buttons.accepted.emit()
        return password_dialog.result()

    monkeypatch.setattr(PasswordDialog, "exec", reset)
    dialog.password_button.click()
    assert accounts.authenticate(admin.session_factory, ASSISTANT, "a new long secret")


def test_add_user_errors_stay_next_to_their_field(qtbot: Any, admin: AppContext) -> None:
    dialog = AddUserDialog(admin)
    qtbot.addWidget(dialog)
    _type(qtbot, dialog, "Full name", "Kim Park")
    _type(qtbot, dialog, "User name", ACTOR)
    _type(qtbot, dialog, "First password", "a long enough one")
    _type(qtbot, dialog, "Password again", "a long enough one")
    dialog.buttons.accepted.emit()
    assert "already taken" in dialog.rows.error_text("username")
    assert dialog.line("display_name").text() == "Kim Park"
    _type(qtbot, dialog, "User name", "kim.park")
    _type(qtbot, dialog, "First password", "tiny")
    _type(qtbot, dialog, "Password again", "tiny")
    dialog.buttons.accepted.emit()
    assert "at least 10" in dialog.rows.error_text("password")
    assert dialog.rows.error_text("username") == "" and dialog.result() == 0


def test_lock_time_is_set_in_the_users_dialog(qtbot: Any, admin: AppContext) -> None:
    dialog = UsersDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.lock_spin.value() == 10
    dialog.lock_spin.setValue(4)
    with qtbot.waitSignal(dialog.lock_minutes_changed) as changed:
        dialog.lock_button.click()
    assert changed.args == [4]
    assert get_settings(admin.session_factory).lock_minutes == 4


def test_audit_viewer_filters_by_patient_user_and_date(
    qtbot: Any, qtmodeltester: Any, admin: AppContext, session_factory: SessionFactory,
) -> None:
    ana = make_patient(session_factory, mrn="P-1", first="Ana", last="Lee")
    make_patient(session_factory, mrn="P-2", first="Bo", last="Moss")
    get_patient(session_factory, actor=ASSISTANT, patient_id=ana.id)
    viewer = AuditViewer(admin, today=date.today())
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: viewer.model.rowCount() > 0, timeout=10_000)
    qtmodeltester.check(viewer.model)
    everything = viewer.model.rowCount()
    assert everything >= 3
    _type(qtbot, viewer, "Patient MRN", "p-1")
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.show_button.click()
    rows = [viewer.model.entry(r) for r in range(viewer.model.rowCount())]
    assert {(r.action, r.actor, r.patient_mrn) for r in rows} == {
        ("create", ACTOR, "P-1"), ("view", ASSISTANT, "P-1")}
    _type(qtbot, viewer, "User", ASSISTANT)
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.show_button.click()
    assert viewer.model.rowCount() == 1 and viewer.count_label.text() == "1 entry"
    viewer.from_check.setChecked(True)
    viewer.from_date.setDate(viewer.from_date.date().currentDate().addDays(1))
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.show_button.click()
    assert viewer.model.rowCount() == 0  # nothing happened tomorrow
    _type(qtbot, viewer, "Patient MRN", "NOPE-9")
    with qtbot.waitSignal(viewer.failed, timeout=10_000):
        viewer.show_button.click()
    assert viewer.mrn_error.isVisible() and "NOPE-9" in viewer.mrn_error.text()
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.clear_button.click()
    assert viewer.model.rowCount() > everything  # reading the log is itself audited


def test_a_clinician_cannot_open_the_audit_viewer(qtbot: Any,
                                                  session_factory: SessionFactory) -> None:
    viewer = AuditViewer(AppContext(session_factory, ACTOR))
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(viewer.error.isVisible, timeout=10_000)
    assert viewer.error.text() == "A clinician cannot see the audit log."
    assert viewer.model.rowCount() == 0


@pytest.mark.parametrize(("actor", "visible", "hidden"), [
    (ADMIN, {"manageUsers", "auditLog", "clinicSettings", "lockNow"},
     {"newPatient", "editPatient"}),
    (ACTOR, {"newPatient", "editPatient", "lockNow", "changePassword"},
     {"manageUsers", "auditLog", "clinicSettings"}),
    (ASSISTANT, {"lockNow", "changePassword"},
     {"manageUsers", "auditLog", "clinicSettings", "newPatient", "editPatient"}),
])
def test_menus_follow_the_role(qtbot: Any, session_factory: SessionFactory, tmp_path: Path,
                               actor: str, visible: set[str], hidden: set[str]) -> None:
    window = MainWindow(AppContext(session_factory, actor),
                        QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    actions = {a.objectName(): a for a in window.findChildren(QAction)}
    file_menu = window.menuBar().actions()[0].menu()
    assert {"manageUsers", "auditLog", "lockNow"} <= {a.objectName() for a in file_menu.actions()}
    assert all(actions[name].isVisible() for name in visible)
    assert not any(actions[name].isVisible() for name in hidden)
    assert window.account_menu is not None
    assert window.account_menu.user_label.text().startswith("Signed in: ")


def test_change_my_password(qtbot: Any, session_factory: SessionFactory) -> None:
    dialog = PasswordDialog(AppContext(session_factory, ASSISTANT), ASSISTANT)
    qtbot.addWidget(dialog)
    _type(qtbot, dialog, "Current password", "not the one")
    _type(qtbot, dialog, "New password", "a new long secret")
    _type(qtbot, dialog, "New password again", "a new long secret")
    dialog.buttons.accepted.emit()
    assert "current password is not right" in dialog.rows.error_text("current_password")
    from tests.factories import PASSWORD

    _type(qtbot, dialog, "Current password", PASSWORD)
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert accounts.authenticate(session_factory, ASSISTANT, "a new long secret")
