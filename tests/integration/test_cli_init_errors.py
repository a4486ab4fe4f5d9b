"""`ptdesk init` against a server that is not there: one plain line, no password, no traceback."""

from __future__ import annotations

import socket

import pytest

from ptdesk import cli


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


def test_init_on_an_unreachable_server_says_so_plainly(capsys) -> None:
    url = f"postgresql+psycopg://clinic:s3cret-pw@127.0.0.1:{_closed_port()}/ptdesk"
    assert cli.main(["init", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "cannot set up the database" in err and "server" in err
    assert "s3cret-pw" not in err and "Traceback" not in err


@pytest.mark.postgresql_only
def test_init_names_a_missing_database_or_user(pg_cluster, capsys) -> None:
    missing_db = pg_cluster.url(pg_cluster.name("never_created"))
    assert cli.main(["init", "--db", missing_db]) == 1
    assert "database named in PT Desk's connection settings does not exist" in \
        capsys.readouterr().err
    missing_role = missing_db.replace("://postgres@", "://no_such_role@")
    assert missing_role != missing_db
    assert cli.main(["init", "--db", missing_role]) == 1
    assert "database user named in PT Desk's connection settings does not exist" in \
        capsys.readouterr().err
