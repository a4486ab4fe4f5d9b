"""Upgrading a realistic database from every older schema revision keeps every row, byte for byte.

The fixture for revision R is made by migrating an empty file to R and filling every
table with plain SQL INSERTs. The rows come from a clinic built through today's
services (the demo clinic, plus a draft, a run log, a signed note and its addendum),
restricted to the columns revision R has, so the data is realistic and every table has
rows. After `upgrade` to head (foreign keys on), every table keeps its row count and the
checksum of its revision-R columns, and the whole database verifies.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from ptdesk.db.base import Base
from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import current_revision, head_revision, upgrade
from ptdesk.demo.generator import build_demo_clinic
from ptdesk.services import signing
from ptdesk.services.audit import log as audit
from ptdesk.services.backup import backups
from ptdesk.services.drafts import save_draft
from ptdesk.services.evaluations import load_evaluation
from ptdesk.services.runlogs import log_run
from ptdesk.services.signing import add_addendum, sign_visit
from ptdesk.services.uow import transaction
from tests.factories import ACTOR, provision_accounts
from tests.integration.integrity_helpers import charted_visit

OLDER_REVISIONS = ("0001", "0002")
# Chain hashes appear only with the chain itself; a real database at an older revision
# has none (the source clinic's hashes belong to another key).
NOT_COPIED = {("audit_log", "prev_hash"), ("audit_log", "entry_hash")}
# 0013 moves a draft note's episode facts onto its episode (issue 18; its own test is
# test_episode_facts_migration.py). Signed rows keep these columns, and verify's
# signed-note hashes below check that.
MERGED_BY_0013 = {("subjective_exams", "onset_date"), ("subjective_exams", "goal_race"),
                  ("subjective_exams", "goal_race_date"), ("assessments", "working_diagnosis"),
                  ("assessments", "icd10_code"), ("episodes", "diagnosis"),
                  ("episodes", "icd10_code"), ("episodes", "onset_date")}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clinic at head with rows in every table."""
    with pytest.MonkeyPatch.context() as patch:
        # Its note is signed as PT Desk signed notes at those revisions: hash format 1
        # (format 2 also covers the episode-facts snapshot, a table that came with 0013).
        patch.setattr(signing, "HASH_VERSION", 1)
        return _build_source(tmp_path_factory)


def _build_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("source") / "source.db"
    engine = make_engine(db)
    upgrade(engine)
    sf = make_session_factory(engine)
    provision_accounts(sf)
    build_demo_clinic(sf, actor=ACTOR, patients=3)
    visit = charted_visit(sf, mrn="MIG-1")
    log_run(sf, actor=ACTOR, patient_id=visit.patient_id, run_date=date(2026, 10, 5),
            amount=20, kind="walk_run", pain_during=2, next_morning="same", measure="minutes",
            today=date(2026, 11, 1))
    save_draft(sf, actor=ACTOR, form_key="evaluation:999", payload='{"knee": {}}',
               patient_id=visit.patient_id, label="Unsaved evaluation")
    sign_visit(sf, actor=ACTOR, visit_id=visit.id)
    add_addendum(sf, actor=ACTOR, visit_id=visit.id, reason="Late entry", text="Called back.")
    engine.dispose()
    return db


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                              "NOT LIKE 'sqlite_%' AND name != 'alembic_version'")
    return sorted(row[0] for row in rows)


def _fill(target: Path, source: Path) -> None:
    """Copy the source's rows into the fixture with plain INSERTs, only the fixture's columns."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        dst.execute("PRAGMA foreign_keys = OFF")
        present = set(_tables(dst))
        # Children before parents: at 0002 a trigger refuses rows added to a signed visit.
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in present:
                continue
            columns = [c for c in _columns(dst, table.name)
                       if (table.name, c) not in NOT_COPIED and c in _columns(src, table.name)]
            names = ", ".join(columns)
            where = ""
            if table.name == "audit_log" and "content_hash" not in _columns(dst, "visits"):
                where = " WHERE action NOT IN ('sign', 'addendum')"  # signing came with 0002
            rows = src.execute(f"SELECT {names} FROM {table.name}{where} ORDER BY id").fetchall()
            if table.name == "audit_log" and "first_saved_on" not in _columns(dst, "visits"):
                rows = [_as_written_before_0012(columns, row) for row in rows]
            marks = ", ".join("?" for _ in columns)
            dst.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        dst.commit()
    finally:
        src.close()
        dst.close()


def _as_written_before_0012(columns: list[str], row: tuple[object, ...]) -> tuple[object, ...]:
    """An audit row as releases before 0012 wrote it: a new visit's entry had no first-saved day.

    Today's services record "first saved YYYY-MM-DD" when a visit is created, and verify
    compares that day with the visit's `first_saved_on` (issue 18). A release without the
    column never wrote the day, so the fixture must not carry it either.
    """
    at = columns.index("summary")
    summary = row[at]
    if isinstance(summary, str) and "; first saved " in summary:
        summary = summary.split("; first saved ", 1)[0]
        return row[:at] + (summary,) + row[at + 1:]
    return row


def _fingerprint(db: Path, tables: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """table -> (row count, SHA-256 of every row's values in the given columns, by id)."""
    connection = sqlite3.connect(db)
    try:
        out = {}
        for table, columns in tables.items():
            digest = hashlib.sha256()
            rows = connection.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
            count = 0
            for row in rows:
                digest.update(repr(row).encode("utf-8"))
                count += 1
            out[table] = (count, digest.hexdigest())
        return out
    finally:
        connection.close()


@pytest.mark.parametrize("revision", OLDER_REVISIONS)
def test_upgrade_to_head_keeps_every_row(tmp_path: Path, source: Path, revision: str) -> None:
    db = tmp_path / f"at-{revision}.db"
    engine = make_engine(db)
    upgrade(engine, revision)
    engine.dispose()
    _fill(db, source)
    with sqlite3.connect(db) as connection:
        tables = {t: [c for c in _columns(connection, t) if (t, c) not in MERGED_BY_0013]
                  for t in _tables(connection)}
    connection.close()
    before = _fingerprint(db, tables)
    assert all(count > 0 for count, _digest in before.values()), before  # every table filled

    engine = make_engine(db)
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine) != revision
    assert _fingerprint(db, tables) == before
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    report = backups.verify(engine)
    assert report.ok, report.lines()

    # The upgraded clinic works: the chain seals over the old entries, notes open.
    sf = make_session_factory(engine)
    with transaction(sf) as session:
        audit.record(session, actor=ACTOR, action="view", summary="after upgrade")
    chain = audit.verify_chain(sf)
    assert chain.ok and chain.sealed and chain.entries == before["audit_log"][0] + 1
    with sf() as session:
        visit_id = session.execute(text("SELECT max(id) FROM visits")).scalar()
    summary, _evaluation = load_evaluation(sf, actor=ACTOR, visit_id=visit_id)
    assert summary.id == visit_id
    engine.dispose()
