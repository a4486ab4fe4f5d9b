"""The canonical content hash of a visit note, stored at signing and re-checked by verify.

Defined over the stored rows (every section and outcome row of the visit, minus ids,
version counters and timestamps), so any later change to a signed note, by any path,
changes the hash. Computed for many visits at once with a handful of queries.

The hash is versioned: each format names the columns it covers, frozen when the format
was introduced, and the format a note was signed with is written into the (keyed) audit
entry of the signing. A later migration that adds a column to an evaluation table adds
a new format with that column; notes signed before keep verifying under their own.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
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

# Format 1: the columns every table had when formats were introduced (schema 0005/0007).
# Never edit a shipped format: add the next one and make it HASH_VERSION.
_FORMAT_1: dict[str, tuple[str, ...]] = {
    "visits": _VISIT_FIELDS,
    "subjective_exams": (
        "visit_id", "chief_complaint", "onset_mechanism", "onset_date", "symptoms",
        "pain_locations", "aggravating", "nprs_now", "nprs_best", "nprs_worst", "onset_distance",
        "onset_distance_unit", "current_weekly_volume", "preinjury_weekly_volume", "volume_unit",
        "longest_recent_run", "runs_per_week", "goal_race", "goal_race_date", "shoe_model",
        "shoe_drop_mm", "surface", "red_flags_screened", "red_flags_notes"),
    "knee_exams": (
        "visit_id", "side", "flexion_deg", "extension_deg", "effusion", "tenderness",
        "patellar_mobility", "patellar_tracking", "single_leg_squat", "step_down", "notes"),
    "ankle_exams": (
        "visit_id", "side", "knee_to_wall_cm", "balance_eyes_open_s", "balance_eyes_closed_s",
        "heel_raise_count", "anterior_drawer", "talar_tilt", "swelling", "tender_atfl",
        "tender_cfl", "tender_medial", "notes"),
    "special_tests": ("visit_id", "test", "side", "result"),
    "strength_tests": ("visit_id", "muscle_group", "side", "method", "mmt_grade", "value",
                       "unit"),
    "gait_assessments": (
        "visit_id", "setting", "speed", "speed_unit", "cadence_spm", "foot_strike",
        "overstriding", "pelvic_drop_side", "pelvic_drop_severity", "knee_valgus", "pronation",
        "crossover", "trunk_lean", "footwear", "cadence_target_pct", "video_path", "notes"),
    "assessments": ("visit_id", "problem_list", "working_diagnosis", "icd10_code",
                    "visit_frequency", "plan_notes"),
    "outcome_results": ("patient_id", "visit_id", "measure", "total", "max_total",
                        "missing_items"),
    "prior_injuries": ("description", "side", "injury_date"),
    "outcome_items": ("position", "item_key", "label", "value"),
}
FORMATS: dict[int, dict[str, tuple[str, ...]]] = {1: _FORMAT_1}
HASH_VERSION = 1  # the format new signatures use


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


_AS_IS_TYPES = frozenset({str, int, bool, type(None)})  # exact types: subclasses go via _plain


def _needs_plain(table: Table, name: str) -> bool:
    """Whether a column's values may need `_plain` (dates, times, decimals, floats)."""
    try:
        kind = table.c[name].type.python_type
    except NotImplementedError:
        return True
    return kind not in (str, int, bool, dict, list)  # JSON comes back as dict or list


class _Shape:
    """How to turn one query's result rows into canonical dicts, worked out once per query.

    Verify hashes every signed visit of the clinic, so per-row work is one dict built by
    position; only columns whose type can need it go through `_plain`.
    """

    def __init__(self, keys: Sequence[str], table: Table, skip: Iterable[str] = ()) -> None:
        drop = _SKIP | set(skip)
        fields = [(name, i) for i, name in enumerate(keys) if name not in drop]
        self.index = {name: i for i, name in enumerate(keys)}
        self.names = [name for name, _i in fields]
        positions = [i for _name, i in fields]
        self.pick = (itemgetter(*positions) if len(positions) > 1
                     else (lambda row: (row[positions[0]],)))
        self.convert = [name for name in self.names if _needs_plain(table, name)]

    def canonical(self, row: Sequence[Any]) -> dict[str, Any]:
        out = dict(zip(self.names, self.pick(row), strict=True))
        for name in self.convert:
            value = out[name]
            if type(value) not in _AS_IS_TYPES:
                out[name] = _plain(value)
        return out


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _content(session: Session, visit_ids: Sequence[int],
             columns: dict[str, tuple[str, ...]]) -> dict[int, dict[str, Any]]:
    content: dict[int, dict[str, Any]] = {}
    visits = _table(Visit)
    for chunk in _chunks(visit_ids):
        parents: dict[tuple[str, int], int] = {}
        stmt = select(visits.c.id, *(visits.c[f] for f in columns["visits"])) \
            .where(visits.c.id.in_(chunk))
        result = session.execute(stmt)
        shape = _Shape(list(result.keys()), visits)
        for row in result.all():
            content[row[0]] = {"visit": shape.canonical(row), "sections": defaultdict(list)}
        for model in _SECTION_MODELS:
            table = _table(model)
            wanted = [name for name in columns[table.name] if name != "visit_id"]
            result = session.execute(select(table.c.id, table.c.visit_id,
                                            *(table.c[name] for name in wanted))
                                     .where(table.c.visit_id.in_(chunk)))
            shape = _Shape(list(result.keys()), table)
            at_id, at_visit = shape.index["id"], shape.index["visit_id"]
            for row in result.all():
                visit_id = row[at_visit]
                content[visit_id]["sections"][table.name].append(shape.canonical(row))
                parents[(table.name, row[at_id])] = visit_id
        _add_children(session, content, parents, columns)
    return content


# Child rows (prior injuries, outcome items) hang off a section row, not the visit.
def _add_children(session: Session, content: dict[int, dict[str, Any]],
                  parents: dict[tuple[str, int], int],
                  columns: dict[str, tuple[str, ...]]) -> None:
    for model, parent_table, key in ((PriorInjuryRecord, "subjective_exams", "subjective_id"),
                                     (OutcomeItem, "outcome_results", "result_id")):
        parent_ids = [pid for (table, pid) in parents if table == parent_table]
        table = _table(model)
        for ids in _chunks(parent_ids):
            result = session.execute(select(table.c.id, table.c[key],
                                            *(table.c[name] for name in columns[table.name]))
                                     .where(table.c[key].in_(ids)))
            # Keyed by the parent's content, not its id, so re-created parents hash alike.
            shape = _Shape(list(result.keys()), table, skip=(key,))
            at_key = shape.index[key]
            for row in result.all():
                visit_id = parents[(parent_table, row[at_key])]
                content[visit_id]["sections"][table.name].append(shape.canonical(row))


# Built once: json.dumps with options makes a new encoder on every call, and verify
# encodes every row of every signed note. Same options as format 1 was defined with.
_SORT_ENCODER = json.JSONEncoder(sort_keys=True, default=str)
_CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                                      default=str)


def _sort_key(row: dict[str, Any]) -> str:
    return _SORT_ENCODER.encode(row)


def _digest(item: dict[str, Any]) -> str:
    sections = {name: sorted(rows, key=_sort_key) if len(rows) > 1 else rows
                for name, rows in sorted(item["sections"].items())}
    canonical = _CANONICAL_ENCODER.encode({"visit": item["visit"], "sections": sections})
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_visits(session: Session, visit_ids: Sequence[int],
                version: int = HASH_VERSION) -> dict[int, str]:
    """visit id -> SHA-256 hex of its canonical content in hash format `version`."""
    columns = FORMATS.get(version)
    if columns is None:
        raise ValueError(f"unknown note hash format {version}")
    return {vid: _digest(item)
            for vid, item in _content(session, list(visit_ids), columns).items()}


def hash_visit(session: Session, visit_id: int, version: int = HASH_VERSION) -> str:
    return hash_visits(session, [visit_id], version)[visit_id]
