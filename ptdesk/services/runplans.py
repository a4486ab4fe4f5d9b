"""Return-to-run plans in the chart: build under the cap, store, list, reopen, make active."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Patient, RunPlan, RunPlanWeek
from ptdesk.domain.conflicts import fields_of
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import (
    GapRules,
    PainRules,
    Plan,
    PlanInputs,
    build_plan,
    inputs_from_json,
    inputs_to_json,
    plan_from_json,
    plan_to_json,
)
from ptdesk.domain.runplan.amounts import to_decimal
from ptdesk.domain.runplan.versions import paused_from, shifted, splice, week_of
from ptdesk.services import conflicts
from ptdesk.services.audit import log as audit
from ptdesk.services.clinic import load_gap_rules
from ptdesk.services.drafts import drop_draft
from ptdesk.services.episodes import EpisodeChoice, episode_in
from ptdesk.services.errors import ConflictError, NotFoundError, ServiceError
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
    plan_version: int = 1  # 1 for a new plan; each re-plan, pause or resume adds one
    from_week: int = 1  # the first week this version planned (earlier weeks kept)
    paused: bool = False
    gaps: GapRules = GapRules()  # the clinic's missed-week rule for this plan


def _stored(row: RunPlan) -> StoredPlan:
    rules, gaps = _rules_from(row.pain_rules or {})
    return StoredPlan(
        id=row.id, patient_id=row.patient_id, status=row.status,
        created_on=row.created_at.date(), inputs=inputs_from_json(row.inputs_json), rules=rules,
        plan=plan_from_json(row.plan_json), note=row.note, clinician_id=row.clinician_id,
        plan_version=row.plan_version, from_week=row.from_week, paused=row.paused, gaps=gaps,
    )


_GAP_KEYS = ("short_gap_pct", "long_gap_pct", "long_gap_weeks")


def _rules_from(stored: dict[str, object]) -> tuple[PainRules, GapRules]:
    """Pain thresholds and the clinic's missed-week rule, as stored with the plan."""
    pain = {k: stored[k] for k in ("progress_max_pain", "hold_max_pain") if k in stored}
    gaps = {k: stored[k] for k in _GAP_KEYS if k in stored}
    return PainRules(**pain), GapRules(**gaps)  # type: ignore[arg-type]


def _rules_json(rules: PainRules, gaps: GapRules) -> dict[str, object]:
    return {"progress_max_pain": rules.progress_max_pain, "hold_max_pain": rules.hold_max_pain,
            **{key: getattr(gaps, key) for key in _GAP_KEYS}}


PLAN_CONFLICT = ("Someone else saved a new return-to-run plan for this patient since you "
                 "started editing.")
PLAN_LABELS = {
    "measure": "Measure", "runs_per_week": "Runs per week",
    "current_run": "Current continuous run", "goal_weekly": "Weekly goal",
    "current_weekly": "Running in the last 7 days", "restart_weekly": "Restart dose",
    "taper_weeks": "Taper weeks", "long_run_max_pct": "Long run at most (% of week)",
    "goal_long_run": "Goal long run", "start": "Start date", "race_date": "Race date",
    "cap_pct": "Weekly increase cap (%)", "lighter_every": "Lighter week every (weeks)",
    "lighter_pct": "Lighter week size (%)",
}


def plan_fields(inputs: PlanInputs, rules: PainRules, note: str = "") -> dict[str, str]:
    """A plan's inputs as flat {label: text}, to compare two saves field by field."""
    out = fields_of(inputs, PLAN_LABELS)
    out["Progress if pain ≤"] = str(rules.progress_max_pain)
    out["Repeat week if pain ≤"] = str(rules.hold_max_pain)
    out["Note"] = note.strip()
    return out


def stored_fields(stored: StoredPlan | None) -> dict[str, str]:
    return plan_fields(stored.inputs, stored.rules, stored.note) if stored else {}


def save_plan(
    session_factory: SessionFactory, *, actor: str, patient_id: int, inputs: PlanInputs,
    rules: PainRules | None = None, note: str = "", episode_id: EpisodeChoice = None,
    clinician_id: int | None = None, based_on_id: int | None = None,
    gaps: GapRules | None = None, draft_key: str | None = None,
) -> StoredPlan:
    """Generate the plan from the inputs and store it as the patient's active plan.

    The plan is regenerated here rather than trusted from the caller, so what is
    stored always satisfies the cap for these inputs. `based_on_id` is the active plan
    the editor started from (STARTED_EMPTY: none): a newer plan saved meanwhile by
    someone else raises ConflictError instead of being replaced. None skips the check.
    """
    rules = rules or PainRules()
    try:
        return _save_plan(session_factory, actor=actor, patient_id=patient_id, inputs=inputs,
                          rules=rules, note=note, episode_id=episode_id,
                          clinician_id=clinician_id, based_on_id=based_on_id, gaps=gaps,
                          draft_key=draft_key)
    except StaleDataError:
        # Another workstation replaced the same plan between our read and our write.
        with transaction(session_factory) as session:
            _check_based_on(session, patient_id, based_on_id, plan_fields(inputs, rules, note),
                            force=True)
        raise ConflictError(PLAN_CONFLICT) from None  # not reached: forced above


def _check_based_on(
    session: Session, patient_id: int, based_on_id: int | None, yours: dict[str, str], *,
    not_id: int | None = None, force: bool = False,
) -> None:
    """ConflictError unless the active plan (other than `not_id`) is `based_on_id`."""
    current = session.scalar(
        select(RunPlan).where(RunPlan.patient_id == patient_id, RunPlan.status == "active",
                              RunPlan.id != (not_id or 0)).order_by(RunPlan.id.desc()).limit(1))
    conflicts.check_based_on(
        session, based_on_id=based_on_id, current_id=current.id if current else None,
        message=PLAN_CONFLICT, patient_id=patient_id, record_type="run_plan",
        theirs=lambda: stored_fields(_stored(current) if current else None),
        yours=lambda: yours, force=force)


@dataclass(frozen=True)
class NewVersion:
    """A re-planned, paused or resumed plan replacing `replaces` from `from_week` on."""

    plan: Plan
    replaces: StoredPlan
    from_week: int

    @property
    def plan_version(self) -> int:
        return self.replaces.plan_version + 1


def _save_plan(
    session_factory: SessionFactory, *, actor: str, patient_id: int, inputs: PlanInputs,
    rules: PainRules, note: str, episode_id: EpisodeChoice, clinician_id: int | None,
    based_on_id: int | None, version: NewVersion | None = None,
    gaps: GapRules | None = None, draft_key: str | None = None,
) -> StoredPlan:
    with transaction(session_factory) as session:
        require(session, actor, "edit_plan")
        # No rule given: the clinic's (Clinic settings), which new plans start from.
        gaps = gaps or load_gap_rules(session)
        plan = build_plan(inputs, rules, gaps) if version is None else version.plan
        drop_draft(session, actor=actor, form_key=draft_key)  # kept if the save fails
        # Locking the patient row makes two workstations' saves for one patient take
        # turns on PostgreSQL, so the second one sees the first one's plan.
        # (FOR NO KEY UPDATE: rows referring to the patient can still be added meanwhile.)
        locked = select(Patient.id).where(Patient.id == patient_id).with_for_update(key_share=True)
        if session.scalar(locked) is None:
            raise NotFoundError(f"No patient with id {patient_id}.")
        if based_on_id is not None:
            _check_based_on(session, patient_id, based_on_id, plan_fields(inputs, rules, note))
        for old in session.scalars(
            select(RunPlan).where(RunPlan.patient_id == patient_id, RunPlan.status == "active")
        ):
            old.status = "archived"
        row = RunPlan(
            patient_id=patient_id, episode_id=episode_in(session, patient_id, episode_id),
            clinician_id=clinician_id, status="active", measure=inputs.measure, runs_per_week=inputs.runs_per_week,
            current_run=float(inputs.current_run), goal_weekly=float(inputs.goal_weekly),
            goal_long_run=None if inputs.goal_long_run is None else float(inputs.goal_long_run),
            start_date=inputs.start, race_date=inputs.race_date, cap_pct=float(inputs.cap_pct),
            lighter_every=inputs.lighter_every,
            lighter_pct=None if inputs.lighter_pct is None else float(inputs.lighter_pct),
            pain_rules=_rules_json(rules, gaps),
            inputs_json=inputs_to_json(inputs), plan_json=plan_to_json(plan), note=note.strip(),
            paused=plan.paused,
        )
        if version is not None:
            row.plan_version, row.from_week = version.plan_version, version.from_week
            row.replaces_id = version.replaces.id
        row.weeks = [
            RunPlanWeek(week=w.week, start_date=w.start, total=float(w.total),
                        longest=float(w.longest), lighter=w.lighter, plan_version=w.version)
            for w in plan.weeks
        ]
        session.add(row)
        session.flush()
        if based_on_id is not None and _active_count(session, patient_id) > 1:
            # SQLite: both started from no plan and the other save committed first.
            _check_based_on(session, patient_id, based_on_id, plan_fields(inputs, rules, note),
                            not_id=row.id, force=True)
        summary = f"run plan, {len(plan.weeks)} weeks"
        if version is not None:
            summary = f"run plan version {version.plan_version} from week {version.from_week}"
        audit.record(session, actor=actor, action="create", patient_id=patient_id,
                     record_type="run_plan", record_id=row.id, summary=summary)
        return _stored(row)


def _active_count(session: Session, patient_id: int) -> int:
    stmt = select(func.count(RunPlan.id)).where(RunPlan.patient_id == patient_id,
                                                RunPlan.status == "active")
    return int(session.scalar(stmt) or 0)


def load_active_plan(session: Session, patient_id: int) -> StoredPlan | None:
    """`active_plan` inside a caller's transaction (the caller checked the actor)."""
    row = session.scalar(
        select(RunPlan).where(RunPlan.patient_id == patient_id, RunPlan.status == "active")
    )
    return _stored(row) if row else None


def load_active_inputs(session: Session, patient_id: int) -> PlanInputs | None:
    """The active plan's inputs alone (None without an active plan): its weeks are not read."""
    row = session.execute(
        select(RunPlan.inputs_json).where(RunPlan.patient_id == patient_id,
                                          RunPlan.status == "active")
    ).first()
    return None if row is None else inputs_from_json(row[0])


def load_active_rules(session: Session, patient_id: int) -> PainRules | None:
    """The active plan's pain rules alone (None without an active plan): the plan's weeks
    are not read, for callers that judge runs and need nothing else of the plan."""
    row = session.execute(
        select(RunPlan.pain_rules).where(RunPlan.patient_id == patient_id,
                                         RunPlan.status == "active")
    ).first()
    return None if row is None else _rules_from(row[0] or {})[0]


def active_plan(session_factory: SessionFactory, patient_id: int, *,
                actor: str) -> StoredPlan | None:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return load_active_plan(session, patient_id)


def list_plans(session_factory: SessionFactory, patient_id: int, *,
               actor: str) -> list[StoredPlan]:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
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


def save_version(session_factory: SessionFactory, *, actor: str, stored: StoredPlan,
                 inputs: PlanInputs, version: NewVersion,
                 rules: PainRules | None = None, draft_key: str | None = None) -> StoredPlan:
    """Store `version` as the patient's active plan, replacing `stored` (its source).

    A plan saved meanwhile by someone else raises ConflictError (the clinician saw
    `stored` when they accepted).
    """
    with transaction(session_factory) as session:
        episode_id, clinician_id = session.execute(
            select(RunPlan.episode_id, RunPlan.clinician_id).where(RunPlan.id == stored.id)
        ).one()
    return _save_plan(session_factory, actor=actor, patient_id=stored.patient_id, inputs=inputs,
                      rules=rules or stored.rules, note=stored.note, episode_id=episode_id,
                      clinician_id=clinician_id, based_on_id=stored.id, version=version,
                      gaps=stored.gaps, draft_key=draft_key)


def edited_version(stored: StoredPlan, inputs: PlanInputs, rules: PainRules,
                   today: date | None = None) -> NewVersion | None:
    """The active plan re-made from edited inputs from this week on, or None for a new plan.

    Weeks already under way keep the plan that was in force (CLINICAL.md); a plan that
    has not started yet, or whose start date changed, is simply replaced.
    """
    week = week_of(stored.inputs.start, today or date.today())
    if inputs.start != stored.inputs.start or week <= 1:
        return None
    new = build_plan(inputs, rules, stored.gaps)
    plan = splice(stored.plan, new, week, stored.plan_version + 1)
    return NewVersion(plan, stored, from_week=week)


def _active_or_error(session_factory: SessionFactory, patient_id: int, actor: str
                     ) -> StoredPlan:
    with transaction(session_factory) as session:
        require(session, actor, "edit_plan")
        stored = load_active_plan(session, patient_id)
    if stored is None:
        raise ServiceError("This patient has no active return-to-run plan.")
    return stored


def pause_plan(session_factory: SessionFactory, *, actor: str, patient_id: int,
               today: date | None = None) -> StoredPlan:
    """Pause running: a new version lists the weeks up to this one and says to call us."""
    stored = _active_or_error(session_factory, patient_id, actor)
    if stored.plan.paused:
        raise ServiceError("This plan is already paused.")
    week = max(week_of(stored.inputs.start, today or date.today()), 1)
    plan = paused_from(stored.plan, week)
    version = NewVersion(plan, stored, from_week=week + 1)
    return save_version(session_factory, actor=actor, stored=stored, inputs=stored.inputs,
                        version=version)


def _amount(field: str, value: Decimal | str | int) -> Decimal:
    try:
        return to_decimal(value, field)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError(field, f"Enter a number (got {value!r}).") from None


def resume_preview(stored: StoredPlan, *, restart_weekly: Decimal | str | int,
                   current_weekly: Decimal | str | int = 0, today: date | None = None,
                   ) -> NewVersion:
    """The plan from this week on restarting at `restart_weekly` (nothing saved).

    Raises ValidationError naming restart_weekly/current_weekly for a dose that
    cannot be planned.
    """
    inputs = stored.inputs
    week = max(week_of(inputs.start, today or date.today()), 1)
    start = inputs.start + timedelta(weeks=week - 1)
    race = inputs.race_date if inputs.race_date and inputs.race_date > start else None
    fresh = replace(inputs, start=start, history=(),
                    restart_weekly=_amount("restart_weekly", restart_weekly),
                    current_weekly=_amount("current_weekly", current_weekly), race_date=race,
                    taper_weeks=inputs.taper_weeks if race else None)
    new = shifted(build_plan(fresh, stored.rules, stored.gaps), week - 1)
    plan = splice(replace(stored.plan, paused=False), new, week, stored.plan_version + 1)
    return NewVersion(plan, stored, from_week=week)


def resume_plan(session_factory: SessionFactory, *, actor: str, patient_id: int,
                restart_weekly: Decimal | str | int, current_weekly: Decimal | str | int = 0,
                today: date | None = None) -> StoredPlan:
    """Resume a paused plan from this week with the clinician's restart dose."""
    stored = _active_or_error(session_factory, patient_id, actor)
    if not stored.plan.paused:
        raise ServiceError("This plan is not paused.")
    version = resume_preview(stored, restart_weekly=restart_weekly,
                             current_weekly=current_weekly, today=today)
    return save_version(session_factory, actor=actor, stored=stored, inputs=stored.inputs,
                        version=version)
