"""Automatic lock: after the clinic's idle time every PT Desk window is covered until the password.

An application-wide event filter notices keyboard and mouse activity (restarting the
idle timer) and, while locked, swallows input meant for anything but the lock overlay,
including menu and action shortcuts. Widgets under the overlays are never reset or
destroyed, so unlocking resumes exactly where the clinician was.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QWidget

from ptdesk.services.accounts import WRONG, authenticate, get_account, record_lock
from ptdesk.services.clinic import get_settings
from ptdesk.services.errors import LoginRefusedError, ServiceError
from ptdesk.services.uow import SessionFactory
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.background import BackgroundCall
from ptdesk.ui.signin.lock_overlay import LockOverlay

_T = QEvent.Type
ACTIVITY = frozenset({_T.KeyPress, _T.MouseButtonPress, _T.MouseMove, _T.Wheel,
                      _T.TouchBegin, _T.TabletPress})
BLOCKED = frozenset({_T.KeyPress, _T.KeyRelease, _T.ShortcutOverride, _T.Shortcut,
                     _T.MouseButtonPress, _T.MouseButtonRelease, _T.MouseButtonDblClick,
                     _T.Wheel, _T.ContextMenu, _T.Drop, _T.TouchBegin, _T.TabletPress})
UNLOCK_FAILED = "PT Desk could not check the password. Try again."


def check_unlock(session_factory: SessionFactory, actor: str,
                 password: str) -> tuple[str, float] | None:
    """None when `actor`'s password is right, else the message and the wait before a retry."""
    try:
        authenticate(session_factory, actor, password, summary="unlocked the screen")
    except LoginRefusedError as exc:
        # There is no user name to get wrong here: only the password.
        return ("That password is not right." if str(exc) == WRONG else str(exc),
                exc.retry_after)
    except ServiceError as exc:
        return str(exc), 0.0
    return None


class LockController(QObject):
    """Locks `window` (and any other PT Desk window) after `idle_ms` without input."""

    locked = Signal()
    unlocked = Signal()
    switch_user_requested = Signal()  # the lock screen's Switch user (the window signs out)

    def __init__(self, ctx: AppContext, window: QWidget, *, idle_ms: int | None = None,
                 flush_drafts: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self._flush = flush_drafts  # the chart's: typed text is kept before the screen locks
        self.overlays: list[LockOverlay] = []
        self.overlay: LockOverlay | None = None  # the one with the password field
        self._focus: weakref.ref[QWidget] | None = None
        self._selection: tuple[int, int, int] | None = None
        self._is_locked = False
        account = get_account(ctx.session_factory, ctx.actor)
        self.who = account.display_name if account is not None else ctx.actor
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms if idle_ms is not None else self.clinic_idle_ms())
        self._check = BackgroundCall(self)
        self._connect_signals()
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer.start()

    def _connect_signals(self) -> None:
        self.timer.timeout.connect(self._on_timer_timeout)
        self._check.finished.connect(self._on_check_finished)

    def clinic_idle_ms(self) -> int:
        return get_settings(self.ctx.session_factory).lock_minutes * 60_000

    def set_idle_ms(self, idle_ms: int) -> None:
        """A new idle time (the administrator changed it), counted from now."""
        self.timer.setInterval(idle_ms)
        if not self._is_locked:
            self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self._is_locked

    # ---- locking ------------------------------------------------------------------------

    def lock(self, reason: str = "inactivity") -> None:
        if self._is_locked:
            return
        self._is_locked = True
        self.timer.stop()
        self._remember_focus()
        QToolTip.hideText()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()  # open menus and drop-downs: closing them loses nothing
        self._flush_drafts()
        front = QApplication.activeModalWidget() or self.window
        for top in [w for w in QApplication.topLevelWidgets() if w.isVisible()]:
            self._cover(top, interactive=top is front)
        if self.overlay is None:
            self._cover(self.window, interactive=True)
        # The lock itself must never fail; a database error shows up on unlock instead.
        with contextlib.suppress(ServiceError):
            record_lock(self.ctx.session_factory, actor=self.ctx.actor, reason=reason)
        self.locked.emit()

    def _cover(self, top: QWidget, *, interactive: bool) -> None:
        self.overlays = [o for o in self.overlays if _alive(o)]  # a covered dialog went away
        if any(o.parentWidget() is top for o in self.overlays):
            return
        overlay = LockOverlay(top, who=self.who, interactive=interactive)
        self.overlays.append(overlay)
        if interactive:
            self.overlay = overlay
            overlay.unlock_requested.connect(self.request_unlock)
            overlay.switch_requested.connect(self.switch_user_requested)
            overlay.destroyed.connect(self._on_overlay_destroyed)
        overlay.cover()

    def _on_overlay_destroyed(self) -> None:
        # The window carrying the password field went away (a dialog closed itself):
        # ask for the password in the main window instead.
        self.overlays = [o for o in self.overlays if _alive(o)]
        self.overlay = None
        if self._is_locked:
            for overlay in [o for o in self.overlays if o.parentWidget() is self.window]:
                self.overlays.remove(overlay)
                overlay.deleteLater()
            self._cover(self.window, interactive=True)

    def _flush_drafts(self) -> None:
        if self._flush is not None:
            # Typed text reaches the database even if nobody comes back; locking goes on
            # whatever a tab does.
            with contextlib.suppress(Exception):
                self._flush()

    def _remember_focus(self) -> None:
        widget = QApplication.focusWidget()
        self._focus = weakref.ref(widget) if widget is not None else None
        self._selection = None
        if isinstance(widget, QLineEdit):
            # Moving the focus away deselects a line edit's text; put it back afterwards.
            self._selection = (widget.cursorPosition(), widget.selectionStart(),
                               len(widget.selectedText()))

    # ---- unlocking ----------------------------------------------------------------------

    def unlock(self, password: str) -> bool:
        """True when the signed-in user's password is right; the windows are as they were.

        This checks on the calling thread (scripts, tests); the overlay's Unlock button
        goes through `request_unlock`, which keeps the UI thread free meanwhile.
        """
        if not self._is_locked:
            return True
        refusal = check_unlock(self.ctx.session_factory, self.ctx.actor, password)
        self._apply(refusal)
        return refusal is None

    def request_unlock(self, password: str) -> None:
        """Check the password on a worker thread (scrypt, ~0.3 s); `unlocked` follows if right."""
        if not self._is_locked or self._check.busy:
            return
        if self.overlay is not None:
            self.overlay.set_checking(True)
        sf, actor = self.ctx.session_factory, self.ctx.actor
        self._check.start(lambda: check_unlock(sf, actor, password))

    @property
    def checking(self) -> bool:
        return self._check.busy

    def _on_check_finished(self, refusal: Any, error: BaseException | None) -> None:
        if self.overlay is not None and _alive(self.overlay):
            self.overlay.set_checking(False)
        if not self._is_locked:
            return
        if error is not None:  # not a refusal: the database failed under the check
            self._refused(UNLOCK_FAILED, 0)
            return
        self._apply(refusal)

    def _apply(self, refusal: tuple[str, float] | None) -> None:
        if refusal is not None:
            self._refused(*refusal)
            return
        self._is_locked = False
        for overlay in self.overlays:
            if _alive(overlay):
                if overlay is self.overlay:
                    overlay.destroyed.disconnect(self._on_overlay_destroyed)
                overlay.hide()
                overlay.deleteLater()
        self.overlays, self.overlay = [], None
        self._restore_focus()
        self.timer.start()
        self.unlocked.emit()

    def _refused(self, message: str, retry_after: float) -> None:
        overlay = self.overlay
        if overlay is None:
            return
        overlay.show_error(message)
        if retry_after > 0:
            overlay.set_waiting(True)
            QTimer.singleShot(int(retry_after * 1000) + 100, Qt.TimerType.PreciseTimer,
                              lambda: _alive(overlay) and overlay.set_waiting(False))

    def _restore_focus(self) -> None:
        widget = self._focus() if self._focus is not None else None
        if widget is None or not _alive(widget):
            return
        widget.activateWindow()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit) and self._selection is not None:
            cursor, start, length = self._selection
            if length and start >= 0 and cursor == start:  # selected leftwards
                widget.setSelection(start + length, -length)
            elif length and start >= 0:
                widget.setSelection(start, length)
            else:
                widget.setCursorPosition(cursor)

    def release(self) -> None:
        """Stop for good (the user signed out): no timer, no filter, no overlays, unlocked."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._is_locked = False
        for overlay in self.overlays:
            if _alive(overlay):
                if overlay is self.overlay:
                    overlay.destroyed.disconnect(self._on_overlay_destroyed)
                overlay.hide()
                overlay.deleteLater()
        self.overlays, self.overlay = [], None

    # ---- events ---------------------------------------------------------------------------

    def _on_timer_timeout(self) -> None:
        self.lock("inactivity")

    def _inside_overlay(self, target: QWidget) -> bool:
        return any(_alive(o) and (o is target or o.isAncestorOf(target)) for o in self.overlays)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self._is_locked:
            if kind in ACTIVITY:
                self.timer.start()
            return False
        if isinstance(watched, QAction | QShortcut):
            return kind in BLOCKED  # shortcuts (Ctrl+S, Ctrl+P …) do nothing while locked
        if not isinstance(watched, QWidget):
            return False  # QWindow: it hands the event to a widget, filtered then
        if kind == _T.Close and watched.isWindow():
            event.ignore()  # nobody closes a locked chart; the clinician unlocks first
            return True
        if kind == _T.Show and watched.isWindow() and not isinstance(watched, LockOverlay):
            # A window that appears while locked (a finished print preview) is covered too.
            QTimer.singleShot(0, lambda w=watched: self._cover_late(w))
            return False
        if kind in BLOCKED:
            return not self._inside_overlay(watched)
        if kind == _T.FocusIn and not self._inside_overlay(watched) and self.overlay is not None \
                and self.overlay.password is not None and watched.window() is self.overlay.window():
            QTimer.singleShot(0, self._focus_password)
        return False

    def _cover_late(self, top: QWidget) -> None:
        if (self._is_locked and _alive(top) and top.isVisible()
                and top.windowType() != Qt.WindowType.ToolTip):
            self._cover(top, interactive=False)

    def _focus_password(self) -> None:
        if self._is_locked and self.overlay is not None and self.overlay.password is not None:
            self.overlay.password.setFocus(Qt.FocusReason.OtherFocusReason)


def _alive(obj: QObject) -> bool:
    """False once Qt has deleted the C++ object behind a Python wrapper."""
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True
