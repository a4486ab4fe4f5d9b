"""The Run plan tab: plan inputs, a live capped preview with the race check, save and reopen."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.conflicts import STARTED_EMPTY
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PainRules, PlanInputs, WeekLog, build_plan
from ptdesk.services.changes import ChangeKind
from ptdesk.services.clinic import get_gap_rules, get_settings
from ptdesk.services.episodes import ACTIVE_EPISODE
from ptdesk.services.runplans import (
    NewVersion,
    StoredPlan,
    edited_version,
    list_plans,
    make_active,
    save_plan,
    save_version,
    stored_fields,
)
from ptdesk.ui.chart.form_session import FormSession
from ptdesk.ui.chart.runplan.cadence_box import CadenceBox
from ptdesk.ui.chart.runplan.inputs_form import PlanInputsForm
from ptdesk.ui.chart.runplan.plan_table_model import DATES, SESSIONS, PlanTableModel, amount_text
from ptdesk.ui.chart.runplan.prefill import prefill_from_evaluation
from ptdesk.ui.chart.runplan.preview_parts import PaddedDelegate, summary_text, warning_frame
from ptdesk.ui.chart.runplan.readiness_banner import ReadinessBanner
from ptdesk.ui.chart.runplan.saved_plans_model import SavedPlansModel
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.activation import on_open
from ptdesk.ui.kit.plan_pause import PauseBar
from ptdesk.ui.kit.text import day_text
from ptdesk.ui.kit.wheel_guard import guard_wheels_in


class RunPlanTab(ChartTab):
    """ChartTab for the return-to-run plan (see `ptdesk.ui.chart.tab.ChartTab`)."""

    title = "Run plan"
    save_permission = "edit_plan"
    refresh_kinds = frozenset({ChangeKind.RUNPLAN})
    prints = "runplan"
    print_menu_text = "&Run plan"
    print_question = "The handout prints the saved active plan. Save your changes first?"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._ctx = ctx
        self._patient_id: int | None = None
        self.edits = FormSession(ctx, self, what="return-to-run plan", payload=self._payload)
        self._history: tuple[WeekLog, ...] = ()
        self._active: StoredPlan | None = None
        self._valid = False
        # The active plan the form started from: a save replaces only that plan.
        # A kept copy goes back over the version now shown: saving it replaces that one.
        self.conflicts = self.edits.watch_conflicts(
            "return-to-run plan", reload=self._load_saved,
            restore=lambda form: self._restore(form, adopt_base=False))
        self.form = PlanInputsForm()
        self.table_model = PlanTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("plan_preview")
        self.table.setAccessibleName("Plan preview")
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # Rows follow the wrapped sessions text whenever the columns change width.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setItemDelegate(PaddedDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SESSIONS, QHeaderView.ResizeMode.Stretch)
        # Dates wrap rather than widen the column when a week spans the new year.
        header.setSectionResizeMode(DATES, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(
            DATES, self.table.fontMetrics().horizontalAdvance("30 Nov – 30 Dec") + 16)
        self.summary = QLabel()
        self.summary.setObjectName("plan_summary")
        self.summary.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("plan_warnings")
        self.warnings.setWordWrap(True)
        self.warning_frame = warning_frame(self.warnings, self.style())
        # Readiness before the plan (issue 17): it warns, it never blocks building a plan.
        self.readiness_banner = ReadinessBanner(ctx, self.style())
        self.readiness = self.readiness_banner.label
        self.stale = QLabel()
        self.stale.setObjectName("preview_state")
        self.stale.setWordWrap(True)
        self.save_button = QPushButton("Save as active plan")
        self.save_button.setObjectName("save_plan")
        self.save_button.setToolTip("Ctrl+S — the previous active plan is kept as an earlier plan")
        self.print_button = QPushButton("Print run plan…")
        self.print_button.setObjectName("print_runplan")
        self.saved_model = SavedPlansModel(self)
        self.saved = QListView()
        self.saved.setObjectName("saved_plans")
        self.saved.setAccessibleName("Saved plans")
        self.saved.setModel(self.saved_model)
        self.open_button = QPushButton("Open in editor")
        self.open_button.setObjectName("open_plan")
        self.activate_button = QPushButton("Make active")
        self.activate_button.setObjectName("make_active")
        self.pause_bar = PauseBar(ctx)
        # Saved on its own (Confirm baseline), not with the plan: it belongs to the episode.
        self.cadence = CadenceBox(ctx)
        self.switch_minutes = QPushButton("Plan in minutes instead")
        self.switch_minutes.setObjectName("switch_to_minutes")
        self.switch_minutes.setVisible(False)
        self.switch_reason = QLabel()
        self.switch_reason.setObjectName("switch_reason")
        self.switch_reason.setWordWrap(True)
        self.switch_reason.setVisible(False)
        self.state = QLabel()
        self.state.setObjectName("plan_state")
        self.state.setWordWrap(True)
        self._build_layout()
        self._connect_signals()
        self.set_patient(None)

    def _build_layout(self) -> None:
        inputs_box = QGroupBox("Plan inputs")
        inputs_layout = QVBoxLayout(inputs_box)
        inputs_layout.addWidget(self.form)
        inputs_layout.addWidget(self.switch_reason)
        inputs_layout.addWidget(self.switch_minutes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        inputs_layout.addLayout(buttons)
        inputs_layout.addWidget(self.state)
        saved_box = QGroupBox("Saved plans")
        saved_layout = QVBoxLayout(saved_box)
        saved_layout.addWidget(self.saved, 1)
        saved_buttons = QHBoxLayout()
        saved_buttons.addWidget(self.open_button)
        saved_buttons.addWidget(self.activate_button)
        saved_buttons.addStretch(1)
        saved_layout.addLayout(saved_buttons)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(inputs_box)
        left_layout.addWidget(self.cadence)
        left_layout.addWidget(saved_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left)
        # Scrolling the inputs never turns a value the pointer passes over (it turned "Long
        # run at most" 40% -> 33% on a real display): a box takes the wheel once focused.
        guard_wheels_in(left)
        # Room for the widest row and a scroll bar: sideways scrolling is off, so anything
        # narrower cut the fields' right edge at 1024 px.
        scroll.setMinimumWidth(max(410, left.minimumSizeHint().width()
                                   + scroll.verticalScrollBar().sizeHint().width() + 4))
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the fields
        preview_box = QGroupBox("Preview")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.readiness_banner.frame)
        preview_layout.addWidget(self.summary)
        preview_layout.addWidget(self.warning_frame)
        preview_layout.addWidget(self.stale)
        preview_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 820])
        layout = QVBoxLayout(self)
        layout.addWidget(self.conflicts.bar)
        layout.addWidget(self.pause_bar)
        layout.addWidget(splitter, 1)

    def _connect_signals(self) -> None:
        self.form.changed.connect(self._on_form_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.activate_button.clicked.connect(self._on_activate_button_clicked)
        on_open(self.saved, self._on_saved_activated)
        self._ctx.signals.data_changed.connect(self._on_readiness_inputs_changed)
        self.switch_minutes.clicked.connect(self._on_switch_minutes_clicked)
        self.pause_bar.changed.connect(self._on_pause_bar_changed)
        self.cadence.saved.connect(self._on_cadence_saved)

    # --- ChartTab ------------------------------------------------------------------------
    def view_only_keep(self) -> list[QWidget]:
        return [self.print_button, self.conflicts.bar]

    def set_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        for widget in (self.form, self.save_button, self.print_button, self.saved,
                       self.open_button, self.activate_button):
            widget.setEnabled(patient_id is not None)
        self._load_saved()
        self.readiness_banner.show_patient(self._patient_id)
        self.cadence.show_patient(self._patient_id)
        if patient_id is None:
            self.state.setText("Select a patient to plan their return to running.")
            return
        draft = self.edits.offer()
        if draft is not None:
            self._restore(draft.payload)

    def _on_readiness_inputs_changed(self, kind: ChangeKind, patient_id: int) -> None:
        # Only the readiness banner follows evaluations (not named _on_signals_data_changed:
        # that is ChartTab's router for the declared refresh kinds).
        if patient_id == self._patient_id and kind in (ChangeKind.EVALUATION,
                                                       ChangeKind.EPISODE):
            self.readiness_banner.show_patient(self._patient_id)
            self.cadence.show_patient(self._patient_id)  # a new gait assessment

    def save(self) -> bool:
        if self._patient_id is None:
            return False
        sf, pid = self._ctx.session_factory, self._patient_id

        def call(key: str | None) -> StoredPlan:
            inputs, rules = self.form.build(self._history)
            version = self._version(inputs, rules)
            if version is not None:  # weeks already under way keep their plan
                return save_version(sf, actor=self._ctx.actor, stored=version.replaces,
                                    inputs=inputs, version=version, rules=rules, draft_key=key)
            return save_plan(sf, actor=self._ctx.actor, patient_id=pid, inputs=inputs,
                             rules=rules, episode_id=ACTIVE_EPISODE,
                             based_on_id=self.edits.version, draft_key=key,
                             gaps=self.form.gaps())

        stored = self.edits.save(
            call, title="Return-to-run plan", failed_title="Save plan",
            invalid=self._on_save_invalid, note=self.state.setText, conflict_note="Not saved: someone else saved a newer "
                                                   "plan. Your entries are still here.")
        if stored is None:
            return False
        self.edits.version, self.edits.started_from = stored.id, stored_fields(stored)
        self._refresh_saved_list()
        self.state.setText(f"Saved as the active plan ({len(stored.plan.weeks)} weeks).")
        self.announce(ChangeKind.RUNPLAN)
        self._ctx.signals.status_message.emit("Return-to-run plan saved.")
        return True

    def _payload(self) -> str:
        return json.dumps({"fields": self.form.raw_texts(), "based_on_id": self.edits.version})

    def reload(self, offer_draft: bool = False) -> None:
        """Show the active plan as saved now (another workstation saved); edits are dropped.

        The chart calls flush_draft() first to keep them; `offer_draft` offers them back.
        """
        if offer_draft:
            self.set_patient(self._patient_id)
        else:
            self._load_saved()

    # --- loading -------------------------------------------------------------------------
    def _refresh_saved_list(self) -> list[StoredPlan]:
        plans = (list_plans(self._ctx.session_factory, self._patient_id, actor=self._ctx.actor)
                 if self._patient_id is not None else [])
        self.saved_model.set_plans(plans)
        return plans

    def _load_saved(self) -> None:
        """The active plan in the form, or a fresh form prefilled from the evaluation."""
        key = f"runplan:patient:{self._patient_id}" if self._patient_id else None
        self.edits.open(key, self._patient_id, "Return-to-run plan")
        plans = self._refresh_saved_list()
        active = next((p for p in plans if p.status == "active"), None)
        self._active = active
        self.pause_bar.set_plan(active)
        self.edits.version = active.id if active else STARTED_EMPTY
        self.edits.started_from = stored_fields(active)
        self.conflicts.set_form(self.edits.key, self._patient_id)
        if active is not None:
            self._open(active)
            self.state.setText(f"Showing the active plan saved on {day_text(active.created_on)}.")
        else:
            self._history = ()
            units = get_settings(self._ctx.session_factory).default_units
            self.form.reset(dt.date.today(), units)
            self.form.set_gaps(get_gap_rules(self._ctx.session_factory))  # the clinic's rule
            if self._patient_id is not None:
                prefill = prefill_from_evaluation(
                    self._ctx.session_factory, actor=self._ctx.actor,
                    patient_id=self._patient_id, today=dt.date.today(), default_units=units)
                if prefill.texts:
                    self.form.set_raw_texts({**self.form.raw_texts(), **prefill.texts})
                    self.form.carry_from_evaluation(prefill.amounts, prefill.unit)
                self.state.setText("No plan saved yet." + (
                    " Started from the evaluation's running history." if prefill.texts else ""))
        self.edits.clean()
        self._regenerate()

    def _open(self, stored: StoredPlan) -> None:
        self._history = stored.inputs.history
        self.form.set_inputs(stored.inputs, stored.rules)
        self.form.set_gaps(stored.gaps)

    def _restore(self, payload: str, *, adopt_base: bool = True) -> bool:
        try:
            data = json.loads(payload)
            fields = data["fields"]
            self.form.set_raw_texts({k: str(v) for k, v in fields.items()})
        except (ValueError, KeyError, TypeError, AttributeError):
            return False
        if adopt_base:
            self.edits.adopt(data.get("based_on_id"))
        self._on_form_changed()
        return True

    def _on_save_invalid(self, exc: ValidationError) -> None:
        self.form.show_errors(exc)
        self.state.setText("Not saved: fix the field marked in red.")

    # --- preview -------------------------------------------------------------------------
    def _regenerate(self) -> None:
        try:
            inputs, rules = self.form.build(self._history)
            version = self._version(inputs, rules)
            gaps = self.form.gaps()
            plan = build_plan(inputs, rules, gaps) if version is None else version.plan
        except ValidationError as exc:
            self._show_invalid(exc)
            return
        self._valid = True
        self.switch_minutes.setVisible(False)
        self.form.show_errors(None)
        self.table_model.set_plan(plan)
        self.table.setEnabled(True)
        self.stale.setVisible(False)
        self.save_button.setEnabled(self._patient_id is not None)
        self.summary.setText(summary_text(plan, inputs.race_date))
        self.warnings.setText("\n".join(plan.warnings))
        self.warning_frame.setVisible(bool(plan.warnings))
        goal = amount_text(inputs.goal_weekly, inputs.measure)
        self.summary.setToolTip(f"Goal: {goal} a week, at most {inputs.cap_pct}% more each week.")

    def _version(self, inputs: PlanInputs, rules: PainRules) -> NewVersion | None:
        """Editing the active plan once it has started: a new version from this week on."""
        active = self._active
        if active is None or self.edits.version != active.id:
            return None
        return edited_version(active, inputs, rules, dt.date.today())

    def _show_invalid(self, exc: ValidationError) -> None:
        self._valid = False
        # Under the distance floor the patient is a walk-runner: offer minutes, and say why.
        walk_run = exc.field == "current_run" and "plan in minutes" in exc.message
        self.switch_minutes.setVisible(walk_run)
        self.save_button.setEnabled(False)
        self.table.setEnabled(False)  # greyed: the last valid plan, not these inputs
        self.stale.setVisible(True)
        if self.form.amounts_blank():
            self.form.show_errors(None)
            self.stale.setText("Enter the current continuous run and the weekly goal to see "
                               "the plan.")
            return
        self.form.show_errors(exc)
        shown = "the last valid plan" if self.table_model.rowCount() else "no plan yet"
        self.stale.setText(f"The preview shows {shown}. Fix the field marked in red to "
                           f"update it.")

    # --- slots ---------------------------------------------------------------------------
    def _on_form_changed(self) -> None:
        self._regenerate()
        if self.edits.edited():
            self.state.setText("Unsaved changes (kept as a draft while you work).")

    def _on_switch_minutes_clicked(self) -> None:
        self.form.switch_to_minutes()
        self.switch_reason.setText("Switched to minutes: a run shorter than 1.5 km (1 mile) "
                                   "is walk-run, planned in minutes of running. Enter the "
                                   "running in minutes.")
        self.switch_reason.setVisible(True)

    def _on_cadence_saved(self) -> None:
        # The Overview, the handouts and the Progress tab grow the target from this baseline.
        self.announce(ChangeKind.EPISODE)
        self._ctx.signals.status_message.emit("Baseline cadence saved.")

    def _on_pause_bar_changed(self) -> None:
        self._load_saved()

    def _on_save_button_clicked(self) -> None:
        self.save()

    def _on_print_button_clicked(self) -> None:
        self.print_handout()


    def _on_open_button_clicked(self) -> None:
        self._on_saved_activated(self.saved.currentIndex())

    def _on_saved_activated(self, index: QModelIndex) -> None:
        stored = self.saved_model.plan_at(index.row()) if index.isValid() else None
        if stored is None or not self._ctx.can("edit_plan"):  # view-only: nothing to edit
            return
        self._open(stored)
        self._on_form_changed()
        self.state.setText(f"Editing a copy of the plan from {day_text(stored.created_on)}; "
                           f"saving makes it the active plan.")

    def _on_activate_button_clicked(self) -> None:
        stored = self.saved_model.plan_at(self.saved.currentIndex().row())
        if stored is None or self._patient_id is None or stored.status == "active":
            return
        make_active(self._ctx.session_factory, actor=self._ctx.actor, plan_id=stored.id)
        self._load_saved()
        self.announce(ChangeKind.RUNPLAN)
