"""Polls the clinic database for what other workstations saved, off the UI thread."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from ptdesk.services.changes import (
    ChangeNote,
    ChangeReport,
    ChangeStamp,
    current_stamp,
    describe,
    poll_changes,
)
from ptdesk.services.errors import ServiceError
from ptdesk.ui.context import AppContext

DEFAULT_INTERVAL_MS = 5000


class ChangeWatcher(QObject):
    """Every few seconds asks whether the open patient or the patient list changed elsewhere.

    Polling (not LISTEN/NOTIFY) works the same on SQLite shared by two processes and on
    PostgreSQL. When nothing was written anywhere a poll is one primary-key lookup. This
    user's own writes from this workstation are skipped: the window that saved them shows
    them already.
    """

    # (patient id, kinds such as ("runlog",), one-line summary, tuple of ChangeNote)
    patient_changed = Signal(int, object, str, object)
    patients_list_changed = Signal()
    polled = Signal()  # after every finished poll, news or not (tests wait on it)

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *,
                 interval_ms: int = DEFAULT_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stamp: ChangeStamp | None = None
        self._patient_id: int | None = None
        self._floor = 0  # the open chart was loaded after this audit entry
        self._busy = False
        self._again = False  # poll_now() while a poll runs: one more right after it
        self._paused = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.timer.timeout.connect(self._on_timer_timeout)

    @property
    def stamp(self) -> ChangeStamp | None:
        return self._stamp

    @property
    def patient_id(self) -> int | None:
        return self._patient_id

    def start(self) -> None:
        """Take the current stamp as the starting point and poll on the timer."""
        self._stamp = self._read_stamp()
        self._paused = False
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def pause(self) -> None:
        """While the screen is locked nobody reads the chart: no polling."""
        self._paused = True
        self.timer.stop()

    def resume(self) -> None:
        """Unlocked: catch up at once, then poll on the timer again."""
        if not self._paused:
            return
        self._paused = False
        self.timer.start()
        self.poll_now()

    def set_patient(self, patient_id: int | None) -> None:
        """Watch another chart. Call before the chart loads it, so nothing falls in between.

        Changes written before this moment are already in what the chart loads, so the
        stamp restarts here.
        """
        if patient_id == self._patient_id:
            return
        self._patient_id = patient_id
        floor = self._read_stamp() or self._stamp
        self._floor = floor.last_id if floor is not None else 0

    def poll_now(self) -> None:
        """One poll now, in the background (tests and resume use this)."""
        if self._paused:
            return
        if self._busy:
            self._again = True
            return
        if self._stamp is None:
            self._stamp = self._read_stamp()
            return
        self._busy = True
        since, patient_id = self._stamp, self._patient_id
        sf, actor = self.ctx.session_factory, self.ctx.actor

        def work() -> ChangeReport:
            return poll_changes(sf, since, patient_id, actor=actor, ignore_actor=actor)

        self.ctx.run_in_background(
            work, lambda report: self._on_poll_done(report, since, patient_id),
            self._on_poll_failed)

    # ---- internals ----------------------------------------------------------------------

    def _read_stamp(self) -> ChangeStamp | None:
        try:
            return current_stamp(self.ctx.session_factory, actor=self.ctx.actor)
        except ServiceError:
            return None  # the database is busy: the next poll starts over

    def _on_timer_timeout(self) -> None:
        self.poll_now()

    def _on_poll_done(self, report: ChangeReport, since: ChangeStamp,
                      patient_id: int | None) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed while the poll ran
        self._busy = False
        if report.patients_list_changed:
            self.patients_list_changed.emit()
        if patient_id != self._patient_id:
            # The chart switched while this poll ran, so it looked at the old patient: ask
            # again from where the new chart was loaded (the list may be reported twice).
            self._stamp = ChangeStamp(max(since.last_id, self._floor))
            self._again = True
        else:
            self._stamp = report.stamp
            notes = tuple(n for n in report.notes if n.audit_id > self._floor)
            if notes and patient_id is not None:
                kinds = tuple(dict.fromkeys(n.kind for n in notes))
                self.patient_changed.emit(patient_id, kinds, describe(notes), notes)
        self.polled.emit()
        if self._again:
            self._again = False
            self.poll_now()

    def _on_poll_failed(self, _exc: Exception) -> None:
        # A busy or unreachable database: say nothing, the next tick tries again.
        if shiboken6.isValid(self):
            self._busy = False
            self._again = False
            self.polled.emit()


def watch_main_window(window: Any, ctx: AppContext) -> ChangeWatcher:
    """Wire a started watcher to the main window: chart, patient list and status bar."""
    interval = window.settings.value("changes/poll_ms", DEFAULT_INTERVAL_MS, type=int)
    watcher = ChangeWatcher(ctx, window, interval_ms=max(int(interval), 500))

    def on_patient_changed(patient_id: int, _kinds: object, _summary: str,
                           notes: tuple[ChangeNote, ...]) -> None:
        if window.chart is not None:
            window.chart.apply_remote_changes(patient_id, notes)

    def on_patients_list_changed() -> None:
        if window.model is None:
            return
        bar = window.patient_view.verticalScrollBar()
        position = bar.value()
        window.model.refresh()  # the window selects the open patient again (search_applied)
        bar.setValue(position)
        ctx.signals.status_message.emit("Patient list updated with changes from another "
                                        "workstation.")

    watcher.patient_changed.connect(on_patient_changed)
    watcher.patients_list_changed.connect(on_patients_list_changed)
    watcher.set_patient(window.chart.patient_id if window.chart is not None else None)
    watcher.start()
    return watcher
