"""An administrator who signs in to a plaintext clinic file is offered encryption; nobody else."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ptdesk.db.engine import make_engine, make_session_factory, prepare_sqlite_file
from ptdesk.ui import app as ui_app
from tests.factories import ACTOR, ADMIN, PASSWORD, provision_accounts


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
            box.accept()
        else:
            assert box is None
    finally:
        started.window.close()
        started.finish()
