"""Return-to-run plans in the chart: build under the cap, store, list, reopen, make active."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Patient, RunPlan, RunPlanWeek
from ptdesk.domain.runplan import (
    PainRules,
    Plan,
    PlanInputs,
    build_plan,
    inputs_from_json,
    inputs_to_json,
    plan_from_json,
    plan_to_json,
)
from ptdesk.services import audit
from ptdesk.services.errors import NotFoundError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction


@dataclass(frozen=True)
class StoredPlan:
    id: int
    patient_id: int
    status: str
    created_on: date
    inputs: PlanInputs
    rules: PainRules
    plan: Plan
    note: str
    clinician_id: int | None = None


def _stored(row: RunPlan) -> StoredPlan:
    rules = PainRules(**row.pain_rules) if row.pain_rules else PainRules()  # type: ignore[arg-type]
    return StoredPlan(
        id=row.id, patient_id=row.patient_id, status=row.status,
        created_on=row.created_at.date(), inputs=inputs_from_json(row.inputs_json), rules=rules,
        plan=plan_from_json(row.plan_json), note=row.note, clinician_id=row.clinician_id,
    )


def save_plan(
    session_factory: SessionFactory, *, actor: str, patient_id: int, inputs: PlanInputs,
    rules: PainRules | None = None, note: str = "", episode_id: int | None = None,
    clinician_id: int | None = None,
) -> StoredPlan:
    """Generate the plan from the inputs and store it as the patient's active plan.

    The plan is regenerated here rather than trusted from the caller, so what is
    stored always satisfies the cap for these inputs.
    """
    rules = rules or PainRules()
    plan = build_plan(inputs, rules)
    with transaction(session_factory) as session:
        require(session, actor, "edit_plan")
        if session.get(Patient, patient_id) is None:
            raise NotFoundError(f"No patient with id {patient_id}.")
        for old in session.scalars(
            select(RunPlan).where(RunPlan.patient_id == patient_id, RunPlan.status == "active")
        ):
            old.status = "archived"
        row = RunPlan(
            patient_id=patient_id, episode_id=episode_id, clinician_id=clinician_id,
            status="active", measure=inputs.measure, runs_per_week=inputs.runs_per_week,
            current_run=float(inputs.current_run), goal_weekly=float(inputs.goal_weekly),
            goal_long_run=None if inputs.goal_long_run is None else float(inputs.goal_long_run),
            start_date=inputs.start, race_date=inputs.race_date, cap_pct=float(inputs.cap_pct),
            lighter_every=inputs.lighter_every,
            lighter_pct=None if inputs.lighter_pct is None else float(inputs.lighter_pct),
            pain_rules={"progress_max_pain": rules.progress_max_pain,
                        "hold_max_pain": rules.hold_max_pain},
            inputs_json=inputs_to_json(inputs), plan_json=plan_to_json(plan), note=note.strip(),
        )
        row.weeks = [
            RunPlanWeek(week=w.week, start_date=w.start, total=float(w.total),
                        longest=float(w.longest), lighter=w.lighter)
            for w in plan.weeks
        ]
        session.add(row)
        session.flush()
        audit.record(session, actor=actor, action="create", patient_id=patient_id,
                     record_type="run_plan", record_id=row.id,
                     summary=f"run plan, {len(plan.weeks)} weeks")
        return _stored(row)


def active_plan(session_factory: SessionFactory, patient_id: int) -> StoredPlan | None:
    with transaction(session_factory) as session:
        row = session.scalar(
            select(RunPlan).where(RunPlan.patient_id == patient_id, RunPlan.status == "active")
        )
        return _stored(row) if row else None


def list_plans(session_factory: SessionFactory, patient_id: int) -> list[StoredPlan]:
    with transaction(session_factory) as session:
        rows = session.scalars(
            select(RunPlan).where(RunPlan.patient_id == patient_id).order_by(RunPlan.id.desc())
        )
        return [_stored(r) for r in rows]


def get_plan(session_factory: SessionFactory, *, actor: str, plan_id: int) -> StoredPlan:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = session.get(RunPlan, plan_id)
        if row is None:
            raise NotFoundError(f"No run plan with id {plan_id}.")
        audit.record(session, actor=actor, action="view", patient_id=row.patient_id,
                     record_type="run_plan", record_id=row.id)
        return _stored(row)


def make_active(session_factory: SessionFactory, *, actor: str, plan_id: int) -> StoredPlan:
    with transaction(session_factory) as session:
        require(session, actor, "edit_plan")
        row = session.get(RunPlan, plan_id)
        if row is None:
            raise NotFoundError(f"No run plan with id {plan_id}.")
        for old in session.scalars(
            select(RunPlan).where(RunPlan.patient_id == row.patient_id, RunPlan.status == "active")
        ):
            old.status = "archived"
        row.status = "active"
        audit.record(session, actor=actor, action="update", patient_id=row.patient_id,
                     record_type="run_plan", record_id=row.id, summary="made active")
        return _stored(row)
