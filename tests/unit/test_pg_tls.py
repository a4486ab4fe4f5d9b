"""Clinic mode in transit: a PostgreSQL server on another host is reached with verify-full.

Checked on the connection arguments the engine is built with (no network): remote hosts
get sslmode=verify-full and the clinic's CA file, local sockets and loopback stay as they
were, an sslmode written in the URL is honoured, and the words verify and the status bar
use for each mode.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import make_url

from ptdesk.db.engine import _server_options, make_engine
from ptdesk.db.pg_tls import CA_ENV, sslmode
from ptdesk.services.connection import transport_line, transport_problem


def connect_args(url: str) -> dict[str, Any]:
    return dict(_server_options(url)["connect_args"])


@pytest.fixture(autouse=True)
def _no_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CA_ENV, raising=False)


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://ptdesk@dbserver.clinic.lan/ptdesk",
    "postgresql+psycopg://ptdesk:secret@10.0.0.5:5433/ptdesk",
    "postgresql://ptdesk@[2001:db8::1]/ptdesk",
    "postgresql+psycopg2://ptdesk@db.example.org/ptdesk?connect_timeout=3",
    "postgresql+psycopg://ptdesk@localhost,dbserver.clinic.lan/ptdesk",  # any remote host
])
def test_a_server_on_another_host_gets_verify_full(url: str) -> None:
    args = connect_args(url)
    assert args["sslmode"] == "verify-full"
    assert "sslrootcert" not in args  # libpq's default CA file unless the clinic names one


def test_the_clinics_ca_file_comes_from_the_environment_or_the_url(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CA_ENV, "~/clinic-ca.crt")
    args = connect_args("postgresql+psycopg://ptdesk@dbserver.clinic.lan/ptdesk")
    assert args["sslmode"] == "verify-full" and args["sslrootcert"].endswith("/clinic-ca.crt")
    assert not args["sslrootcert"].startswith("~")
    in_url = connect_args("postgresql+psycopg://ptdesk@dbserver.clinic.lan/ptdesk"
                          "?sslrootcert=/etc/ptdesk/ca.pem")
    assert "sslrootcert" not in in_url and in_url["sslmode"] == "verify-full"  # the URL's wins
    # A mode that does not check certificates needs no CA file.
    assert "sslrootcert" not in connect_args(
        "postgresql+psycopg://ptdesk@dbserver.clinic.lan/ptdesk?sslmode=require")


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://ptdesk@/ptdesk",  # the local socket
    "postgresql+psycopg://ptdesk@/ptdesk?host=/var/run/postgresql",
    "postgresql+psycopg://ptdesk@localhost/ptdesk",
    "postgresql+psycopg://ptdesk@127.0.0.1:5432/ptdesk",
    "postgresql+psycopg://ptdesk@127.0.0.2/ptdesk",
    "postgresql+psycopg://ptdesk@[::1]/ptdesk",
])
def test_local_sockets_and_loopback_are_left_as_they_were(url: str) -> None:
    args = connect_args(url)
    assert "sslmode" not in args and "sslrootcert" not in args
    assert set(args) == {"connect_timeout", "application_name", "options"}
    assert transport_problem(make_engine(url)) is None


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca",
                                  "verify-full"])
def test_an_explicit_sslmode_in_the_url_is_honoured(mode: str) -> None:
    url = f"postgresql+psycopg://ptdesk@dbserver.clinic.lan/ptdesk?sslmode={mode}"
    assert "sslmode" not in connect_args(url)  # the URL's own parameter goes to libpq as is
    assert sslmode(make_url(url)) == mode


@pytest.mark.parametrize(("mode", "line", "problem"), [
    ("require", "server identity not verified (sslmode=require)",
     "server identity not verified"),
    ("disable", "not encrypted (sslmode=disable)", "not encrypted"),
    ("allow", "not encrypted (sslmode=allow)", "not encrypted"),
    ("prefer", "not encrypted (sslmode=prefer)", "not encrypted"),
    ("verify-full", "encrypted, server identity verified (sslmode=verify-full)", None),
    (None, "encrypted, server identity verified (sslmode=verify-full)", None),
])
def test_verify_and_the_status_bar_say_what_each_sslmode_leaves_open(
        mode: str | None, line: str, problem: str | None) -> None:
    url = "postgresql+psycopg://ptdesk@dbserver.clinic.lan/ptdesk" + (
        f"?sslmode={mode}" if mode else "")
    engine = make_engine(url)  # nothing connects until it is used
    assert transport_line(engine) == f"Connection to the server: {line}"
    assert transport_problem(engine) == problem


def test_a_database_file_has_no_connection_line(tmp_path: Any) -> None:
    engine = make_engine(tmp_path / "clinic.db")
    assert transport_line(engine) is None and transport_problem(engine) is None
    engine.dispose()
