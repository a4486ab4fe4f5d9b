"""The syslog witness: with a destination set, every audit entry's hash also goes there (UDP)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from ptdesk.db.models import AuditEntry
from ptdesk.services.audit import log as audit
from ptdesk.services.audit.settings import get_guard_settings, set_guard_settings
from ptdesk.services.errors import PermissionDeniedError, ServiceError
from ptdesk.services.uow import transaction
from tests.factories import ACTOR, ADMIN, make_patient


@pytest.fixture
def receiver() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield sock
    sock.close()


def received(sock: socket.socket, count: int) -> list[str]:
    return [sock.recv(4096).decode("utf-8", "replace") for _ in range(count)]


def test_every_entry_hash_goes_to_the_clinics_syslog(session_factory, receiver) -> None:
    port = receiver.getsockname()[1]
    set_guard_settings(session_factory, actor=ADMIN, syslog_address=f"127.0.0.1:{port}")
    make_patient(session_factory, mrn="SYS-1")
    with transaction(session_factory) as session:
        audit.record(session, actor=ACTOR, action="view", record_type="visit", summary="a")
        audit.record(session, actor=ACTOR, action="view", record_type="visit", summary="b")
    with transaction(session_factory) as session:
        newest = session.execute(select(AuditEntry.id, AuditEntry.entry_hash)
                                 .order_by(AuditEntry.id.desc()).limit(3)).all()[::-1]
    messages = received(receiver, 4)[1:]  # the first: the settings change itself
    for (entry_id, digest), message in zip(newest, messages, strict=True):
        assert f"ptdesk audit entry {entry_id} hash {digest}" in message
    assert not any("SYS-1" in m for m in messages)  # hashes only, never patient data


def test_a_rolled_back_entry_is_not_sent(session_factory, receiver) -> None:
    port = receiver.getsockname()[1]
    set_guard_settings(session_factory, actor=ADMIN, syslog_address=f"127.0.0.1:{port}")
    received(receiver, 1)  # the settings change itself
    with pytest.raises(RuntimeError), transaction(session_factory) as session:
        audit.record(session, actor=ACTOR, action="view", record_type="visit")
        raise RuntimeError("the save failed")
    receiver.settimeout(0.3)
    with pytest.raises(TimeoutError):
        receiver.recv(4096)


def test_a_syslog_server_that_is_down_never_stops_a_save(session_factory) -> None:
    set_guard_settings(session_factory, actor=ADMIN, syslog_address="127.0.0.1:9")
    make_patient(session_factory, mrn="SYS-2")
    assert audit.verify_chain(session_factory).ok


def test_only_administrators_set_it_and_bad_addresses_are_refused(session_factory) -> None:
    with pytest.raises(PermissionDeniedError):
        set_guard_settings(session_factory, actor=ACTOR, syslog_address="127.0.0.1")
    with pytest.raises(ServiceError, match="not valid"):
        set_guard_settings(session_factory, actor=ADMIN, syslog_address="host:notaport")
    with pytest.raises(ServiceError):
        set_guard_settings(session_factory, actor=ADMIN, restore_copies_kept=0)
    assert get_guard_settings(session_factory).syslog_address == ""
    assert get_guard_settings(session_factory).restore_copies_kept == 3


def test_cli_audit_settings(session_factory, engine, monkeypatch, capsys, receiver) -> None:
    from tests.factories import PASSWORD
    from tests.integration.integrity_helpers import run_cli

    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    port = receiver.getsockname()[1]
    assert run_cli(monkeypatch, ["audit", "settings", "--db", url, "--as", ADMIN,
                                 "--syslog", f"127.0.0.1:{port}", "--restore-copies", "5"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"syslog: 127.0.0.1:{port}",
                                                    "restore copies kept: 5"]
    assert "ptdesk audit entry" in received(receiver, 1)[0]  # the change itself
    assert run_cli(monkeypatch, ["audit", "settings", "--db", url, "--as", ADMIN,
                                 "--syslog", "off"]) == 0
    assert "syslog: off" in capsys.readouterr().out
    assert run_cli(monkeypatch, ["audit", "settings", "--db", url, "--as", ACTOR,
                                 "--restore-copies", "2"]) == 1
