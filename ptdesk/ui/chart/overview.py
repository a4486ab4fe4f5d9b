"""The Overview tab: episode, goals, last visit, home exercises and run plan at a glance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import evaluation as ev
from ptdesk.services.changes import ChangeKind
from ptdesk.services.episodes import EpisodeInfo, list_episodes
from ptdesk.services.evaluations import VisitSummary, list_visits, load_evaluation
from ptdesk.services.handouts import cadence_target
from ptdesk.services.prescriptions import DosedItem, PrescriptionInfo, active_prescription
from ptdesk.services.readiness import readiness_status
from ptdesk.services.runplans import StoredPlan, active_plan
from ptdesk.ui.chart.readiness_text import readiness_text
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.plan_pause import PAUSED_TEXT

UNIT_WORDS = {"minutes": "min", "km": "km", "mi": "mi"}
NOTHING_YET = "—"


def _day(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else NOTHING_YET


def _amount(value: Decimal, measure: str) -> str:
    return f"{value.normalize():f} {UNIT_WORDS.get(measure, measure)}"


def episode_text(episodes: list[EpisodeInfo]) -> str:
    if not episodes:
        return "No episode of care yet."
    current = next((e for e in reversed(episodes) if e.status == "active"), episodes[-1])
    code = f" ({current.icd10_code})" if current.icd10_code else ""
    lines = [
        f"{current.diagnosis}{code}",
        f"Affected side: {current.affected_side}"
        + (f"   Injured ankle: {current.injured_ankle_side}" if current.injured_ankle_side
           else ""),
        f"Onset: {_day(current.onset_date)}   Start of care: {_day(current.start_date)}",
        f"Status: {current.status.replace('_', ' ')}"
        + (f" (ended {_day(current.end_date)})" if current.end_date else ""),
    ]
    if len(episodes) > 1:
        lines.append(f"Earlier episodes: {len(episodes) - 1}")
    return "\n".join(lines)


def goals_text(episodes: list[EpisodeInfo], today: date | None = None) -> str:
    current = next((e for e in reversed(episodes) if e.status == "active"), None)
    if current is None or not current.goals:
        return "No goals recorded."
    lines = []
    for goal in current.goals:
        if goal.met_on:
            lines.append(f"✓ {goal.description} (met {_day(goal.met_on)})")
        else:
            target = f" — by {_day(goal.target_date)}" if goal.target_date else ""
            if goal.target_date and goal.target_date < (today or date.today()):
                target += " (past due)"
            lines.append(f"• {goal.description}{target}")
    return "\n".join(lines)


def last_visit_text(visits: list[VisitSummary], evaluation: ev.Evaluation | None,
                    cadence_target: int | None = None) -> str:
    """`cadence_target` is the plan's target from the *baseline* cadence (never compounding)."""
    if not visits:
        return "No visits yet."
    last = visits[0]
    lines = [f"{_day(last.visit_date)} · {last.type_label} · "
             f"{'signed' if last.status == 'signed' else 'draft, not signed'}",
             f"Visits on record: {len(visits)}"]
    if evaluation is not None:
        subjective, gait, plan = evaluation.subjective, evaluation.gait, evaluation.assessment
        if subjective and subjective.chief_complaint:
            lines.append(f"Complaint: {subjective.chief_complaint}")
        if subjective and subjective.nprs_now is not None:
            worst = f", worst {subjective.nprs_worst}/10" if subjective.nprs_worst is not None else ""
            lines.append(f"Pain now {subjective.nprs_now}/10{worst}")
        if gait and gait.cadence_spm:
            lines.append(f"Cadence {gait.cadence_spm} steps/min"
                         + (f" → target {cadence_target}" if cadence_target else ""))
        if plan and plan.plan_notes:
            lines.append(f"Plan: {plan.plan_notes}")
    return "\n".join(lines)


def dosage_text(item: DosedItem) -> str:
    if item.minutes:
        amount = f"{item.minutes} min"
    elif item.reps:
        amount = f"{item.sets} × {item.reps}" + (f", hold {item.hold_seconds} s"
                                                 if item.hold_seconds else "")
    else:
        amount = f"{item.sets} × hold {item.hold_seconds} s"
    often = f"{item.per_day}×/day" if item.per_day else f"{item.per_week}×/week"
    # Timed work (cycling, drills) has no side worth printing.
    side = "" if item.minutes else {"each": ", each side", "both": ", both sides"}.get(
        item.side, f", {item.side}")
    return f"{amount}{side}, {often}"


def prescription_text(prescription: PrescriptionInfo | None) -> str:
    if prescription is None:
        return "No home exercise programme yet."
    lines = [f"Since {_day(prescription.effective_date)} · "
             f"{len(prescription.items)} exercise{'s' if len(prescription.items) != 1 else ''}"]
    lines += [f"{n}. {item.exercise_name or 'Exercise'} — {dosage_text(item)}"
              for n, item in enumerate(prescription.items, start=1)]
    return "\n".join(lines)


def plan_text(stored: StoredPlan | None, today: date) -> str:
    if stored is None:
        return "No return-to-run plan yet."
    plan, inputs = stored.plan, stored.inputs
    measure = plan.measure
    lines = [f"{inputs.runs_per_week} runs a week, building to "
             f"{_amount(inputs.goal_weekly, measure)} a week (at most +{plan.cap_pct.normalize():f}% "
             "a week)"]
    current = next((w for w in reversed(plan.weeks) if w.start <= today), None)
    if current is not None:
        lines.append(f"Week {current.week} (from {_day(current.start)}): "
                     f"{_amount(current.total, measure)} in total, longest run "
                     f"{_amount(current.longest, measure)}")
    if plan.goal_week:
        lines.append(f"Goal reached in week {plan.goal_week} ({_day(plan.goal_date)})")
    if plan.race_ready is not None and inputs.race_date:
        lines.append(f"Race {_day(inputs.race_date)}: "
                     + ("on track" if plan.race_ready else "NOT reached by race day"))
    if plan.paused:
        lines.append(f"⏸ {PAUSED_TEXT}")
    lines += [f"⚠ {warning}" for warning in plan.warnings]
    return "\n".join(lines)


class OverviewTab(ChartTab):
    """Read-only summary; implements ChartTab with nothing to save."""

    title = "&Overview"
    save_permission = None  # nothing here is edited
    refresh_kinds = None  # every kind: it summarises the whole chart
    scrolls = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ctx = ctx
        self._stale = False  # data changed while hidden: reload when shown
        self.labels: dict[str, QLabel] = {}
        content = QWidget(self)
        grid = QGridLayout(content)
        sections = (
            ("episode", "Episode of care", 0, 0), ("goals", "Goals", 0, 1),
            ("last_visit", "Last visit", 1, 0), ("plan", "Return-to-run plan", 1, 1),
            ("readiness", "Readiness to run", 2, 0), ("prescription", "Home exercises", 3, 0),
        )
        for key, title, row, column in sections:
            box = QGroupBox(title, content)
            label = QLabel(box)
            label.setObjectName(f"overview_{key}")
            label.setAccessibleName(title)
            label.setTextFormat(Qt.TextFormat.PlainText)  # patient text is never read as HTML
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            QVBoxLayout(box).addWidget(label)
            self.labels[key] = label
            span = 2 if key in ("prescription", "readiness") else 1
            grid.addWidget(box, row, column, 1, span)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(4, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def set_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        self._stale = False
        self.reload()

    def reload(self, offer_draft: bool = False) -> None:
        if self._patient_id is None:
            for label in self.labels.values():
                label.clear()
            return
        sf, pid, actor = self.ctx.session_factory, self._patient_id, self.ctx.actor
        episodes = list_episodes(sf, pid, actor=actor)
        visits = list_visits(sf, pid, actor=actor)
        evaluation = None
        if visits:
            _summary, evaluation = load_evaluation(sf, actor=actor, visit_id=visits[0].id)
        self.labels["episode"].setText(episode_text(episodes))
        self.labels["goals"].setText(goals_text(episodes, date.today()))
        self.labels["last_visit"].setText(last_visit_text(
            visits, evaluation, cadence_target(sf, actor=actor, patient_id=pid)))
        self.labels["prescription"].setText(
            prescription_text(active_prescription(sf, pid, actor=actor)))
        self.labels["plan"].setText(plan_text(active_plan(sf, pid, actor=actor), date.today()))
        self.labels["readiness"].setText(
            readiness_text(readiness_status(sf, pid, actor=actor)))

    def on_local_change(self, kind: ChangeKind) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)
