"""`ptdesk verify`: integrity, foreign keys, schema, audit chain and signed notes; non-zero on failure."""

from __future__ import annotations

import argparse
from pathlib import Path

from ptdesk.commands import CommandError
from ptdesk.commands.common import add_db_option, engine_for
from ptdesk.db.engine import resolve_url, sqlite_path
from ptdesk.services.errors import ServiceError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify", help="check the database, the audit log and the signed notes",
        description="Run SQLite's integrity and foreign-key checks (on a PostgreSQL server: "
        "a search for records whose linked record is missing; the server checks its own "
        "storage), the schema version, the audit-log chain and the signed-note hashes. "
        "Exits with status 1 on any failure.",
    )
    add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ptdesk.services.backup.backups import verify

    path = sqlite_path(resolve_url(getattr(args, "db", None)))
    if path is not None and not path.exists():
        raise CommandError(f"no database at {path}; run `ptdesk init` first")
    from ptdesk.services.connection import transport_line

    try:
        engine = engine_for(args)
    except CommandError as exc:
        raise CommandError(f"{exc}{_other_clinic_hint(path)}") from None
    try:
        report = verify(engine)
        transport = transport_line(engine)  # clinic mode: how the connection is protected
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        engine.dispose()
    if transport is not None:
        print(transport)
    print("\n".join(report.lines()))
    if not report.ok:
        failed = sum(not check.ok for check in report.checks)
        raise CommandError(f"the database failed {failed} check(s); see the report above")
    return 0


def _other_clinic_hint(path: Path | None) -> str:
    """Said when `--db` names another clinic's encrypted file (say a backup from elsewhere)
    than this computer's clinic (PTDESK_DB or the default): its passwords do not open it."""
    from ptdesk.services.keys.backup_keys import another_clinics_file

    home = sqlite_path(resolve_url(None))
    if path is None or home is None or not another_clinics_file(path, home):
        return ""
    return (f" ({path.name} is not this clinic's: it belongs to another clinic than the one "
            f"at {home}, and only that clinic's passwords open it)")
