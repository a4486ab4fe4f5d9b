"""The canonical content hash of a visit note, stored at signing and re-checked by verify.

Defined over the stored rows (every section and outcome row of the visit, minus ids,
version counters and timestamps), so any later change to a signed note, by any path,
changes the hash. Computed for many visits at once with a handful of queries.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from ptdesk.db.models import (
    AnkleExam,
    AssessmentPlanRecord,
    GaitAssessment,
    KneeExam,
    OutcomeItem,
    OutcomeResult,
    PriorInjuryRecord,
    SpecialTest,
    StrengthTest,
    SubjectiveExam,
    Visit,
)

# Bookkeeping columns that change without the note's content changing.
_SKIP = frozenset({"id", "version", "created_at", "updated_at"})
_VISIT_FIELDS = ("patient_id", "episode_id", "visit_date", "visit_type", "clinician_id",
                 "soap_subjective", "soap_objective", "soap_assessment", "soap_plan")
_SECTION_MODELS = (SubjectiveExam, KneeExam, AnkleExam, SpecialTest, StrengthTest,
                   GaitAssessment, AssessmentPlanRecord, OutcomeResult)
_CHUNK = 500  # stays under every engine's bound-parameter limit


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _row(mapping: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    drop = _SKIP | set(skip)
    return {k: _plain(v) for k, v in sorted(mapping.items()) if k not in drop}


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _content(session: Session, visit_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    content: dict[int, dict[str, Any]] = {}
    visits = _table(Visit)
    for chunk in _chunks(visit_ids):
        stmt = select(visits.c.id, *(visits.c[f] for f in _VISIT_FIELDS)).where(visits.c.id.in_(chunk))
        for row in session.execute(stmt).mappings():
            content[row["id"]] = {"visit": _row(row), "sections": defaultdict(list)}
        for model in _SECTION_MODELS:
            table = _table(model)
            for row in session.execute(select(table).where(table.c.visit_id.in_(chunk))).mappings():
                content[row["visit_id"]]["sections"][table.name].append(_row(row))
                _remember_parent(content, table.name, row)
        _add_children(session, content, chunk)
    return content


def _remember_parent(content: dict[int, dict[str, Any]], table: str, row: Any) -> None:
    content[row["visit_id"]].setdefault("_parents", {})[(table, row["id"])] = row["visit_id"]


# Child rows (prior injuries, outcome items) hang off a section row, not the visit.
def _add_children(session: Session, content: dict[int, dict[str, Any]], chunk: Sequence[int]) -> None:
    parents: dict[tuple[str, int], int] = {}
    for visit_id in chunk:
        parents.update(content.get(visit_id, {}).pop("_parents", {}))
    for model, parent_table, key in ((PriorInjuryRecord, "subjective_exams", "subjective_id"),
                                     (OutcomeItem, "outcome_results", "result_id")):
        parent_ids = [pid for (table, pid) in parents if table == parent_table]
        table = _table(model)
        for ids in _chunks(parent_ids):
            for row in session.execute(select(table).where(table.c[key].in_(ids))).mappings():
                visit_id = parents[(parent_table, row[key])]
                # Keyed by the parent's content, not its id, so re-created parents hash alike.
                content[visit_id]["sections"][table.name].append(_row(row, skip=(key,)))


def _digest(item: dict[str, Any]) -> str:
    sections = {name: sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
                for name, rows in sorted(item["sections"].items())}
    canonical = json.dumps({"visit": item["visit"], "sections": sections}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_visits(session: Session, visit_ids: Sequence[int]) -> dict[int, str]:
    """visit id -> SHA-256 hex of its canonical content, for every id that exists."""
    return {vid: _digest(item) for vid, item in _content(session, list(visit_ids)).items()}


def hash_visit(session: Session, visit_id: int) -> str:
    return hash_visits(session, [visit_id])[visit_id]
