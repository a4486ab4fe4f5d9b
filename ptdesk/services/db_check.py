"""The whole-database check behind `ptdesk verify` and every restore: one report, plain words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text

from ptdesk.db.engine import SessionFactory, is_sqlite, make_session_factory
from ptdesk.db.migrate import current_revision, known_head
from ptdesk.services.audit import verify_chain
from ptdesk.services.errors import ServiceError
from ptdesk.services.signing import check_signed_notes
from ptdesk.services.uow import transaction

SHOWN = 20  # details listed per check; the rest are counted


class ClinicModeError(ServiceError):
    """The operation only exists for the single-computer (SQLite) database so far."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(f"{c.name}: {d}" for c in self.checks if not c.ok for d in c.details)

    def lines(self) -> list[str]:
        """The report as printed by `ptdesk verify`."""
        out = []
        for check in self.checks:
            out.append(f"{'OK  ' if check.ok else 'FAIL'}  {check.name}")
            out += [f"      {detail}" for detail in check.details]
        out.append("Everything checks out." if self.ok else
                   f"{sum(not c.ok for c in self.checks)} check(s) failed.")
        return out


def require_sqlite(engine: Engine, what: str) -> None:
    if not is_sqlite(engine.url.render_as_string(hide_password=False)):
        raise ClinicModeError(f"{what} is not yet supported in clinic mode (a PostgreSQL "
                              "server); use the server's own tools for now.")


def _limited(details: list[str]) -> tuple[str, ...]:
    if len(details) > SHOWN:
        return (*details[:SHOWN], f"… and {len(details) - SHOWN} more.")
    return tuple(details)


def _integrity(engine: Engine) -> Check:
    with engine.connect() as connection:
        rows = [str(r[0]) for r in connection.execute(text("PRAGMA integrity_check"))]
    ok = rows == ["ok"]
    return Check("Database file integrity", ok, () if ok else _limited(rows))


def _foreign_keys(engine: Engine) -> Check:
    with engine.connect() as connection:
        rows = connection.execute(text("PRAGMA foreign_key_check")).all()
    details = [f"a row in {table} (row {rowid}) points to a missing row in {parent}"
               for table, rowid, parent, _fk in rows]
    return Check("Links between records (foreign keys)", not rows, _limited(details))


def _schema(engine: Engine) -> Check:
    revision, head = current_revision(engine), known_head()
    if revision == head:
        return Check("Schema version", True, (f"schema {revision}",))
    return Check("Schema version", False, (
        f"the database is at schema {revision or 'none'} but this PT Desk expects {head}; "
        "run `ptdesk init`",))


def _chain(session_factory: SessionFactory, key: bytes | None) -> Check:
    result = verify_chain(session_factory, key=key)
    details = result.problems if not result.ok else (f"{result.entries} entries",)
    return Check("Audit log chain", result.ok, details)


def _notes(session_factory: SessionFactory) -> Check:
    with transaction(session_factory) as session:
        problems, unhashed = check_signed_notes(session)
    details = [p.message for p in problems]
    if unhashed:
        details.append(f"{unhashed} notes were signed before content hashes were kept and "
                       "cannot be checked.")
    return Check("Signed notes and addenda", not problems, _limited(details))


def _run(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as exc:  # a damaged file can break any check; report it, go on
        return Check(name, False, (f"could not be checked: {exc}",))


def check_database(engine: Engine, *, key: bytes | None = None) -> Report:
    """integrity_check, foreign_key_check, schema, audit chain and signed-note hashes."""
    require_sqlite(engine, "Checking the database")
    sf = make_session_factory(engine)
    checks = [_run("Database file integrity", lambda: _integrity(engine)),
              _run("Links between records (foreign keys)", lambda: _foreign_keys(engine)),
              _run("Schema version", lambda: _schema(engine))]
    if checks[-1].ok:  # the chain and hashes need the current tables
        checks += [_run("Audit log chain", lambda: _chain(sf, key)),
                   _run("Signed notes and addenda", lambda: _notes(sf))]
    return Report(tuple(checks))
