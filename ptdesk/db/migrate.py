"""Run Alembic programmatically: the only way the schema is ever created or changed."""

from __future__ import annotations

import contextlib
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

_REVISION = re.compile(r"^revision(?:: str)? = ['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = ['\"]([^'\"]+)['\"]", re.M)


def _versions_dir() -> Path:
    return Path(str(files("ptdesk_migrations"))) / "versions"


@cache
def known_head() -> str | None:
    """The newest revision, read from the revision files without importing Alembic.

    Start-up only needs to know whether the schema is current; importing Alembic for
    that costs more than the rest of opening the database.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in _versions_dir().glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found.group(1))
        if parent := _DOWN.search(source):
            parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    location = Path(str(files("ptdesk_migrations")))
    config = Config()
    config.set_main_option("script_location", str(location))
    # ConfigParser treats '%' as interpolation: a password may contain one.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


# Any fixed number: workstations starting at once take turns migrating a shared server.
_MIGRATION_LOCK = 0x70746465736B  # "ptdesk"


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and is_up_to_date(engine):
        return  # the common start-up case: no Alembic import, no environment, no locking
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        server = connection.dialect.name == "postgresql"
        if server:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)  # a no-op when another workstation just did it
            connection.commit()
        finally:
            if server:
                # A lost connection already released the lock; keep the original error.
                with contextlib.suppress(DBAPIError):
                    connection.rollback()
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"),
                                       {"k": _MIGRATION_LOCK})
                    connection.commit()


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        connection.commit()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    head = known_head()
    if head is None:  # branches or unreadable files: ask Alembic itself
        head = head_revision(engine)
    return current_revision(engine) == head
