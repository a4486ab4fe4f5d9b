"""What every widget gets: the session factory, the acting user, app-wide signals, a task runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from ptdesk.services.permissions import PERMISSIONS, permissions_of, role_of
from ptdesk.services.uow import SessionFactory
from ptdesk.ui.kit.background import run_job


class AppSignals(QObject):
    """App-level notifications; views refresh on these instead of polling each other."""

    patient_selected = Signal(int)      # patient id (0 = none)
    patient_changed = Signal(int)       # demographics saved
    data_changed = Signal(object, int)  # (ChangeKind, patient id; 0 = not one patient)
    status_message = Signal(str)        # one line for the status bar


@dataclass
class AppContext:
    session_factory: SessionFactory
    actor: str
    signals: AppSignals = field(default_factory=AppSignals)
    pool: QThreadPool = field(default_factory=QThreadPool.globalInstance)
    # What the signed-in user may do, read once: widgets ask on every build and repaint,
    # and a role does not change while the window is open (the services check every save).
    _permissions: frozenset[str] | None = field(default=None, repr=False)
    _role: str | None = field(default=None, repr=False)

    def can(self, permission: str) -> bool:
        """Whether the signed-in user may do `permission` (for greying out; services still check)."""
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")
        if self._permissions is None:
            self._permissions = permissions_of(self.session_factory, self.actor)
            self._role = role_of(self.session_factory, self.actor)
        return permission in self._permissions

    @property
    def role(self) -> str | None:
        """The signed-in user's role ("assistant", ...), None without an account."""
        self.can("view_chart")  # loads the cache
        return self._role

    def run_in_background(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Run `fn` on the thread pool; results come back on the UI thread (kit.background)."""
        run_job(self.pool, fn, on_done, on_error)

    def wait_for_background(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)
