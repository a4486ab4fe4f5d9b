"""Run logs from the patient's diary: record, list, group into plan weeks, re-plan from them."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Patient, RunLog
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import (
    HORIZON_WEEKS,
    MEASURES,
    Decision,
    NextMorning,
    PainRules,
    PlanInputs,
    PlanWeek,
    WeekLog,
    build_plan,
    decide,
)
from ptdesk.domain.runplan.amounts import UNIT_TEXT, steps_down
from ptdesk.domain.runplan.model import NEXT_MORNING
from ptdesk.domain.runplan.versions import splice
from ptdesk.domain.units import convert_distance
from ptdesk.services.audit import log as audit
from ptdesk.services.drafts import drop_draft
from ptdesk.services.errors import NotFoundError, ServiceError
from ptdesk.services.permissions import require
from ptdesk.services.runplans import NewVersion, StoredPlan, load_active_plan, save_version
from ptdesk.services.uow import transaction

RUN_KINDS = ("walk_run", "continuous")
NEXT_MORNING_RANK: dict[str, int] = {"better": 0, "same": 1, "stiff-settled": 2, "worse": 3}
# One run longer than this is a typing slip (e.g. 450 for 45), not a patient's run.
MAX_RUN: dict[str, Decimal] = {"minutes": Decimal(600), "km": Decimal(150), "mi": Decimal(100)}
_THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class RunLogInfo:
    """One logged run; `amount` is running only (walking never counts), in `measure`."""

    id: int
    patient_id: int
    plan_id: int | None
    run_date: date
    amount: float
    measure: str
    kind: str
    pain_during: int
    next_morning: str
    swelling: bool
    limping: bool
    note: str


@dataclass(frozen=True)
class LoggedWeek:
    """One week of the active plan with what the patient logged in it.

    `complete` is True once the week's last day is past; the decision of an
    unfinished week is provisional (red flags already count). A finished week
    with no runs logged counts as a week without running, which the pain rules
    hold. `other_measure_runs` counts runs logged in minutes on a distance plan
    (or the reverse): they cannot be added to the week and are left out.
    """

    week: int
    start: date
    end: date
    measure: str
    planned_total: Decimal | None
    planned_longest: Decimal | None
    runs: int
    done_total: Decimal
    done_longest: Decimal
    worst_pain: int | None
    worst_next_morning: NextMorning | None
    swelling: bool
    limping: bool
    complete: bool
    decision: Decision | None
    other_measure_runs: int = 0
    waiting_for_pain: int = 0  # imported runs whose pain answers are not in yet

    def week_log(self) -> WeekLog:
        """The week as the plan generator reads it (a run under one printed step is no run)."""
        measure = self.measure
        total, longest = self.done_total, self.done_longest
        if steps_down(longest, measure) < 1:  # type: ignore[arg-type]
            total = longest = Decimal(0)
        return WeekLog(week=self.week, done_total=total, done_longest=longest,
                       pain_during=self.worst_pain or 0,
                       next_morning=self.worst_next_morning or "same",
                       swelling=self.swelling, limping=self.limping)


def _info(row: RunLog) -> RunLogInfo:
    return RunLogInfo(row.id, row.patient_id, row.plan_id, row.run_date, row.amount, row.measure,
                      row.kind, row.pain_during, row.next_morning, row.swelling, row.limping,
                      row.note)


def _amount(value: object, measure: str) -> Decimal:
    unit = UNIT_TEXT[measure]  # type: ignore[index]
    limit = MAX_RUN[measure]
    if (isinstance(value, bool) or not isinstance(value, int | float | Decimal)
            or not math.isfinite(float(value))):
        raise ValidationError("amount", "Enter how much was run as a number, e.g. 20 or 2.5.")
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not 0 < amount <= limit:
        raise ValidationError("amount", f"The running amount must be more than 0 and at most "
                                        f"{limit} {unit} for one run. Count running only, "
                                        f"not the walking.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError("amount", "The running amount can have at most 2 decimals.")
    return amount


def _check_flag(field: str, value: object, label: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, f"Say yes or no for {label}.")
    return value


def log_run(
    session_factory: SessionFactory, *, actor: str, patient_id: int, run_date: date,
    amount: float, kind: str, pain_during: int, next_morning: str, swelling: bool = False,
    limping: bool = False, note: str = "", measure: str | None = None, today: date | None = None,
    draft_key: str | None = None,
) -> RunLogInfo:
    """Record one run from the patient's log; the measure defaults to the active plan's."""
    today = today or date.today()
    if isinstance(run_date, datetime) or not isinstance(run_date, date):
        raise ValidationError("run_date", "Enter the day of the run as a date.")
    if run_date > today:
        raise ValidationError("run_date", "A run cannot be logged for a day that has not "
                                          "happened yet.")
    v.validate_choice("kind", kind, RUN_KINDS, "Kind of run")
    if isinstance(pain_during, bool) or not isinstance(pain_during, int) \
            or not 0 <= pain_during <= 10:
        raise ValidationError("pain_during", "Pain during the run must be a whole number "
                                             "from 0 to 10.")
    if next_morning not in NEXT_MORNING_RANK:
        raise ValidationError("next_morning", "Say whether the next morning felt better, the "
                                              "same, stiff but settled, or worse.")
    _check_flag("swelling", swelling, "swelling")
    _check_flag("limping", limping, "limping")
    note = v.optional_text("note", note, "Note", 2000)
    with transaction(session_factory) as session:
        # The plan is read after the check: it is part of the chart.
        require(session, actor, "log_runs")
        plan = load_active_plan(session, patient_id)
        if measure is None:
            if plan is None:
                raise ValidationError("measure", "There is no active return-to-run plan, so "
                                                 "say whether this run is in minutes, km or "
                                                 "miles.")
            measure = plan.inputs.measure
        if measure not in MEASURES:
            raise ValidationError("measure", "A run is logged in minutes, km or miles.")
        value = _amount(amount, measure)
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFoundError(f"No patient with id {patient_id}.")
        if run_date < patient.date_of_birth:
            raise ValidationError("run_date", "The run date is before the patient's birth date.")
        row = RunLog(patient_id=patient_id, plan_id=plan.id if plan else None, run_date=run_date,
                     amount=float(value), measure=measure, kind=kind, pain_during=pain_during,
                     next_morning=next_morning, swelling=swelling, limping=limping, note=note)
        session.add(row)
        drop_draft(session, actor=actor, form_key=draft_key)  # same transaction as the save
        session.flush()
        audit.record(session, actor=actor, action="create", patient_id=patient_id,
                     record_type="run_log", record_id=row.id, summary="run logged")
        return _info(row)


def list_runs(
    session_factory: SessionFactory, patient_id: int, *, actor: str, start: date | None = None,
    end: date | None = None,
) -> list[RunLogInfo]:
    """Logged runs oldest first, optionally from `start` to `end` (both days included)."""
    stmt = select(RunLog).where(RunLog.patient_id == patient_id)
    if start is not None:
        stmt = stmt.where(RunLog.run_date >= start)
    if end is not None:
        stmt = stmt.where(RunLog.run_date <= end)
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return [_info(row) for row in session.scalars(stmt.order_by(RunLog.run_date, RunLog.id))]


def delete_run(session_factory: SessionFactory, *, actor: str, run_id: int) -> None:
    """Remove a run entered by mistake (the audit log keeps who removed it)."""
    with transaction(session_factory) as session:
        require(session, actor, "log_runs")
        row = session.get(RunLog, run_id)
        if row is None:
            raise NotFoundError(f"No logged run with id {run_id}.")
        patient_id = row.patient_id
        session.delete(row)
        audit.record(session, actor=actor, action="delete", patient_id=patient_id,
                     record_type="run_log", record_id=run_id, summary="run removed")


# ---- weekly grouping ------------------------------------------------------------------

def amount_in(amount: float, from_measure: str, to_measure: str) -> Decimal | None:
    """A logged amount in the plan's measure (km and miles convert; minutes do not)."""
    if from_measure == to_measure:
        return Decimal(repr(float(amount)))
    if {from_measure, to_measure} == {"km", "mi"}:
        converted = convert_distance(amount, from_measure, to_measure)  # type: ignore[arg-type]
        # Rounded down: the plan may only assume what was surely done.
        return Decimal(repr(converted)).quantize(_THOUSANDTH, rounding=ROUND_FLOOR)
    return None


def _worst_morning(answers: Iterable[str]) -> NextMorning | None:
    worst = max(answers, key=NEXT_MORNING_RANK.__getitem__, default=None)
    return None if worst is None else NEXT_MORNING[NEXT_MORNING_RANK[worst]]


def summarise_weeks(
    plan_start: date, plan_weeks: Sequence[PlanWeek], measure: str, rules: PainRules,
    runs: Iterable[tuple[date, float, str, int, str, bool, bool] |
                   tuple[date, float, str, int, str, bool, bool, bool]], today: date,
) -> list[LoggedWeek]:
    """Group runs (date, amount, measure, pain, next morning, swelling, limping) into plan weeks.

    Week n runs from plan start + 7(n-1) days. Weeks are listed from 1 up to the
    current week (no further than the plan's end) or the last week with a run.
    """
    buckets: dict[int, list[tuple[Decimal, int, str, bool, bool]]] = {}
    skipped: dict[int, int] = {}
    waiting: dict[int, int] = {}
    for run_date, amount, run_measure, pain, morning, swelling, limping, *answered in runs:
        if run_date < plan_start:
            continue
        week = (run_date - plan_start).days // 7 + 1
        if week > HORIZON_WEEKS:
            continue
        value = amount_in(amount, run_measure, measure)
        if value is None:
            skipped[week] = skipped.get(week, 0) + 1
            continue
        buckets.setdefault(week, []).append((value, pain, morning, swelling, limping))
        if answered and not answered[0]:  # imported: the watch does not know the pain
            waiting[week] = waiting.get(week, 0) + 1
    current = (today - plan_start).days // 7 + 1 if today >= plan_start else 0
    last = max([min(current, len(plan_weeks)), *buckets, *skipped, 0])
    planned = {w.week: w for w in plan_weeks}
    weeks = []
    for number in range(1, min(last, HORIZON_WEEKS) + 1):
        start = plan_start + timedelta(weeks=number - 1)
        end = start + timedelta(days=6)
        entries = buckets.get(number, [])
        complete = end < today
        plan_week = planned.get(number)
        logged = LoggedWeek(
            week=number, start=start, end=end, measure=measure,
            planned_total=plan_week.total if plan_week else None,
            planned_longest=plan_week.longest if plan_week else None,
            runs=len(entries),
            done_total=sum((e[0] for e in entries), Decimal(0)),
            done_longest=max((e[0] for e in entries), default=Decimal(0)),
            worst_pain=max((e[1] for e in entries), default=None),
            worst_next_morning=_worst_morning(e[2] for e in entries),
            swelling=any(e[3] for e in entries), limping=any(e[4] for e in entries),
            complete=complete, decision=None, other_measure_runs=skipped.get(number, 0),
            waiting_for_pain=waiting.get(number, 0),
        )
        if (entries or complete) and not logged.waiting_for_pain:  # the decision waits
            logged = dataclasses.replace(logged, decision=decide(logged.week_log(), rules))
        weeks.append(logged)
    return weeks


def _plan_runs(session: Session, patient_id: int, start: date
               ) -> list[tuple[date, float, str, int, str, bool, bool]]:
    stmt = (select(RunLog.run_date, RunLog.amount, RunLog.measure, RunLog.pain_during,
                   RunLog.next_morning, RunLog.swelling, RunLog.limping,
                   RunLog.pain_answered)
            .where(RunLog.patient_id == patient_id, RunLog.run_date >= start)
            .order_by(RunLog.run_date, RunLog.id))
    return [tuple(row) for row in session.execute(stmt)]  # type: ignore[misc]


def load_weekly_summary(session: Session, stored: StoredPlan,
                        today: date | None = None) -> list[LoggedWeek]:
    """`weekly_summary_for` inside a caller's transaction (the caller checked the actor)."""
    start = stored.inputs.start
    return summarise_weeks(start, stored.plan.weeks, stored.inputs.measure, stored.rules,
                           _plan_runs(session, stored.patient_id, start), today or date.today())


def weekly_summary_for(session_factory: SessionFactory, stored: StoredPlan,
                       today: date | None = None, *, actor: str) -> list[LoggedWeek]:
    """`weekly_summary` for a plan the caller already loaded."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return load_weekly_summary(session, stored, today)


def weekly_summary(session_factory: SessionFactory, patient_id: int, *, actor: str,
                   today: date | None = None) -> list[LoggedWeek]:
    """The active plan's weeks so far with what was logged and the pain rules' decision."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        stored = load_active_plan(session, patient_id)
        return [] if stored is None else load_weekly_summary(session, stored, today)


@dataclass(frozen=True)
class ReplanPreview:
    """Old and new weeks side by side before the clinician accepts a re-plan."""

    stored: StoredPlan  # the active plan the preview started from
    inputs: PlanInputs  # with the finished weeks as history
    version: NewVersion

    @property
    def from_week(self) -> int:
        return self.version.from_week

    @property
    def old_weeks(self) -> tuple[PlanWeek, ...]:
        return tuple(w for w in self.stored.plan.weeks if w.week >= self.from_week)

    @property
    def new_weeks(self) -> tuple[PlanWeek, ...]:
        return tuple(w for w in self.version.plan.weeks if w.week >= self.from_week)


def preview_replan(session_factory: SessionFactory, *, actor: str, patient_id: int,
                   today: date | None = None) -> ReplanPreview:
    """The plan re-made from the run log from the first unfinished week on; nothing saved.

    The finished weeks become the plan's history, so each following week is capped
    against the week done (not the week printed), and the pain rules' hold or go-back
    decisions are applied. Weeks before the first unfinished one keep the numbers
    that were planned for them at the time.
    """
    with transaction(session_factory) as session:
        require(session, actor, "edit_plan")
        stored = load_active_plan(session, patient_id)
        if stored is None:
            raise ServiceError("This patient has no active return-to-run plan to re-plan.")
        if stored.plan.paused:
            raise ServiceError("This plan is paused: resume it with a restart dose instead.")
        # Weeks waiting for pain answers end the history: later weeks cannot follow them.
        finished = list(itertools.takewhile(
            lambda w: not w.waiting_for_pain,
            (w for w in load_weekly_summary(session, stored, today) if w.complete)))
        if not finished:
            raise ServiceError("No week of the plan has finished yet, so there is nothing "
                               "to re-plan from.")
    history = tuple(w.week_log() for w in finished[:HORIZON_WEEKS])
    inputs = dataclasses.replace(stored.inputs, history=history)
    from_week = len(history) + 1
    plan = splice(stored.plan, build_plan(inputs, stored.rules, stored.gaps), from_week,
                  stored.plan_version + 1)
    return ReplanPreview(stored, inputs, NewVersion(plan, stored, from_week))


def accept_replan(session_factory: SessionFactory, *, actor: str,
                  preview: ReplanPreview) -> StoredPlan:
    """Save a previewed re-plan as the new active version (ConflictError if it went stale)."""
    return save_version(session_factory, actor=actor, stored=preview.stored,
                        inputs=preview.inputs, version=preview.version)


def replan_from_logs(session_factory: SessionFactory, *, actor: str, patient_id: int,
                     today: date | None = None) -> StoredPlan:
    """Preview and accept in one step (the CLI and older callers)."""
    preview = preview_replan(session_factory, actor=actor, patient_id=patient_id, today=today)
    return accept_replan(session_factory, actor=actor, preview=preview)
