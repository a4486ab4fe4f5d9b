"""A backup file is untrusted input: its whole schema must be what the migrations make, before anything runs.

A backup can carry triggers and views of its own (a trigger that deletes run logs when
the restore writes its audit entry, a view in place of the accounts table). Before the
backup is copied, migrated or written to, it is opened read-only with trusted_schema=OFF
(so no function in its schema may run) and every table, index, trigger and view in
sqlite_master is compared with what the migrations produce for the revision the backup
records. Anything extra, missing or different is refused.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from ptdesk.db.engine import connect_keyed, make_engine
from ptdesk.db.migrate import upgrade

Entry = tuple[str, str, str, str]  # (type, name, table, normalized sql)


class SchemaMismatch(ValueError):
    """The backup's schema is not the one the migrations make; the message lists how."""


def open_untrusted(path: Path, key: bytes | None = None) -> sqlite3.Connection:
    """Read-only, no schema-defined functions, no automatic extensions: for inspection only.

    With `key`, the file is an encrypted clinic's (SQLCipher, keyed first; its errors are
    SQLCipher's own DatabaseError classes, see engine.database_errors)."""
    if key is None:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        connection = connect_keyed(path, key, read_only=True)
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA query_only = ON")
    return connection


def _split_top_level(body: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for char in body:
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return items


def _normal(sql: str | None) -> str:
    # Whitespace and identifier quoting differ between SQLAlchemy versions, not meaning;
    # a batch migration rebuilds a table with its constraints in no fixed order.
    text = (sql or "").replace('"', "").replace("`", "").replace("[", "").replace("]", "")
    text = re.sub(r"\s+", " ", text).strip().lower()
    head, paren, rest = text.partition("(")
    if head.startswith("create table") and paren and rest.endswith(")"):
        return head.strip() + " (" + ", ".join(sorted(_split_top_level(rest[:-1]))) + ")"
    return text


def schema_of(connection: sqlite3.Connection) -> set[Entry]:
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    # SQLite's own objects (sqlite_sequence, sqlite_stat1, automatic indexes) follow from
    # the tables; they hold no code.
    return {(str(t), str(n), str(tb), _normal(s)) for t, n, tb, s in rows
            if not str(n).startswith("sqlite_")}


@cache
def expected_schema(revision: str) -> frozenset[Entry]:
    """The schema the migrations produce at `revision` (built once per revision)."""
    with tempfile.TemporaryDirectory(prefix="ptdesk-schema-") as folder:
        path = Path(folder) / "expected.db"
        engine = make_engine(path)
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
        connection = sqlite3.connect(path)
        try:
            return frozenset(schema_of(connection))
        finally:
            connection.close()


def compare(found: set[Entry], expected: frozenset[Entry]) -> list[str]:
    """Plain-word differences: objects the backup has that the migrations do not make, and
    objects it lacks or has in another form."""
    problems: list[str] = []
    names_expected = {(e[0], e[1]) for e in expected}
    names_found = {(e[0], e[1]) for e in found}
    for kind, name in sorted(names_found - names_expected):
        problems.append(f"it holds a {kind} named {name} that PT Desk does not create")
    for kind, name in sorted(names_expected - names_found):
        problems.append(f"its {kind} {name} is missing")
    for entry in sorted(found - expected):
        if (entry[0], entry[1]) in names_expected:
            problems.append(f"its {entry[0]} {entry[1]} is not defined as PT Desk defines it")
    return problems


def check_backup_schema(path: Path, revision: str, key: bytes | None = None) -> list[str]:
    """Differences between the backup's schema and the migrations' at `revision` ([] = same)."""
    connection = open_untrusted(path, key)
    try:
        found = schema_of(connection)
    finally:
        connection.close()
    return compare(found, expected_schema(revision))
