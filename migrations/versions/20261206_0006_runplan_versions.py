"""run plan versions (re-plan keeps past weeks), pause, and the stiff-settled answer

Revision ID: 0006
Revises: 0010
Create Date: 2026-12-06 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_MORNING = "next_morning IN ('better', 'same', 'stiff-settled', 'worse')"
OLD_MORNING = "next_morning IN ('better', 'same', 'worse')"


def upgrade() -> None:
    with op.batch_alter_table('run_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_version', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('from_week', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('paused', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_run_plans_replaces_id'), ['replaces_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_run_plans_replaces_id_run_plans'),
                                    'run_plans', ['replaces_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('run_plan_weeks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_version', sa.Integer(), server_default='1',
                                      nullable=False))
    with op.batch_alter_table('run_logs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_run_logs_next_morning'), type_='check')
        batch_op.alter_column('next_morning', existing_type=sa.String(length=8),
                              type_=sa.String(length=16), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_run_logs_next_morning'), NEW_MORNING)


def downgrade() -> None:
    # A "stiff-settled" answer becomes "same" (the nearest older answer) so it fits again.
    op.execute("UPDATE run_logs SET next_morning = 'same' WHERE next_morning = 'stiff-settled'")
    with op.batch_alter_table('run_logs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_run_logs_next_morning'), type_='check')
        batch_op.alter_column('next_morning', existing_type=sa.String(length=16),
                              type_=sa.String(length=8), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_run_logs_next_morning'), OLD_MORNING)
    with op.batch_alter_table('run_plan_weeks', schema=None) as batch_op:
        batch_op.drop_column('plan_version')
    with op.batch_alter_table('run_plans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_run_plans_replaces_id_run_plans'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_run_plans_replaces_id'))
        batch_op.drop_column('paused')
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('from_week')
        batch_op.drop_column('plan_version')
