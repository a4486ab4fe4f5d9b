"""clinic backup settings: offer the daily backup on close, and the backup folder

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backup_on_close', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('backup_folder', sa.String(length=1000),
                                      server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_column('backup_folder')
        batch_op.drop_column('backup_on_close')
