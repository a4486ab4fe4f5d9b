"""The patient chart: a header with the key facts and alerts, and the chart tabs behind it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.changes import VISIT_KINDS, ChangeKind, ChangeNote
from ptdesk.services.chart_header import chart_header
from ptdesk.services.episodes import EpisodeInfo
from ptdesk.services.errors import NotFoundError
from ptdesk.services.patients import PatientDetails
from ptdesk.ui.chart.chart_refresh import ChartRefresher
from ptdesk.ui.chart.form_session import FormSession
from ptdesk.ui.chart.registry import tab_classes
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.chart.view_only import ViewOnlyTabs
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.heading import heading as make_heading
from ptdesk.ui.kit.palette import error_style

UNSAVED_MARK = "•"  # after a tab's caption while it holds unsaved edits


class ChartHeader(QWidget):
    """Name, age, MRN, the active episode and alerts, always visible above the tabs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_label = make_heading("", 1.4, self, name="chartPatientName")
        self.details_label = QLabel(self)
        self.details_label.setObjectName("chartPatientDetails")
        self.episode_label = QLabel(self)
        self.episode_label.setObjectName("chartEpisode")
        self.episode_label.setWordWrap(True)
        self.alerts_label = QLabel(self)
        self.alerts_label.setObjectName("chartAlerts")
        self.alerts_label.setWordWrap(True)
        for label in (self.name_label, self.details_label, self.episode_label, self.alerts_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        for label in (self.name_label, self.details_label, self.episode_label, self.alerts_label):
            layout.addWidget(label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def show_patient(
        self, patient: PatientDetails, episode: EpisodeInfo | None, alerts: tuple[str, ...]
    ) -> None:
        preferred = f" “{patient.preferred_name}”" if patient.preferred_name else ""
        self.name_label.setText(f"{patient.first_name}{preferred} {patient.last_name}")
        age = patient.age_on(date.today())
        self.details_label.setText(
            f"{age} years · born {patient.date_of_birth:%Y-%m-%d} · MRN {patient.mrn}"
            + (f" · {patient.sex.capitalize()}" if patient.sex != "unknown" else "")
        )
        if episode is None:
            self.episode_label.setText("No active episode of care")
        else:
            code = f" ({episode.icd10_code})" if episode.icd10_code else ""
            side = "both sides" if episode.affected_side == "both" else f"{episode.affected_side} side"
            ankle = episode.injured_ankle_side
            # Ankle rows compare on the sprained ankle, which may be the other leg (issue 17).
            ankle_text = (f" · injured ankle: {'both' if ankle == 'both' else ankle}"
                          if ankle else "")
            self.episode_label.setText(
                f"{episode.diagnosis}{code} · affected: {side}{ankle_text} · "
                f"since {episode.start_date:%Y-%m-%d}"
            )
        self.show_alerts(alerts)

    def show_alerts(self, alerts: tuple[str, ...]) -> None:
        self.alerts_label.setStyleSheet(error_style(self) + " font-weight: bold;")
        self.alerts_label.setText("  ·  ".join(["⚠ " + alerts[0], *alerts[1:]]) if alerts else "")
        self.alerts_label.setVisible(bool(alerts))
        self.setAccessibleDescription(" ".join(
            label.text() for label in (self.name_label, self.details_label,
                                       self.episode_label, self.alerts_label)))


class ChartWidget(QWidget):
    """Holds the chart tabs; loads a tab for the patient only when it is first shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._patient_id: int | None = None
        self._alerts_saved_for: int | None = None  # a save just delivered this patient's alerts
        self._patient: PatientDetails | None = None
        self._loaded_for: dict[int, int | None] = {}  # tab index -> patient id it shows
        self._current_index = 0
        self.header = ChartHeader(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("chartTabs")
        self.tabs.setDocumentMode(True)
        # The tabs, in registry order. Tabs that declare `scrolls` are built on first use
        # (None until then) so the window is ready sooner, and sit in a scroll area so a
        # wide form scrolls sideways instead of squeezing the patient list at 1280 px.
        self._classes = tab_classes()
        self._pages: list[ChartTab | None] = []
        for cls in self._classes:
            if cls.scrolls:
                area = QScrollArea(self.tabs)
                area.setWidgetResizable(True)
                area.setFrameShape(QFrame.Shape.NoFrame)
                self.tabs.addTab(area, cls.title)
                self._pages.append(None)
            else:
                page = cls(ctx)
                self.tabs.addTab(page, cls.title)
                self._pages.append(page)
        self.empty_label = QLabel(
            "Select a patient on the left, or press Ctrl+N to register a new patient.", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        # Saves made on other workstations: clean tabs reload, edited ones get a banner.
        self.refresher = ChartRefresher(self)
        page_layout.addWidget(self.header)
        page_layout.addWidget(self.refresher.banner)
        self.view_only = ViewOnlyTabs(ctx, self.tabs, self._classes, page_layout)  # locks tabs the user only reads
        page_layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(page)
        QVBoxLayout(self).addWidget(self.stack)
        self.layout().setContentsMargins(0, 0, 0, 0)
        self._connect_signals()

    def _page(self, index: int) -> ChartTab:
        page = self._pages[index]
        if page is None:
            page = self._classes[index](self.ctx)
            area = self.tabs.widget(index)
            assert isinstance(area, QScrollArea)
            area.setWidget(page)
            self._pages[index] = page
            self.view_only.lock(index, page)
            page.visit_open_requested.connect(self.open_visit)
            page.measure_requested.connect(self.open_measure)
            page.alerts_saved.connect(self._on_page_alerts_saved)
            self._watch_unsaved(index, page)
        return page

    def _watch_unsaved(self, index: int, page: ChartTab) -> None:
        """The tab's caption carries UNSAVED_MARK while it holds unsaved edits."""
        for session in page.findChildren(FormSession):
            session.dirty_changed.connect(lambda _dirty, i=index: self._mark_unsaved(i))
        self._mark_unsaved(index)

    def _mark_unsaved(self, index: int) -> None:
        page = self._pages[index]
        unsaved = page is not None and page.has_unsaved_changes()
        title = self._classes[index].title
        self.tabs.setTabText(index, f"{title} {UNSAVED_MARK}" if unsaved else title)
        self.tabs.setTabToolTip(index, "Unsaved changes (kept as a draft while you work)"
                                if unsaved else "")

    def _index_of(self, tab: QWidget) -> int:
        return next((i for i, page in enumerate(self._pages) if page is tab), -1)

    # Convenience for tests and scripts: the tabs by caption.
    @property
    def overview_tab(self) -> ChartTab:
        return self.tab_titled("Overview")  # type: ignore[return-value]

    @property
    def visits_tab(self) -> ChartTab:
        return self.tab_titled("Visits")  # type: ignore[return-value]

    @property
    def evaluation_tab(self) -> ChartTab:
        """The tab that opens visits (declares opens_visits)."""
        return self._page(next(i for i, c in enumerate(self._classes) if c.opens_visits))

    def _connect_signals(self) -> None:
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        for index, page in enumerate(self._pages):
            if page is not None:
                page.visit_open_requested.connect(self.open_visit)
                page.measure_requested.connect(self.open_measure)
                page.alerts_saved.connect(self._on_page_alerts_saved)
                self._watch_unsaved(index, page)
        self.ctx.signals.patient_changed.connect(self._on_signals_patient_changed)
        self.ctx.signals.data_changed.connect(self._on_signals_data_changed)

    # ---- the ChartTab contract, forwarded ------------------------------------------------

    @property
    def patient_id(self) -> int | None:
        return self._patient_id

    @property
    def patient(self) -> PatientDetails | None:
        return self._patient

    def chart_tabs(self) -> list[ChartTab]:
        return [self._page(i) for i in range(self.tabs.count())]

    def tab_titled(self, title: str) -> ChartTab | None:
        """The tab whose caption reads `title` (mnemonic ampersands ignored)."""
        for index in range(self.tabs.count()):
            if self._classes[index].name() == title:  # the caption may carry UNSAVED_MARK
                return self._page(index)
        return None

    def current_tab(self) -> ChartTab:
        return self._page(self.tabs.currentIndex())

    def tab_at(self, index: int) -> ChartTab:
        return self._tab(index)

    def tab_title(self, index: int) -> str:
        return self._classes[index].name()

    def tab_class(self, index: int) -> type[ChartTab]:
        return self._classes[index]

    def tab_printing(self, kind: str) -> ChartTab | None:
        """The tab that declares it prints `kind` ("exercises", "runplan", "progress"),
        showing the open patient (loaded now if it was never brought forward)."""
        index = next((i for i, c in enumerate(self._classes) if c.prints == kind), None)
        if index is None:
            return None
        self._ensure_loaded(index)
        return self._page(index)

    def printouts(self) -> list[tuple[str, str]]:
        """(kind, menu text) of every document a tab declares it prints, in tab order."""
        return [(c.prints, c.print_menu_text) for c in self._classes if c.prints is not None]

    def print_kind_shown(self) -> str | None:
        """What the tab in front prints, if anything (Ctrl+P preselects it)."""
        return self._classes[self.tabs.currentIndex()].prints

    def loaded_tabs(self) -> list[int]:
        """Indexes of the tabs that show the open patient."""
        return self._current_tabs()

    def apply_remote_changes(self, patient_id: int, notes: tuple[ChangeNote, ...]) -> None:
        """Another workstation saved to this chart (see ChangeWatcher.patient_changed)."""
        self.refresher.apply(patient_id, notes)

    def show_tab(self, tab: QWidget) -> None:
        self.tabs.setCurrentIndex(self._index_of(tab))

    def set_patient(self, patient_id: int | None) -> None:
        """Open a patient's chart (None closes it); drafts of the chart being left are kept."""
        if patient_id is not None and patient_id == self._patient_id:
            return  # same chart: keep what is being edited
        self.flush_draft()
        self._patient_id = patient_id
        self._patient = None
        self.refresher.clear()
        if patient_id is not None:
            try:
                self.refresh_header(opening=True)
            except NotFoundError:
                self._patient_id = None
        self.stack.setCurrentIndex(0 if self._patient_id is None else 1)
        if self._patient_id is None:
            for index in list(self._loaded_for):
                self._tab(index).set_patient(None)
            self._loaded_for.clear()
            return
        # Tabs still showing the previous patient are reloaded when next brought forward.
        self._loaded_for.clear()
        self._ensure_loaded(self.tabs.currentIndex())

    def has_unsaved_changes(self) -> bool:
        return bool(self.unsaved_tabs())

    def unsaved_tabs(self) -> list[int]:
        return [i for i in self._current_tabs() if self._tab(i).has_unsaved_changes()]

    def save(self) -> bool:
        """Ctrl+S: save the tab in front."""
        if self._patient_id is None or self.view_only.is_view_only(self.tabs.currentIndex()):
            return True  # nothing a view-only tab could save
        return self._tab(self.tabs.currentIndex()).save()

    def save_all(self) -> bool:
        """Save every tab with edits; stops at (and shows) the first one that cannot save."""
        for index in self.unsaved_tabs():
            if not self._tab(index).save():
                self.tabs.setCurrentIndex(index)
                return False
        return True

    def flush_draft(self) -> None:
        current = self.tabs.currentIndex()
        for index in sorted(self._current_tabs(), key=lambda i: i != current):
            self._tab(index).flush_draft()

    def discard_changes(self) -> None:
        """The user chose Discard: tabs that can, drop their edits and drafts."""
        for index in self._current_tabs():
            self._tab(index).discard_changes()

    def open_visit(self, visit_id: int) -> None:
        """Show a visit in the tab that opens visits (Evaluation)."""
        tab = self.evaluation_tab
        index = self._index_of(tab)
        if self._patient_id is None:
            self.tabs.setCurrentIndex(index)
            return
        # open_visit loads the patient as well; a set_patient first would open the latest
        # visit (and offer its draft) only to replace it at once.
        self._loaded_for[index] = self._patient_id
        self.tabs.setCurrentIndex(index)
        tab.open_visit(visit_id)

    def open_measure(self, visit_id: int, measure: str) -> None:
        """Show a visit's outcome form in the tab that records measures (Outcomes)."""
        index = next((i for i, c in enumerate(self._classes) if c.records_measures), None)
        if index is None or self._patient_id is None:
            return
        self._ensure_loaded(index)
        self.tabs.setCurrentIndex(index)
        self._page(index).open_measure(visit_id, measure)

    def refresh_header(self, *, opening: bool = False) -> None:
        """Re-read the header; only opening the chart is audited as a view."""
        if self._patient_id is None:
            return
        info = chart_header(self.ctx.session_factory, actor=self.ctx.actor,
                            patient_id=self._patient_id, opening=opening)
        self._patient = info.patient
        self.header.show_patient(info.patient, info.episode, info.alerts)

    # ---- internals ------------------------------------------------------------------------

    def _tab(self, index: int) -> ChartTab:
        return self._page(index)

    def _current_tabs(self) -> list[int]:
        """Tabs that show the open patient (others are reloaded when next shown)."""
        if self._patient_id is None:
            return []
        return [i for i, pid in self._loaded_for.items() if pid == self._patient_id]

    def _ensure_loaded(self, index: int) -> None:
        if index < 0 or self._patient_id is None:
            return
        if self._loaded_for.get(index) != self._patient_id:
            self._tab(index).set_patient(self._patient_id)
            self._loaded_for[index] = self._patient_id

    def _on_tabs_current_changed(self, index: int) -> None:
        previous = self._current_index
        self._current_index = index
        if previous in self._current_tabs():
            self._tab(previous).flush_draft()
        self._ensure_loaded(index)
        self.refresher.tab_shown(index)

    def _on_signals_patient_changed(self, patient_id: int) -> None:
        if patient_id == self._patient_id:
            self.refresh_header()

    def _on_page_alerts_saved(self, patient_id: int, alerts: tuple[str, ...]) -> None:
        if patient_id == self._patient_id:
            self.header.show_alerts(alerts)
            self._alerts_saved_for = patient_id  # the save's data_changed needs no re-read

    def _on_signals_data_changed(self, kind: ChangeKind, patient_id: int) -> None:
        from_save, self._alerts_saved_for = self._alerts_saved_for == patient_id, None
        if (patient_id == self._patient_id and kind in VISIT_KINDS
                and not (from_save and kind == ChangeKind.EVALUATION)):
            self.refresh_header()
