"""Shared fixtures: a migrated database per test (SQLite file, and PostgreSQL for integration tests).

Tests under tests/integration that use `engine`, `session_factory`, `db_url` or
`blank_db_url` run twice, with ids `sqlite` and `postgresql`. Tests that ask for `db_path`
themselves, or are marked `sqlite_only`, are about the SQLite file and run once. The
PostgreSQL half uses a throwaway server (tests/pg_server.py) started once per run; each
test gets its own database cloned from a template migrated once. Without a server the
PostgreSQL half is skipped, with the reason in the terminal summary.
"""

from __future__ import annotations

import gc
import inspect
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app's log file (ptdesk/app_log.py), for this process and the `ptdesk` it starts,
# never in the developer's own log folder.
os.environ.setdefault("PTDESK_LOG_DIR", tempfile.mkdtemp(prefix="ptdesk-test-log-"))

from sqlalchemy import Engine  # noqa: E402

from ptdesk.db.engine import (  # noqa: E402
    SessionFactory,
    make_engine,
    make_session_factory,
    prepare_sqlite_file,
)
from ptdesk.db.migrate import upgrade  # noqa: E402
from ptdesk.services.audit.anchor import ANCHOR_ENV  # noqa: E402
from ptdesk.services.audit.key import KEY_DIR_ENV, KEY_ENV  # noqa: E402
from ptdesk.services.uow import scrub  # noqa: E402
from ptdesk.ui.kit import ui_thread_gc  # noqa: E402
from tests.pg_server import PgCluster, PgUnavailable, start_cluster  # noqa: E402

pytest_plugins = ["tests.helpers.crash_dump"]  # a crashed worker's thread dump in the output

BACKENDS = ("sqlite", "postgresql")
_BOTH_FIXTURES = {"engine", "session_factory", "db_url", "blank_db_url"}
_INTEGRATION = Path(__file__).parent / "integration"
# Why the PostgreSQL half did not run, and how many tests it skipped (terminal summary).
_PG_STATUS: dict[str, Any] = {"reason": None, "skipped": 0, "server": None}
_COUNTER = itertools.count(1)


def _direct_args(metafunc: pytest.Metafunc) -> set[str]:
    try:
        return set(inspect.signature(metafunc.function).parameters)
    except (TypeError, ValueError):
        return set()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" not in metafunc.fixturenames:
        return
    if _INTEGRATION not in Path(str(metafunc.definition.path)).parents:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") or "db_path" in _direct_args(metafunc):
        return  # a test about the SQLite file itself
    backends = BACKENDS
    if metafunc.definition.get_closest_marker("postgresql_only"):
        backends = ("postgresql",)
    metafunc.parametrize("db_backend", backends, indirect=True, ids=list(backends))


# Reference cycles are collected between tests, on the main thread, as the app collects them
# on its UI thread (ptdesk/ui/kit/ui_thread_gc.py): never on a worker thread, and never
# while a finished test's widgets are closed but not yet deleted.
gc.disable()
ui_thread_gc.install_enabled = False  # launch() would start the app's timer-driven collector


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: after pytest-qt closed the widgets
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    result = yield
    core = sys.modules.get("PySide6.QtCore")
    if core is not None and core.QCoreApplication.instance() is not None:
        # pytest-qt closes a test's widgets with deleteLater, which only an event loop
        # carries out: Qt deletes them now, so the collector finds only dead wrappers.
        core.QCoreApplication.sendPostedEvents(None, core.QEvent.Type.DeferredDelete)
    ui_thread_gc.collect_due()
    return result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _PG_STATUS["reason"]:
        terminalreporter.write_sep("-", "PostgreSQL", yellow=True)
        terminalreporter.write_line(
            f"PostgreSQL tests SKIPPED ({_PG_STATUS['skipped']}): {_PG_STATUS['reason']}",
            yellow=True, bold=True)
    elif _PG_STATUS["server"]:
        terminalreporter.write_line(f"PostgreSQL tests ran on {_PG_STATUS['server']}")


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """'sqlite' unless the test was parametrized for both engines (see pytest_generate_tests)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(autouse=True)
def _audit_anchor_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Audit anchors (services/audit/anchor.py) go to a folder per test, never under $HOME.

    Set on os.environ directly, not through monkeypatch: a test's monkeypatch.undo()
    must not send the anchors back to the real configuration folder.
    """
    before = os.environ.get(ANCHOR_ENV)
    os.environ[ANCHOR_ENV] = str(tmp_path_factory.mktemp("anchors"))
    yield
    if before is None:
        os.environ.pop(ANCHOR_ENV, None)
    else:
        os.environ[ANCHOR_ENV] = before


@pytest.fixture(scope="session", autouse=True)
def _audit_key_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Audit keys (services/audit/key.py) go to one key folder for the run, never under $HOME.

    One for the whole run, so a database a module-scoped fixture builds keeps its key from
    test to test; keys are named by the database's path, so tests never share one.
    """
    before = os.environ.get(KEY_DIR_ENV)
    os.environ[KEY_DIR_ENV] = str(tmp_path_factory.mktemp("audit-keys"))
    yield
    if before is None:
        os.environ.pop(KEY_DIR_ENV, None)
    else:
        os.environ[KEY_DIR_ENV] = before


# --- SQLite -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test copies it instead of running the migrations."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    eng = make_engine(path)
    upgrade(eng)
    eng.dispose()  # the last connection closing checkpoints and removes the WAL file
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "clinic.db"


def _copy_sqlite_template(template: Path, path: Path) -> None:
    prepare_sqlite_file(path)  # owner-only permissions, as the app makes them
    shutil.copyfile(template, path)


# --- PostgreSQL ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PgTemplate:
    cluster: PgCluster
    name: str
    key_file: Path  # the audit key the template was written with (may not exist)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    try:
        cluster = start_cluster()
    except PgUnavailable as exc:
        _PG_STATUS["reason"] = scrub(" ".join(str(exc).split()))  # one line, no password
        pytest.skip(f"no PostgreSQL server: {_PG_STATUS['reason']}")
    _PG_STATUS["server"] = ("a throwaway server (" + cluster.server_url + ")" if cluster.server
                            else "$PTDESK_TEST_PG_URL")
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory) -> PgTemplate:
    """A database migrated once; CREATE DATABASE ... TEMPLATE copies it in milliseconds."""
    key_file = tmp_path_factory.mktemp("pg-template") / "audit.key"
    name = pg_cluster.name("template")
    url = pg_cluster.create(name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_ENV, str(key_file))  # nothing is written under $HOME
        eng = make_engine(url)
        try:
            upgrade(eng)
        finally:
            eng.dispose()  # a template must have no open connections to be copied
    return PgTemplate(pg_cluster, name, key_file)


def _pg_cluster_or_skip(request: pytest.FixtureRequest) -> PgCluster:
    try:
        return request.getfixturevalue("pg_cluster")
    except pytest.skip.Exception:
        _PG_STATUS["skipped"] += 1
        raise


def _pg_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: Path | None) -> None:
    # Per test, so tests that delete or replace the key file cannot disturb each other.
    key_file = tmp_path / "pg-audit.key"
    if template is not None and template.exists():
        shutil.copy2(template, key_file)
    monkeypatch.setenv(KEY_ENV, str(key_file))


@pytest.fixture
def db_url(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, empty database: a file path (SQLite) or a postgresql+psycopg:// URL."""
    if db_backend == "sqlite":
        path: Path = request.getfixturevalue("db_path")
        _copy_sqlite_template(request.getfixturevalue("sqlite_template"), path)
        yield str(path)
        return
    cluster = _pg_cluster_or_skip(request)
    template: PgTemplate = request.getfixturevalue("pg_template")
    _pg_key(tmp_path, monkeypatch, template.key_file)
    name = cluster.name(f"t{next(_COUNTER)}")
    url = cluster.create(name, template.name)
    try:
        yield url
    finally:
        cluster.drop(name)


@pytest.fixture
def blank_db_url(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database with no tables yet (`ptdesk init` material); for SQLite the file is absent."""
    if db_backend == "sqlite":
        yield str(tmp_path / "blank.db")
        return
    cluster = _pg_cluster_or_skip(request)
    _pg_key(tmp_path, monkeypatch, None)
    name = cluster.name(f"b{next(_COUNTER)}")
    url = cluster.create(name)
    try:
        yield url
    finally:
        cluster.drop(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)  # already current: only checks the revision
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> SessionFactory:
    """A migrated database with the test staff accounts (tests.factories.STAFF): set up."""
    from tests.factories import provision_accounts

    sf = make_session_factory(engine)
    provision_accounts(sf)
    return sf
