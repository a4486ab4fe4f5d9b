"""Carrying the audit key to another workstation: export, checked install, and refusals."""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

import pytest

from ptdesk.services.audit import log as audit
from ptdesk.services.audit.key import KEY_ENV, AuditKeyError, forget, write_key_file
from ptdesk.services.audit.key_admin import export_key, install_key, workstation_key_path
from ptdesk.services.errors import LoginRefusedError, PermissionDeniedError
from tests.factories import ADMIN, ASSISTANT, PASSWORD, make_patient
from tests.integration.integrity_helpers import run_cli


def _new_workstation(monkeypatch, engine, tmp_path: Path, name: str) -> Path:
    """Same database, but this 'workstation' keeps its key somewhere else (no key yet)."""
    path = tmp_path / name / "audit.key"
    monkeypatch.setenv(KEY_ENV, str(path))
    forget(engine)
    return path


def test_a_second_workstation_writes_only_after_the_key_is_installed(
        session_factory, engine, tmp_path, monkeypatch) -> None:
    make_patient(session_factory, mrn="KEY-1")  # seals the chain with the first key
    carried = export_key(session_factory, actor=ADMIN, dest=tmp_path / "carry.key")
    assert stat.S_IMODE(carried.stat().st_mode) == 0o600

    target = _new_workstation(monkeypatch, engine, tmp_path, "desk2")
    assert workstation_key_path(session_factory) == target
    # Without the key the second desk must not start a chain of its own.
    with pytest.raises(AuditKeyError):
        make_patient(session_factory, mrn="KEY-2")
    assert not target.exists()

    assert install_key(session_factory, source=carried, username=ADMIN,
                       password=PASSWORD) == target
    assert target.read_bytes() == carried.read_bytes()
    make_patient(session_factory, mrn="KEY-2")
    result = audit.verify_chain(session_factory)
    assert result.ok and result.sealed, result.problems


def test_a_key_that_does_not_match_the_log_is_refused(
        session_factory, engine, tmp_path, monkeypatch) -> None:
    make_patient(session_factory, mrn="KEY-3")
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, secrets.token_bytes(32))
    target = _new_workstation(monkeypatch, engine, tmp_path, "desk3")
    with pytest.raises(AuditKeyError, match="does not match"):
        install_key(session_factory, source=wrong, username=ADMIN, password=PASSWORD)
    assert not target.exists()


def test_only_an_administrator_handles_the_key(session_factory, engine, tmp_path,
                                               monkeypatch) -> None:
    make_patient(session_factory, mrn="KEY-4")
    with pytest.raises(PermissionDeniedError):
        export_key(session_factory, actor=ASSISTANT, dest=tmp_path / "k")
    assert not (tmp_path / "k").exists()
    carried = export_key(session_factory, actor=ADMIN, dest=tmp_path / "carry.key")
    target = _new_workstation(monkeypatch, engine, tmp_path, "desk5")
    with pytest.raises(PermissionDeniedError):
        install_key(session_factory, source=carried, username=ASSISTANT, password=PASSWORD)
    with pytest.raises(LoginRefusedError):
        install_key(session_factory, source=carried, username=ADMIN, password="not it")
    # Refused: the workstation is left without a key, as it was.
    assert not target.exists()


def test_audit_key_cli_path_export_install(session_factory, engine, tmp_path, monkeypatch,
                                           capsys) -> None:
    make_patient(session_factory, mrn="KEY-5")
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    assert run_cli(monkeypatch, ["audit", "key", "path", "--db", url]) == 0
    here = Path(capsys.readouterr().out.strip())
    assert here == workstation_key_path(session_factory)
    carried = tmp_path / "carry.key"
    assert run_cli(monkeypatch, ["audit", "key", "export", str(carried), "--db", url,
                                 "--as", ADMIN]) == 0
    target = _new_workstation(monkeypatch, engine, tmp_path, "desk4")
    assert run_cli(monkeypatch, ["audit", "key", "install", str(carried), "--db", url,
                                 "--as", ADMIN]) == 0
    assert target.read_bytes() == carried.read_bytes()
    assert run_cli(monkeypatch, ["audit", "key", "install", "--db", url, "--as", ADMIN]) == 2


def test_audit_key_export_never_replaces_a_device_or_makes_folders(
        session_factory, engine, tmp_path, monkeypatch, capsys) -> None:
    # Issue 16: `audit key export` replaced a device node with a regular file and made
    # missing parent folders (even at the root, as root); a read-only place gave a traceback.
    from tests.integration.test_cli_files import private_device

    make_patient(session_factory, mrn="KEY-6")
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PTDESK_PASSWORD", PASSWORD)
    export = ["audit", "key", "export", "--db", url, "--as", ADMIN]
    full = private_device(tmp_path, "full")
    capsys.readouterr()
    assert run_cli(monkeypatch, [*export[:3], str(full), *export[3:]]) == 1
    err = capsys.readouterr().err
    assert "disk is full" in err and "Traceback" not in err and err.count("\n") == 1
    assert stat.S_ISCHR(full.stat().st_mode)
    missing = tmp_path / "no" / "such" / "folder" / "carry.key"
    assert run_cli(monkeypatch, [*export[:3], str(missing), *export[3:]]) in (1, 2)
    assert not (tmp_path / "no").exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("root:x:0:0:root:/root:/bin/bash\n")
    assert run_cli(monkeypatch, [*export[:3], str(notes), *export[3:]]) == 1
    assert notes.read_text() == "root:x:0:0:root:/root:/bin/bash\n"
    again = tmp_path / "again.key"
    for _ in range(2):  # an earlier exported key is replaced
        assert run_cli(monkeypatch, [*export[:3], str(again), *export[3:]]) == 0
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    capsys.readouterr()
    status = run_cli(monkeypatch, [*export[:3], str(locked / "carry.key"), *export[3:]])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if status != 0:  # root writes anywhere; anyone else gets one plain line
        assert err.count("\n") == 1
