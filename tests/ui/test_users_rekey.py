"""Switching an account off on an encrypted clinic re-keys it off the UI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ptdesk.db.engine import database_key
from ptdesk.services import accounts
from ptdesk.services.keys import clinic_key
from ptdesk.ui import app as ui_app
from ptdesk.ui.admin.users_dialog import UsersDialog
from ptdesk.ui.context import AppContext
from tests.ui.test_admin_screens import _select, _users

ADMIN_PW = "lantern orchard velvet 42"
SAM_PW = "copper meadow whistle 17"


def test_switch_off_rekeys_in_the_background(qtbot: Any, tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    engine, sf = ui_app.open_database(str(db))
    try:
        accounts.setup_clinic(sf, clinic_name="Hill PT", admin_username="pat",
                              admin_display_name="Pat Morgan", password=ADMIN_PW)
        accounts.create_user(sf, actor="pat", username="sam", display_name="Sam Lee",
                             role="clinician", password=SAM_PW)
        holder = database_key(sf)
        assert holder is not None and holder.key is not None
        before = holder.key
        dialog = UsersDialog(AppContext(sf, "pat"))
        qtbot.addWidget(dialog)
        dialog.reload()
        _select(dialog, "sam")
        dialog.active_button.click()
        assert not dialog.active_button.isEnabled()  # working, the window still responds
        qtbot.waitUntil(lambda: _users(dialog)["sam"][3] == "Switched off", timeout=30_000)
        assert dialog.active_button.isEnabled() and not dialog.error.isVisible()
        assert holder.key != before  # re-keyed
    finally:
        engine.dispose()
    again = clinic_key.open_clinic(db)
    try:
        assert not clinic_key.key_works(again, before)
        assert not clinic_key.unlock(again, SAM_PW)
        assert clinic_key.unlock(again, ADMIN_PW)
    finally:
        again.dispose()
