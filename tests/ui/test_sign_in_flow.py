"""SignInFlow: once the window gives up on signing in, a late-opening database shows nothing."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QMainWindow

from ptdesk.db.engine import SessionFactory
from ptdesk.ui.signin.setup_dialog import SetupDialog
from ptdesk.ui.signin.sign_in import SignInFlow


def test_no_setup_dialog_appears_after_the_flow_was_aborted(
        qtbot: Any, session_factory: SessionFactory) -> None:
    # Seen as a stray window-modal setup dialog that later tests' lock overlay attached to:
    # the database finished opening (queued) after the window had closed and aborted.
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    flow = SignInFlow(window)
    flow.start()
    flow.abort()
    flow.database_opened(session_factory, setup_needed=True)
    assert flow.dialog is None
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, SetupDialog) and w.isVisible()]
