"""A loaded clinic-mode backup must define exactly what the migrations define, before anything runs on it.

`pg_restore --list` only names objects: a dump can keep the name of a PT Desk function
and change its body. After the backup is loaded into the scratch database, and before a
migration or check runs there, every function, trigger, view, rule, policy, column,
column default and index definition, and every constraint's name, is compared with a
database migrated to the same revision on the same server (made and dropped for the
comparison).
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Connection, Engine, text

from ptdesk.db.engine import make_engine
from ptdesk.db.migrate import upgrade

Definition = tuple[str, str, str]

_DEFINITIONS = """
SELECT 'function', p.proname, pg_get_functiondef(p.oid)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = current_schema()
UNION ALL
SELECT 'trigger', c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal AND n.nspname = current_schema()
UNION ALL
SELECT 'view', viewname, definition FROM pg_views WHERE schemaname = current_schema()
UNION ALL
SELECT 'rule', tablename || '.' || rulename, definition FROM pg_rules
 WHERE schemaname = current_schema()
UNION ALL
SELECT 'policy', tablename || '.' || policyname, coalesce(qual, '') FROM pg_policies
 WHERE schemaname = current_schema()
UNION ALL
SELECT 'column', table_name || '.' || column_name,
       data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
  FROM information_schema.columns WHERE table_schema = current_schema()
UNION ALL
SELECT 'constraint', c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()
UNION ALL
SELECT 'index', tablename || '.' || indexname, indexdef FROM pg_indexes
 WHERE schemaname = current_schema()
"""


# A CHECK constraint's text is re-parsed by pg_restore (casts of IN lists come back
# spelled differently), so constraints are compared by name; the functions they could
# call are compared in full.
_NAME_ONLY = frozenset({"constraint"})


def definitions(connection: Connection) -> frozenset[Definition]:
    rows = connection.execute(text(_DEFINITIONS)).all()
    return frozenset((str(kind), str(name),
                      "" if kind in _NAME_ONLY else " ".join(str(body).split()))
                     for kind, name, body in rows)


def _expected(revision: str, url: str) -> frozenset[Definition]:
    engine = make_engine(url)
    try:
        upgrade(engine, revision)
        with engine.connect() as connection:
            return definitions(connection)
    finally:
        engine.dispose()


def expected_definitions(admin: Engine, url_for: str, scratch_name: str,
                         revision: str) -> frozenset[Definition]:
    """What the migrations define at `revision`, from a database made for the comparison."""
    quoted = admin.dialect.identifier_preparer.quote_identifier(scratch_name)
    with admin.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text(f"CREATE DATABASE {quoted} TEMPLATE template0"))
    try:
        return _expected(revision, url_for)
    finally:
        with contextlib.suppress(Exception), admin.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))


def differences(found: frozenset[Definition], expected: frozenset[Definition]) -> list[str]:
    names_expected = {(k, n) for k, n, _b in expected}
    names_found = {(k, n) for k, n, _b in found}
    out = [f"it holds a {k} {n} that PT Desk does not create"
           for k, n in sorted(names_found - names_expected)]
    out += [f"its {k} {n} is missing" for k, n in sorted(names_expected - names_found)]
    out += [f"its {k} {n} is not defined as PT Desk defines it"
            for k, n, _b in sorted(found - expected) if (k, n) in names_expected]
    return out
