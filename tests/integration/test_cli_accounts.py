"""CLI accounts: `ptdesk setup`, `ptdesk users`, `--as USER`; passwords never prompted without a TTY."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys

import pytest
from sqlalchemy import select

from ptdesk.cli import main
from ptdesk.commands import acting
from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.models import AuditEntry
from ptdesk.services.uow import transaction
from tests.factories import make_patient

ADMIN_PASSWORD = "admin's long secret"
SAM_PASSWORD = "river path at dawn"


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """As under cron or CI: stdin is no terminal, and nothing may ever prompt."""
    monkeypatch.delenv("PTDESK_PASSWORD", raising=False)
    monkeypatch.delenv("PTDESK_NEW_PASSWORD", raising=False)
    monkeypatch.setattr(acting, "stdin_is_terminal", lambda: False)

    def no_prompt(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("the CLI prompted although stdin is not a terminal")

    monkeypatch.setattr("getpass.getpass", no_prompt)


def _init(db: str) -> list[str]:
    assert main(["init", "--db", str(db)]) == 0
    return ["--db", str(db)]


@pytest.fixture
def clinic(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys) -> list[str]:
    """A set-up clinic: administrator pat, clinician sam, one patient."""
    db = db_url  # already migrated: `init` only confirms it
    opt = _init(db)
    engine = make_engine(db)
    make_patient(make_session_factory(engine), mrn="P-1", first="Ana", last="Lee")
    engine.dispose()
    monkeypatch.setenv("PTDESK_PASSWORD", ADMIN_PASSWORD)
    assert main(["setup", *opt, "--clinic", "Hill PT", "--admin", "pat", "--name", "Pat"]) == 0
    monkeypatch.setenv("PTDESK_NEW_PASSWORD", SAM_PASSWORD)
    assert main(["--as", "pat", "users", "add", "sam", "--role", "clinician", "--name",
                 "Sam Lee", *opt]) == 0
    monkeypatch.delenv("PTDESK_PASSWORD")
    monkeypatch.delenv("PTDESK_NEW_PASSWORD")
    capsys.readouterr()
    return opt


def _audit(db_opt: list[str]) -> list[AuditEntry]:
    engine = make_engine(db_opt[1])
    try:
        with transaction(make_session_factory(engine)) as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def test_before_setup_the_os_user_acts_without_a_password(blank_db_url: str, capsys) -> None:
    opt = _init(blank_db_url)
    capsys.readouterr()
    assert main(["patients", *opt, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_as_user_signs_in_with_the_password_from_the_environment(
    clinic: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("PTDESK_PASSWORD", SAM_PASSWORD)
    assert main(["--as", "sam", "patients", *clinic, "--json"]) == 0
    assert [r["mrn"] for r in json.loads(capsys.readouterr().out)] == ["P-1"]
    assert main(["patients", *clinic, "--as", "SAM", "--json"]) == 0  # after the command too
    logins = [e for e in _audit(clinic) if e.action == "login"]
    assert [(e.actor, e.summary) for e in logins][-2:] == [
        ("sam", "signed in for `ptdesk patients`")] * 2


def test_no_password_and_no_terminal_is_a_clear_exit_2(clinic: list[str], capsys) -> None:
    assert main(["--as", "sam", "patients", *clinic]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "PTDESK_PASSWORD" in err and "Traceback" not in err


def test_on_a_terminal_the_password_is_asked_for(
    clinic: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    prompts: list[str] = []
    monkeypatch.setattr(acting, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or SAM_PASSWORD)
    assert main(["--as", "sam", "patients", *clinic]) == 0
    assert prompts == ["PT Desk password for sam: "]
    assert "1 patient" in capsys.readouterr().out


def test_wrong_password_unknown_user_and_missing_role_fail_clearly(
    clinic: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("PTDESK_PASSWORD", "not the password")
    assert main(["--as", "sam", "patients", *clinic]) == 1
    wrong = capsys.readouterr().err
    assert "cannot sign in as sam: The user name or password is not right." in wrong
    # An unknown name gets the very same answer (issue 16): user names cannot be probed.
    assert main(["--as", "nobody", "patients", *clinic]) == 1
    assert capsys.readouterr().err == wrong.replace(" sam:", " nobody:")
    monkeypatch.setenv("PTDESK_PASSWORD", SAM_PASSWORD)
    monkeypatch.setenv("PTDESK_NEW_PASSWORD", "another long secret")
    assert main(["--as", "sam", "users", "add", "kim", "--role", "assistant", *clinic]) == 1
    assert capsys.readouterr().err == "ptdesk: A clinician cannot manage user accounts.\n"
    failed = [e for e in _audit(clinic) if e.action == "failed_login"]
    assert [(e.actor, e.summary[:15]) for e in failed] == [("sam", "wrong password"),
                                                           ("(unknown user)", "no such account")]


def test_users_list_add_deactivate(clinic: list[str], monkeypatch: pytest.MonkeyPatch,
                                   capsys) -> None:
    monkeypatch.setenv("PTDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("PTDESK_NEW_PASSWORD", "short")
    assert main(["--as", "pat", "users", "add", "kim", "--role", "assistant", *clinic]) == 2
    assert "password: The password must be at least 10" in capsys.readouterr().err
    assert main(["--as", "pat", "users", "deactivate", "sam", *clinic]) == 0
    assert main(["--as", "pat", "users", "list", *clinic]) == 0
    out = capsys.readouterr().out
    assert "switched off" in out and "Administrator" in out and "2 accounts" in out
    monkeypatch.setenv("PTDESK_PASSWORD", SAM_PASSWORD)
    assert main(["--as", "sam", "patients", *clinic]) == 1
    assert "switched off" in capsys.readouterr().err


def test_own_password_change_uses_the_sign_in_password(
    clinic: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("PTDESK_PASSWORD", SAM_PASSWORD)
    monkeypatch.setenv("PTDESK_NEW_PASSWORD", "hill repeats at dusk")
    assert main(["--as", "sam", "users", "password", "sam", *clinic]) == 0
    monkeypatch.setenv("PTDESK_PASSWORD", "hill repeats at dusk")
    assert main(["--as", "sam", "patients", *clinic]) == 0


def test_setup_runs_once_and_checks_its_input(blank_db_url: str, monkeypatch: pytest.MonkeyPatch,
                                              capsys) -> None:
    opt = _init(blank_db_url)
    capsys.readouterr()
    assert main(["setup", *opt, "--clinic", "Hill PT", "--admin", "pat"]) == 2
    assert "PTDESK_PASSWORD" in capsys.readouterr().err  # no password, no terminal: no prompt
    monkeypatch.setenv("PTDESK_PASSWORD", "pat-is-here-2026")
    assert main(["setup", *opt, "--clinic", "Hill PT", "--admin", "pat"]) == 2
    assert "must not contain the user name" in capsys.readouterr().err
    monkeypatch.setenv("PTDESK_PASSWORD", ADMIN_PASSWORD)
    assert main(["setup", *opt, "--clinic", "Hill PT", "--admin", "Pat Morgan"]) == 2
    assert "--admin: A user name is" in capsys.readouterr().err
    assert main(["setup", *opt, "--clinic", "Hill PT", "--admin", "pat"]) == 0
    assert main(["setup", *opt, "--clinic", "Other", "--admin", "eve"]) == 1
    assert "already set up" in capsys.readouterr().err


def test_real_entry_point_never_waits_for_input(clinic: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTDESK_PASSWORD")}
    done = subprocess.run([sys.executable, "-m", "ptdesk", "--as", "sam", "patients", *clinic],
                          input="", capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 2
    assert "PTDESK_PASSWORD" in done.stderr and "Traceback" not in done.stderr


# ---- issue 16 item 6: passwords from a file or stdin, strength, unknown users ---------------


def test_password_file_signs_in_without_the_environment(clinic: list[str], tmp_path,
                                                        capsys) -> None:
    secret = tmp_path / "sam.pw"
    secret.write_text(SAM_PASSWORD + "\n")
    secret.chmod(0o600)
    assert main(["--as", "sam", "--password-file", str(secret), "patients", *clinic]) == 0
    assert "1 patient" in capsys.readouterr().out
    # Also after the subcommand, as scripts write it.
    assert main(["patients", "--as", "sam", "--password-file", str(secret), *clinic]) == 0
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600  # read, never touched


def test_password_stdin_reads_the_first_line(clinic: list[str], monkeypatch: pytest.MonkeyPatch,
                                             capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        (SAM_PASSWORD + "\nnext line is not read\n").encode())))
    assert main(["--as", "sam", "--password-stdin", "patients", *clinic]) == 0
    assert "1 patient" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["empty file", "missing file", "folder", "fifo nobody writes",
                                  "both options"])
def test_password_options_fail_clearly_and_never_wait(clinic: list[str], tmp_path, kind: str,
                                                      capsys) -> None:
    path = tmp_path / "pw"
    extra: list[str] = []
    if kind == "empty file":
        path.write_text("\n")
    elif kind == "folder":
        path = tmp_path
    elif kind == "fifo nobody writes":
        os.mkfifo(path)
    elif kind == "both options":
        path.write_text(SAM_PASSWORD)
        extra = ["--password-stdin"]
    assert main(["--as", "sam", "--password-file", str(path), *extra, "patients", *clinic]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ptdesk: ") and err.count("\n") == 1 and "password" in err


def test_setup_reads_the_first_password_from_stdin(blank_db_url: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    opt = _init(blank_db_url)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"tempo run up the hill\n")))
    assert main(["setup", *opt, "--clinic", "Hill PT", "--admin", "pat",
                 "--password-stdin"]) == 0
    monkeypatch.setenv("PTDESK_PASSWORD", "tempo run up the hill")
    assert main(["--as", "pat", "users", "list", *opt]) == 0


def test_new_administrator_password_must_resist_guessing(clinic: list[str], tmp_path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys) -> None:
    monkeypatch.setenv("PTDESK_PASSWORD", ADMIN_PASSWORD)
    weak = tmp_path / "new.pw"
    weak.write_text("password12\n")
    assert main(["--as", "pat", "users", "add", "kim", "--role", "administrator",
                 "--new-password-file", str(weak), *clinic]) == 2
    err = capsys.readouterr().err
    assert "too easy to guess" in err and "password12" not in err
    monkeypatch.setenv("PTDESK_NEW_PASSWORD", "password12")
    assert main(["--as", "pat", "users", "password", "sam", *clinic]) == 2
    assert "too easy to guess" in capsys.readouterr().err
