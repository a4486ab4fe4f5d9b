"""accounts signing addenda audit chain

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 20:29:48.830258
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Tables whose rows belong to one visit; none may change once that visit is signed.
_VISIT_ROWS = (
    "subjective_exams", "knee_exams", "ankle_exams", "special_tests", "strength_tests",
    "gait_assessments", "assessments", "outcome_results",
)
# Rows reached through another table: (table, SQL giving the owning visit's status for ROW).
_INDIRECT_ROWS = (
    ("prior_injuries", "SELECT v.status FROM visits v JOIN subjective_exams s ON s.visit_id = v.id "
                       "WHERE s.id = {row}.subjective_id"),
    ("outcome_items", "SELECT v.status FROM visits v JOIN outcome_results r ON r.visit_id = v.id "
                      "WHERE r.id = {row}.result_id"),
)
_APPEND_ONLY = ("audit_log", "addenda")
_SIGNED = "signed notes cannot be changed; add an addendum"
_APPEND = "this table is append-only"


def _sqlite_triggers() -> list[str]:
    out = [
        f"CREATE TRIGGER trg_visits_signed_update BEFORE UPDATE ON visits "
        f"WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, '{_SIGNED}'); END",
        f"CREATE TRIGGER trg_visits_signed_delete BEFORE DELETE ON visits "
        f"WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, '{_SIGNED}'); END",
    ]
    owners = [(t, "SELECT status FROM visits WHERE id = {row}.visit_id") for t in _VISIT_ROWS]
    for table, status_sql in [*owners, *_INDIRECT_ROWS]:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            out.append(
                f"CREATE TRIGGER trg_{table}_signed_{event.lower()} BEFORE {event} ON {table} "
                f"WHEN ({status_sql.format(row=row)}) = 'signed' "
                f"BEGIN SELECT RAISE(ABORT, '{_SIGNED}'); END"
            )
    for table in _APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            out.append(
                f"CREATE TRIGGER trg_{table}_append_only_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND}'); END"
            )
    return out


def _postgresql_triggers() -> list[str]:
    out = [
        """CREATE FUNCTION ptdesk_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END
        $$ LANGUAGE plpgsql""",
        f"CREATE TRIGGER trg_visits_signed_update BEFORE UPDATE ON visits FOR EACH ROW "
        f"WHEN (OLD.status = 'signed') EXECUTE FUNCTION ptdesk_refuse('{_SIGNED}')",
        f"CREATE TRIGGER trg_visits_signed_delete BEFORE DELETE ON visits FOR EACH ROW "
        f"WHEN (OLD.status = 'signed') EXECUTE FUNCTION ptdesk_refuse('{_SIGNED}')",
    ]
    owners = [(t, "SELECT status FROM visits WHERE id = {row}.visit_id") for t in _VISIT_ROWS]
    for table, status_sql in [*owners, *_INDIRECT_ROWS]:
        # PostgreSQL trigger WHEN clauses cannot hold subqueries: check inside a function.
        out.append(f"""CREATE FUNCTION ptdesk_guard_{table}() RETURNS trigger AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') AND ({status_sql.format(row='OLD')}) = 'signed' THEN
            RAISE EXCEPTION '{_SIGNED}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF TG_OP = 'INSERT' AND ({status_sql.format(row='NEW')}) = 'signed' THEN
            RAISE EXCEPTION '{_SIGNED}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""")
        out.append(f"CREATE TRIGGER trg_{table}_signed BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION ptdesk_guard_{table}()")
    for table in _APPEND_ONLY:
        out.append(f"CREATE TRIGGER trg_{table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION ptdesk_refuse('{_APPEND}')")
    return out


def _drop_triggers() -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        names = [stmt.split()[2] for stmt in _sqlite_triggers()]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]
    out = ["DROP TRIGGER IF EXISTS trg_visits_signed_update ON visits",
           "DROP TRIGGER IF EXISTS trg_visits_signed_delete ON visits"]
    for table in [*_VISIT_ROWS, *(t for t, _ in _INDIRECT_ROWS)]:
        out += [f"DROP TRIGGER IF EXISTS trg_{table}_signed ON {table}",
                f"DROP FUNCTION IF EXISTS ptdesk_guard_{table}()"]
    out += [f"DROP TRIGGER IF EXISTS trg_{t}_append_only ON {t}" for t in _APPEND_ONLY]
    out.append("DROP FUNCTION IF EXISTS ptdesk_refuse()")
    return out

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['clinicians.id'], name=op.f('fk_addenda_author_id_clinicians')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_addenda_visit_id_visits'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addenda'))
    )
    with op.batch_alter_table('addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_addenda_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_addenda_visit_id'), ['visit_id'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), server_default='', nullable=False))

    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_minutes', sa.Integer(), server_default='10', nullable=False))
        batch_op.add_column(sa.Column('backups_kept', sa.Integer(), server_default='14', nullable=False))

    with op.batch_alter_table('clinicians', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), server_default='clinician', nullable=False))
        batch_op.add_column(sa.Column('password_hash', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_visits_signed_by_id'), ['signed_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_visits_signed_by_id_clinicians'), 'clinicians', ['signed_by_id'], ['id'])

    # ### end Alembic commands ###
    with op.batch_alter_table('clinicians', schema=None) as batch_op:
        batch_op.create_check_constraint('role', "role IN ('administrator', 'clinician', 'assistant')")
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.create_check_constraint('lock_minutes', "lock_minutes >= 1 AND lock_minutes <= 120")
        batch_op.create_check_constraint('backups_kept', "backups_kept >= 1 AND backups_kept <= 365")
    # Triggers last: batch rebuilds above would drop them with the old tables.
    dialect = op.get_bind().dialect.name
    statements = _sqlite_triggers() if dialect == "sqlite" else _postgresql_triggers()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    for statement in _drop_triggers():
        op.execute(statement)
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_constraint('backups_kept', type_='check')
        batch_op.drop_constraint('lock_minutes', type_='check')
    with op.batch_alter_table('clinicians', schema=None) as batch_op:
        batch_op.drop_constraint('role', type_='check')
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_visits_signed_by_id_clinicians'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_visits_signed_by_id'))
        batch_op.drop_column('content_hash')
        batch_op.drop_column('signed_by_id')

    with op.batch_alter_table('clinicians', schema=None) as batch_op:
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('last_failed_at')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('password_hash')
        batch_op.drop_column('role')

    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_column('backups_kept')
        batch_op.drop_column('lock_minutes')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')

    with op.batch_alter_table('addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_addenda_visit_id'))
        batch_op.drop_index(batch_op.f('ix_addenda_author_id'))

    op.drop_table('addenda')
    # ### end Alembic commands ###
