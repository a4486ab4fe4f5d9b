"""Re-keying the audit log: only an administrator's explicit, audited `ptdesk audit key rotate`."""

from __future__ import annotations

import pytest

from ptdesk.services.audit import log as audit
from ptdesk.services.audit.key import AuditKeyError, forget, key_path, read_key_file
from ptdesk.services.audit.key_admin import pending_key_path, rotate_key
from ptdesk.services.errors import LoginRefusedError, PermissionDeniedError
from tests.factories import ACTOR, ADMIN, PASSWORD, audit_entries, make_patient
from tests.integration.integrity_helpers import run_cli


def test_rotation_reseals_the_log_under_a_new_key_and_is_audited(session_factory,
                                                                engine) -> None:
    make_patient(session_factory, mrn="ROT-1")
    old = read_key_file(key_path(engine))
    before = audit.verify_chain(session_factory)
    rotate_key(session_factory, username=ADMIN, password=PASSWORD)
    new = read_key_file(key_path(engine))
    assert new != old
    after = audit.verify_chain(session_factory)
    assert after.ok, after.problems
    assert not audit.verify_chain(session_factory, key=old, anchor=False).ok
    rotation = [e for e in audit_entries(session_factory) if e.record_type == "audit_key"]
    assert len(rotation) == 1 and rotation[0].actor == ADMIN
    # The summary names the head before the rotation (after the administrator's sign-in),
    # so hashes held by earlier witnesses can still be placed.
    assert before.head is not None
    assert f"head before: {before.head.entries + 1} entries, hash " in rotation[0].summary
    make_patient(session_factory, mrn="ROT-2")  # the log goes on with the new key
    assert audit.verify_chain(session_factory).ok


def test_rotation_needs_an_administrator_and_the_right_password(session_factory,
                                                                engine) -> None:
    make_patient(session_factory, mrn="ROT-3")
    old = key_path(engine).read_bytes()
    with pytest.raises(LoginRefusedError):
        rotate_key(session_factory, username=ADMIN, password="wrong password")
    with pytest.raises(PermissionDeniedError):
        rotate_key(session_factory, username=ACTOR, password=PASSWORD)
    assert key_path(engine).read_bytes() == old
    assert not pending_key_path(key_path(engine)).exists()
    assert audit.verify_chain(session_factory).ok


def test_rotation_refuses_a_log_that_does_not_verify(session_factory, engine) -> None:
    make_patient(session_factory, mrn="ROT-4")
    key_path(engine).write_text("00" * 32)  # someone swapped the key file
    forget(engine)
    with pytest.raises((AuditKeyError, LoginRefusedError)):
        rotate_key(session_factory, username=ADMIN, password=PASSWORD)


def test_cli_audit_key_rotate(session_factory, engine, monkeypatch, capsys) -> None:
    make_patient(session_factory, mrn="ROT-5")
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    assert run_cli(monkeypatch, ["audit", "key", "rotate", "--db", url, "--as", ADMIN]) == 0
    assert "re-sealed with a new key" in capsys.readouterr().out
    assert run_cli(monkeypatch, ["audit", "verify", "--db", url]) == 0
    assert "Audit head: " in capsys.readouterr().out
