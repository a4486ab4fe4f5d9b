"""visit record: date of service vs first saved (late entries), draft reminder, visit measures

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 14:00:00.000000

Adds `visits.first_saved_on` (the clinic's day a note was first saved; a date of service
before it makes the note a late entry) with a plain ADD COLUMN: a batch rebuild of
`visits` would drop its guard triggers (0002, 0007), and existing rows are left NULL
("not recorded") so no signed note's row is written. Adds the clinic's unsigned-note
reminder age and chosen outcome measures, and `late_outcomes`: measures recorded for a
visit after its note was signed, kept beside the note (never in it) and append-only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND = "this table is append-only"
_MEASURES = (('measures_every_visit', 'nprs'), ('measures_evaluations', 'lefs'),
             ('measures_patellofemoral', 'kujala'))


def _sqlite_triggers() -> list[tuple[str, str]]:
    out = [(f"trg_late_outcomes_append_only_{event.lower()}",
            f"CREATE TRIGGER trg_late_outcomes_append_only_{event.lower()} BEFORE {event} "
            f"ON late_outcomes BEGIN SELECT RAISE(ABORT, '{_APPEND}'); END")
           for event in ("UPDATE", "DELETE")]
    # INSERT OR REPLACE deletes the old row without firing delete triggers (see 0007).
    out.append(("trg_late_outcomes_no_replace",
                "CREATE TRIGGER trg_late_outcomes_no_replace BEFORE INSERT ON late_outcomes "
                "WHEN EXISTS (SELECT 1 FROM late_outcomes WHERE id = NEW.id OR "
                "(visit_id = NEW.visit_id AND measure = NEW.measure)) "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND}'); END"))
    return out


def upgrade() -> None:
    op.add_column('visits', sa.Column('first_saved_on', sa.Date(), nullable=True))
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stale_draft_days', sa.Integer(), server_default='3',
                                      nullable=False))
        for name, default in _MEASURES:
            batch_op.add_column(sa.Column(name, sa.String(length=40), server_default=default,
                                          nullable=False))
        batch_op.create_check_constraint('stale_draft_days',
                                         'stale_draft_days >= 1 AND stale_draft_days <= 60')
    op.create_table(
        'late_outcomes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('measure', sa.String(length=10), nullable=False),
        sa.Column('total', sa.Float(), nullable=False),
        sa.Column('max_total', sa.Float(), nullable=False),
        sa.Column('missing_items', sa.Integer(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('entered_on', sa.Date(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('author_name', sa.String(length=200), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint("measure IN ('nprs', 'lefs', 'kujala', 'psfs')",
                           name=op.f('ck_late_outcomes_measure')),
        sa.CheckConstraint('total >= 0 AND total <= max_total',
                           name=op.f('ck_late_outcomes_total')),
        sa.CheckConstraint('missing_items >= 0', name=op.f('ck_late_outcomes_missing_items')),
        sa.ForeignKeyConstraint(['author_id'], ['clinicians.id'],
                                name=op.f('fk_late_outcomes_author_id_clinicians')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ondelete='CASCADE',
                                name=op.f('fk_late_outcomes_patient_id_patients')),
        sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ondelete='RESTRICT',
                                name=op.f('fk_late_outcomes_visit_id_visits')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_late_outcomes')),
        sa.UniqueConstraint('visit_id', 'measure', name='uq_late_outcomes_visit_measure'),
    )
    with op.batch_alter_table('late_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_late_outcomes_author_id'), ['author_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_late_outcomes_patient_id'), ['patient_id'],
                              unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for _name, statement in _sqlite_triggers():
            op.execute(statement)
    else:
        op.execute("CREATE TRIGGER trg_late_outcomes_append_only BEFORE UPDATE OR DELETE ON "
                   "late_outcomes FOR EACH ROW EXECUTE FUNCTION ptdesk_refuse('"
                   f"{_APPEND}')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, _statement in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_late_outcomes_append_only ON late_outcomes")
    with op.batch_alter_table('late_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_late_outcomes_patient_id'))
        batch_op.drop_index(batch_op.f('ix_late_outcomes_author_id'))
    op.drop_table('late_outcomes')
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_clinic_settings_stale_draft_days'), type_='check')
        for name, _default in reversed(_MEASURES):
            batch_op.drop_column(name)
        batch_op.drop_column('stale_draft_days')
    # A plain DROP COLUMN (SQLite 3.35+) keeps the visits table and its guard triggers.
    op.drop_column('visits', 'first_saved_on')
