"""Clinic-mode backup and restore: pg_dump to a file; pg_restore into a scratch database, then a swap.

A restore never touches the live database until the backup has been loaded into a new
database beside it and passed every check there (schema, audit chain, signed notes). The
swap is two renames in one transaction: the live database is kept under a dated name and
the checked copy takes its name. If anything fails, the scratch database is dropped.

The dump is untrusted input: its table of contents (`pg_restore --list`) is read first
and any function, trigger or other object the migrations do not create is refused
before anything is loaded; connected as a superuser, the dump is loaded as the clinic's
role (the live database's owner), so code in it never runs as a superuser. The audit
key is not in the database: a restore checks the
backup's chain with this workstation's key and never installs the copy written beside
the backup (an administrator installs it deliberately with `ptdesk audit key install`).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.services.audit.key import (
    KEY_SUFFIX,
    AuditKeyError,
    key_path_for_url,
    read_key_file,
)
from ptdesk.services.audit.log import verify_chain
from ptdesk.services.backup.pg_schema_check import (
    definitions,
    differences,
    expected_definitions,
)
from ptdesk.services.backup.pg_tools import PgServer, PgToolError, PgTools, find_tools, server_major
from ptdesk.services.backup.restore_auth import (
    SignIn,
    check_administrator,
    current_accounts,
    server_accounts,
    sign_in_needed,
)
from ptdesk.services.backup.restore_file import (
    RestoreResult,
    install_hint,
    refuse,
    require_known,
)
from ptdesk.services.db_check import check_database
from ptdesk.services.permissions import check as check_permission

DUMP_SUFFIX = ".dump"
LOCK_WAIT = "120s"  # a table held by a migration makes the backup fail instead of hang
BUSY_WAIT_S = 3.0  # a workstation that just closed may still be listed for a moment
_NAME_BYTES = 63  # PostgreSQL's limit for a database name


def dump(engine: Engine, partial: Path) -> None:
    """pg_dump --format=custom of the engine's database into `partial` (already 0600)."""
    server = PgServer.from_url(engine.url)
    with engine.connect() as connection:
        tools = find_tools(server_major(connection))
    server.run(tools.program("pg_dump"), "--format=custom", f"--lock-wait-timeout={LOCK_WAIT}",
               f"--file={partial}", f"--dbname={server.conninfo()}", what="pg_dump")
    # A dump pg_restore cannot read is no backup.
    _table_of_contents(tools, server, partial, "Reading the backup back")
    fd = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _table_of_contents(tools: PgTools, server: PgServer, path: Path, what: str) -> str:
    return server.run(tools.program("pg_restore"), "--list", str(path), what=what).stdout


def _name(base: str, suffix: str) -> str:
    room = _NAME_BYTES - len(suffix.encode("utf-8"))
    return base.encode("utf-8")[:room].decode("utf-8", errors="ignore") + suffix


def _quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


@dataclass(frozen=True)
class _Current:
    """The live database as the server describes it (None when it does not exist yet)."""

    owner: str
    info: dict[str, object]  # its pg_database row: encoding, locale, access rights


def _current(connection: Connection, name: str) -> _Current | None:
    row = connection.execute(text(
        "SELECT pg_get_userbyid(d.datdba), to_jsonb(d) FROM pg_database d "
        "WHERE d.datname = :name"), {"name": name}).first()
    return None if row is None else _Current(str(row[0]), dict(row[1]))


def _require_rights(connection: Connection, name: str, current: _Current | None) -> None:
    user, superuser, createdb = connection.execute(text(
        "SELECT current_user, rolsuper, rolcreatedb FROM pg_roles "
        "WHERE rolname = current_user")).one()
    if not (superuser or createdb):
        raise PgToolError(
            f"The database user {user} may not create databases. A restore first loads the "
            "backup into a new database beside the current one, so it needs PostgreSQL's "
            f"CREATEDB right: ask the server's administrator to run ALTER ROLE {user} "
            "CREATEDB. Nothing was changed.")
    if current is not None and not superuser and not connection.execute(text(
            "SELECT pg_has_role(d.datdba, 'USAGE') FROM pg_database d WHERE datname = :n"),
            {"n": name}).scalar():
        raise PgToolError(f"The database {name} belongs to the user {current.owner}; only "
                          f"{current.owner} (or a superuser) can restore it. Nothing was "
                          "changed.")


def _load_role(connection: Connection, current: _Current | None) -> str | None:
    """The role the dump is loaded as when we are connected as a superuser: the clinic's
    (the live database's owner), so code in a crafted dump never runs as a superuser.

    None: we are not a superuser (the load runs as ourselves), or no other owner is known.
    """
    superuser = connection.execute(text(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    if not superuser or current is None:
        return None
    owner_is_super = connection.execute(text(
        "SELECT rolsuper FROM pg_roles WHERE rolname = :o"), {"o": current.owner}).scalar()
    return None if owner_is_super else current.owner


def _open_connections(connection: Connection, names: tuple[str, ...]) -> dict[str, int]:
    rows = connection.execute(text(
        "SELECT coalesce(nullif(application_name, ''), 'a program'), "
        "coalesce(host(client_addr), 'this server') FROM pg_stat_activity "
        "WHERE datname = ANY(:names) AND pid <> pg_backend_pid()"),
        {"names": list(names)}).all()
    counts: dict[str, int] = {}
    for app, host in rows:
        label = f"{app} from {host}"
        counts[label] = counts.get(label, 0) + 1
    return counts


def _refuse_if_busy(admin: Engine, name: str, *also: str) -> None:
    deadline = time.monotonic() + BUSY_WAIT_S
    while True:
        with admin.connect() as connection:
            found = _open_connections(connection, (name, *also))
        if not found or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if found:
        listed = "; ".join(f"{n} × {label}" if n > 1 else label for label, n in found.items())
        raise PgToolError(
            f"{sum(found.values())} other connection(s) to the database {name} are open "
            f"({listed}). Close PT Desk on every workstation, and any other program using "
            "the database, then try the restore again. Nothing was changed.")


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _create_sql(connection: Connection, scratch: str, current: _Current | None) -> str:
    sql = f"CREATE DATABASE {_quoted(connection, scratch)} TEMPLATE template0"
    if current is None:
        return sql
    # The same encoding and sort order as the live database (names sort as they did).
    info = current.info
    encoding = connection.execute(text("SELECT pg_encoding_to_char(:e)"),
                                  {"e": info["encoding"]}).scalar_one()
    sql += (f" ENCODING {_literal(encoding)} LC_COLLATE {_literal(info['datcollate'])}"
            f" LC_CTYPE {_literal(info['datctype'])}")
    provider = info.get("datlocprovider")
    locale = info.get("datlocale") or info.get("daticulocale")
    if provider == "i" and locale:
        sql += f" LOCALE_PROVIDER icu ICU_LOCALE {_literal(locale)}"
    elif provider == "b" and locale:
        sql += f" LOCALE_PROVIDER builtin BUILTIN_LOCALE {_literal(locale)}"
    return sql


def _copy_database_rights(connection: Connection, scratch: str, name: str) -> None:
    """Who may connect: a dump holds the tables' rights but not the database's own."""
    quoted = _quoted(connection, scratch)
    owner = connection.execute(text(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :n"),
        {"n": name}).scalar_one()
    if owner != connection.execute(text("SELECT current_user")).scalar_one():
        connection.execute(text(f"ALTER DATABASE {quoted} OWNER TO "
                                f"{_quoted(connection, owner)}"))
    rows = connection.execute(text(
        "SELECT a.grantee, pg_get_userbyid(a.grantee), a.privilege_type, a.is_grantable "
        "FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = :n"), {"n": name}).all()
    if not rows:
        return  # the defaults, which the new database has too
    connection.execute(text(f"REVOKE ALL ON DATABASE {quoted} FROM PUBLIC"))
    for grantee, role, privilege, grantable in rows:
        who = "PUBLIC" if grantee == 0 else _quoted(connection, role)
        option = " WITH GRANT OPTION" if grantable else ""
        connection.execute(text(f"GRANT {privilege} ON DATABASE {quoted} TO {who}{option}"))


def _drop(admin: Engine, scratch: str) -> None:
    with contextlib.suppress(Exception), admin.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        force = " WITH (FORCE)" if server_major(connection) >= 13 else ""
        connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(connection, scratch)}{force}"))


def _read_key(path: Path | None) -> bytes | None:
    if path is None or not path.exists():
        return None
    with contextlib.suppress(AuditKeyError, FileNotFoundError):
        return read_key_file(path)
    return None


def _check_scratch(source: Path, scratch: PgServer, key: bytes | None, url: str,
                   sign_in: SignIn, actor: str | None, password: str | None,
                   admin: Engine, expect: str) -> str:
    """Compare, upgrade and check the loaded copy; returns the backup's schema revision."""
    engine = make_engine(scratch.url_text())
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")) \
                .scalar()
            found = definitions(connection)
        if revision is None:
            raise refuse(source, "it is not a PT Desk database (no schema version).")
        require_known(engine, source, str(revision))
        wanted = expected_definitions(admin, scratch.with_database(expect).url_text(), expect,
                                      str(revision))
        problems = differences(found, wanted)
        if problems:
            raise refuse(source, "its database structure is not what PT Desk makes: "
                         + "; ".join(problems[:8]) + ".")
        if sign_in is SignIn.BACKUP:  # before anything in the copy runs on our behalf
            check_administrator(server_accounts(scratch.url_text()) or [], actor, password)
        upgrade(engine)
        sf = make_session_factory(engine)
        result = verify_chain(sf, key=key, anchor=False)
        if result.sealed and not result.ok:
            beside = _read_key(source.with_name(source.name + KEY_SUFFIX))
            if key is None or (beside not in (None, key)
                               and verify_chain(sf, key=beside, anchor=False).ok):
                raise refuse(source, "its audit log was sealed with a different audit key "
                             "than this workstation's (or this workstation has none). "
                             + install_hint(source, url))
        report = check_database(engine, key=key, anchor=False)
        if not report.ok:
            raise refuse(source, "it failed these checks: " + " ".join(report.problems))
        if sign_in is SignIn.NONE and actor is not None:
            check_permission(sf, actor, "restore")
        return str(revision)
    finally:
        engine.dispose()


# What the migrations create on a server: anything else in a dump is refused unread.
_TOC_TYPES = frozenset({"TABLE", "TABLE DATA", "SEQUENCE", "SEQUENCE OWNED BY", "SEQUENCE SET",
                        "DEFAULT", "CONSTRAINT", "FK CONSTRAINT", "INDEX", "ACL", "FUNCTION",
                        "TRIGGER", "SCHEMA", "COMMENT"})
_TOC_LINE = re.compile(r"^\d+;\s+\d+\s+\d+\s+(?P<rest>.+)$")


def _known_function(name: str) -> bool:
    return bool(re.fullmatch(r"ptdesk_(refuse|keep_audit_head|guard_[a-z_]+)\(\)", name))


def toc_problems(toc: str) -> list[str]:
    """Objects in a dump's table of contents (`pg_restore --list`) the migrations never make."""
    problems: list[str] = []
    for line in toc.splitlines():
        found = _TOC_LINE.match(line.strip())
        if found is None:
            continue
        rest = found.group("rest")
        kind = next((t for t in sorted(_TOC_TYPES, key=len, reverse=True)
                     if rest.startswith(t + " ")), None)
        if kind is None:
            problems.append(f"it holds an object PT Desk does not create ({rest.split(' - ')[0]})")
            continue
        fields = rest[len(kind):].split()
        if kind == "FUNCTION" and not (len(fields) >= 2 and _known_function(fields[1])):
            problems.append(f"it holds a function PT Desk does not create "
                            f"({' '.join(fields[1:2])})")
        elif kind == "TRIGGER" and not (len(fields) >= 3 and fields[2].startswith("trg_")):
            problems.append(f"it holds a trigger PT Desk does not create "
                            f"({' '.join(fields[1:3])})")
        elif kind == "SCHEMA" and not (len(fields) >= 2 and fields[1] == "public"):
            problems.append(f"it holds a schema PT Desk does not create ({fields[1:2]})")
    return problems


def _swap(admin: Engine, name: str, scratch: str, aside: str | None) -> None:
    """Both renames in one transaction: either the backup is live, or nothing changed."""
    _refuse_if_busy(admin, name, scratch)
    try:
        with admin.begin() as connection:
            if aside is not None:
                connection.execute(text(f"ALTER DATABASE {_quoted(connection, name)} "
                                        f"RENAME TO {_quoted(connection, aside)}"))
            connection.execute(text(f"ALTER DATABASE {_quoted(connection, scratch)} "
                                    f"RENAME TO {_quoted(connection, name)}"))
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", "") == "55006":  # object in use
            raise PgToolError(f"A workstation connected to the database {name} just now. "
                              "Close PT Desk on every workstation and try the restore "
                              "again. Nothing was changed.") from exc
        raise


def restore_dump(source: Path, url: str, *, actor: str | None, stamp: str,
                 password: str | None = None) -> RestoreResult:
    """Check `source` (a pg_dump custom file) on a scratch database, then swap it in."""
    server = PgServer.from_url(url)
    name = server.database
    stamp = re.sub(r"\W", "_", stamp)
    scratch, aside = _name(name, f"_restore_{stamp}"), _name(name, f"_before_restore_{stamp}")
    key = _read_key(key_path_for_url(url))  # the clinic's key; one beside a backup never
    sign_in = sign_in_needed(url)
    if sign_in is SignIn.CURRENT:
        actor = check_administrator(current_accounts(url) or [], actor, password)
    with server.admin() as admin:
        with admin.connect() as connection:
            tools = find_tools(server_major(connection))
            current = _current(connection, name)
            _require_rights(connection, name, current)
            role = _load_role(connection, current)
        if current is not None:
            _refuse_if_busy(admin, name)
        try:
            toc = _table_of_contents(tools, server, source, "pg_restore --list")
        except PgToolError as exc:
            raise refuse(source, f"it is not a readable backup ({exc}).") from exc
        if not re.search(r"\bTABLE DATA \S+ alembic_version\b", toc):
            raise refuse(source, "it is not a PT Desk database (no schema version).")
        extras = toc_problems(toc)
        if extras:
            raise refuse(source, "its contents are not what PT Desk makes: "
                         + "; ".join(extras[:8]) + ".")
        with admin.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            owner = f" OWNER {_quoted(connection, role)}" if role else ""
            connection.execute(text(_create_sql(connection, scratch, current) + owner))
        try:
            staged = server.with_database(scratch)
            try:
                as_role = ["--no-owner", f"--role={role}"] if role else []
                staged.run(tools.program("pg_restore"), "--exit-on-error",
                           "--single-transaction", *as_role, f"--dbname={staged.conninfo()}",
                           str(source), what="pg_restore")
            except PgToolError as exc:
                raise refuse(source, f"it could not be loaded ({exc}).") from exc
            revision = _check_scratch(source, staged, key, url, sign_in, actor, password,
                                      admin, _name(name, f"_expect_{stamp}"))
            if current is not None:
                with admin.begin() as connection:
                    _copy_database_rights(connection, scratch, name)
            _swap(admin, name, scratch, aside if current is not None else None)
        except BaseException:
            _drop(admin, scratch)
            raise
    return RestoreResult(source, name, aside if current is not None else None, revision)
