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


_AS_IS = (str, int, bool, type(None))


class _Shape:
    """How to turn one query's result rows into canonical dicts, worked out once per query.

    Verify hashes every signed visit of the clinic, so per-row work is kept to a dict
    built from positions; only values that need it go through `_plain`.
    """

    def __init__(self, keys: Sequence[str], skip: Iterable[str] = ()) -> None:
        drop = _SKIP | set(skip)
        self.fields = [(name, i) for i, name in enumerate(keys) if name not in drop]
        self.index = {name: i for i, name in enumerate(keys)}

    def canonical(self, row: Sequence[Any]) -> dict[str, Any]:
        out = {}
        for name, i in self.fields:
            value = row[i]
            out[name] = value if isinstance(value, _AS_IS) else _plain(value)
        return out


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _content(session: Session, visit_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    content: dict[int, dict[str, Any]] = {}
    visits = _table(Visit)
    for chunk in _chunks(visit_ids):
        parents: dict[tuple[str, int], int] = {}
        stmt = select(visits.c.id, *(visits.c[f] for f in _VISIT_FIELDS)).where(visits.c.id.in_(chunk))
        result = session.execute(stmt)
        shape = _Shape(list(result.keys()))
        for row in result:
            content[row[0]] = {"visit": shape.canonical(row), "sections": defaultdict(list)}
        for model in _SECTION_MODELS:
            table = _table(model)
            result = session.execute(select(table).where(table.c.visit_id.in_(chunk)))
            shape = _Shape(list(result.keys()))
            at_id, at_visit = shape.index["id"], shape.index["visit_id"]
            for row in result:
                visit_id = row[at_visit]
                content[visit_id]["sections"][table.name].append(shape.canonical(row))
                parents[(table.name, row[at_id])] = visit_id
        _add_children(session, content, parents)
    return content


# Child rows (prior injuries, outcome items) hang off a section row, not the visit.
def _add_children(session: Session, content: dict[int, dict[str, Any]],
                  parents: dict[tuple[str, int], int]) -> None:
    for model, parent_table, key in ((PriorInjuryRecord, "subjective_exams", "subjective_id"),
                                     (OutcomeItem, "outcome_results", "result_id")):
        parent_ids = [pid for (table, pid) in parents if table == parent_table]
        table = _table(model)
        for ids in _chunks(parent_ids):
            result = session.execute(select(table).where(table.c[key].in_(ids)))
            # Keyed by the parent's content, not its id, so re-created parents hash alike.
            shape = _Shape(list(result.keys()), skip=(key,))
            at_key = shape.index[key]
            for row in result:
                visit_id = parents[(parent_table, row[at_key])]
                content[visit_id]["sections"][table.name].append(shape.canonical(row))


def _sort_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


def _digest(item: dict[str, Any]) -> str:
    sections = {name: sorted(rows, key=_sort_key) if len(rows) > 1 else rows
                for name, rows in sorted(item["sections"].items())}
    canonical = json.dumps({"visit": item["visit"], "sections": sections}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_visits(session: Session, visit_ids: Sequence[int]) -> dict[int, str]:
    """visit id -> SHA-256 hex of its canonical content, for every id that exists."""
    return {vid: _digest(item) for vid, item in _content(session, list(visit_ids)).items()}


def hash_visit(session: Session, visit_id: int) -> str:
    return hash_visits(session, [visit_id])[visit_id]
