"""imported runs: summary numbers from watch files, and whether the pain answers are in

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-06 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('run_logs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('moving_s', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('distance_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('elevation_gain_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('cadence_spm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('avg_hr_bpm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('pain_answered', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.create_check_constraint(
            'source', "source IS NULL OR source IN ('fit', 'gpx', 'tcx')")


def downgrade() -> None:
    with op.batch_alter_table('run_logs', schema=None) as batch_op:
        batch_op.drop_constraint('source', type_='check')
        batch_op.drop_column('pain_answered')
        batch_op.drop_column('avg_hr_bpm')
        batch_op.drop_column('cadence_spm')
        batch_op.drop_column('elevation_gain_m')
        batch_op.drop_column('distance_m')
        batch_op.drop_column('moving_s')
        batch_op.drop_column('started_at')
        batch_op.drop_column('source')
