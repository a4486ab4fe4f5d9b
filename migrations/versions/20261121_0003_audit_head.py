"""audit head: serializes audit appends and anchors the chain's end

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 20:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEEP = "the audit head row cannot be deleted"


def upgrade() -> None:
    op.create_table(
        'audit_head',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('entries', sa.Integer(), server_default='0', nullable=False),
        sa.Column('last_id', sa.Integer(), server_default='0', nullable=False),
        sa.Column('last_hash', sa.String(length=64), server_default='', nullable=False),
        sa.Column('legacy_through', sa.Integer(), server_default='0', nullable=False),
        sa.Column('head_mac', sa.String(length=64), server_default='', nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head')),
    )
    # Entries written before this revision have no hashes; the first chained append
    # folds them in (it needs the key, which lives outside the database).
    op.execute(
        "INSERT INTO audit_head (id, entries, last_id, last_hash, legacy_through, head_mac) "
        "SELECT 1, COUNT(*), COALESCE(MAX(id), 0), '', COALESCE(MAX(id), 0), '' FROM audit_log"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER trg_audit_head_keep BEFORE DELETE ON audit_head "
                   f"BEGIN SELECT RAISE(ABORT, '{_KEEP}'); END")
    else:
        op.execute("CREATE FUNCTION ptdesk_keep_audit_head() RETURNS trigger AS $$ "
                   f"BEGIN RAISE EXCEPTION '{_KEEP}' USING ERRCODE = 'integrity_constraint_violation'; "
                   "END $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER trg_audit_head_keep BEFORE DELETE ON audit_head "
                   "FOR EACH ROW EXECUTE FUNCTION ptdesk_keep_audit_head()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS trg_audit_head_keep")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_audit_head_keep ON audit_head")
        op.execute("DROP FUNCTION IF EXISTS ptdesk_keep_audit_head()")
    op.drop_table('audit_head')
