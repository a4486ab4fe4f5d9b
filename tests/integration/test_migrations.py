"""The schema comes only from Alembic, round-trips down and up, and matches the models."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from ptdesk.db.base import Base
from ptdesk.db.engine import make_engine
from ptdesk.db.migrate import current_revision, downgrade, head_revision, upgrade


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_empty_to_head_to_base_to_head(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    assert _tables(engine) == set()
    upgrade(engine)
    assert _tables(engine) == set(Base.metadata.tables)
    assert current_revision(engine) == head_revision(engine)
    downgrade(engine, "base")
    assert _tables(engine) == set()
    upgrade(engine)
    assert _tables(engine) == set(Base.metadata.tables)
    engine.dispose()


def test_autogenerate_finds_no_difference(engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


@pytest.mark.sqlite_only
def test_sqlite_pragmas_are_on_for_every_connection(engine) -> None:
    for _ in range(2):
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_database_file_and_folder_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new-folder" / "clinic.db"
    engine = make_engine(path)
    upgrade(engine)
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_check_constraints_reject_out_of_range_values(engine) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO patients (id, mrn, first_name, last_name, preferred_name, first_name_key,"
            " last_name_key, date_of_birth, sex, phone, email, address, referring_physician,"
            " dominant_leg, alerts, version, created_at, updated_at) VALUES (1, 'ABC1', 'A', 'B', '',"
            " 'a', 'b', '1990-01-01', 'female', '', '', '', '', 'left', '', 1, '2026-01-01', '2026-01-01')"
        ))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE patients SET sex = 'robot' WHERE id = 1"))


def test_head_read_from_files_matches_alembic(engine) -> None:
    from ptdesk.db.migrate import known_head

    assert known_head() is not None
    assert known_head() == head_revision(engine)


def test_up_to_date_check_does_not_import_alembic(db_url: str) -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from ptdesk.db.engine import make_engine; "
        "from ptdesk.db.migrate import upgrade; "
        f"upgrade(make_engine({db_url!r})); "
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.postgresql_only
def test_workstations_starting_together_migrate_a_new_server_once(blank_db_url: str) -> None:
    import subprocess
    import sys

    from ptdesk.db import models  # noqa: F401  (fills Base.metadata)

    runs = [subprocess.Popen([sys.executable, "-m", "ptdesk", "init", "--db", blank_db_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sum("Database ready" in out for out, _err in outputs) >= 1
    engine = make_engine(blank_db_url)
    assert current_revision(engine) == head_revision(engine)
    assert _tables(engine) == set(Base.metadata.tables)
    engine.dispose()
