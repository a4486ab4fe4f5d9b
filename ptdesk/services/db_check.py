"""The whole-database check behind `ptdesk verify` and every restore: one report, plain words."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL, make_url

from ptdesk.db.engine import (
    SessionFactory,
    database_key,
    is_sqlite,
    make_session_factory,
    sqlite_path,
)
from ptdesk.db.migrate import current_revision, known_head
from ptdesk.services.audit.log import head_text, verify_chain
from ptdesk.services.errors import ServiceError
from ptdesk.services.signing import check_signed_notes
from ptdesk.services.uow import transaction

SHOWN = 20  # details listed per check; the rest are counted


class ClinicModeError(ServiceError):
    """The operation is not available for this kind of database (neither SQLite nor PostgreSQL)."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    details: tuple[str, ...] = ()
    applies: bool = True  # False: the check has no meaning for this kind of database


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
            label = "N/A " if not check.applies else "OK  " if check.ok else "FAIL"
            out.append(f"{label}  {check.name}")
            out += [f"      {detail}" for detail in check.details]
        out.append("Everything checks out." if self.ok else
                   f"{sum(not c.ok for c in self.checks)} check(s) failed.")
        return out


def backend(url: str | URL, what: str) -> str:
    """'sqlite' or 'postgresql'; any other database is refused with a clear message."""
    name = (make_url(url) if isinstance(url, str) else url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise ClinicModeError(f"{what} works with an SQLite database file or a PostgreSQL "
                              f"server, not with {name}.")
    return name


def _limited(details: list[str]) -> tuple[str, ...]:
    if len(details) > SHOWN:
        return (*details[:SHOWN], f"… and {len(details) - SHOWN} more.")
    return tuple(details)


# An encrypted file's page is decrypted each time SQLite reads it into its cache: with a
# cache as big as the file (up to this much) the foreign-key check reuses the pages the
# integrity check decrypted (2.4 s -> 0.3 s on the 10,000-patient bench clinic).
_DECRYPTED_CACHE_MAX_KIB = 1024 * 1024
_FILE_CHECKS = ("Database file integrity", "Links between records (foreign keys)")


def _integrity(engine: Engine, connection: Connection | None = None) -> Check:
    if connection is None:
        with engine.connect() as own:
            return _integrity(engine, own)
    rows = [str(r[0]) for r in connection.execute(text("PRAGMA integrity_check"))]
    ok = rows == ["ok"]
    return Check(_FILE_CHECKS[0], ok, () if ok else _limited(rows))


def _encrypted_file_checks(engine: Engine, path: Path) -> tuple[Check, Check]:
    """Integrity, then foreign keys, on one connection whose cache holds the decrypted file."""
    try:
        cache_kib = min(_DECRYPTED_CACHE_MAX_KIB, path.stat().st_size // 1024 + 1)
        with engine.connect() as connection:
            was = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
            connection.exec_driver_sql(f"PRAGMA cache_size = -{int(cache_kib)}")
            try:
                integrity = _run(_FILE_CHECKS[0], lambda: _integrity(engine, connection))
                links = _run(_FILE_CHECKS[1], lambda: _foreign_keys(engine, connection))
            finally:  # the pooled connection goes back as it was (its pages let go)
                connection.exec_driver_sql(f"PRAGMA cache_size = {was}")
    except Exception as exc:  # a damaged file or key: report it, go on (as _run does)
        failed = (f"could not be checked: {exc}",)
        return Check(_FILE_CHECKS[0], False, failed), Check(_FILE_CHECKS[1], False, failed)
    return integrity, links


def _foreign_keys(engine: Engine, connection: Connection | None = None) -> Check:
    if connection is None:
        with engine.connect() as own:
            return _foreign_keys(engine, own)
    rows = connection.execute(text("PRAGMA foreign_key_check")).all()
    details = [f"a row in {table} (row {rowid}) points to a missing row in {parent}"
               for table, rowid, parent, _fk in rows]
    return Check(_FILE_CHECKS[1], not rows, _limited(details))


def _server_storage() -> Check:
    return Check("Database file integrity", True, (
        "not applicable on a PostgreSQL server, which checks its own storage (its "
        "administrator can run pg_amcheck)",), applies=False)


_PG_FOREIGN_KEYS = """
SELECT c.conname, cl.relname, pl.relname,
       array_agg(ca.attname ORDER BY k.n), array_agg(pa.attname ORDER BY k.n)
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid
JOIN pg_class pl ON pl.oid = c.confrelid
CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(child, parent, n)
JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child
JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent
WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
GROUP BY c.conname, cl.relname, pl.relname ORDER BY cl.relname, c.conname
"""


def _server_foreign_keys(engine: Engine) -> Check:
    """Rows whose parent is missing: the server enforces the keys, but a restore or a
    session with triggers switched off (session_replication_role) can bypass them."""
    details: list[str] = []
    with engine.connect() as connection:
        q = connection.dialect.identifier_preparer.quote_identifier
        for _name, table, parent, columns, parent_columns in \
                connection.execute(text(_PG_FOREIGN_KEYS)).all():
            joined = " AND ".join(f"p.{q(pc)} = c.{q(cc)}"
                                  for cc, pc in zip(columns, parent_columns, strict=True))
            present = " AND ".join(f"c.{q(cc)} IS NOT NULL" for cc in columns)
            orphans = connection.execute(text(
                f"SELECT count(*) FROM {q(table)} c WHERE {present} AND NOT EXISTS "
                f"(SELECT 1 FROM {q(parent)} p WHERE {joined})")).scalar_one()
            if orphans:
                details.append(f"{orphans} row(s) in {table} point to a missing row in {parent} "
                               f"({', '.join(columns)})")
    return Check(_FILE_CHECKS[1], not details, _limited(details))


def _schema(engine: Engine) -> Check:
    revision, head = current_revision(engine), known_head()
    if revision == head:
        return Check("Schema version", True, (f"schema {revision}",))
    return Check("Schema version", False, (
        f"the database is at schema {revision or 'none'} but this PT Desk expects {head}; "
        "run `ptdesk init`",))


def _chain(session_factory: SessionFactory, key: bytes | None, anchor: bool) -> Check:
    result = verify_chain(session_factory, key=key, anchor=anchor)
    details = result.problems if not result.ok else (f"{result.entries} entries",)
    # Printed every time so it can be compared with the last backup's manifest or syslog.
    return Check("Audit log chain", result.ok, (*details, head_text(result.head)))


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


def check_database(engine: Engine, *, key: bytes | None = None,
                   anchor: bool = True) -> Report:
    """integrity_check, foreign_key_check, schema, audit chain and signed-note hashes.

    On a PostgreSQL server the file check is the server's own job (reported as not
    applicable); the foreign keys are checked by a query for rows whose parent is missing.
    `anchor=False` checks a copy (a backup being restored) without this computer's anchor
    of the live database.
    """
    sf = make_session_factory(engine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="integrity") as pool:
        # The file checks, in the order they are reported; run on the pool's thread.
        file_checks: Future[tuple[Check, ...]] | None = None
        rest = []
        if is_sqlite(engine.url.render_as_string(hide_password=False)):
            # integrity_check and foreign_key_check read the whole file in SQLite's C code,
            # which lets go of the GIL: on their own connection, one after the other, they
            # run beside the (Python) hash check.
            path = sqlite_path(engine.url.render_as_string(hide_password=False))
            if path is None:  # in memory: another thread's connection is another database
                file_checks = pool.submit(lambda: (_run(_FILE_CHECKS[0],
                                                        lambda: _integrity(engine)),))
                rest.append(_run(_FILE_CHECKS[1], lambda: _foreign_keys(engine)))
            elif database_key(engine) is not None and path.is_file():
                file_checks = pool.submit(_encrypted_file_checks, engine, path)
            else:
                file_checks = pool.submit(lambda: (
                    _run(_FILE_CHECKS[0], lambda: _integrity(engine)),
                    _run(_FILE_CHECKS[1], lambda: _foreign_keys(engine))))
        else:
            rest = [_server_storage(),
                    _run(_FILE_CHECKS[1], lambda: _server_foreign_keys(engine))]
        rest.append(_run("Schema version", lambda: _schema(engine)))
        if rest[-1].ok:  # the chain and hashes need the current tables
            rest += [_run("Audit log chain", lambda: _chain(sf, key, anchor)),
                     _run("Signed notes and addenda", lambda: _notes(sf))]
        checks = [*(file_checks.result() if file_checks is not None else ()), *rest]
    return Report(tuple(checks))
