"""How the connection to a clinic's PostgreSQL server is protected, in the words users see."""

from __future__ import annotations

from sqlalchemy import Engine

from ptdesk.db.engine import SessionFactory, engine_of
from ptdesk.db.pg_tls import transport_text, transport_warning

TRANSPORT_LABEL = "Connection to the server"


def transport_line(target: SessionFactory | Engine) -> str | None:
    """The line `ptdesk verify` prints for a server (None for a database file)."""
    url = engine_of(target).url
    if url.get_backend_name() != "postgresql":
        return None
    return f"{TRANSPORT_LABEL}: {transport_text(url)}"


def transport_problem(target: SessionFactory | Engine) -> str | None:
    """For the status bar: what a weaker sslmode leaves open ("server identity not
    verified", "not encrypted"); None when the server is verified or local, or a file."""
    url = engine_of(target).url
    if url.get_backend_name() != "postgresql":
        return None
    return transport_warning(url)
