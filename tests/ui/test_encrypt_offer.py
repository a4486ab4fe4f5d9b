"""An administrator who signs in to a plaintext clinic file is offered encryption, and can
encrypt it from there; nobody else is offered it.

Wrong before: the offer only said to close PT Desk and run `ptdesk encrypt` in a terminal.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from ptdesk.db.engine import make_engine, make_session_factory, prepare_sqlite_file
from ptdesk.services.keys.clinic_key import (
    is_encrypted,
    open_clinic,
    unlock,
    unlock_with_recovery_key,
)
from ptdesk.ui import app as ui_app
from ptdesk.ui.signin.encrypt_offer import DONE, EncryptOffer
from tests.factories import ACTOR, ADMIN, PASSWORD, make_patient, provision_accounts


def _plain_clinic(sqlite_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "plain.db"
    prepare_sqlite_file(db)
    shutil.copyfile(sqlite_template, db)
    engine = make_engine(db)
    provision_accounts(make_session_factory(engine))
    engine.dispose()
    return db


def _encrypted_clinic(tmp_path: Path) -> Path:
    db = tmp_path / "new.db"
    engine, sf = ui_app.open_database(str(db))
    provision_accounts(sf)
    engine.dispose()
    return db


@pytest.mark.parametrize(("kind", "user", "offered"), [
    ("plain", ADMIN, True), ("plain", ACTOR, False), ("encrypted", ADMIN, False)])
def test_encryption_is_offered_to_an_administrator_of_a_plaintext_file(
        qtbot: Any, tmp_path: Path, sqlite_template: Path, kind: str, user: str,
        offered: bool) -> None:
    db = _plain_clinic(sqlite_template, tmp_path) if kind == "plain" else \
        _encrypted_clinic(tmp_path)
    started = ui_app.launch(str(db), credentials=(user, PASSWORD))
    qtbot.addWidget(started.window)
    try:
        with qtbot.waitSignal(started.loader.ready, timeout=30_000):
            pass
        box = started.encrypt_offer
        if offered:
            assert box is not None and box.isVisible()
            assert "ptdesk encrypt" in box.text() and "not encrypted" in box.text()
            assert started.window.ctx is not None  # the window works meanwhile
            qtbot.waitUntil(lambda: QApplication.focusWidget() is box.password)
            box.reject()
        else:
            assert box is None
    finally:
        started.window.close()
        started.finish()


HOLD_WRITE_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.readline()
connection.rollback()
"""


def _launch_plain(qtbot: Any, sqlite_template: Path, tmp_path: Path) -> tuple[Path, Any]:
    db = _plain_clinic(sqlite_template, tmp_path)
    engine = make_engine(db)
    make_patient(make_session_factory(engine), mrn="ENC-1", first="Wilhelmina",
                 last="Quarrington", phone="555-0199")
    engine.dispose()
    started = ui_app.launch(str(db), credentials=(ADMIN, PASSWORD))
    qtbot.addWidget(started.window)
    with qtbot.waitSignal(started.loader.ready, timeout=30_000):
        pass
    assert started.encrypt_offer is not None
    qtbot.waitUntil(lambda: started.window.model is not None
                    and started.window.model.rowCount() == 1, timeout=15_000)
    return db, started


def _encrypt_now(qtbot: Any, offer: EncryptOffer, password: str) -> None:
    offer.password.setText(password)
    qtbot.mouseClick(offer.encrypt_button, Qt.MouseButton.LeftButton)


def test_encrypt_now_encrypts_the_clinic_and_the_window_keeps_working(
        qtbot: Any, tmp_path: Path, sqlite_template: Path) -> None:
    db, started = _launch_plain(qtbot, sqlite_template, tmp_path)
    window, offer = started.window, started.encrypt_offer
    try:
        old_sf = window.ctx.session_factory
        _encrypt_now(qtbot, offer, PASSWORD)
        qtbot.waitUntil(lambda: not offer.busy and window.ctx is not None, timeout=60_000)
        assert not offer.isVisible()  # done: the offer closed itself
        assert window.ctx.session_factory is not old_sf and window.ctx.actor == ADMIN
        assert is_encrypted(window.ctx.session_factory)
        # The new recovery key is shown once, and it opens the clinic.
        notice = offer.recovery_notice
        assert notice is not None and notice.isVisible()
        recovery_key = notice.key_edit.text()
        # The patient list works on the encrypted clinic.
        qtbot.waitUntil(lambda: window.model is not None and window.model.rowCount() == 1,
                        timeout=15_000)
        assert DONE in window.statusBar().currentMessage()
        notice.accept()
    finally:
        window.close()
        started.finish()
    raw = db.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for secret in (b"Quarrington", b"ENC-1", b"555-0199"):
        assert secret not in raw
    assert not any(p.name.endswith((".plain-old", "-old")) for p in db.parent.iterdir()
                   if p.name.startswith(db.name) and p.name != db.name + ".keys")
    for unlock_with in ((lambda e: unlock(e, PASSWORD)),
                        (lambda e: unlock_with_recovery_key(e, recovery_key))):
        engine = open_clinic(db)
        try:
            assert unlock_with(engine)
            with engine.connect() as connection:
                summaries = connection.execute(text("SELECT summary FROM audit_log")).scalars()
                assert "database encrypted (ptdesk encrypt)" in list(summaries)
        finally:
            engine.dispose()


def test_a_wrong_password_is_answered_beside_the_field_and_nothing_changes(
        qtbot: Any, tmp_path: Path, sqlite_template: Path) -> None:
    db, started = _launch_plain(qtbot, sqlite_template, tmp_path)
    window, offer = started.window, started.encrypt_offer
    try:
        ctx = window.ctx
        _encrypt_now(qtbot, offer, "not-the-password")
        qtbot.waitUntil(lambda: not offer.busy, timeout=30_000)
        assert offer.isVisible() and "not right" in offer.rows.error_text("password")
        assert window.ctx is ctx  # the chart was never closed
        assert db.read_bytes().startswith(b"SQLite format 3")
        offer.reject()
    finally:
        window.close()
        started.finish()


def test_a_clinic_open_elsewhere_is_left_plaintext_and_the_window_comes_back(
        qtbot: Any, tmp_path: Path, sqlite_template: Path) -> None:
    db, started = _launch_plain(qtbot, sqlite_template, tmp_path)
    window, offer = started.window, started.encrypt_offer
    # Another workstation in the middle of a write: another process, because file locks
    # taken in this process would not stop this process.
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(db)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    assert other.stdout is not None and other.stdout.readline().strip() == "holding"
    try:
        _encrypt_now(qtbot, offer, PASSWORD)
        qtbot.waitUntil(lambda: not offer.busy, timeout=60_000)
        assert offer.isVisible() and "close it everywhere" in offer.status_label.text()
        assert "was not changed" in offer.status_label.text()
        other.communicate("done\n", timeout=30)  # the other workstation lets go
        qtbot.waitUntil(lambda: window.model is not None and window.model.rowCount() == 1,
                        timeout=15_000)
        assert not is_encrypted(window.ctx.session_factory)
        assert db.read_bytes().startswith(b"SQLite format 3")
        offer.reject()
    finally:
        if other.poll() is None:
            other.kill()
        window.close()
        started.finish()
