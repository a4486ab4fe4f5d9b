"""What Help › About shows about the open database: where it is and its schema version."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ptdesk.db.engine import SessionFactory, sqlite_path
from ptdesk.db.migrate import current_revision


@dataclass(frozen=True)
class DatabaseInfo:
    location: str  # file path, or the server URL without its password
    schema: str  # Alembic revision, or "none" for an empty database


def database_info(session_factory: SessionFactory) -> DatabaseInfo:
    """No patient data is read; the URL's password is masked."""
    engine = session_factory.kw["bind"]
    assert isinstance(engine, Engine)
    url = engine.url.render_as_string(hide_password=True)
    path = sqlite_path(url)
    return DatabaseInfo(location=str(path) if path is not None else url,
                        schema=current_revision(engine) or "none")
