"""Writes synthetic demo patients in bulk: one multi-row INSERT per table per batch of patients."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import (
    Episode,
    Goal,
    OutcomeItem,
    OutcomeResult,
    Patient,
    PriorInjuryRecord,
    StrengthTest,
    SubjectiveExam,
    Visit,
)
from ptdesk.demo.bulk_care import CareLibrary, PlanShapes, write_care
from ptdesk.demo.exam import ExamRows, initial_subjective, write_exam_rows
from ptdesk.demo.kit import lefs_items
from ptdesk.demo.synthetic import (
    EpisodePlan,
    PatientPlan,
    VisitPlan,
    plan_patient,
    synthetic_mrn,
    synthetic_prefix,
)
from ptdesk.domain.outcomes import KUJALA_ITEMS
from ptdesk.domain.validation import search_key
from ptdesk.services.audit import log as audit
from ptdesk.services.exercises import sync_library
from ptdesk.services.note_hash import hash_visits
from ptdesk.services.outcomes import score_form as score_outcome_form
from ptdesk.services.uow import transaction

BATCH_PATIENTS = 500
_FOLLOW_UP_NOTES = ("Home exercises done most days.", "Sore after the long run, settled overnight.",
                    "Missed two sessions with work.", "Feels stronger on stairs.",
                    "Ran with the metronome cue.", "No swelling after runs.")
_PLAN_NOTES = {
    "initial_evaluation": "Start home programme; walk-run restart under the 10% cap.",
    "follow_up": "Continue programme; progress load as pain allows (0-3/10).",
    "re_evaluation": "Re-tested strength; update goals and programme.",
    "discharge": "Discharged to independent home programme.",
}


@dataclass(frozen=True)
class SyntheticResult:
    patients: int
    visits: int
    skipped: int  # already in the database from an earlier run with the same seed


def add_synthetic_patients(
    session_factory: SessionFactory, *, actor: str, count: int, seed: int, today: date,
    clinician_ids: Sequence[int], batch_size: int = BATCH_PATIENTS,
) -> SyntheticResult:
    """Add synthetic patients 1..count for `seed`, skipping any an earlier run already added.

    One transaction per batch, each with its own audit entry, so the audit log always
    matches what was committed even if a long run is interrupted.
    """
    if count <= 0:
        return SyntheticResult(0, 0, 0)
    if not clinician_ids:
        raise ValueError("synthetic visits need at least one clinician")
    prefix = synthetic_prefix(seed)
    with transaction(session_factory) as session:
        # "SYN-7-" <= mrn < "SYN-7." is the prefix as an index range ('.' sorts after '-').
        existing = set(session.scalars(
            select(Patient.mrn).where(Patient.mrn >= prefix, Patient.mrn < prefix[:-1] + ".")
        ))
    todo = [i for i in range(1, count + 1) if synthetic_mrn(seed, i) not in existing]
    if not todo:
        return SyntheticResult(0, 0, count)
    # Programmes are chosen from the clinic's library, which a new file may not have yet.
    sync_library(session_factory)
    with transaction(session_factory) as session:
        care = _Care(CareLibrary(session), PlanShapes(), today)
    visits = 0
    for chunk in _chunks(todo, batch_size):
        plans = [plan_patient(seed, i, today, len(clinician_ids)) for i in chunk]
        with transaction(session_factory) as session:
            visits += _write_batch(session, plans, seed, list(clinician_ids), care)
            audit.record(session, actor=actor, action="create", record_type="patient",
                         summary=f"demo clinic: {len(plans)} synthetic patients (seed {seed})")
    return SyntheticResult(len(todo), visits, count - len(todo))


@dataclass(frozen=True)
class _Care:
    """What every batch shares for programmes and plans: the library and the plans built."""

    library: CareLibrary
    shapes: PlanShapes
    today: date


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def _insert_returning_ids(session: Session, model: type, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    table = _table(model)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(stmt, rows).scalars())


def _insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(_table(model)), rows)


def _stamp(day: date, hour: int = 17) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _write_batch(
    session: Session, plans: list[PatientPlan], seed: int, clinicians: list[int], care: _Care,
) -> int:
    patient_ids = _insert_returning_ids(session, Patient, [_patient_row(p) for p in plans])
    episodes = [(pid, plan, ep) for pid, plan in zip(patient_ids, plans, strict=True)
                for ep in plan.episodes]
    episode_ids = _insert_returning_ids(session, Episode, [
        {"patient_id": pid, "diagnosis": _diagnosis(ep), "icd10_code": ep.icd10_code,
         "affected_side": ep.side, "onset_date": ep.onset, "start_date": ep.start,
         "end_date": ep.end, "status": ep.status, "version": 1,
         "created_at": _stamp(ep.start, 9), "updated_at": _stamp(ep.end or ep.start, 9)}
        for pid, _plan, ep in episodes
    ])
    _insert(session, Goal, [
        {"episode_id": eid, "description": text, "target_date": target, "met_on": met,
         "version": 1, "created_at": _stamp(ep.start, 9), "updated_at": _stamp(ep.start, 9)}
        for eid, (_pid, _plan, ep) in zip(episode_ids, episodes, strict=True)
        for text, target, met in ep.goals
    ])
    visit_refs = [(pid, eid, plan, ep, n, v)
                  for eid, (pid, plan, ep) in zip(episode_ids, episodes, strict=True)
                  for n, v in enumerate(ep.visits)]
    visit_ids = _insert_returning_ids(session, Visit, [
        _visit_row(pid, eid, v, clinicians) for pid, eid, _plan, _ep, _n, v in visit_refs
    ])
    rows = ExamRows()
    follow_ups: list[dict[str, Any]] = []
    initial: list[dict[str, Any]] = []
    initial_injuries: list[list[dict[str, Any]]] = []
    for vid, (pid, _eid, plan, ep, n, v) in zip(visit_ids, visit_refs, strict=True):
        rng = random.Random(f"ptdesk-demo-exam:{seed}:{plan.index}:{ep.start}:{n}")
        if n == 0:
            subjective, injuries = initial_subjective(rng, plan, ep, v, vid)
            initial.append(subjective)
            initial_injuries.append(injuries)
        else:
            follow_ups.append(_short_subjective(plan, v, vid))
        if v.is_evaluation:
            rows.strength.extend(_strength_rows(vid, v))
            write_exam_rows(rows, rng, plan, ep, v, vid, first=n == 0)
            _outcome_forms(rows, rng, pid, vid, ep, v, last=_last_evaluation(ep) == n)
    subjective_ids = _insert_returning_ids(session, SubjectiveExam, initial)
    _insert(session, PriorInjuryRecord, [
        {**injury, "subjective_id": sid}
        for sid, injuries in zip(subjective_ids, initial_injuries, strict=True)
        for injury in injuries
    ])
    _insert(session, SubjectiveExam, follow_ups)
    _insert(session, StrengthTest, rows.strength)
    for model, section in rows.sections():
        _insert(session, model, section)
    result_ids = _insert_returning_ids(session, OutcomeResult, [r for r, _items in rows.outcomes])
    _insert(session, OutcomeItem, [
        {**item, "result_id": rid}
        for rid, (_result, items) in zip(result_ids, rows.outcomes, strict=True)
        for item in items
    ])
    episode_iter = iter(episode_ids)
    write_care(session, care.library, care.shapes,
               [(pid, plan, [next(episode_iter) for _ep in plan.episodes])
                for pid, plan in zip(patient_ids, plans, strict=True)],
               seed, clinicians, care.today)
    _sign(session, [(vid, ref[-1]) for vid, ref in zip(visit_ids, visit_refs, strict=True)],
          clinicians)
    return len(visit_ids)


def _sign(session: Session, visits: list[tuple[int, VisitPlan]], clinicians: list[int]) -> None:
    """Sign the finished notes the way a clinician does: after every row is written.

    Rows cannot be added to a signed visit (database triggers), so visits are inserted
    as drafts and signed here with the same content hash `ptdesk verify` re-checks.
    """
    to_sign = [(vid, plan) for vid, plan in visits if plan.signed]
    hashes = hash_visits(session, [vid for vid, _plan in to_sign])
    table = _table(Visit)
    stmt = (update(table).where(table.c.id == bindparam("vid"))
            .values(status="signed", signed_at=bindparam("when"),
                    signed_by_id=bindparam("by"), content_hash=bindparam("digest")))
    if to_sign:
        session.execute(stmt, [
            {"vid": vid, "when": _stamp(plan.visit_date), "digest": hashes[vid],
             "by": clinicians[plan.clinician]}
            for vid, plan in to_sign
        ])


def _patient_row(p: PatientPlan) -> dict[str, Any]:
    created = _stamp(p.episodes[0].start, 8)
    return {
        "mrn": p.mrn, "first_name": p.first_name, "last_name": p.last_name,
        "first_name_key": search_key(p.first_name), "last_name_key": search_key(p.last_name),
        "date_of_birth": p.date_of_birth, "sex": p.sex, "phone": p.phone, "email": p.email,
        "address": p.address, "referring_physician": p.referring_physician,
        "dominant_leg": p.dominant_leg, "version": 1, "created_at": created, "updated_at": created,
    }


def _diagnosis(ep: EpisodePlan) -> str:
    label = {"left": "Left", "right": "Right", "both": "Bilateral"}[ep.side]
    return f"{label} {ep.condition.diagnosis[0].lower()}{ep.condition.diagnosis[1:]}"


def _visit_row(pid: int, eid: int, v: VisitPlan, clinicians: list[int]) -> dict[str, Any]:
    stamp = _stamp(v.visit_date)
    note = _FOLLOW_UP_NOTES[(v.visit_date.toordinal() + v.nprs) % len(_FOLLOW_UP_NOTES)]
    return {
        "patient_id": pid, "episode_id": eid, "clinician_id": clinicians[v.clinician],
        "visit_date": v.visit_date, "visit_type": v.visit_type,
        "status": "draft", "signed_at": None,
        "soap_subjective": f"Pain {v.nprs}/10. {note}", "soap_plan": _PLAN_NOTES[v.visit_type],
        "version": 1, "created_at": stamp, "updated_at": stamp,
    }


def _short_subjective(plan: PatientPlan, v: VisitPlan, vid: int) -> dict[str, Any]:
    stamp = _stamp(v.visit_date)
    return {
        "visit_id": vid, "symptoms": [], "pain_locations": [], "aggravating": [],
        "nprs_now": v.nprs, "current_weekly_volume": v.weekly_volume, "volume_unit": plan.units,
        "onset_distance_unit": plan.units, "version": 1, "created_at": stamp, "updated_at": stamp,
    }


def _strength_rows(vid: int, v: VisitPlan) -> list[dict[str, Any]]:
    stamp = _stamp(v.visit_date)
    return [
        {"visit_id": vid, "muscle_group": s.group, "side": s.side,
         "method": "mmt" if s.grade else "dynamometer", "mmt_grade": s.grade, "value": s.kg,
         "unit": None if s.grade else "kg", "version": 1, "created_at": stamp,
         "updated_at": stamp}
        for s in v.strength
    ]


def _last_evaluation(ep: EpisodePlan) -> int:
    return max(n for n, v in enumerate(ep.visits) if v.is_evaluation)


def _outcome_forms(
    rows: ExamRows, rng: random.Random, pid: int, vid: int, ep: EpisodePlan, v: VisitPlan,
    last: bool,
) -> None:
    """NPRS at every evaluation; LEFS (and Kujala for kneecap pain) at intake and the last one."""
    forms: list[tuple[str, Any]] = [("nprs", [v.nprs])]
    if v.visit_type == "initial_evaluation" or last:
        intake = max(20, int(80 - ep.intake_nprs * 3.5 - rng.uniform(0, 12)))
        total = min(80, round(intake + (77 - intake) * v.progress * rng.uniform(0.8, 1.0)))
        forms.append(("lefs", lefs_items(total)))
        if ep.condition.kujala:
            severity = ep.intake_nprs / 10 * (1 - 0.85 * v.progress)
            forms.append(("kujala", _kujala_answers(rng, severity)))
    stamp = _stamp(v.visit_date)
    for measure, items in forms:
        score, item_rows = score_outcome_form(measure, items, False)
        result = {"patient_id": pid, "visit_id": vid, "measure": measure,
                  "total": float(score.total), "max_total": float(score.max_total),
                  "missing_items": 0, "version": 1, "created_at": stamp, "updated_at": stamp}
        rows.outcomes.append((result, [
            {"position": pos, "item_key": key, "label": label[:200], "value": value,
             "version": 1, "created_at": stamp, "updated_at": stamp}
            for pos, (key, label, value) in enumerate(item_rows)
        ]))


def _kujala_answers(rng: random.Random, severity: float) -> dict[str, int | None]:
    return {
        item.key: min(len(item.options) - 1,
                      int(severity * len(item.options) * rng.uniform(0.3, 1.2)))
        for item in KUJALA_ITEMS
    }
