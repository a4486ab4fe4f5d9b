"""episodes.baseline_cadence_spm and the clinic's missed-week rule for new run plans

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-06 14:00:00.000000

Adds the clinician-confirmed baseline cadence per episode (empty: the intake cadence,
as before) and three clinic settings for the missed-week step back (75% after 2-3
missed weeks, 50% from 4, as CLINICAL.md and domain/runplan/painrules.py). Existing
rows get the defaults, so nothing printed before changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GAPS = (
    ('gap_short_pct', '75', 'gap_short_pct >= 10 AND gap_short_pct <= 100'),
    ('gap_long_pct', '50', 'gap_long_pct >= 10 AND gap_long_pct <= gap_short_pct'),
    ('gap_long_weeks', '4', 'gap_long_weeks >= 2 AND gap_long_weeks <= 12'),
)
_CADENCE_CHECK = ('baseline_cadence_spm IS NULL OR '
                  '(baseline_cadence_spm >= 120 AND baseline_cadence_spm <= 220)')


def upgrade() -> None:
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        for name, default, _check in _GAPS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default=default,
                                          nullable=False))
        for name, _default, check in _GAPS:
            batch_op.create_check_constraint(name, check)
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline_cadence_spm', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('baseline_cadence_spm', _CADENCE_CHECK)


def downgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_episodes_baseline_cadence_spm'), type_='check')
        batch_op.drop_column('baseline_cadence_spm')
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        for name, _default, _check in _GAPS:
            batch_op.drop_constraint(op.f(f'ck_clinic_settings_{name}'), type_='check')
        for name, _default, _check in reversed(_GAPS):
            batch_op.drop_column(name)
