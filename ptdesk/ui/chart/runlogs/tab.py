"""The Run log tab: enter runs from the patient's diary, see each plan week's decision, re-plan."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.services.changes import ChangeKind
from ptdesk.services.errors import ServiceError
from ptdesk.services.run_import import runs_waiting_for_pain
from ptdesk.services.runlogs import (
    accept_replan,
    delete_run,
    list_runs,
    log_run,
    preview_replan,
    weekly_summary,
)
from ptdesk.services.runplans import StoredPlan, active_plan
from ptdesk.ui.chart.form_session import FormSession
from ptdesk.ui.chart.runlogs.entry_form import RunEntryForm
from ptdesk.ui.chart.runlogs.import_entry import ImportEntry
from ptdesk.ui.chart.runlogs.replan_dialog import ReplanDialog
from ptdesk.ui.chart.runlogs.runs_model import DATE, NOTE, RunsTableModel
from ptdesk.ui.chart.runlogs.weeks_model import DATES, DECISION, DONE, PLANNED, WeeksTableModel
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.palette import status_colour
from ptdesk.ui.kit.plan_pause import PauseBar
from ptdesk.ui.kit.run_text import MEASURE_LABELS, amount_text
from ptdesk.ui.kit.text import day_text


def _table(name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(name.replace("_", " ").capitalize())
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class _Body(QWidget):
    """The tab's content, sized by its minimum rather than its wrapped labels' ideal height.

    The chart puts each tab in a scroll area, which sizes a height-for-width widget to
    its preferred height; with wrapped labels inside, that is taller than the screen
    and scrolls although everything fits. The tables shrink instead.
    """

    def hasHeightForWidth(self) -> bool:
        return False


class RunLogTab(ChartTab):
    """ChartTab for the patient's run log (see `ptdesk.ui.chart.tab.ChartTab`)."""

    title = "Run log"
    save_permission = "log_runs"
    refresh_kinds = frozenset({ChangeKind.RUNLOG, ChangeKind.RUNPLAN})  # a plan sets weeks and unit

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._ctx = ctx
        self._patient_id: int | None = None
        self._plan: StoredPlan | None = None
        self.edits = FormSession(ctx, self, what="run being logged",
                                 payload=lambda: json.dumps({"fields": self.form.raw_texts()}))
        self.today: Callable[[], dt.date] = dt.date.today  # tests may pin the day
        self.plan_label = QLabel()
        self.plan_label.setObjectName("runlog_plan")
        self.plan_label.setWordWrap(True)
        self.form = RunEntryForm()
        self.log_button = QPushButton("&Log run")
        self.log_button.setObjectName("log_run")
        self.log_button.setToolTip("Add this run to the log (Enter in a field, or Ctrl+S)")
        self.entry_state = QLabel()
        self.entry_state.setObjectName("runlog_state")
        self.entry_state.setWordWrap(True)
        self.runs_model = RunsTableModel(self)
        self.runs_view = _table("logged_runs")
        self.runs_view.setModel(self.runs_model)
        self.runs_view.horizontalHeader().setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.delete_button = QPushButton("&Delete run…")
        self.delete_button.setObjectName("delete_run")
        self.imports = ImportEntry(ctx, self, patient_id=lambda: self._patient_id,
                                   today=lambda: self.today())
        self.weeks_model = WeeksTableModel(self)
        self.weeks_view = _table("plan_weeks")
        self.weeks_view.setModel(self.weeks_model)
        self.weeks_view.horizontalHeader().setStretchLastSection(True)
        self.replan_button = QPushButton("&Re-plan remaining weeks from what was done")
        self.replan_button.setObjectName("replan")
        self.pause_bar = PauseBar(ctx)
        self.replan_state = QLabel()
        self.replan_state.setObjectName("replan_state")
        self.replan_state.setWordWrap(True)
        self._build_layout()
        self._apply_colours()
        self._connect_signals()
        self.set_patient(None)

    def _build_layout(self) -> None:
        entry = QGroupBox("Log a run from the patient's diary")
        entry_layout = QVBoxLayout(entry)
        entry_layout.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.entry_state, 1)
        buttons.addWidget(self.log_button)
        entry_layout.addLayout(buttons)
        weeks = QGroupBox("Plan weeks: planned vs done, and what the pain rules say")
        weeks_layout = QVBoxLayout(weeks)
        weeks_layout.addWidget(self.weeks_view, 1)
        replan_row = QHBoxLayout()
        replan_row.addWidget(self.replan_state, 1)
        replan_row.addWidget(self.replan_button, 0, Qt.AlignmentFlag.AlignTop)
        weeks_layout.addLayout(replan_row)
        runs = QGroupBox("Logged runs (newest first)")
        runs_layout = QVBoxLayout(runs)
        runs_layout.addWidget(self.runs_view, 1)
        delete_row = QHBoxLayout()
        delete_row.addWidget(self.imports.import_button)
        delete_row.addWidget(self.imports.pain_button)
        delete_row.addStretch(1)
        delete_row.addWidget(self.delete_button)
        runs_layout.addLayout(delete_row)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(weeks)
        splitter.addWidget(runs)
        body = _Body()
        layout = QVBoxLayout(body)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.pause_bar)
        layout.addWidget(entry)
        layout.addWidget(splitter, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(body)

    def _connect_signals(self) -> None:
        self.form.changed.connect(self._on_form_changed)
        self.log_button.clicked.connect(self._on_log_button_clicked)
        self.form.amount.returnPressed.connect(self._on_log_button_clicked)
        self.form.pain_during.returnPressed.connect(self._on_log_button_clicked)
        self.form.note.returnPressed.connect(self._on_log_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        QShortcut(QKeySequence.StandardKey.Delete, self.runs_view, self._on_delete_button_clicked,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.replan_button.clicked.connect(self._on_replan_button_clicked)
        self.imports.runs_changed.connect(self._on_imports_runs_changed)
        self.runs_view.doubleClicked.connect(self._on_runs_view_double_clicked)
        self.pause_bar.changed.connect(self._on_pause_bar_changed)

    # --- ChartTab --------------------------------------------------------------------------
    def set_patient(self, patient_id: int | None) -> None:
        self.flush_draft()
        self._patient_id = patient_id
        self.edits.open(f"runlog:patient:{patient_id}" if patient_id else None, patient_id,
                        "Run log entry")
        with self.edits.loading():
            self.form.reset(self.today())
        self.entry_state.setText("")
        self.replan_state.setText("")
        for widget in (self.form, self.log_button, self.delete_button, self.replan_button,
                       self.imports.import_button):
            widget.setEnabled(patient_id is not None)
        self._reload()
        if patient_id is None:
            return
        draft = self.edits.offer()
        if draft is not None:
            try:
                with self.edits.loading():
                    self.form.set_raw_texts(json.loads(draft.payload)["fields"])
            except (ValueError, KeyError, TypeError):
                return
            self.edits.dirty = True
            self.entry_state.setText("Restored a run that was not logged yet.")

    def has_unsaved_changes(self) -> bool:
        return self.edits.dirty and self.form.has_input()

    def save(self) -> bool:
        """Ctrl+S logs the run being typed; nothing typed means nothing to save."""
        if self._patient_id is None or not self.form.has_input():
            return True
        return self.log_current_run()

    def flush_draft(self) -> None:
        if self.edits.dirty and not self.form.has_input():
            self.edits.discard()  # everything typed was cleared again: no draft to keep
            return
        self.edits.flush()

    def discard_changes(self) -> None:
        """The clinician chose Discard: drop the run being typed and its draft."""
        self.edits.discard()
        with self.edits.loading():
            self.form.reset(self.today())
        self.entry_state.setText("")

    # The form is always a new run, never a copy of a saved one, so runs saved elsewhere
    # can be shown while something is typed (the chart's refresher reads this).
    reload_keeps_edits = True

    def reload(self, offer_draft: bool = False) -> None:
        """Show runs and plan weeks saved on another workstation; the run being typed stays."""
        self._reload()

    # --- actions ---------------------------------------------------------------------------
    def log_current_run(self) -> bool:
        if self._patient_id is None:
            return False
        try:
            values = self.form.values()
            run = log_run(self._ctx.session_factory, actor=self._ctx.actor,
                          patient_id=self._patient_id, today=self.today(),
                          draft_key=self.edits.key, **values)
        except ValidationError as exc:
            self.form.show_error(exc)
            self.entry_state.setText("Not logged: see the message in red. What you typed is kept.")
            return False
        except ServiceError as exc:
            self.entry_state.setText(f"Not logged: {exc}")
            return False
        self.edits.saved()
        with self.edits.loading():
            self.form.reset(self.today(), keep_date=True)
        self.entry_state.setText(f"Logged {amount_text(run.amount, run.measure)} on "
                                 f"{day_text(run.run_date)}.")
        self.form.amount.setFocus()
        self._reload()
        self.announce(ChangeKind.RUNLOG)
        return True

    def delete_selected_run(self) -> bool:
        rows = self.runs_view.selectionModel().selectedRows()
        run = self.runs_model.run_at(rows[0].row()) if rows else None
        if run is None or self._patient_id is None:
            return False
        answer = QMessageBox.question(
            self, "Delete run",
            f"Delete the run of {day_text(run.run_date)} "
            f"({amount_text(run.amount, run.measure)})? Do this only for a run entered by "
            f"mistake.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        delete_run(self._ctx.session_factory, actor=self._ctx.actor, run_id=run.id)
        self._reload()
        self.announce(ChangeKind.RUNLOG)
        return True

    def replan(self) -> bool:
        if self._patient_id is None or self._plan is None:
            return False
        sf, actor = self._ctx.session_factory, self._ctx.actor
        try:
            preview = preview_replan(sf, actor=actor, patient_id=self._patient_id,
                                     today=self.today())
        except ServiceError as exc:
            self.replan_state.setText(str(exc))
            return False
        # The new weeks next to the old ones; nothing is saved unless the clinician accepts.
        if ReplanDialog(preview, self).exec() != QDialog.DialogCode.Accepted:
            self.replan_state.setText("Re-plan cancelled: the plan is unchanged.")
            return False
        try:
            stored = accept_replan(sf, actor=actor, preview=preview)
        except ServiceError as exc:
            self.replan_state.setText(str(exc))
            return False
        self._reload()
        finished = len(stored.inputs.history)
        upcoming = next((w for w in stored.plan.weeks if w.week == finished + 1), None)
        text = f"New active plan saved from {finished} finished week{'s' if finished > 1 else ''}."
        if upcoming is not None:
            text += (f" Week {upcoming.week} is now "
                     f"{amount_text(upcoming.total, stored.inputs.measure)}.")
        self.replan_state.setText(text)
        self.announce(ChangeKind.RUNPLAN)
        self._ctx.signals.status_message.emit("Run plan re-planned from the run log.")
        return True

    # --- loading ---------------------------------------------------------------------------
    def _reload(self) -> None:
        sf, patient_id, actor = self._ctx.session_factory, self._patient_id, self._ctx.actor
        self._plan = active_plan(sf, patient_id, actor=actor) if patient_id is not None else None
        waiting = (runs_waiting_for_pain(sf, patient_id, actor=actor)
                   if patient_id is not None else [])
        self.runs_model.set_runs(list_runs(sf, patient_id, actor=actor)
                                 if patient_id is not None else [], [i for i, _d in waiting])
        self.imports.show_waiting(len(waiting))
        weeks = (weekly_summary(sf, patient_id, actor=actor, today=self.today())
                 if self._plan else [])
        self.weeks_model.set_rows(weeks)
        self.form.set_plan_measure(self._plan.inputs.measure if self._plan else None)
        self.pause_bar.today = self.today
        self.pause_bar.set_plan(self._plan)
        # Re-planning changes the plan (edit_plan): an assistant logs runs but cannot.
        may_replan = self._ctx.can("edit_plan")
        self.replan_button.setEnabled(may_replan and self._plan is not None
                                      and not self._plan.plan.paused
                                      and any(w.complete for w in weeks))
        if not may_replan:
            self.replan_button.setToolTip("A clinician re-plans the remaining weeks.")
        self.delete_button.setEnabled(self.runs_model.rowCount() > 0)
        for view, columns in ((self.weeks_view, (DATES, DECISION, PLANNED, DONE)),
                              (self.runs_view, (DATE,))):
            for column in columns:
                view.resizeColumnToContents(column)
        if patient_id is None:
            self.plan_label.setText("Select a patient to log their runs.")
        elif self._plan is None:
            self.plan_label.setText("No active return-to-run plan: runs can still be logged (choose "
                                    "the unit), but weekly decisions need a plan from the Run "
                                    "plan tab.")
        else:
            inputs = self._plan.inputs
            current = (self.today() - inputs.start).days // 7 + 1
            when = f"now in week {current}" if current >= 1 else \
                f"starts {day_text(inputs.start)}"
            self.plan_label.setText(
                f"Active plan: {inputs.runs_per_week} runs a week in "
                f"{MEASURE_LABELS[inputs.measure]}, from {day_text(inputs.start)} ({when}); "
                f"weekly increase at most {inputs.cap_pct}%.")

    def _apply_colours(self) -> None:
        self.weeks_model.set_colours({d: status_colour(d, self.palette())
                                      for d in ("progress", "hold", "regress")})

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()
        super().changeEvent(event)

    # --- slots -----------------------------------------------------------------------------
    def _on_form_changed(self) -> None:
        self.edits.edited()

    def _on_log_button_clicked(self) -> None:
        self.log_current_run()

    def _on_delete_button_clicked(self) -> None:
        self.delete_selected_run()

    def _on_replan_button_clicked(self) -> None:
        self.replan()

    def _on_runs_view_double_clicked(self, index: QModelIndex) -> None:
        run = self.runs_model.run_at(index.row())
        if run is not None and self.runs_model.is_waiting(index.row()):
            self.imports.open_pain_answers(run.id)

    def _on_imports_runs_changed(self) -> None:
        self._reload()  # imported runs or pain answers: the weeks and the Progress tab change
        if self._patient_id is not None:
            self._ctx.signals.data_changed.emit(ChangeKind.RUNLOG, self._patient_id)

    def _on_pause_bar_changed(self) -> None:
        self._reload()

    def on_local_change(self, kind: ChangeKind) -> None:
        self._reload()
