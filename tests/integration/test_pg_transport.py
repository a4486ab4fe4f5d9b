"""`ptdesk verify` on a (loopback) clinic server says how the connection is protected."""

from __future__ import annotations

import pytest

from tests.integration.integrity_helpers import run_cli

pytestmark = pytest.mark.postgresql_only


@pytest.mark.parametrize(("query", "line"), [
    ("", "Connection to the server: a local connection (socket or loopback); it does not "
         "cross the network"),
    ("sslmode=disable", "Connection to the server: not encrypted (sslmode=disable)"),
    ("sslmode=prefer", "Connection to the server: not encrypted (sslmode=prefer)"),
])
def test_verify_prints_the_connections_protection(
        db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        query: str, line: str) -> None:
    url = db_url + (("&" if "?" in db_url else "?") + query if query else "")
    assert run_cli(monkeypatch, ["verify", "--db", url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == line and out[-1] == "Everything checks out."
