"""Home programmes, return-to-run plans and run logs of synthetic demo patients, in bulk."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from ptdesk.db.models import Exercise, Prescription, PrescriptionItem, RunLog, RunPlan, RunPlanWeek
from ptdesk.demo.synthetic import EpisodePlan, PatientPlan, VisitPlan
from ptdesk.domain import exercise_library as lib
from ptdesk.domain.runplan import PainRules, PlanInputs, build_plan, inputs_to_json, plan_to_json
from ptdesk.services.prescriptions import (
    DosedItem,
    item_from_exercise,
    item_from_template_entry,
    stepped_item,
)

Row = dict[str, Any]
RULES = PainRules()
_RULES_JSON = {"progress_max_pain": RULES.progress_max_pain, "hold_max_pain": RULES.hold_max_pain}
# Running restarts at the first visit where pain is this low (the plan notes' 0-3/10).
RUNNING_PAIN = 3
_PACE = {"mi": 10.0, "km": 6.2}  # easy minutes per mile / km, to plan a distance runner in time
# Per condition: a shipped template, or the exercises a clinician picks for it, most
# important first (the first three always go in; the rest are the clinician's choice).
PROGRAMMES: dict[str, str | tuple[str, ...]] = {
    "pfps": "runners_knee_phase_1",
    "itbs": "it_band_syndrome",
    "patellar_tendinopathy": ("wall_squat", "leg_extension", "glute_bridge",
                              "straight_leg_raise", "quadriceps_stretch", "hamstring_stretch",
                              "cycling"),
    "mtss": "shin_splints",
    "ankle_sprain": "opposite_ankle_sprain",
    "piriformis": ("clamshell", "piriformis_stretch", "glute_bridge", "side_lying_hip_abduction",
                   "hip_flexor_stretch", "romanian_deadlift", "cycling"),
}
_RUNNING_DRILL = "cadence_drill_metronome"
_RUN_NOTES = ("Treadmill.", "Windy.", "Felt easy.", "Hilly route.", "Ran with a friend.",
              "Tired legs.")
_PLAN_NOTE = "Easy effort, flat ground first, alternate days."
# A fixed Monday the cached plans are built from; every plan is the same shifted in time.
_REFERENCE_START = date(2001, 1, 1)


def _stamp(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _meta(day: date, hour: int = 17) -> Row:
    stamp = _stamp(day, hour)
    return {"version": 1, "created_at": stamp, "updated_at": stamp}


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _insert_ids(session: Session, model: type, rows: list[Row]) -> list[int]:
    if not rows:
        return []
    stmt = insert(_table(model)).returning(_table(model).c.id, sort_by_parameter_order=True)
    return list(session.execute(stmt, rows).scalars())


def _insert(session: Session, model: type, rows: list[Row]) -> None:
    if rows:
        session.execute(insert(_table(model)), rows)


class CareLibrary:
    """The clinic's exercise rows and each condition's programme, as the editor would fill it.

    Items are built with the prescriptions service's own helper from the database rows
    (the dosage from the shipped template, as `items_from_template` does), and each
    distinct item is validated once with the service's rules.
    """

    def __init__(self, session: Session) -> None:
        self._valid: set[DosedItem] = set()
        rows = session.scalars(select(Exercise).where(Exercise.library_id.is_not(None)))
        self.rows = {row.library_id: row for row in rows}
        shipped, templates = lib.load_library(), lib.load_templates()
        self.programmes: dict[str, tuple[DosedItem, ...]] = {}
        for condition, source in PROGRAMMES.items():
            entries = (templates[source].items if isinstance(source, str)
                       else tuple(lib.TemplateItem(exercise) for exercise in source))
            self.programmes[condition] = tuple(
                self._checked(item_from_template_entry(
                    self.rows[entry.exercise], entry, shipped[entry.exercise]))
                for entry in entries)

    def _checked(self, item: DosedItem) -> DosedItem:
        if item not in self._valid:
            item.validate(0)  # the rules `save_prescription` applies to every item
            self._valid.add(item)
        return item

    def intake(self, condition: str, rng: random.Random) -> tuple[DosedItem, ...]:
        """4-7 exercises for the condition: the first three and a choice of the rest, in order."""
        pool = self.programmes[condition]
        count = rng.randint(4, min(7, len(pool)))
        chosen = set(rng.sample(range(3, len(pool)), count - 3))
        return tuple(item for n, item in enumerate(pool) if n < 3 or n in chosen)

    def progressed(self, items: Sequence[DosedItem], rng: random.Random) -> tuple[DosedItem, ...]:
        """The programme at re-evaluation: each exercise swapped for its harder version.

        The same swap as the editor's "progress" button (`stepped_item`). An exercise
        whose harder version is already in the programme stays as it was.
        """
        taken = {item.library_id for item in items}
        out: list[DosedItem] = []
        for item in items:
            current = self.rows[item.library_id]
            target = self.rows.get(current.progression_library_id)
            if target is None or target.library_id in taken:
                out.append(item)
                continue
            taken.add(target.library_id)
            out.append(self._checked(stepped_item(item, target)))
        if len(out) < 7 and _RUNNING_DRILL not in taken and rng.random() < 0.6:
            out.append(self._checked(item_from_exercise(self.rows[_RUNNING_DRILL])))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class _Shape:
    """A generated plan without its dates: (day offset, amounts) from the plan's start."""

    plan_json: dict[str, Any]  # plan_to_json of the plan built from _REFERENCE_START
    weeks: tuple[tuple[int, int, float, float, bool], ...]  # week, offset, total, longest, lighter
    sessions: tuple[tuple[int, Decimal, bool], ...]  # offset, run, walk-run


class PlanShapes:
    """The domain generator's plans, built once per set of inputs and moved to each start.

    The generator lays every date out as the start plus whole weeks and days, and
    nothing else depends on the date (no race date is used here), so a plan for another
    start is the same plan shifted; the tests rebuild stored plans to check that.
    """

    def __init__(self) -> None:
        self._shapes: dict[tuple[Any, ...], _Shape] = {}

    def shape(self, inputs: PlanInputs) -> _Shape:
        key = (inputs.measure, inputs.runs_per_week, inputs.current_run, inputs.goal_weekly,
               inputs.goal_long_run, inputs.cap_pct, inputs.lighter_every, inputs.lighter_pct,
               inputs.current_weekly, inputs.restart_weekly)
        found = self._shapes.get(key)
        if found is None:
            plan = build_plan(replace(inputs, start=_REFERENCE_START), RULES)
            found = _Shape(
                plan_to_json(plan),
                tuple((w.week, (w.start - _REFERENCE_START).days, float(w.total),
                       float(w.longest), w.lighter) for w in plan.weeks),
                tuple(((s.date - _REFERENCE_START).days, s.run, s.is_walk_run)
                      for w in plan.weeks for s in w.sessions))
            self._shapes[key] = found
        return found


def _shifted(data: dict[str, Any], start: date) -> dict[str, Any]:
    """`plan_to_json` of the same plan starting on `start` instead of _REFERENCE_START."""
    delta = start - _REFERENCE_START

    def day(text: str) -> str:
        return (date.fromisoformat(text) + delta).isoformat()

    weeks = [{**week, "start": day(week["start"]),
              "sessions": [{**s, "date": day(s["date"])} for s in week["sessions"]]}
             for week in data["weeks"]]
    goal = data["goal_date"]
    return {**data, "weeks": weeks, "goal_date": None if goal is None else day(goal),
            "warnings": list(data["warnings"])}


# Continuous runs as clinicians note them ("about 2 miles", "20 minutes"): the nearest rung.
# The smallest rungs are the plan's floors: 1 minute, 1.0 mi, 1.5 km (distance plans are
# for patients who already run continuously; issue 14).
_CURRENT_RUNS = {"mi": (1, 1.5, 2, 3, 4, 5, 6, 8, 10),
                 "km": (1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15),
                 "minutes": (10, 15, 20, 25, 30, 40, 50, 60, 75, 90)}


def _nearest(value: float, rungs: Sequence[float]) -> Decimal:
    return Decimal(str(min(rungs, key=lambda rung: abs(rung - value))))


def _step(value: float, step: int, floor: int) -> Decimal:
    """`value` to the nearest `step` (weekly goals in round numbers), at least `floor`."""
    return Decimal(max(floor, round(value / step) * step))


def plan_inputs(rng: random.Random, plan: PatientPlan, visit: VisitPlan) -> PlanInputs:
    """Return-to-run inputs from what was charted at `visit`: today's running, the old volume."""
    measure = "minutes" if rng.random() < 0.3 else plan.units
    runs = rng.choice((3, 3, 4))
    weekly_now = visit.weekly_volume
    longest_now = weekly_now / rng.uniform(2.5, 4)
    goal = plan.preinjury_volume
    if measure == "minutes":
        pace = _PACE[plan.units]
        longest_now, weekly_now = longest_now * pace, weekly_now * pace
        weekly = _step(goal * pace, 60, 60)
    else:
        weekly = _step(goal, 5 if measure == "mi" else 10, 10)
    current = _nearest(longest_now, _CURRENT_RUNS[measure])
    now = Decimal(str(round(weekly_now, 1)))
    # Charted running too little for `runs` runs of the current one: the clinician restarts.
    smallest = runs * max(current, Decimal(1))  # every run at least 1.0 (issue 14)
    restart = smallest if now * Decimal("1.1") < smallest else None
    # The long run the patient ran before, about 30% of the weekly goal (at most 40%).
    long_run: Decimal | None = max(current, _step(float(weekly) * 0.3,
                                                  5 if measure == "minutes" else 1, 1))
    if long_run is not None and long_run > weekly * Decimal("0.4"):
        long_run = None
    weekly = max(weekly, current)
    lighter = rng.random() < 0.5
    return PlanInputs(
        measure, runs, current, weekly, start=visit.visit_date,  # type: ignore[arg-type]
        current_weekly=now, restart_weekly=restart,
        goal_long_run=long_run, lighter_every=4 if lighter else None,
        lighter_pct=90 if lighter else None)


def running_visit(ep: EpisodePlan) -> VisitPlan | None:
    """The visit where running restarts: the first with pain at most RUNNING_PAIN/10."""
    return next((v for v in ep.visits if v.nprs <= RUNNING_PAIN), None)


def _run_rows(rng: random.Random, shape: _Shape, start: date, stop: date, measure: str,
              pid: int) -> list[Row]:
    """The patient's diary for the plan's days before `stop`: mostly as planned, not always.

    Most runs are done as printed; some are missed, cut short or (rarely) run long, and
    now and then a sore week brings pain flags the pain rules answer with hold or go back.
    """
    adherence = rng.uniform(0.95, 1.0)
    rows: list[Row] = []
    sore_week = -1
    for offset, planned, walk_run in shape.sessions:
        run_date = start + timedelta(days=offset)
        if run_date >= stop:
            break
        week = offset // 7
        if offset % 7 == 0 and rng.random() < 0.04:
            sore_week = week  # pain flags on most runs of this week
        if rng.random() > adherence:
            continue  # a missed run
        # A run done short, or long, leaves the next full week over the cap's ceiling on
        # the Progress tab (as in real diaries), so most runs are logged as printed.
        roll = rng.random()
        factor = (1.0 if roll < 0.93 else rng.uniform(0.6, 0.95) if roll < 0.98
                  else rng.uniform(1.02, 1.1))
        done = float(planned) * factor
        amount = max(1, round(done)) if measure == "minutes" else max(0.01, round(done, 2))
        flare = week == sore_week and rng.random() < 0.6
        pain = rng.randint(4, 6) if flare else rng.choices((0, 1, 2, 3), (4, 3, 2, 1))[0]
        morning = (rng.choice(("same", "worse")) if flare
                   else rng.choices(("better", "same", "worse"), (30, 69.5, 0.5))[0])
        rows.append({
            "patient_id": pid, "run_date": run_date, "amount": float(amount),
            "measure": measure, "kind": "walk_run" if walk_run else "continuous",
            "pain_during": pain, "next_morning": morning,
            "swelling": flare and rng.random() < 0.2, "limping": flare and rng.random() < 0.1,
            "note": rng.choice(_RUN_NOTES) if rng.random() < 0.1 else "", **_meta(run_date, 20),
        })
    return rows


def write_care(
    session: Session, library: CareLibrary, shapes: PlanShapes,
    patients: Sequence[tuple[int, PatientPlan, Sequence[int]]], seed: int,
    clinicians: Sequence[int], today: date,
) -> None:
    """Programmes, plans and run logs for a batch of (patient id, plan, episode ids).

    As the services leave them: a patient's newest programme and newest plan are active,
    the earlier ones superseded or archived; a plan's runs stop at the next injury.
    """
    all_versions: list[list[tuple[Row, tuple[DosedItem, ...]]]] = []  # per patient
    all_plans: list[tuple[Row, _Shape, list[Row]]] = []  # plan row, shape, run logs
    for pid, plan, episode_ids in patients:
        versions: list[tuple[Row, tuple[DosedItem, ...]]] = []
        plans: list[tuple[Row, _Shape, list[Row]]] = []
        for n, (eid, ep) in enumerate(zip(episode_ids, plan.episodes, strict=True)):
            rng = random.Random(f"ptdesk-demo-care:{seed}:{plan.index}:{n}")
            _programmes(versions, library, rng, pid, eid, ep, clinicians)
            later = plan.episodes[n + 1].onset if n + 1 < len(plan.episodes) else today
            planned = _run_plan(rng, shapes, plan, pid, eid, ep, clinicians, min(later, today))
            if planned is not None:
                plans.append(planned)
        for position, (row, _items) in enumerate(versions):
            row["status"] = "active" if position == len(versions) - 1 else "superseded"
        for position, (row, _shape, _runs) in enumerate(plans):
            row["status"] = "active" if position == len(plans) - 1 else "archived"
        all_versions.append(versions)
        all_plans.extend(plans)
    _write_prescriptions(session, all_versions)
    _write_plans(session, all_plans)


def _programmes(
    versions: list[tuple[Row, tuple[DosedItem, ...]]], library: CareLibrary,
    rng: random.Random, pid: int, eid: int, ep: EpisodePlan, clinicians: Sequence[int],
) -> None:
    """The intake programme, and its progression at the first re-evaluation if there is one."""
    items = library.intake(ep.condition.key, rng)
    intake = ep.visits[0]
    versions.append((_prescription_row(pid, eid, intake, clinicians, ""), items))
    again = next((v for v in ep.visits if v.visit_type == "re_evaluation"), None)
    if again is not None:
        versions.append((_prescription_row(pid, eid, again, clinicians,
                                           "Progressed at re-evaluation."),
                         library.progressed(items, rng)))


def _prescription_row(pid: int, eid: int, visit: VisitPlan, clinicians: Sequence[int],
                      note: str) -> Row:
    return {"patient_id": pid, "episode_id": eid, "clinician_id": clinicians[visit.clinician],
            "effective_date": visit.visit_date, "note": note, **_meta(visit.visit_date)}


def _run_plan(
    rng: random.Random, shapes: PlanShapes, plan: PatientPlan, pid: int, eid: int,
    ep: EpisodePlan, clinicians: Sequence[int], stop: date,
) -> tuple[Row, _Shape, list[Row]] | None:
    visit = running_visit(ep)
    if visit is None:
        return None  # pain never settled enough in this episode to restart running
    inputs = plan_inputs(rng, plan, visit)
    shape = shapes.shape(inputs)
    start = inputs.start
    row = {
        "patient_id": pid, "episode_id": eid, "clinician_id": clinicians[visit.clinician],
        "measure": inputs.measure, "runs_per_week": inputs.runs_per_week,
        "current_run": float(inputs.current_run), "goal_weekly": float(inputs.goal_weekly),
        "goal_long_run": None if inputs.goal_long_run is None else float(inputs.goal_long_run),
        "start_date": start, "race_date": None, "cap_pct": float(inputs.cap_pct),
        "lighter_every": inputs.lighter_every,
        "lighter_pct": None if inputs.lighter_pct is None else float(inputs.lighter_pct),
        "pain_rules": dict(_RULES_JSON), "inputs_json": inputs_to_json(inputs),
        "plan_json": _shifted(shape.plan_json, start), "note": _PLAN_NOTE, **_meta(start),
    }
    return row, shape, _run_rows(rng, shape, start, stop, inputs.measure, pid)


def _write_prescriptions(
    session: Session, patients: list[list[tuple[Row, tuple[DosedItem, ...]]]]
) -> None:
    """One INSERT per version number: the n-th version supersedes the patient's (n-1)-th."""
    previous: list[int | None] = [None] * len(patients)
    items: list[Row] = []
    for generation in range(max((len(v) for v in patients), default=0)):
        todo = [(n, versions[generation]) for n, versions in enumerate(patients)
                if generation < len(versions)]
        ids = _insert_ids(session, Prescription, [
            {**row, "supersedes_id": previous[n]} for n, (row, _items) in todo])
        for rid, (n, (row, dosed)) in zip(ids, todo, strict=True):
            previous[n] = rid
            meta = _meta(row["effective_date"])
            items.extend(
                {"prescription_id": rid, "exercise_id": item.exercise_id, "position": position,
                 "sets": item.sets, "reps": item.reps, "hold_seconds": item.hold_seconds,
                 "minutes": item.minutes, "per_day": item.per_day, "per_week": item.per_week,
                 "side": item.side, "note": item.note.strip(), **meta}
                for position, item in enumerate(dosed))
    _insert(session, PrescriptionItem, items)


def _write_plans(session: Session, plans: list[tuple[Row, _Shape, list[Row]]]) -> None:
    ids = _insert_ids(session, RunPlan, [row for row, _shape, _runs in plans])
    weeks: list[Row] = []
    runs: list[Row] = []
    for plan_id, (row, shape, logs) in zip(ids, plans, strict=True):
        start, meta = row["start_date"], _meta(row["start_date"])
        weeks.extend({"plan_id": plan_id, "week": week, "start_date": start + timedelta(offset),
                      "total": total, "longest": longest, "lighter": lighter, **meta}
                     for week, offset, total, longest, lighter in shape.weeks)
        runs.extend({**log, "plan_id": plan_id} for log in logs)
    _insert(session, RunPlanWeek, weeks)
    _insert(session, RunLog, runs)
