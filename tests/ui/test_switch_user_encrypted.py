"""Sign out on an encrypted clinic puts its key away; the next sign-in unlocks it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ptdesk.db.engine import database_key
from ptdesk.services import accounts
from ptdesk.services.keys.clinic_key import is_locked
from ptdesk.ui import app as ui_app
from tests.ui.test_switch_user import _sign_in, _window, questions  # noqa: F401 (a fixture)

ADMIN_PW = "lantern orchard velvet 42"
SAM_PW = "copper meadow whistle 17"


@pytest.mark.usefixtures("questions")
def test_sign_out_locks_the_key_and_the_next_password_unlocks_it(qtbot: Any,
                                                                 tmp_path: Path) -> None:
    engine, sf = ui_app.open_database(str(tmp_path / "clinic.db"))
    try:
        accounts.setup_clinic(sf, clinic_name="Hill PT", admin_username="pat",
                              admin_display_name="Pat Morgan", password=ADMIN_PW)
        accounts.create_user(sf, actor="pat", username="sam", display_name="Sam Lee",
                             role="clinician", password=SAM_PW)
        window = _window(qtbot, sf, tmp_path, "pat")
        assert window.account_menu is not None
        window.account_menu.sign_out_action.trigger()
        qtbot.waitUntil(lambda: window.ctx is None, timeout=5000)
        holder = database_key(sf)
        assert is_locked(sf) and holder is not None and holder.key is None
        _sign_in(qtbot, window, "sam", SAM_PW)
        assert not is_locked(sf) and window.ctx is not None and window.ctx.actor == "sam"
    finally:
        engine.dispose()
