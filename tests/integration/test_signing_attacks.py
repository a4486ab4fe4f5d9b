"""Un-signing a signed note through the file: REPLACE, deletes behind dropped triggers, schema growth.

Played with Python's sqlite3 module on the database file, as someone holding the file
can; `ptdesk verify`'s note check must catch every one of them, working from the audit
log outward, and a later column in an evaluation table must not break earlier signatures.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ptdesk.db.engine import SessionFactory
from ptdesk.services.signing import verify_signed_notes
from tests.integration.integrity_helpers import sealed_clinic

VISIT_COLUMNS = ("id, patient_id, episode_id, clinician_id, visit_date, visit_type, status, "
                 "signed_at, signed_by_id, content_hash, soap_subjective, soap_objective, "
                 "soap_assessment, soap_plan, version, created_at, updated_at")


@pytest.fixture
def clinic(db_path: Path, engine: Engine, session_factory: SessionFactory) -> Path:
    sealed_clinic(session_factory)
    assert verify_signed_notes(session_factory) == []
    engine.dispose()
    return db_path

pytestmark = pytest.mark.sqlite_only  # attacks on the database file itself


def raw(db: Path, *statements: str, drop_triggers: bool = False) -> None:
    connection = sqlite3.connect(db)
    try:
        if drop_triggers:
            for name in [r[0] for r in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
                connection.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def signed_visit(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("SELECT id FROM visits WHERE status = 'signed'")
                   .fetchone()[0])
    finally:
        connection.close()


def replace_as_draft(visit_id: int) -> str:
    return (f"INSERT OR REPLACE INTO visits ({VISIT_COLUMNS}) SELECT id, patient_id, episode_id, "
            "clinician_id, visit_date, visit_type, 'draft', NULL, NULL, '', soap_subjective, "
            "'rewritten', soap_assessment, soap_plan, version, created_at, updated_at "
            f"FROM visits WHERE id = {visit_id}")


def messages(sf: SessionFactory) -> str:
    found = verify_signed_notes(sf)
    assert found, "verify passed a note that was changed behind its back"
    return " ".join(p.message for p in found)


def test_insert_or_replace_cannot_unsign_a_note_with_the_triggers_in_place(clinic) -> None:
    vid = signed_visit(clinic)
    for pragmas in ("", "PRAGMA recursive_triggers = OFF", "PRAGMA foreign_keys = OFF"):
        with pytest.raises(sqlite3.IntegrityError, match="signed notes cannot be changed"):
            raw(clinic, *([pragmas] if pragmas else []), replace_as_draft(vid))
    assert signed_visit(clinic) == vid


def test_insert_or_replace_cannot_replace_an_addendum_or_an_audit_entry(clinic) -> None:
    for statement in (
        "INSERT OR REPLACE INTO addenda SELECT id, visit_id, author_id, author_name, "
        "created_at, reason, 'rewritten', content_hash FROM addenda",
        "REPLACE INTO audit_log SELECT * FROM audit_log WHERE id = 1",
        "REPLACE INTO audit_head SELECT * FROM audit_head",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw(clinic, statement)


def test_the_rows_of_a_signed_visit_cannot_be_replaced(clinic) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="signed notes cannot be changed"):
        raw(clinic, "INSERT OR REPLACE INTO knee_exams SELECT * FROM knee_exams LIMIT 1")


def test_a_note_unsigned_behind_dropped_triggers_fails_verify(clinic, session_factory) -> None:
    vid = signed_visit(clinic)
    raw(clinic, replace_as_draft(vid), drop_triggers=True)
    assert f"visit {vid} is no longer signed" in messages(session_factory)


def test_a_deleted_signed_note_fails_verify(clinic, session_factory) -> None:
    vid = signed_visit(clinic)
    raw(clinic, f"DELETE FROM addenda WHERE visit_id = {vid}",
        f"DELETE FROM visits WHERE id = {vid}", drop_triggers=True)
    found = messages(session_factory)
    assert f"visit {vid} was deleted" in found and "Addendum 1 was deleted" in found


def test_a_deleted_addendum_fails_verify(clinic, session_factory) -> None:
    raw(clinic, "DELETE FROM addenda", drop_triggers=True)
    assert "Addendum 1 was deleted" in messages(session_factory)


def test_a_new_column_in_an_evaluation_table_keeps_earlier_signatures_verifying(
        clinic, tmp_path) -> None:
    """A later migration adds a column (with a default) to knee_exams, and the model gains
    it; every note signed before still verifies, because its hash format names its columns.

    Run in a child process: the test changes the mapped table, as a new release would.
    """
    script = textwrap.dedent(f"""
        import sqlalchemy as sa
        from alembic.migration import MigrationContext
        from alembic.operations import Operations
        from ptdesk.db.engine import make_engine, make_session_factory
        from ptdesk.db.models import KneeExam
        from ptdesk.services.signing import verify_signed_notes

        engine = make_engine({str(clinic)!r})
        with engine.begin() as connection:
            ops = Operations(MigrationContext.configure(connection))
            ops.add_column("knee_exams", sa.Column("effusion_grade", sa.String(10),
                                                   server_default="none", nullable=False))
        KneeExam.__table__.append_column(sa.Column("effusion_grade", sa.String(10)))
        found = verify_signed_notes(make_session_factory(engine))
        print("PROBLEMS", len(found), [p.message for p in found])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "PROBLEMS 0 " in done.stdout, done.stdout


def test_format_one_names_every_column_the_tables_have_today() -> None:
    """Adding a column to an evaluation table means adding hash format 2, not editing 1."""
    from ptdesk.services import note_hash as nh

    bookkeeping = {"id", "version", "created_at", "updated_at", "subjective_id", "result_id"}
    for model in (*nh._SECTION_MODELS, nh.PriorInjuryRecord, nh.OutcomeItem):
        table = model.__table__
        current = {c.name for c in table.columns} - bookkeeping
        assert current == set(nh.FORMATS[nh.HASH_VERSION][table.name]), table.name
