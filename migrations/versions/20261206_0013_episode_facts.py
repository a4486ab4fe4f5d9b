"""episode facts in one place: goal race on the episode, signed notes' snapshot, draft merge

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 13:30:00.000000

Onset date, diagnosis and ICD-10 code, affected side, goal race and race date live on the
episode while a note is a draft; signing freezes them in `note_episode_facts` (issue 18).
This revision merges what exists without writing to any signed visit's rows:
- every signed note gets its snapshot: the values its own sections hold, the episode's
  for the rest (source "migration");
- a draft note's values win on its episode where the two differ (drafts in visit order,
  so the latest wins); the draft's own copies are then cleared (one place);
- blanks of the episode (the goal race is new here) are filled from its signed notes;
- each difference is listed in `episode_fact_merges` (fact names only, never values),
  which PT Desk writes into the keyed audit log at its next start
  (services/episode_facts.record_upgrade_merges), with a digest of the snapshots made
  here, which verify re-checks: a migration has no audit key, and an entry appended
  here would break the chain's seal.
The snapshot table is append-only, like addenda.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND = "this table is append-only"
_SIGNED = "signed notes cannot be changed; add an addendum"
_TABLE = "note_episode_facts"
# fact -> (note table, column); affected side is only ever the episode's.
_NOTE_COLUMNS = {
    "diagnosis": ("assessments", "working_diagnosis"),
    "icd10_code": ("assessments", "icd10_code"),
    "onset_date": ("subjective_exams", "onset_date"),
    "goal_race": ("subjective_exams", "goal_race"),
    "goal_race_date": ("subjective_exams", "goal_race_date"),
}
_FACTS = ("diagnosis", "icd10_code", "affected_side", "onset_date", "goal_race",
          "goal_race_date")


def _sqlite_triggers() -> list[tuple[str, str]]:
    out = [(f"trg_{_TABLE}_append_only_{event.lower()}",
            f"CREATE TRIGGER trg_{_TABLE}_append_only_{event.lower()} BEFORE {event} ON {_TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{_APPEND}'); END") for event in ("UPDATE", "DELETE")]
    # Before the row goes in, whatever the connection's pragmas: no replacing a snapshot
    # (INSERT OR REPLACE skips delete triggers) and none added to an already signed note.
    out.append((f"trg_{_TABLE}_insert",
                f"CREATE TRIGGER trg_{_TABLE}_insert BEFORE INSERT ON {_TABLE} "
                f"WHEN EXISTS (SELECT 1 FROM {_TABLE} WHERE id = NEW.id OR visit_id = NEW.visit_id) "
                f"OR (SELECT status FROM visits WHERE id = NEW.visit_id) = 'signed' "
                f"BEGIN SELECT RAISE(ABORT, '{_SIGNED}'); END"))
    return out


def _postgresql_triggers() -> list[tuple[str, str]]:
    return [
        (f"DROP TRIGGER IF EXISTS trg_{_TABLE}_append_only ON {_TABLE}",
         f"CREATE TRIGGER trg_{_TABLE}_append_only BEFORE UPDATE OR DELETE ON {_TABLE} "
         f"FOR EACH ROW EXECUTE FUNCTION ptdesk_refuse('{_APPEND}')"),
        (f"DROP FUNCTION IF EXISTS ptdesk_guard_{_TABLE}()",
         f"""CREATE FUNCTION ptdesk_guard_{_TABLE}() RETURNS trigger AS $$
         BEGIN
           IF (SELECT status FROM visits WHERE id = NEW.visit_id) = 'signed' THEN
             RAISE EXCEPTION '{_SIGNED}' USING ERRCODE = 'integrity_constraint_violation';
           END IF;
           RETURN NEW;
         END $$ LANGUAGE plpgsql"""),
        (f"DROP TRIGGER IF EXISTS trg_{_TABLE}_insert ON {_TABLE}",
         f"CREATE TRIGGER trg_{_TABLE}_insert BEFORE INSERT ON {_TABLE} FOR EACH ROW "
         f"EXECUTE FUNCTION ptdesk_guard_{_TABLE}()"),
    ]


def _triggers() -> list[tuple[str, str]]:
    """(drop statement, create statement) for this dialect."""
    if op.get_bind().dialect.name == "sqlite":
        return [(f"DROP TRIGGER IF EXISTS {name}", create)
                for name, create in _sqlite_triggers()]
    return _postgresql_triggers()


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goal_race', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('goal_race_date', sa.Date(), nullable=True))
    op.create_table(
        _TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('diagnosis', sa.String(length=300), nullable=False),
        sa.Column('icd10_code', sa.String(length=10), nullable=False),
        sa.Column('affected_side', sa.String(length=10), nullable=False),
        sa.Column('onset_date', sa.Date(), nullable=True),
        sa.Column('goal_race', sa.String(length=200), nullable=False),
        sa.Column('goal_race_date', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.CheckConstraint("affected_side IN ('left', 'right', 'both')",
                           name=op.f('ck_note_episode_facts_affected_side')),
        sa.CheckConstraint("source IN ('signing', 'migration')",
                           name=op.f('ck_note_episode_facts_source')),
        sa.ForeignKeyConstraint(['visit_id'], ['visits.id'],
                                name=op.f('fk_note_episode_facts_visit_id_visits'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_note_episode_facts')),
        sa.UniqueConstraint('visit_id', name=op.f('uq_note_episode_facts_visit_id')),
    )
    op.create_table(
        'episode_fact_merges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('episode_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('facts', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_episode_fact_merges')),
    )
    _merge(op.get_bind())
    for _drop, create in _triggers():
        op.execute(create)


def _note_values(bind: sa.Connection) -> dict[int, dict[str, Any]]:
    """visit id -> the facts its own sections hold (filled ones only)."""
    out: dict[int, dict[str, Any]] = {}
    for table in ("assessments", "subjective_exams"):
        names = [(fact, column) for fact, (t, column) in _NOTE_COLUMNS.items() if t == table]
        rows = bind.execute(sa.text(
            f"SELECT visit_id, {', '.join(c for _f, c in names)} FROM {table}")).all()
        for row in rows:
            found = out.setdefault(row[0], {})
            for (fact, _column), value in zip(names, row[1:], strict=True):
                if value not in (None, ""):
                    found[fact] = value.strip().upper() if fact == "icd10_code" else value
    return out


def _merge(bind: sa.Connection) -> None:
    episodes = {row[0]: dict(zip(_FACTS, row[1:], strict=True)) for row in bind.execute(sa.text(
        f"SELECT id, {', '.join(_FACTS)} FROM episodes")).all()}
    # A signed note froze what it held itself; the rest from the episode as it stood
    # before this merge (the nearest known to what was shown when it was signed).
    before = {eid: dict(values) for eid, values in episodes.items()}
    changed: set[int] = set()
    in_notes = _note_values(bind)
    snapshots: list[dict[str, Any]] = []
    merges: list[dict[str, Any]] = []
    visits = bind.execute(sa.text(
        "SELECT id, episode_id, patient_id, status FROM visits ORDER BY visit_date, id")).all()
    for visit_id, episode_id, patient_id, status in visits:
        episode = episodes[episode_id]
        note = in_notes.get(visit_id, {})
        if status == "signed":
            snapshots.append({"visit_id": visit_id, **before[episode_id], **note})
            # A blank of the episode (the goal race is new) is filled from its notes.
            wins = {f: v for f, v in note.items() if episode[f] in (None, "")}
        else:
            wins = {f: v for f, v in note.items() if episode[f] != v}  # the draft's text wins
        if wins:
            episode.update(wins)
            changed.add(episode_id)
            merges.append({"v": visit_id, "e": episode_id, "p": patient_id,
                           "f": ("draft:" if status != "signed" else "signed:")
                           + ",".join(sorted(wins))})
    if snapshots:  # one statement for all: a clinic has hundreds of thousands of notes
        bind.execute(sa.text(
            f"INSERT INTO {_TABLE} (visit_id, {', '.join(_FACTS)}, source) VALUES "
            f"(:visit_id, {', '.join(':' + f for f in _FACTS)}, 'migration')"), snapshots)
        # PT Desk's next start records the snapshots' digest in the audit log.
        merges.append({"v": 0, "e": 0, "p": 0, "f": "snapshots:"})
    if merges:
        bind.execute(sa.text(
            "INSERT INTO episode_fact_merges (visit_id, episode_id, patient_id, facts) "
            "VALUES (:v, :e, :p, :f)"), merges)
    if changed:
        bind.execute(sa.text(
            "UPDATE episodes SET diagnosis = :diagnosis, icd10_code = :icd10_code, "
            "onset_date = :onset_date, goal_race = :goal_race, goal_race_date = :goal_race_date "
            "WHERE id = :id"), [{"id": eid, **{f: episodes[eid][f] for f in _NOTE_COLUMNS}}
                                for eid in sorted(changed)])
    # The drafts' own copies go: from now on the episode holds these facts.
    draft = "visit_id IN (SELECT id FROM visits WHERE status <> 'signed')"
    bind.execute(sa.text("UPDATE subjective_exams SET onset_date = NULL, goal_race = '', "
                         f"goal_race_date = NULL WHERE {draft}"))
    bind.execute(sa.text("UPDATE assessments SET working_diagnosis = '', icd10_code = '' "
                         f"WHERE {draft}"))


def downgrade() -> None:
    for drop, _create in reversed(_triggers()):
        op.execute(drop)
    # Drafts get their episode's facts back in their own (blank) fields; signed rows untouched.
    bind = op.get_bind()
    for fact, (table, column) in _NOTE_COLUMNS.items():
        blank = f"{column} IS NULL" if column.endswith("date") else f"{column} = ''"
        bind.execute(sa.text(
            f"UPDATE {table} SET {column} = (SELECT e.{fact} FROM episodes e JOIN visits v "
            f"ON v.episode_id = e.id WHERE v.id = {table}.visit_id) WHERE visit_id IN "
            f"(SELECT id FROM visits WHERE status <> 'signed') AND {blank}"))
    op.drop_table('episode_fact_merges')
    op.drop_table(_TABLE)
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_column('goal_race_date')
        batch_op.drop_column('goal_race')
