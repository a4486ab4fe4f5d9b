"""The patient chart: a header with the key facts and alerts, and the chart tabs behind it."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
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

from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.symmetry import MUSCLE_GROUPS, is_flagged, lsi, mmt_lsi, to_newtons
from ptdesk.services.changes import ChangeNote
from ptdesk.services.episodes import EpisodeInfo, active_episode
from ptdesk.services.errors import NotFoundError
from ptdesk.services.evaluations import list_visits, load_evaluation
from ptdesk.services.patients import PatientDetails, get_patient
from ptdesk.ui.chart.chart_refresh import ChartRefresher
from ptdesk.ui.chart.overview import OverviewTab
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.chart.view_only import ViewOnlyTabs
from ptdesk.ui.chart.visits.tab import VisitsTab
from ptdesk.ui.context import AppContext

# Strength is usually measured at evaluations, not at every follow-up: the alerts come from
# the latest visit, else from the latest evaluations (at most this many visits are read).
ALERT_LOOKBACK_VISITS = 3
EVALUATION_TYPES = ("initial_evaluation", "re_evaluation", "discharge")
GROUP_NAMES = {key: label.split(" (")[0] for key, label in MUSCLE_GROUPS}

# (title, module, class): tabs built by other parts of the app, loaded by name so the
# chart keeps working while one of them is still being written.
EVALUATION_INDEX = 2  # Overview, Visits, then the first external tab
EXTERNAL_TABS = (
    ("Evaluation", "ptdesk.ui.chart.evaluation.tab", "EvaluationTab"),
    ("Exercises", "ptdesk.ui.chart.exercises.tab", "ExercisesTab"),
    ("Run plan", "ptdesk.ui.chart.runplan.tab", "RunPlanTab"),
    ("Outcomes", "ptdesk.ui.chart.outcomes.tab", "OutcomesTab"),
    ("Run log", "ptdesk.ui.chart.runlogs.tab", "RunLogTab"),
    ("Progress", "ptdesk.ui.chart.progress.tab", "ProgressTab"),
)


def error_style(widget: QWidget) -> str:
    """A red that stays readable on the current palette (light or dark)."""
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return f"color: {'#ff7b72' if dark else '#c62828'};"


def strength_alerts(strength: Iterable[ev.StrengthMeasurement], affected_side: str) -> list[str]:
    """'Hip abduction LSI 72%' for each group whose involved side is under 90% of the other."""
    if affected_side not in ("left", "right"):
        return []  # both legs involved: there is no healthy side to compare against
    other = "left" if affected_side == "right" else "right"
    by_group: dict[str, dict[str, ev.StrengthMeasurement]] = {}
    for row in strength:
        by_group.setdefault(row.muscle_group, {})[row.side] = row
    alerts = []
    for key, _label in MUSCLE_GROUPS:
        sides = by_group.get(key, {})
        involved, uninvolved = sides.get(affected_side), sides.get(other)
        if involved is None or uninvolved is None or involved.method != uninvolved.method:
            continue
        try:
            value = _pair_lsi(involved, uninvolved)
        except ValidationError:
            continue  # an implausible stored value is not worth a header alert
        if is_flagged(value):
            alerts.append(f"{GROUP_NAMES[key]} LSI {value:.0f}%")
    return alerts


def _pair_lsi(involved: ev.StrengthMeasurement, uninvolved: ev.StrengthMeasurement) -> float | None:
    if involved.method == "mmt":
        return mmt_lsi(involved.mmt_grade, uninvolved.mmt_grade)
    if involved.value is None or uninvolved.value is None:
        return None
    return lsi(to_newtons(involved.value, involved.unit or "kg"),  # type: ignore[arg-type]
               to_newtons(uninvolved.value, uninvolved.unit or "kg"))  # type: ignore[arg-type]


def _load_tab(ctx: AppContext, title: str, module_name: str, class_name: str) -> QWidget:
    # Imported on first use: the big tabs (and QtCharts) stay off the start-up path.
    module = importlib.import_module(module_name)
    return getattr(module, class_name)(ctx)


class ChartHeader(QWidget):
    """Name, age, MRN, the active episode and alerts, always visible above the tabs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_label = QLabel(self)
        self.name_label.setObjectName("chartPatientName")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name_label.setFont(font)
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
        self, patient: PatientDetails, episode: EpisodeInfo | None, alerts: list[str]
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
            self.episode_label.setText(
                f"{episode.diagnosis}{code} · affected: {side} · since {episode.start_date:%Y-%m-%d}"
            )
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
        self._patient: PatientDetails | None = None
        self._loaded_for: dict[int, int | None] = {}  # tab index -> patient id it shows
        self._current_index = 0
        self.header = ChartHeader(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("chartTabs")
        self.tabs.setDocumentMode(True)
        # The tabs themselves; the big forms are built on first use (None until then) so
        # the window is ready sooner, and sit in a scroll area so a wide form scrolls
        # sideways instead of squeezing the patient list at 1280 px.
        self._pages: list[QWidget | None] = []
        self._builders: list[Callable[[], QWidget] | None] = []
        self.overview_tab = OverviewTab(ctx)
        self.visits_tab = VisitsTab(ctx)
        for tab, title in ((self.overview_tab, "&Overview"), (self.visits_tab, "&Visits")):
            self.tabs.addTab(tab, title)
            self._pages.append(tab)
            self._builders.append(None)
        for title, module_name, class_name in EXTERNAL_TABS:
            area = QScrollArea(self.tabs)
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            self.tabs.addTab(area, title)
            self._pages.append(None)
            self._builders.append(partial(_load_tab, ctx, title, module_name, class_name))
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
        self.view_only = ViewOnlyTabs(ctx, self.tabs, page_layout)  # locks tabs the user only reads
        page_layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(page)
        QVBoxLayout(self).addWidget(self.stack)
        self.layout().setContentsMargins(0, 0, 0, 0)
        self._connect_signals()

    def _page(self, index: int) -> QWidget:
        page, build = self._pages[index], self._builders[index]
        if page is None and build is not None:
            page = build()
            area = self.tabs.widget(index)
            assert isinstance(area, QScrollArea)
            area.setWidget(page)
            self._pages[index] = page
            self.view_only.lock(index, page)
        assert page is not None
        return page

    def _index_of(self, tab: QWidget) -> int:
        return next((i for i, page in enumerate(self._pages) if page is tab), -1)

    @property
    def evaluation_tab(self) -> QWidget:
        return self._page(EVALUATION_INDEX)

    def _connect_signals(self) -> None:
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.visits_tab.visit_open_requested.connect(self.open_visit)
        self.ctx.signals.patient_changed.connect(self._on_signals_patient_changed)
        self.ctx.signals.data_changed.connect(self._on_signals_data_changed)

    # ---- the ChartTab contract, forwarded ------------------------------------------------

    @property
    def patient_id(self) -> int | None:
        return self._patient_id

    @property
    def patient(self) -> PatientDetails | None:
        return self._patient

    def chart_tabs(self) -> list[QWidget]:
        return [self._page(i) for i in range(self.tabs.count())]

    def tab_titled(self, title: str) -> QWidget | None:
        """The tab whose caption reads `title` (mnemonic ampersands ignored)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index).replace("&", "") == title:
                return self._page(index)
        return None

    def current_tab(self) -> QWidget:
        return self._page(self.tabs.currentIndex())

    def tab_at(self, index: int) -> ChartTab:
        return self._tab(index)

    def tab_title(self, index: int) -> str:
        return self.tabs.tabText(index).replace("&", "")

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
                self.refresh_header()
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

    def tab_has_unsaved_changes(self, tab: QWidget) -> bool:
        index = self._index_of(tab)
        return index in self._current_tabs() and self._tab(index).has_unsaved_changes()

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
            discard = getattr(self._tab(index), "discard_changes", None)
            if callable(discard):
                discard()

    def open_visit(self, visit_id: int) -> None:
        """Show a visit's evaluation in the Evaluation tab."""
        index = EVALUATION_INDEX
        opener = getattr(self.evaluation_tab, "open_visit", None)
        if callable(opener) and self._patient_id is not None:
            # open_visit loads the patient as well; a set_patient first would open the
            # latest visit (and offer its draft) only to replace it at once.
            self._loaded_for[index] = self._patient_id
            self.tabs.setCurrentIndex(index)
            opener(visit_id)
        else:
            self.tabs.setCurrentIndex(index)

    def refresh_header(self) -> None:
        if self._patient_id is None:
            return
        sf, actor = self.ctx.session_factory, self.ctx.actor
        self._patient = get_patient(sf, actor=actor, patient_id=self._patient_id)
        episode = active_episode(sf, self._patient_id, actor=actor)
        alerts = [f"Alert: {self._patient.alerts}"] if self._patient.alerts else []
        if episode is not None:
            alerts += self._strength_alerts(episode)
        self.header.show_patient(self._patient, episode, alerts)

    def _strength_alerts(self, episode: EpisodeInfo) -> list[str]:
        if episode.affected_side not in ("left", "right"):
            return []
        sf, actor = self.ctx.session_factory, self.ctx.actor
        visits = [v for n, v in enumerate(list_visits(sf, episode.patient_id, actor=actor))
                  if n == 0 or v.visit_type in EVALUATION_TYPES][:ALERT_LOOKBACK_VISITS]
        for visit in visits:
            _summary, evaluation = load_evaluation(sf, actor=actor, visit_id=visit.id)
            if evaluation.strength:
                return strength_alerts(evaluation.strength, episode.affected_side)
        return []

    # ---- internals ------------------------------------------------------------------------

    def _tab(self, index: int) -> ChartTab:
        return self._page(index)  # type: ignore[return-value]

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

    def _on_signals_data_changed(self, area: str, patient_id: int) -> None:
        if patient_id == self._patient_id and area in ("visits", "evaluation", "episode"):
            self.refresh_header()
