"""What a report says about the patient's care right now: goals, home programme, run plan.

Shared by the progress report and the evaluation report (the same wording in both).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import Exercise, Goal
from ptdesk.domain import exercise_library as lib
from ptdesk.domain.runplan.amounts import format_amount as plan_amount
from ptdesk.domain.units import format_amount
from ptdesk.reports import progress_dto as dto
from ptdesk.services.prescriptions import load_active_prescription
from ptdesk.services.runlogs import LoggedWeek
from ptdesk.services.runplans import StoredPlan

_DECISION_WORDS = {"progress": "go on to the next week", "hold": "repeat the week",
                   "regress": "go back one week and review"}


def number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def amount(value: float | object, measure: str) -> str:
    if measure == "minutes":  # the plan's own m:ss (48:09 min), never a rounded 48.1
        return plan_amount(Decimal(str(value)), "minutes")
    return format_amount(float(value), measure, rounding="down")  # type: ignore[arg-type]


def plan_summary(stored: StoredPlan, weeks: Sequence[LoggedWeek], on: date
                  ) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    inputs, plan, measure = stored.inputs, stored.plan, stored.inputs.measure
    words = {"minutes": "minutes of running", "km": "kilometres", "mi": "miles"}[measure]
    rows = [("Plan", f"{inputs.runs_per_week} runs a week, weekly {words} rising at most "
                     f"{number(float(inputs.cap_pct))}% a week"),
            ("Started", long_date(inputs.start))]
    if stored.plan_version > 1:
        rows.append(("Version", f"{stored.plan_version}, re-planned from week "
                                f"{stored.from_week}; earlier weeks as planned at the time"))
    if plan.paused:
        rows.append(("Paused", "running is paused until the clinician resumes the plan"))
    current = next((w for w in plan.weeks if w.start <= on < w.start + timedelta(days=7)), None)
    if current is not None:
        rows.append(("This week", f"Week {current.week} of {len(plan.weeks)}: "
                                  f"{amount(current.total, measure)} in total, longest run "
                                  f"{amount(current.longest, measure)}"))
    finished = [w for w in weeks if w.complete]
    if finished:
        last = finished[-1]
        planned = "" if last.planned_total is None else \
            f" of {amount(last.planned_total, measure)} planned"
        pain = "" if last.worst_pain is None else f", pain up to {last.worst_pain}/10"
        rows.append(("Last finished week",
                     f"Week {last.week}: {amount(last.done_total, measure)} done{planned}"
                     f"{pain}; pain rules: {_DECISION_WORDS.get(last.decision or '', '—')}"))
    goal = f"{amount(inputs.goal_weekly, measure)} a week"
    if inputs.goal_long_run is not None:
        goal += f", long run {amount(inputs.goal_long_run, measure)}"
    if plan.goal_week is not None and plan.goal_date is not None:
        goal += f"; the plan reaches it in week {plan.goal_week} ({long_date(plan.goal_date)})"
    rows.append(("Goal", goal))
    if inputs.race_date is not None:
        ready = {True: "goal reached before the race", False: "goal not reached before the race",
                 None: ""}[plan.race_ready]
        rows.append(("Race", f"{long_date(inputs.race_date)}: {ready}"))
    return tuple(rows), plan.warnings


def goal_lines(session: Session, episode_id: int, on: date) -> tuple[dto.GoalLine, ...]:
    goals = session.scalars(select(Goal).where(Goal.episode_id == episode_id).order_by(Goal.id))
    lines = []
    for goal in goals:
        target = f"by {long_date(goal.target_date)}" if goal.target_date else ""
        if goal.met_on is not None:
            status = f"Met {long_date(goal.met_on)}"
        elif goal.target_date is not None and goal.target_date < on:
            status = "Open (past target date)"
        else:
            status = "Open"
        lines.append(dto.GoalLine(goal.description, target, status))
    return tuple(lines)


def program_lines(session: Session, patient_id: int
                   ) -> tuple[tuple[dto.ProgramLine, ...], date | None]:
    prescription = load_active_prescription(session, patient_id)
    if prescription is None:
        return (), None
    ids = [item.exercise_id for item in prescription.items]
    exercises = {row.id: row for row in session.scalars(
        select(Exercise).where(Exercise.id.in_(ids)))}
    lines = []
    for item in prescription.items:
        ex = exercises[item.exercise_id]
        dosage = lib.Dosage(item.sets, item.reps, item.hold_seconds, item.per_day,
                            item.per_week, "", item.minutes)
        limb = lib.limb_for(ex.library_id or "", ex.category)
        lines.append(dto.ProgramLine(ex.name, lib.dosage_in_words(dosage, item.side, limb=limb)))
    return tuple(lines), prescription.effective_date
