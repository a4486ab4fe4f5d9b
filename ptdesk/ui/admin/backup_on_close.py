"""The daily backup offered when the main window closes: the question, the busy state, the retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.backup.backups import backup, backup_folder, last_backup_at
from ptdesk.services.clinic import get_backup_settings
from ptdesk.services.errors import ServiceError
from ptdesk.services.permissions import can
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.palette import error_style

QUESTION = "Back up the clinic database before closing?"
BUSY_TEXT = "Backing up the clinic database… PT Desk closes when the copy is finished."
SLOW_TEXT = ("The backup is taking much longer than usual (is the backup folder on a slow or "
             "unreachable drive?). You can keep waiting, or close anyway: an unfinished copy "
             "is never kept as a backup.")
SAFE_TEXT = ("Your records are safe in the clinic database; only today's copy is missing. "
             "Try again, or close now and ask an administrator to check the backup folder.")


@dataclass(frozen=True)
class BackupOffer:
    """Why the offer is made: the newest backup (local time, None: never) and where copies go."""

    last: datetime | None
    folder: Path


def describe_last_backup(last: datetime | None, now: datetime) -> str:
    """ "Last backup: 3 days ago (18 Nov 2026 17:02)." in the clinic computer's local time."""
    if last is None:
        return "Last backup: none yet."
    local = last.astimezone(now.tzinfo)
    days = (now.date() - local.date()).days
    when = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
    return f"Last backup: {when} ({local.day} {local:%b %Y %H:%M})."


def backup_offer(ctx: AppContext, now: datetime | None = None) -> BackupOffer | None:
    """The offer to make on close, or None: not allowed, switched off, or done today."""
    sf = ctx.session_factory
    try:
        if not can(sf, ctx.actor, "daily_backup") or not get_backup_settings(sf).offer_on_close:
            return None
        folder = backup_folder(sf)
        last = last_backup_at(sf)
    except (ServiceError, OSError):
        # Closing must never fail over the offer (e.g. a clinic server without file backups).
        return None
    now = now or datetime.now().astimezone()
    local = last.astimezone(now.tzinfo) if last is not None else None
    if local is not None and local.date() == now.date():
        return None
    return BackupOffer(local, folder)


class BackupOnCloseDialog(QDialog):
    """Asks once; backs up off the UI thread; accept() means "close the window now".

    Rejecting (Esc, the title-bar button) keeps PT Desk open, except while the copy runs,
    when nothing can interrupt it; only a copy that runs far too long (a hung network
    drive) can be left behind with "Close anyway", so closing never hangs.
    """

    slow_after_ms = 45_000

    def __init__(self, ctx: AppContext, offer: BackupOffer, parent: QWidget | None = None,
                 now: datetime | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.offer = offer
        self.outcome = ""  # "backed_up", "skipped", "closed_after_error" once answered
        self.backup_path: Path | None = None
        self.failed = False
        self.running = False
        self.abandoned = False  # closed while a hung copy was still running
        self._slow_timer = QTimer(self)
        self._slow_timer.setSingleShot(True)
        self.setObjectName("backupOnCloseDialog")
        self.setWindowTitle("Daily backup")
        now = now or datetime.now().astimezone()
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_DriveHDIcon).pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.question_label = QLabel(QUESTION, self)
        bold = QFont(self.question_label.font())
        bold.setBold(True)
        self.question_label.setFont(bold)
        self.last_label = QLabel(describe_last_backup(offer.last, now), self)
        self.last_label.setObjectName("lastBackup")
        self.folder_label = QLabel(f"Backups are kept in {offer.folder}", self)
        self.folder_label.setObjectName("backupFolder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("backupProgress")
        self.progress.setAccessibleName("Backup progress")
        self.progress.setRange(0, 0)  # a copy has no useful percentage: just "busy"
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("backupStatus")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("backupError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(error_style(self))
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.back_up_button = QPushButton("&Back up and close", self)
        self.back_up_button.setObjectName("backUpAndClose")
        self.skip_button = QPushButton("Close &without backup", self)
        self.skip_button.setObjectName("closeWithoutBackup")
        for button in (self.back_up_button, self.skip_button):
            button.setAccessibleName(button.text().replace("&", ""))
        self.back_up_button.setDefault(True)
        self._build_layout(icon)
        self._connect_signals()
        self.back_up_button.setFocus()

    def _build_layout(self, icon: QLabel) -> None:
        text = QVBoxLayout()
        text.setSpacing(6)
        for widget in (self.question_label, self.last_label, self.folder_label, self.progress,
                       self.error_label, self.status_label):
            text.addWidget(widget)
        text.addStretch(1)  # a taller dialog (a long error) keeps the lines together
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(icon)
        top.addLayout(text, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.back_up_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addLayout(top)
        layout.addSpacing(10)
        layout.addLayout(buttons)
        width = self.fontMetrics().horizontalAdvance(BUSY_TEXT) + 120
        self.setMinimumWidth(min(max(width, 480), 640))

    def _connect_signals(self) -> None:
        self.back_up_button.clicked.connect(self._on_back_up_button_clicked)
        self.skip_button.clicked.connect(self._on_skip_button_clicked)
        self._slow_timer.timeout.connect(self._on_slow_timer_timeout)

    @property
    def busy(self) -> bool:
        return self.running

    def start_backup(self) -> None:
        """Copy the database on the thread pool; the dialog stays responsive meanwhile."""
        self._set_busy(True)
        self._slow_timer.start(self.slow_after_ms)
        sf, actor = self.ctx.session_factory, self.ctx.actor
        self.ctx.run_in_background(lambda: backup(sf, actor=actor, daily=True),
                                   self._on_backup_done, self._on_backup_failed)

    def _set_busy(self, busy: bool) -> None:
        self.running = busy
        if not busy:
            self._slow_timer.stop()
        self.back_up_button.setEnabled(not busy)
        self.skip_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.status_label.setText(BUSY_TEXT if busy else "")
        self.status_label.setVisible(busy)
        if busy:
            self.error_label.hide()

    def _on_backup_done(self, path: object) -> None:
        if self.abandoned:  # the window is gone; the copy finished on its own
            return
        self.backup_path = path if isinstance(path, Path) else None
        self.outcome = "backed_up"
        self._set_busy(False)
        self.accept()

    def _on_backup_failed(self, error: Exception) -> None:
        # ServiceError messages are written for the clinic; anything else is named only
        # by its type (no details that could carry record text).
        if self.abandoned:
            return
        reason = str(error) if isinstance(error, ServiceError) else \
            f"An unexpected error happened ({type(error).__name__})."
        self.failed = True
        self._set_busy(False)
        self.error_label.setText(f"The backup did not work. {reason}")
        self.error_label.show()
        self.status_label.setText(SAFE_TEXT)
        self.status_label.show()
        self.back_up_button.setText("&Try again")
        self.skip_button.setText("&Close anyway")
        for button in (self.back_up_button, self.skip_button):
            button.setAccessibleName(button.text().replace("&", ""))
        self.back_up_button.setFocus()
        QTimer.singleShot(0, self._fit_height)

    def _fit_height(self) -> None:
        # Wrapped lines: the height that fits the dialog's real width, not the size hint's.
        height = self.heightForWidth(self.width())
        if height > 0:
            self.resize(self.width(), height)

    def _on_back_up_button_clicked(self) -> None:
        if not self.busy:
            self.start_backup()

    def _on_skip_button_clicked(self) -> None:
        if self.busy:  # enabled while busy only once the copy is far too slow
            self.abandoned = True
            self.outcome = "closed_while_running"
        else:
            self.outcome = "closed_after_error" if self.failed else "skipped"
        self.accept()

    def _on_slow_timer_timeout(self) -> None:
        if not self.busy:
            return
        self.status_label.setText(SLOW_TEXT)
        self.skip_button.setText("&Close anyway")
        self.skip_button.setAccessibleName("Close anyway")
        self.skip_button.setEnabled(True)

    # ---- Qt overrides ---------------------------------------------------------------------

    def reject(self) -> None:
        if not self.busy:  # a running copy finishes first (or, if hung, see slow_after_ms)
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)


class BackupOnClose(QObject):
    """Lives on the main window: decides whether a close goes ahead or shows the offer first."""

    def __init__(self, window: QWidget, ctx: AppContext) -> None:
        super().__init__(window)
        self.setObjectName("backupOnClose")
        self.window = window
        self.ctx = ctx
        self.answered = False
        self.dialog: BackupOnCloseDialog | None = None

    def allow_close(self) -> bool:
        """True: close now. False: the offer is showing and closes the window once answered."""
        if self.answered:
            return True
        if self.dialog is not None:  # asked again while the offer is open
            self.dialog.raise_()
            self.dialog.activateWindow()
            return False
        offer = backup_offer(self.ctx)
        if offer is None:
            return True
        self.dialog = BackupOnCloseDialog(self.ctx, offer, self.window)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()  # window-modal, and never blocks the caller (or a test)
        return False

    def _on_dialog_finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted.value:
            self.answered = True
            QTimer.singleShot(0, self.window.close)


def allow_close(window: QWidget, ctx: AppContext) -> bool:
    """For MainWindow.closeEvent: whether the window may close now (see BackupOnClose)."""
    guard = window.findChild(BackupOnClose, "backupOnClose",
                             Qt.FindChildOption.FindDirectChildrenOnly)
    if guard is None:
        guard = BackupOnClose(window, ctx)
    return guard.allow_close()
