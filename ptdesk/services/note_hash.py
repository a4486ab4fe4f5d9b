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
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from ptdesk.db.models import (
    AnkleExam,
    AssessmentPlanRecord,
    GaitAssessment,
    KneeExam,
    NoteEpisodeFacts,
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
_WINDOW = 5000  # visits hashed together: few queries, bounded memory

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
# Format 2 (schema 0013, issue 18): format 1 plus the episode facts frozen beside the note
# at signing, so a snapshot changed afterwards fails verify like the note itself.
_FORMAT_2: dict[str, tuple[str, ...]] = {
    **_FORMAT_1,
    "note_episode_facts": ("visit_id", "diagnosis", "icd10_code", "affected_side", "onset_date",
                           "goal_race", "goal_race_date"),
}
FORMATS: dict[int, dict[str, tuple[str, ...]]] = {1: _FORMAT_1, 2: _FORMAT_2}
HASH_VERSION = 2  # the format new signatures use
# Rows kept beside a note from a later format on; a format without their table skips them.
_LATER_MODELS = (NoteEpisodeFacts,)


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


def _may_hold_json(table: Table, name: str) -> bool:
    """Whether a column's values may be dicts or lists (their dicts get sorted keys)."""
    try:
        return table.c[name].type.python_type in (dict, list)
    except NotImplementedError:
        return True


_Convert = Callable[[Any], Any]
_Text = Callable[[Any], str]


def _converter(table: Table, name: str, dialect: Dialect | None) -> _Convert | None:
    """Raw driver value -> the value format 1 hashes: what an ORM row holds (the column
    type's result processor, e.g. text -> date, int -> bool, text -> JSON), then `_plain`.
    None when the raw value is already that. `dialect` None: rows come processed."""
    process = (None if dialect is None else
               table.c[name].type.dialect_impl(dialect).result_processor(dialect, None))
    plain = _needs_plain(table, name)
    if process is None and not plain and not _may_hold_json(table, name):
        return None

    def convert(raw: Any) -> Any:
        value = raw if process is None else process(raw)
        if plain and type(value) not in _AS_IS_TYPES:
            value = _plain(value)
        if isinstance(value, dict | list):
            value = _sorted_json(value)  # JSON: nested dicts in key order too
        return value
    return convert


_MEMO_SIZE = 20_000  # distinct values remembered per column


class _Memo(dict[Any, str]):
    """Raw value -> its JSON text, each distinct value converted once (columns repeat visit
    dates, '[]', a symptom list, scores). One memo per column and raw type: 1, 1.0 and
    True are equal as dict keys, so they must never share one."""

    def __init__(self, text: _Text) -> None:
        super().__init__()
        self.text = text

    def __missing__(self, raw: Any) -> str:
        value = self.text(raw)
        if len(self) < _MEMO_SIZE:
            self[raw] = value
        return value


def _json_text(value: Any) -> str:
    """`value` as the canonical encoder writes it inside the note (same bytes): the common
    scalar types directly, anything else (floats, JSON, other types) through the encoder."""
    kind = type(value)
    if kind is str:
        return _encode_text(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    return _canonical(value)


class _FloatMemo(_Memo):
    """Floats: 0.0 and -0.0 are equal as dict keys but written differently, so zeros (and
    NaN, never found again) are converted every time, never remembered."""

    def __missing__(self, raw: Any) -> str:
        if raw == 0.0 or raw != raw:
            return self.text(raw)
        return super().__missing__(raw)


def _column_text(convert: _Convert | None) -> _Text:
    """Raw driver value (not None) -> JSON text of the value format 1 hashes."""
    if convert is None:
        return _json_text
    return lambda raw: _json_text(convert(raw))


class _Shape:
    """How to turn one query's raw rows into canonical JSON text, worked out once per query.

    Verify hashes every signed visit of the clinic, so `canonical` is a function compiled
    for the query: one f-string with the keys in the hash's (sort_keys) order, each value
    taken by position and written as JSON text (the text of repeated values remembered),
    byte for byte what the canonical encoder writes for the row's dict.
    """

    def __init__(self, keys: Sequence[str], table: Table, dialect: Dialect | None,
                 skip: Iterable[str] = ()) -> None:
        drop = _SKIP | set(skip)
        self.index = {name: i for i, name in enumerate(keys)}
        self.names = sorted(name for name in keys if name not in drop)
        scope: dict[str, Any] = {"__builtins__": {}, "S": str, "I": int, "F": float}
        parts = []
        for n, name in enumerate(self.names):
            text = _column_text(_converter(table, name, dialect))
            scope.update({f"s{n}": _Memo(text), f"i{n}": _Memo(text),
                          f"f{n}": _FloatMemo(text), f"t{n}": text})
            # Text, integers and floats (nearly every value) through the memos, one per
            # exact type; anything else converted each time.
            parts.append(f'"{name}":{{"null" if (v := r[{self.index[name]}]) is None else '
                         f's{n}[v] if (c := v.__class__) is S else i{n}[v] if c is I else '
                         f'f{n}[v] if c is F else t{n}(v)}}')
        body = ",".join(parts)
        # Generated from our own column names (identifiers) and positions.
        source = "lambda r: f'{{" + body + "}}'"
        self.canonical: Callable[[Sequence[Any]], str] = eval(  # noqa: S307
            compile(source, f"<note hash {table.name}>", "eval"), scope)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


class _Reader:
    """Raw rows of one table's columns for a set of parent ids, straight from the driver.

    Verify asks for every signed visit, nearly all ids in a range: one `BETWEEN` query
    per table, filtered here, is far cheaper than many `IN (...)` queries building Row
    objects. Scattered ids (signing one note) use indexed `IN` queries.
    """

    def __init__(self, session: Session) -> None:
        if session.autoflush:
            session.flush()  # as session.execute would: hash what the session holds
        self.connection = session.connection()
        # SQLite: raw driver tuples, converted by `_Shape` (the dialect's own processors).
        # Other drivers (psycopg) return typed values and their processors need the
        # driver's column types: there SQLAlchemy processes the rows.
        self.raw = self.connection.dialect.name == "sqlite"
        self.dialect = self.connection.dialect if self.raw else None

    def rows(self, table: Table, key: str, columns: Sequence[str], wanted: set[int],
             *, exact: bool = True) -> tuple[list[str], Iterable[Sequence[Any]]]:
        """(column names, rows) with `key` in `wanted`; `exact` False: may also hold rows
        of other keys in between (the caller ignores them), which saves filtering when
        nearly the whole range is wanted."""
        selected = [table.c[key], *(table.c[name] for name in columns)]
        names = [c.name for c in selected]
        if not wanted:
            return names, ()
        low, high = min(wanted), max(wanted)
        span = high - low + 1
        if span <= 4 * len(wanted):  # dense: read the range, keep the wanted
            found = self._raw(select(*selected).where(table.c[key].between(low, high)))
            if not exact and span <= len(wanted) + len(wanted) // 8:
                return names, found
            return names, (row for row in found if row[0] in wanted)
        out: list[Sequence[Any]] = []
        for chunk in _chunks(sorted(wanted)):
            out += self._raw(select(*selected).where(table.c[key].in_(chunk)))
        return names, out

    def _raw(self, stmt: Select[Any]) -> list[Sequence[Any]]:
        if not self.raw:
            return list(self.connection.execute(stmt).all())
        compiled = stmt.compile(dialect=self.connection.dialect,
                                compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        bound: Any = (tuple(params[name] for name in compiled.positiontup or ())
                      if compiled.positional else params)
        return list(self.connection.exec_driver_sql(str(compiled), bound).cursor.fetchall())


# Section rows whose own child rows (prior injuries, outcome items) the note includes.
_CHILDREN = ((PriorInjuryRecord, "subjective_exams", "subjective_id"),
             (OutcomeItem, "outcome_results", "result_id"))
_PARENTS = frozenset(parent for _model, parent, _key in _CHILDREN)


_Sections = defaultdict[str, list[str]]  # section table -> its rows' canonical text


def _content(reader: _Reader, visit_ids: Sequence[int],
             columns: dict[str, tuple[str, ...]]) -> dict[int, tuple[str, _Sections]]:
    """visit id -> (the visit row's canonical text, its sections' row texts)."""
    content: dict[int, tuple[str, _Sections]] = {}
    # Rows of visits not asked for may come along (read by range): they land in sections
    # no visit of `content` holds, and are never hashed.
    sections_of: defaultdict[int, _Sections] = defaultdict(lambda: defaultdict(list))
    visits = _table(Visit)
    wanted = set(visit_ids)
    keys, rows = reader.rows(visits, "id", columns["visits"], wanted)
    shape = _Shape(keys, visits, reader.dialect)
    for row in rows:
        sections = sections_of[row[0]] = defaultdict(list)
        content[row[0]] = (shape.canonical(row), sections)
    parents: dict[str, dict[int, int]] = {}  # parent table -> its row id -> visit id
    for model in (*_SECTION_MODELS, *_LATER_MODELS):
        table = _table(model)
        if table.name not in columns:
            continue
        wanted_cols = ["id", *(name for name in columns[table.name] if name != "visit_id")]
        keys, rows = reader.rows(table, "visit_id", wanted_cols, wanted, exact=False)
        canonical = _Shape(keys, table, reader.dialect).canonical
        name = table.name
        if name in _PARENTS:
            ids = parents[name] = {}
            for row in rows:
                sections_of[row[0]][name].append(canonical(row))
                ids[row[1]] = row[0]  # keys: visit_id, id, ...
        else:
            for row in rows:
                sections_of[row[0]][name].append(canonical(row))
    _add_children(reader, sections_of, parents, columns)
    return content


# Child rows (prior injuries, outcome items) hang off a section row, not the visit.
def _add_children(reader: _Reader, sections_of: defaultdict[int, _Sections],
                  parents: dict[str, dict[int, int]],
                  columns: dict[str, tuple[str, ...]]) -> None:
    for model, parent_table, key in _CHILDREN:
        visit_of = parents.get(parent_table, {})
        table = _table(model)
        keys, rows = reader.rows(table, key, ["id", *columns[table.name]], set(visit_of))
        # Keyed by the parent's content, not its id, so re-created parents hash alike.
        canonical = _Shape(keys, table, reader.dialect, skip=(key,)).canonical
        name = table.name
        for row in rows:
            sections_of[visit_of[row[0]]][name].append(canonical(row))


# Format 1 was defined as json.dumps(..., sort_keys=True) of the note (rows ordered by
# their default json.dumps text). These reference encoders are that definition.
_SORT_ENCODER = json.JSONEncoder(sort_keys=True, default=str)
_CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                                      default=str)
_Encode = Callable[[Any], str]


def _reference(encoder: json.JSONEncoder) -> _Encode:
    return encoder.encode


def _fast(reference: json.JSONEncoder) -> _Encode:
    """The same text as `reference` for objects whose dicts are already in key order (as
    `_Shape` and `_sorted_json` build them), up to twice as fast: verify encodes every row
    of every signed note, and most of json's cost is per call (a new C encoder each time)
    and sorting keys. Falls back to the reference where json has no C encoder, or if a
    self-check finds any difference (another Python's json)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return reference.encode
    plain = (json.encoder.encode_basestring_ascii if reference.ensure_ascii
             else json.encoder.encode_basestring)
    try:
        encode = make(None, reference.default, plain, None, reference.key_separator,
                      reference.item_separator, False, reference.skipkeys, reference.allow_nan)
    except TypeError:
        return reference.encode

    def fast(value: Any) -> str:
        return "".join(encode(value, 0))
    sample = {"a": [1, 2.5, -0.0, 1e100, None, True, False], "b": {"c": "é\u2028\"\\/\n"},
              "d": Decimal("1.10"), "e": "", "z": [{"x": 1}, []]}
    try:
        same = fast(sample) == reference.encode(sample)
    except Exception:  # any trouble at all: use the reference
        same = False
    return fast if same else reference.encode


_sort_key = _fast(_SORT_ENCODER)
_canonical = _fast(_CANONICAL_ENCODER)
# How the canonical encoder (ensure_ascii=False) writes a string.
_encode_text: _Text = json.encoder.encode_basestring


def _sorted_json(value: Any) -> Any:
    """A JSON column's value with every dict in key order (what sort_keys would emit)."""
    if isinstance(value, dict):
        return {k: _sorted_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_json(v) for v in value]
    return value


def _ordered(texts: list[str]) -> list[str]:
    """A section's rows in format 1's order: by their default json.dumps text.

    For rows whose canonical text is ASCII without DEL, that order is the order of the
    canonical texts themselves: the two spellings differ only by a space after each ','
    and ':' between tokens, which never moves the first difference between two rows.
    Other rows (non-ASCII text, which json.dumps escapes) are sorted by the reference key.
    """
    joined = "".join(texts)
    if joined.isascii() and "\x7f" not in joined:
        return sorted(texts)
    return sorted(texts, key=lambda text: _sort_key(json.loads(text)))


def _digest(visit: str, sections: _Sections) -> str:
    # Format 1's canonical text, written out: keys in order ("sections" < "visit",
    # section names sorted), each row's text as the canonical encoder writes it.
    body = ",".join(f'"{name}":[{",".join(_ordered(rows) if len(rows) > 1 else rows)}]'
                    for name, rows in sorted(sections.items()))
    canonical = f'{{"sections":{{{body}}},"visit":{visit}}}'
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_visits(session: Session, visit_ids: Sequence[int],
                version: int = HASH_VERSION) -> dict[int, str]:
    """visit id -> SHA-256 hex of its canonical content in hash format `version`."""
    columns = FORMATS.get(version)
    if columns is None:
        raise ValueError(f"unknown note hash format {version}")
    ids = sorted(set(visit_ids))
    reader = _Reader(session)
    out: dict[int, str] = {}
    for start in range(0, len(ids), _WINDOW):
        window = _content(reader, ids[start:start + _WINDOW], columns)
        out.update((vid, _digest(*item)) for vid, item in window.items())
    return out


def hash_visit(session: Session, visit_id: int, version: int = HASH_VERSION) -> str:
    return hash_visits(session, [visit_id], version)[visit_id]
