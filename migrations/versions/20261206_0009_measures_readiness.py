"""measures and readiness: the episode's injured ankle side, readiness exams, clinic thresholds

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:00:00.000000

Fills `episodes.injured_ankle_side` for existing episodes by the same rule as the
pre-fill (exactly one distinct prior injury of the episode's visits names the ankle),
leaving it empty when unknown. Only the episodes table is written: signed notes'
rows are never touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQUAT = "('good', 'knee_valgus', 'pelvic_drop', 'trunk_lean')"
_THRESHOLDS = (
    ('ankle_k2w_diff_cm', sa.Float(), '2.0', 'ankle_k2w_diff_cm >= 0.5 AND ankle_k2w_diff_cm <= 10'),
    ('ankle_balance_closed_s', sa.Float(), '10.0',
     'ankle_balance_closed_s >= 1 AND ankle_balance_closed_s <= 120'),
    ('ankle_heel_raise_lsi', sa.Float(), '90.0',
     'ankle_heel_raise_lsi >= 50 AND ankle_heel_raise_lsi <= 100'),
    ('ready_walk_min', sa.Integer(), '30', 'ready_walk_min >= 5 AND ready_walk_min <= 120'),
    ('ready_hops', sa.Integer(), '15', 'ready_hops >= 1 AND ready_hops <= 100'),
    ('ready_heel_raises', sa.Integer(), '20', 'ready_heel_raises >= 1 AND ready_heel_raises <= 100'),
    ('ready_hop_lsi', sa.Float(), '90.0', 'ready_hop_lsi >= 50 AND ready_hop_lsi <= 100'),
)


def _range(column: str, low: int, high: int) -> sa.CheckConstraint:
    return sa.CheckConstraint(f'{column} IS NULL OR ({column} >= {low} AND {column} <= {high})',
                              name=op.f(f'ck_readiness_exams_{column.replace("_cm", "")}'))


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('injured_ankle_side', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint(
            'injured_ankle_side',
            "injured_ankle_side IS NULL OR injured_ankle_side IN ('left', 'right', 'both')")
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        for name, kind, default, _check in _THRESHOLDS:
            batch_op.add_column(sa.Column(name, kind, server_default=default, nullable=False))
        for name, _kind, _default, check in _THRESHOLDS:
            batch_op.create_check_constraint(name, check)
    op.create_table(
        'readiness_exams',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('brisk_walk_min', sa.Integer(), nullable=True),
        sa.Column('hops_left', sa.Integer(), nullable=True),
        sa.Column('hops_right', sa.Integer(), nullable=True),
        sa.Column('heel_raises_left', sa.Integer(), nullable=True),
        sa.Column('heel_raises_right', sa.Integer(), nullable=True),
        sa.Column('squat_left', sa.String(length=12), nullable=True),
        sa.Column('squat_right', sa.String(length=12), nullable=True),
        sa.Column('single_hop_cm_left', sa.Float(), nullable=True),
        sa.Column('single_hop_cm_right', sa.Float(), nullable=True),
        sa.Column('triple_hop_cm_left', sa.Float(), nullable=True),
        sa.Column('triple_hop_cm_right', sa.Float(), nullable=True),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('brisk_walk_min IS NULL OR (brisk_walk_min >= 0 AND brisk_walk_min <= 300)',
                           name=op.f('ck_readiness_exams_brisk_walk')),
        _range('hops_left', 0, 500), _range('hops_right', 0, 500),
        _range('heel_raises_left', 0, 200), _range('heel_raises_right', 0, 200),
        sa.CheckConstraint(f'squat_left IS NULL OR squat_left IN {_SQUAT}',
                           name=op.f('ck_readiness_exams_squat_left')),
        sa.CheckConstraint(f'squat_right IS NULL OR squat_right IN {_SQUAT}',
                           name=op.f('ck_readiness_exams_squat_right')),
        _range('single_hop_cm_left', 0, 400), _range('single_hop_cm_right', 0, 400),
        _range('triple_hop_cm_left', 0, 1500), _range('triple_hop_cm_right', 0, 1500),
        sa.ForeignKeyConstraint(['visit_id'], ['visits.id'],
                                name=op.f('fk_readiness_exams_visit_id_visits'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_exams')),
        sa.UniqueConstraint('visit_id', name=op.f('uq_readiness_exams_visit_id')),
    )
    _fill_ankle_sides()


def _fill_ankle_sides() -> None:
    """The pre-fill rule, frozen here as shipped history (domain/involved_side.py is live code)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT v.episode_id, p.description, p.side FROM prior_injuries p "
        "JOIN subjective_exams s ON s.id = p.subjective_id "
        "JOIN visits v ON v.id = s.visit_id ORDER BY v.episode_id, p.id")).all()
    found: dict[int, set[tuple[str, str]]] = {}
    for episode_id, description, side in rows:
        if 'ankle' in description.casefold():
            found.setdefault(episode_id, set()).add((' '.join(description.casefold().split()), side))
    episodes = sa.table('episodes', sa.column('id', sa.Integer()),
                        sa.column('injured_ankle_side', sa.String()))
    for episode_id, injuries in found.items():
        if len(injuries) == 1:
            (_, side), = injuries
            if side in ('left', 'right', 'both'):
                bind.execute(episodes.update().where(episodes.c.id == episode_id)
                             .values(injured_ankle_side=side))


def downgrade() -> None:
    op.drop_table('readiness_exams')
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        for name, _kind, _default, _check in _THRESHOLDS:
            batch_op.drop_constraint(op.f(f'ck_clinic_settings_{name}'), type_='check')
        for name, _kind, _default, _check in reversed(_THRESHOLDS):
            batch_op.drop_column(name)
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_episodes_injured_ankle_side'), type_='check')
        batch_op.drop_column('injured_ankle_side')
