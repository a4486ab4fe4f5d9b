"""record guards: no INSERT OR REPLACE over signed notes, addenda or the audit log; record settings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:30:00.000000

SQLite's INSERT OR REPLACE deletes the row it replaces without firing delete triggers
(unless the connection turns recursive_triggers on), so a signed visit could be rewritten
as a draft with every update and delete trigger in place. A BEFORE INSERT trigger fires
whatever pragmas the connection sets, before the old row is removed: these refuse any
insert that would replace a signed visit, a row of a signed visit, an addendum, an audit
entry or the audit head. PostgreSQL has no REPLACE (INSERT ... ON CONFLICT DO UPDATE
fires the update triggers of 0002), so it only gets the settings table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SIGNED = "signed notes cannot be changed; add an addendum"
_APPEND = "this table is append-only"
_VISIT_ROWS = ("subjective_exams", "knee_exams", "ankle_exams", "special_tests", "strength_tests",
               "gait_assessments", "assessments", "outcome_results")
_INDIRECT = (("prior_injuries", "subjective_exams", "subjective_id"),
             ("outcome_items", "outcome_results", "result_id"))


def _sqlite_triggers() -> list[tuple[str, str]]:
    out = [("trg_visits_signed_replace",
            "CREATE TRIGGER trg_visits_signed_replace BEFORE INSERT ON visits WHEN EXISTS "
            "(SELECT 1 FROM visits WHERE id = NEW.id AND status = 'signed') "
            f"BEGIN SELECT RAISE(ABORT, '{_SIGNED}'); END")]
    for table in _VISIT_ROWS:
        out.append((f"trg_{table}_signed_replace",
                    f"CREATE TRIGGER trg_{table}_signed_replace BEFORE INSERT ON {table} "
                    f"WHEN (SELECT v.status FROM visits v JOIN {table} r ON r.visit_id = v.id "
                    f"WHERE r.id = NEW.id) = 'signed' "
                    f"BEGIN SELECT RAISE(ABORT, '{_SIGNED}'); END"))
    for table, parent, key in _INDIRECT:
        out.append((f"trg_{table}_signed_replace",
                    f"CREATE TRIGGER trg_{table}_signed_replace BEFORE INSERT ON {table} "
                    f"WHEN (SELECT v.status FROM visits v JOIN {parent} p ON p.visit_id = v.id "
                    f"JOIN {table} r ON r.{key} = p.id WHERE r.id = NEW.id) = 'signed' "
                    f"BEGIN SELECT RAISE(ABORT, '{_SIGNED}'); END"))
    for table in ("addenda", "audit_log", "audit_head"):
        out.append((f"trg_{table}_no_replace",
                    f"CREATE TRIGGER trg_{table}_no_replace BEFORE INSERT ON {table} "
                    f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                    f"BEGIN SELECT RAISE(ABORT, '{_APPEND}'); END"))
    return out


def upgrade() -> None:
    op.create_table(
        'record_settings',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('syslog_address', sa.String(length=255), server_default='', nullable=False),
        sa.Column('restore_copies_kept', sa.Integer(), server_default='3', nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_record_settings_single_row')),
        sa.CheckConstraint('restore_copies_kept >= 1 AND restore_copies_kept <= 100',
                           name=op.f('ck_record_settings_restore_copies_kept')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_record_settings')),
    )
    op.execute("INSERT INTO record_settings (id) VALUES (1)")
    if op.get_bind().dialect.name == "sqlite":
        for _name, statement in _sqlite_triggers():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, _statement in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('record_settings')
