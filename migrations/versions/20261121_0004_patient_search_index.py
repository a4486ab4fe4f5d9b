"""patient search: covering (first_name_key, last_name_key) index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 22:30:00.000000

A first-name prefix match used to fetch every matching row from the table just to sort
by last name; with both keys in one index the search reads only the index and fetches
the one page it shows. The single-column first-name index it replaces is a prefix of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_patients_first_last_key', 'patients',
                    ['first_name_key', 'last_name_key'], unique=False)
    op.drop_index('ix_patients_first_key', table_name='patients')


def downgrade() -> None:
    op.create_index('ix_patients_first_key', 'patients', ['first_name_key'], unique=False)
    op.drop_index('ix_patients_first_last_key', table_name='patients')
