"""Alembic environment: batch mode on SQLite, the app's engine and naming convention."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from ptdesk.db import models  # noqa: F401  (registers every table on Base.metadata)
from ptdesk.db.base import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # A developer's database made by `ptdesk init` is encrypted and not set up yet: its
    # provisional slot opens it without a password (a plaintext file opens as before).
    from ptdesk.services.keys.clinic_key import is_locked, open_clinic

    engine = open_clinic(config.get_main_option("sqlalchemy.url") or None)
    if is_locked(engine):
        engine.dispose()
        raise SystemExit("This clinic database is encrypted and needs a password: run "
                         "Alembic on a database made by `ptdesk init` that is not set up.")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    if is_sqlite:
        # A batch table rebuild with foreign keys on can cascade-delete child rows;
        # the pragma only takes effect outside a transaction, so set it first.
        connection.commit()
        connection.execute(text("PRAGMA foreign_keys=OFF"))
    try:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        if is_sqlite:
            problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
            if problems:
                raise RuntimeError(f"Migration left {len(problems)} rows with broken foreign keys")
    finally:
        if is_sqlite:
            connection.commit()
            connection.execute(text("PRAGMA foreign_keys=ON"))


if context.is_offline_mode():
    raise SystemExit("PT Desk migrations run online only")
run_migrations_online()
