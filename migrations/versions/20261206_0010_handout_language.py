"""patients.handout_language: the language a patient's handouts print in (en, es)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every existing patient reads English until the clinician says otherwise.
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handout_language', sa.String(length=2),
                                      server_default='en', nullable=False))
        batch_op.create_check_constraint('handout_language',
                                         "handout_language IN ('en', 'es')")


def downgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_constraint('handout_language', type_='check')
        batch_op.drop_column('handout_language')
