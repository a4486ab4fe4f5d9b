"""Disk full / I/O errors on commit: a clean rollback, a plain message, nothing half-written."""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ptdesk.db.models import Addendum, AuditEntry, Visit
from ptdesk.domain import evaluation as ev
from ptdesk.services.audit import log as audit
from ptdesk.services.backup import backups
from ptdesk.services.db_check import check_database
from ptdesk.services.errors import ServiceError, StorageError
from ptdesk.services.evaluations import load_evaluation, save_evaluation
from ptdesk.services.signing import add_addendum, sign_visit
from ptdesk.services.uow import transaction
from tests.factories import ACTOR, full_evaluation
from tests.integration.integrity_helpers import charted_visit

# What each driver raises when the disk is full, the disk fails or another writer holds a lock.
SQLITE_ERRORS = {"full": "database or disk is full", "io": "disk I/O error",
                 "locked": "database is locked"}


def driver_error(engine: Any, kind: str) -> Exception:
    if engine.dialect.name == "sqlite":
        return sqlite3.OperationalError(SQLITE_ERRORS[kind])
    from psycopg import errors as pg

    return {"full": pg.DiskFull('could not extend file "base/16384/2619": No space left on '
                                "device"),
            "io": pg.IoError('could not write block 7 of relation base/16384/2619: '
                             "Input/output error"),
            "locked": pg.LockNotAvailable("canceling statement due to lock timeout")}[kind]


@contextmanager
def failing(engine: Any, method: str, kind: str, when: str = "") -> Any:
    """Make the driver raise a `kind` error from commit (or from executing SQL containing `when`)."""
    dialect = engine.dialect
    real = getattr(dialect, method)

    def broken(*args: Any, **kwargs: Any) -> Any:
        statement = args[1] if method == "do_execute" else ""
        if method == "do_commit" or when in statement:
            raise driver_error(engine, kind)
        return real(*args, **kwargs)

    setattr(dialect, method, broken)
    try:
        yield
    finally:
        delattr(dialect, method)  # back to the class's method


def counts(sf) -> tuple[int, int, int]:
    with transaction(sf) as session:
        return (session.scalar(select(func.count()).select_from(AuditEntry)),
                session.scalar(select(func.count()).select_from(Visit)),
                session.scalar(select(func.count()).select_from(Addendum)))


@pytest.mark.parametrize(("kind", "expected"), [
    ("full", {"sqlite": "The disk is full, so nothing was saved",
              "postgresql": "The database server's disk is full, so nothing was saved"}),
    ("io", {"sqlite": "could not write to the database (a disk error)",
            "postgresql": "server could not write to the database (a disk error)"}),
    ("locked", {"sqlite": "busy with another PT Desk window",
                "postgresql": "Another workstation was saving the same records"}),
])
def test_a_failed_commit_rolls_back_everything(engine, session_factory, kind, expected) -> None:
    visit = charted_visit(session_factory)
    before = counts(session_factory)
    changed = ev.Evaluation(soap_plan="new plan that never reached the disk")
    with failing(engine, "do_commit", kind), pytest.raises(StorageError) as info:
        save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=changed)
    assert expected[engine.dialect.name] in str(info.value)
    assert isinstance(info.value, ServiceError)
    assert counts(session_factory) == before  # no audit entry, no rows
    summary, saved = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved == full_evaluation() and summary.version == visit.version
    assert check_database(engine).ok
    # The database is fine afterwards: the same save goes through.
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=changed)
    assert load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)[1] == changed


def test_a_failure_halfway_through_a_save_leaves_no_half_note(engine, session_factory) -> None:
    visit = charted_visit(session_factory)
    before = counts(session_factory)
    # The sections are already rewritten when the audit entry fails to go in.
    with failing(engine, "do_execute", "full", when="INSERT INTO audit_log"), \
            pytest.raises(StorageError):
        save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                        evaluation=ev.Evaluation(soap_plan="half"))
    assert counts(session_factory) == before
    assert load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)[1] == full_evaluation()
    assert audit.verify_chain(session_factory).ok


def test_signing_and_addenda_roll_back_on_a_full_disk(engine, session_factory) -> None:
    visit = charted_visit(session_factory)
    with failing(engine, "do_commit", "full"), pytest.raises(StorageError):
        sign_visit(session_factory, actor=ACTOR, visit_id=visit.id)
    with transaction(session_factory) as session:
        row = session.get(Visit, visit.id)
        assert (row.status, row.content_hash, row.signed_by_id) == ("draft", "", None)
    sign_visit(session_factory, actor=ACTOR, visit_id=visit.id)
    before = counts(session_factory)
    with failing(engine, "do_commit", "io"), pytest.raises(StorageError):
        add_addendum(session_factory, actor=ACTOR, visit_id=visit.id, reason="r", text="t")
    assert counts(session_factory) == before
    assert check_database(engine).ok


@pytest.mark.sqlite_only  # a file copy; clinic mode backs up with pg_dump
def test_a_backup_that_cannot_be_written_leaves_no_partial_file(
    session_factory, tmp_path, monkeypatch,
) -> None:
    charted_visit(session_factory)
    folder = tmp_path / "b"

    def full_disk(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "_copy_live", full_disk)
    with pytest.raises(backups.BackupError, match="No space left"):
        backups.backup(session_factory, to_dir=folder)
    assert list(folder.iterdir()) == []


def test_the_evaluation_tab_shows_a_full_disk_and_keeps_the_typed_input(
    qtbot, engine, session_factory,
) -> None:
    from PySide6.QtWidgets import QLineEdit, QWidget

    from ptdesk.ui.chart.evaluation import EvaluationTab
    from ptdesk.ui.context import AppContext

    visit = charted_visit(session_factory)
    tab = EvaluationTab(AppContext(session_factory, ACTOR))
    qtbot.addWidget(tab)
    tab.set_patient(visit.patient_id)
    (complaint,) = [w for w in tab.findChildren(QWidget) if w.accessibleName() == "Chief complaint"]
    assert isinstance(complaint, QLineEdit)
    complaint.clear()
    qtbot.keyClicks(complaint, "Typed while the disk was full")
    with failing(engine, "do_commit", "full"):
        assert not tab.save()
    assert "disk is full, so nothing was saved" in tab.header.error_label.text()
    assert complaint.text() == "Typed while the disk was full" and tab.has_unsaved_changes()
    assert load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)[1] == full_evaluation()
    assert tab.save()  # space freed: the same input saves
    stored = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)[1]
    assert stored.subjective.chief_complaint == "Typed while the disk was full"


# ---- issue 16 item 3: a damaged page must not put patient data on stderr -----------------


def _damage_patient_pages(db: Path) -> None:
    """Overwrite the root page of the patients table and of each of its indexes with junk."""
    with closing(sqlite3.connect(db)) as con:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        roots = [row[0] for row in con.execute(
            "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'patients' AND rootpage > 1")]
    assert roots
    with open(db, "r+b") as handle:
        for page in roots:
            handle.seek((page - 1) * page_size)
            handle.write(bytes([0xA5]) * page_size)


@pytest.mark.sqlite_only
def test_damaged_page_search_prints_neither_sql_nor_the_name(db_path: Path, capsys) -> None:
    from ptdesk.cli import main
    from ptdesk.db.engine import make_engine, make_session_factory
    from ptdesk.db.migrate import upgrade
    from tests.factories import make_patient

    # A plaintext clinic (made before encryption): its pages can be found and damaged.
    engine = make_engine(db_path)
    upgrade(engine)
    sf = make_session_factory(engine)
    for n, first in enumerate(("Ana", "Ben", "Cleo", "Dev", "Eli", "Fay")):
        make_patient(sf, mrn=f"WH-{n}", first=first, last="Whitaker")
    engine.dispose()
    _damage_patient_pages(db_path)
    capsys.readouterr()
    assert main(["patients", "--db", str(db_path), "--search", "Whitaker"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err and "ptdesk verify" in err
    for leak in ("Whitaker", "whitaker", "SELECT", "WH-", "Traceback", "[parameters"):
        assert leak not in err
