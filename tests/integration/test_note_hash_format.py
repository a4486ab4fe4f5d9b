"""Format 1 of the signed-note hash stays byte-identical however it is computed.

Verify reads raw rows and encodes them its own (fast) way; every hash stored at signing
must still match. The reference below is format 1 as it was defined: each row loaded
through SQLAlchemy, dates and numbers made plain, the note dumped with sort_keys.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import OutcomeItem, OutcomeResult, SubjectiveExam, Visit
from ptdesk.demo.generator import build_demo_clinic
from ptdesk.services import note_hash
from ptdesk.services.note_hash import FORMATS, hash_visit, hash_visits
from ptdesk.services.uow import transaction
from tests.factories import ACTOR

_SKIP = {"id", "version", "created_at", "updated_at"}
_CHILDREN = {"prior_injuries": ("subjective_exams", "subjective_id"),
             "outcome_items": ("outcome_results", "result_id")}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _rows(session: Any, table_name: str, where: Any, skip: set[str]) -> list[dict[str, Any]]:
    table = note_hash._table({m.__table__.name: m for m in (*note_hash._SECTION_MODELS,
                              note_hash.PriorInjuryRecord, OutcomeItem, Visit)}[table_name])
    columns = [table.c[name] for name in FORMATS[1][table_name]]
    out = []
    for row in session.execute(select(table.c.id, *columns).where(where(table))).all():
        out.append({k: _plain(v) for k, v in row._mapping.items() if k not in skip})
    return out


def _reference(session: Any, visit_id: int) -> str:
    """Format 1, written out the slow, obvious way."""
    visit = _rows(session, "visits", lambda t: t.c.id == visit_id, _SKIP)[0]
    sections: dict[str, list[dict[str, Any]]] = {}
    for model in note_hash._SECTION_MODELS:
        name = model.__table__.name
        table = model.__table__
        found = session.execute(select(table.c.id).where(table.c.visit_id == visit_id)).all()
        rows = _rows(session, name, lambda t: t.c.visit_id == visit_id, _SKIP)
        if rows:
            sections[name] = rows
        for child, (parent, key) in _CHILDREN.items():
            if parent != name:
                continue
            ids = [r[0] for r in found]
            kids = _rows(session, child, lambda t, k=key, i=ids: t.c[k].in_(i), _SKIP | {key})
            if kids:
                sections[child] = kids
    body = {n: sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
            for n, rows in sorted(sections.items())}
    text = json.dumps({"visit": visit, "sections": body}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_fast_hash_is_byte_identical_to_format_1(session_factory: SessionFactory) -> None:
    build_demo_clinic(session_factory, actor=ACTOR, patients=12, seed=5)
    with transaction(session_factory) as session:
        # Values that stress the encoding: nested JSON dicts out of key order, non-ASCII,
        # quotes and line separators, a float score, on a draft (free to change).
        draft = session.scalars(select(Visit.id).where(Visit.status != "signed")).first()
        exam = session.scalars(select(SubjectiveExam.id)
                               .where(SubjectiveExam.visit_id == draft)).first()
        assert exam is not None
        session.execute(update(SubjectiveExam).where(SubjectiveExam.id == exam).values(
            symptoms=[{"z": 1, "a": {"y": "é\u2028\"", "b": [2.5, None]}}, "Ødegård"],
            chief_complaint='knee "pain" — 10/10\n'))
        item = session.scalars(select(OutcomeItem.id).join(
            OutcomeResult, OutcomeResult.id == OutcomeItem.result_id)
            .where(OutcomeResult.visit_id == draft)).first()
        if item is not None:
            session.execute(update(OutcomeItem).where(OutcomeItem.id == item)
                            .values(label="ü 1, \"2\": {3}"))
        ids = list(session.scalars(select(Visit.id).order_by(Visit.id)))
        assert len(ids) > 50 and draft is not None
        stored = dict(session.execute(select(Visit.id, Visit.content_hash)
                                      .where(Visit.status == "signed")).all())
        expected = {vid: _reference(session, vid) for vid in ids}
        assert hash_visits(session, ids) == expected  # dense: read by id range
        scattered = ids[::7]
        assert hash_visits(session, scattered) == {v: expected[v] for v in scattered}  # IN
        assert hash_visit(session, ids[-1]) == expected[ids[-1]]
        # And every hash stored when the demo signed its notes still matches.
        assert stored and all(expected[v] == h for v, h in stored.items() if h)


def test_row_order_and_number_spellings_match_format_1(session_factory: SessionFactory) -> None:
    """Rows are ordered by json.dumps' ASCII text even where the fast path's own text
    sorts otherwise (non-ASCII, DEL), and a remembered 0.0 never answers for -0.0."""
    build_demo_clinic(session_factory, actor=ACTOR, patients=12, seed=7)
    with transaction(session_factory) as session:
        drafts = list(session.scalars(select(OutcomeResult.id).join(
            Visit, Visit.id == OutcomeResult.visit_id).where(Visit.status != "signed")
            .order_by(OutcomeResult.id)))
        assert len(drafts) >= 2
        labels = ["z", "é", "a\x7f", "a~", "Ødegård", "a", "\u2028", "a b"]
        for result_id in drafts[:2]:
            items = list(session.scalars(select(OutcomeItem.id)
                                         .where(OutcomeItem.result_id == result_id)))
            for n, item in enumerate(items):
                session.execute(update(OutcomeItem).where(OutcomeItem.id == item).values(
                    label=labels[n % len(labels)], value=[1, 7, None, 0][n % 4]))
        # The same column sees 0.0 first, then -0.0 (a remembered 0.0 must not answer).
        session.execute(update(OutcomeResult).where(OutcomeResult.id == drafts[0])
                        .values(total=0.0))
        session.execute(update(OutcomeResult).where(OutcomeResult.id == drafts[1])
                        .values(total=-0.0))
        visits = list(session.scalars(select(OutcomeResult.visit_id)
                                      .where(OutcomeResult.id.in_(drafts[:2]))))
        ids = list(session.scalars(select(Visit.id).order_by(Visit.id)))
        expected = {vid: _reference(session, vid) for vid in visits}
        assert {v: h for v, h in hash_visits(session, ids).items() if v in expected} == expected
