"""Clinic mode failures (server gone, row held by another workstation) are plain StorageErrors."""

from __future__ import annotations

import socket

import pytest

psycopg = pytest.importorskip("psycopg")  # the optional [postgres] extra
from psycopg import errors as pg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from ptdesk.db.engine import make_engine, make_session_factory  # noqa: E402
from ptdesk.services.audit import log as audit  # noqa: E402
from ptdesk.services.errors import StorageError  # noqa: E402
from ptdesk.services.uow import scrub, storage_message, transaction  # noqa: E402
from tests.factories import make_patient  # noqa: E402

pytestmark = pytest.mark.postgresql_only


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket closes


def _plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_no_server_is_a_plain_message_without_the_password() -> None:
    engine = make_engine(f"postgresql+psycopg://clinic:s3cret-pw@127.0.0.1:{_closed_port()}/pt")
    try:
        with pytest.raises(StorageError) as info, \
                transaction(make_session_factory(engine)) as session:
            session.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    message = str(info.value)
    assert "lost its connection to the database server" in message
    assert "s3cret-pw" not in message and "s3cret-pw" not in repr(info.value.args)


def test_a_row_held_by_another_workstation_times_out_clearly(db_url, session_factory) -> None:
    make_patient(session_factory)  # seals the audit chain
    # Another workstation is in the middle of an audited save: it holds the audit head.
    with psycopg.connect(_plain_url(db_url)) as other:
        other.execute("SELECT * FROM audit_head FOR UPDATE")
        impatient = make_engine(db_url, connect_args={"options": "-c lock_timeout=300"})
        try:
            with pytest.raises(StorageError, match="Another workstation was saving"):
                make_patient(make_session_factory(impatient), mrn="MRN-002")
        finally:
            impatient.dispose()
        other.rollback()
    make_patient(session_factory, mrn="MRN-002")  # nothing half-done was left behind
    assert audit.verify_chain(session_factory).ok


def _kill_other_sessions(db_url: str) -> int:
    with psycopg.connect(_plain_url(db_url), autocommit=True) as admin:
        return len(admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall())


def test_a_server_restart_between_saves_goes_unnoticed(db_url, session_factory) -> None:
    make_patient(session_factory)  # leaves a pooled connection behind
    assert _kill_other_sessions(db_url) >= 1
    # pool_pre_ping finds the dead pooled connection and opens a new one.
    make_patient(session_factory, mrn="MRN-002")
    assert audit.verify_chain(session_factory).ok


def test_a_connection_lost_during_a_save_rolls_back_with_a_plain_message(
    db_url, session_factory,
) -> None:
    with pytest.raises(StorageError, match="lost its connection") as info, \
            transaction(session_factory) as session:
        session.execute(text("SELECT 1"))
        _kill_other_sessions(db_url)
        session.execute(text("UPDATE audit_head SET entries = entries"))
    assert "postgres" not in str(info.value)
    make_patient(session_factory)  # the next save gets a fresh connection
    assert audit.verify_chain(session_factory).ok


@pytest.mark.parametrize(("error", "expected"), [
    (pg.SerializationFailure("could not serialize access due to concurrent update"),
     "Another workstation was saving"),
    (pg.DeadlockDetected("deadlock detected"), "Another workstation was saving"),
    (pg.AdminShutdown("terminating connection due to administrator command"),
     "lost its connection"),
    (pg.DiskFull('could not extend file "base/1/2": No space left on device'),
     "server's disk is full"),
    (pg.ReadOnlySqlTransaction("cannot execute UPDATE in a read-only transaction"),
     "only allows reading"),
    (psycopg.OperationalError("server closed the connection unexpectedly"),
     "lost its connection"),
])
def test_server_errors_map_to_plain_messages(error: Exception, expected: str) -> None:
    assert expected in storage_message(OperationalError("UPDATE x", {}, error))


def test_unknown_errors_keep_the_detail_but_never_a_password() -> None:
    error = psycopg.OperationalError(
        "could not open postgresql://clinic:hunter2@db.example/pt (password=hunter2)")
    message = storage_message(OperationalError("SELECT 1", {}, error))
    assert "nothing was saved" in message and "hunter2" not in message
    assert scrub("host=db password='a b' user=x") == "host=db password=*** user=x"
