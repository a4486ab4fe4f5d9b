"""Brings an open chart up to date with another workstation's saves, never over unsaved edits."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractScrollArea, QStyle, QWidget

from ptdesk.services.changes import ChangeKind, ChangeNote, describe
from ptdesk.services.errors import ServiceError
from ptdesk.ui.chart.change_banner import ChangeBanner

if TYPE_CHECKING:
    from ptdesk.ui.chart.chart_widget import ChartWidget

HEADER_KINDS = frozenset({ChangeKind.PATIENT, ChangeKind.EPISODE, ChangeKind.EVALUATION})


class ChartRefresher(QObject):
    """Clean tabs reload at once (hidden ones when next shown); tabs with edits get the banner.

    Which tabs a change concerns, and whether a tab may reload over typed text, come from
    the tabs' declarations (ChartTab.refresh_kinds, ChartTab.reload_keeps_edits).
    """

    def __init__(self, chart: ChartWidget) -> None:
        super().__init__(chart)
        self.chart = chart
        self.banner = ChangeBanner(chart)
        self._pending: dict[int, tuple[ChangeNote, ...]] = {}  # tab index -> news it waits on
        self._stale: set[int] = set()  # clean tabs to reload when next shown
        self._banner_tab: int | None = None
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.banner.reload_clicked.connect(self._on_banner_reload_clicked)
        self.banner.dismiss_clicked.connect(self._on_banner_dismiss_clicked)
        self.chart.ctx.signals.data_changed.connect(self._on_signals_data_changed)

    def clear(self) -> None:
        """Another patient was opened: old news no longer applies."""
        self._pending.clear()
        self._stale.clear()
        self._update_banner()

    def apply(self, patient_id: int, notes: tuple[ChangeNote, ...]) -> None:
        """News from the change watcher about the patient whose chart may be open."""
        chart = self.chart
        if patient_id != chart.patient_id or not notes:
            return
        if {n.kind for n in notes} & HEADER_KINDS:
            # On an error the header keeps what it showed; the tabs still refresh.
            with contextlib.suppress(ServiceError):
                chart.refresh_header()
        current = chart.tabs.currentIndex()
        updated, waiting = False, []
        for index in chart.loaded_tabs():
            title = chart.tab_title(index)
            relevant = tuple(n for n in notes if chart.tab_class(index).refreshes_on(n.kind))
            if not relevant:
                continue
            tab = chart.tab_at(index)
            if tab.has_unsaved_changes() and not tab.reload_keeps_edits:
                self._pending[index] = self._pending.get(index, ()) + relevant
                waiting.append(title)
            elif index == current:
                self.reload_tab(index)
                updated = True
            else:
                self._stale.add(index)
        self._update_banner()
        message = describe(notes)
        if waiting:
            message += f" Your unsaved changes in {' and '.join(waiting)} were left as they are."
        elif updated:
            message += " The chart now shows them."
        chart.ctx.signals.status_message.emit(message)

    def tab_shown(self, index: int) -> None:
        """A tab came to the front: catch up if it missed news while hidden."""
        if index in self._stale:
            self._stale.discard(index)
            if index in self.chart.loaded_tabs():
                self.reload_tab(index)
        self._update_banner()

    def reload_tab(self, index: int, *, keep_edits: bool = False) -> None:
        """Show what is saved now; with keep_edits the tab's text is kept as a draft first."""
        chart = self.chart
        tab = chart.tab_at(index)
        self._stale.discard(index)
        self._pending.pop(index, None)
        positions = _scroll_positions(chart.tabs.widget(index))
        position = tab.remember_position()
        try:
            if keep_edits:
                tab.flush_draft()
            tab.reload(offer_draft=keep_edits)
        except ServiceError as exc:
            chart.ctx.signals.status_message.emit(f"Could not refresh the chart: {exc}")
        tab.restore_position(position)
        _restore_scroll(positions)
        # Layouts settle after the reload; put the scroll back once more when they have.
        QTimer.singleShot(0, lambda: _restore_scroll(positions))
        self._update_banner()

    # ---- banner ---------------------------------------------------------------------------

    def _update_banner(self) -> None:
        chart = self.chart
        for index in list(self._pending):
            if not chart.tab_at(index).has_unsaved_changes():
                # Saved or discarded meanwhile: what it shows may still be older than the news.
                del self._pending[index]
                self._stale.add(index)
        current = chart.tabs.currentIndex()
        if current in self._stale and current in chart.loaded_tabs():
            QTimer.singleShot(0, lambda: self._reload_if_stale(current))
        for index in range(chart.tabs.count()):
            waiting = index in self._pending
            icon = chart.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
            chart.tabs.setTabIcon(index, icon if waiting else QIcon())
            chart.tabs.setTabToolTip(index, "Changed on another workstation while you were "
                                            "editing here." if waiting else "")
        if not self._pending:
            self._banner_tab = None
            self.banner.hide()
            return
        index = current if current in self._pending else next(iter(self._pending))
        self._banner_tab = index
        title = chart.tab_title(index)
        self.banner.show_message(
            f"{describe(self._pending[index])} Your changes in {title} are not saved yet: "
            f"Reload shows the new version and offers your text back.")

    def _reload_if_stale(self, index: int) -> None:
        if (shiboken6.isValid(self) and index in self._stale
                and self.chart.tabs.currentIndex() == index):
            self.reload_tab(index)

    def _on_banner_reload_clicked(self) -> None:
        index = self._banner_tab
        if index is None:
            return
        self.chart.tabs.setCurrentIndex(index)  # the draft question is asked over this tab
        self.reload_tab(index, keep_edits=True)

    def _on_banner_dismiss_clicked(self) -> None:
        if self._banner_tab is not None:
            self._pending.pop(self._banner_tab, None)
        self._update_banner()

    def _on_signals_data_changed(self, _kind: ChangeKind, patient_id: int) -> None:
        if patient_id == self.chart.patient_id and self._pending:
            self._update_banner()


def _scroll_positions(page: QWidget) -> list[tuple[QAbstractScrollArea, int, int]]:
    areas = page.findChildren(QAbstractScrollArea)
    if isinstance(page, QAbstractScrollArea):
        areas.insert(0, page)
    return [(a, a.verticalScrollBar().value(), a.horizontalScrollBar().value()) for a in areas]


def _restore_scroll(positions: list[tuple[QAbstractScrollArea, int, int]]) -> None:
    for area, vertical, horizontal in positions:
        if shiboken6.isValid(area):
            area.verticalScrollBar().setValue(vertical)
            area.horizontalScrollBar().setValue(horizontal)
