"""Shared fixtures: a real, Alembic-migrated SQLite file per test, and an offscreen Qt platform."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import Engine  # noqa: E402

from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory  # noqa: E402
from ptdesk.db.migrate import upgrade  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "clinic.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    eng = make_engine(db_path)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> SessionFactory:
    """A migrated database with the test staff accounts (tests.factories.STAFF): set up."""
    from tests.factories import provision_accounts

    sf = make_session_factory(engine)
    provision_accounts(sf)
    return sf
