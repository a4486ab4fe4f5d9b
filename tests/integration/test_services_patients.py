"""Patient services on a real SQLite file: create, edit, conflicts, audited views, search."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from ptdesk.domain.errors import ValidationError
from ptdesk.services.audit.log import entries_for_patient
from ptdesk.services.errors import ConflictError
from ptdesk.services.patients import (
    PatientInput,
    count_patients,
    get_patient,
    search_page_statement,
    search_patients,
    search_statement,
    update_patient,
)
from tests.factories import ACTOR, ADMIN, make_patient


def test_create_and_read_back(session_factory) -> None:
    created = make_patient(session_factory, mrn="mrn-100", phone="555-0100", dominant_leg="right")
    loaded = get_patient(session_factory, actor=ACTOR, patient_id=created.id)
    assert loaded.mrn == "MRN-100"
    assert (loaded.first_name, loaded.last_name, loaded.phone, loaded.dominant_leg) == (
        "Alex", "Runner", "555-0100", "right")
    actions = [e.action for e in entries_for_patient(session_factory, created.id, actor=ADMIN)]
    assert actions == ["create", "view"]


def test_duplicate_mrn_refused_with_field(session_factory) -> None:
    make_patient(session_factory, mrn="ABC-1")
    with pytest.raises(ValidationError) as info:
        make_patient(session_factory, mrn="abc-1", first="Other")
    assert info.value.field == "mrn"


def test_invalid_input_writes_nothing(session_factory) -> None:
    with pytest.raises(ValidationError) as info:
        make_patient(session_factory, born=date(2099, 1, 1))
    assert info.value.field == "date_of_birth"
    assert count_patients(session_factory, actor=ACTOR) == 0


def test_stale_update_is_a_conflict(session_factory) -> None:
    p = make_patient(session_factory)
    data = PatientInput(p.mrn, "Alexandra", p.last_name, p.date_of_birth)
    updated = update_patient(session_factory, actor=ACTOR, patient_id=p.id, data=data,
                             expected_version=p.version)
    assert updated.version == p.version + 1 and updated.first_name == "Alexandra"
    with pytest.raises(ConflictError):
        update_patient(session_factory, actor=ACTOR, patient_id=p.id, data=data,
                       expected_version=p.version)


@pytest.fixture
def clinic(session_factory):
    make_patient(session_factory, mrn="DEMO-0005", first="Zoë", last="Ødegård-Núñez", born=date(1988, 3, 9))
    make_patient(session_factory, mrn="P-0002", first="Oscar", last="Odell", born=date(1975, 6, 1))
    make_patient(session_factory, mrn="P-0003", first="Maria", last="García", born=date(2000, 1, 2))
    make_patient(session_factory, mrn="Z-0004", first="Adam", last="Zoller", born=date(1988, 3, 9))
    return session_factory


@pytest.mark.parametrize(
    "query,expected",
    [
        ("zoe", {"DEMO-0005"}),
        ("ZOË", {"DEMO-0005"}),
        ("odegard", {"DEMO-0005"}),
        ("Ødegård", {"DEMO-0005"}),
        ("od", {"DEMO-0005", "P-0002"}),
        ("garcia", {"P-0003"}),
        ("demo-00", {"DEMO-0005"}),
        ("p-000", {"P-0002", "P-0003"}),
        ("P-0002", {"P-0002"}),
        # A plain word is a name: "p" must not prefix-match every MRN starting with P.
        ("p", set()),
        # Oscar Odell matches "o" by both names and is still listed once.
        ("o", {"DEMO-0005", "P-0002"}),
        ("maria gar", {"P-0003"}),
        ("1988-03-09", {"DEMO-0005", "Z-0004"}),
        ("03/09/1988 zol", {"Z-0004"}),
        ("nomatch", set()),
        ("", {"DEMO-0005", "P-0002", "P-0003", "Z-0004"}),
    ],
)
def test_search_by_prefix_accent_and_case(clinic, query: str, expected: set[str]) -> None:
    found = {p.mrn for p in search_patients(clinic, query, actor=ACTOR)}
    assert found == expected
    assert count_patients(clinic, query, actor=ACTOR) == len(expected)


def test_search_is_sorted_by_last_then_first_name(clinic) -> None:
    names = [p.last_name for p in search_patients(clinic, "", actor=ACTOR)]
    # Accents are folded for sorting too: "odegard" comes before "odell".
    assert names == ["García", "Ødegård-Núñez", "Odell", "Zoller"]


def _letters(i: int) -> str:
    return chr(ord("a") + i // 26) + chr(ord("a") + i % 26)


def test_search_pages_are_ordered_and_never_repeat_a_patient(session_factory) -> None:
    for i in range(30):
        # Both names start with "a" for half of them, so two index legs match them.
        make_patient(session_factory, mrn=f"PG-{i:04d}", first="Ann" if i % 2 else "Bea",
                     last="Abbot" + _letters(i))
    pages = [search_patients(session_factory, "a", actor=ACTOR, limit=7, offset=o)
             for o in range(0, 35, 7)]
    listed = [p.mrn for page in pages for p in page]
    assert sorted(listed) == sorted(f"PG-{i:04d}" for i in range(30))
    assert [p.last_name for page in pages for p in page] == ["Abbot" + _letters(i) for i in range(30)]
    assert count_patients(session_factory, "a", actor=ACTOR) == 30
    assert count_patients(session_factory, "ann abb", actor=ACTOR) == 15


@pytest.mark.sqlite_only  # SQLite's EXPLAIN QUERY PLAN wording
@pytest.mark.parametrize("query", ["m", "ma", "maria gar", "p-00", "1988-03-09"])
def test_search_page_reads_only_indexes_until_the_page_is_cut(engine, query: str) -> None:
    compiled = search_page_statement(query, limit=200).compile(
        engine, compile_kwargs={"literal_binds": True})
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN wording")
    with engine.connect() as connection:
        plan = [row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))]
    assert not any(step.startswith("SCAN patients") for step in plan), plan
    name_scans = [step for step in plan if "ix_patients_" in step and "_key" in step]
    assert name_scans and all("COVERING INDEX" in step for step in name_scans), plan


@pytest.mark.sqlite_only  # SQLite's EXPLAIN QUERY PLAN wording
def test_search_uses_indexes_not_a_table_scan(clinic, engine) -> None:
    stmt = search_statement("zoe od").order_by(None)
    compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as connection:
        plan = " | ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "SCAN patients" not in plan, plan
    assert "INDEX" in plan
