"""Migration 0013 on a real SQLite file: signed notes keep verifying, drafts' facts move to the episode, audited.

The database is taken to the revision before 0013 (0007 when this was written; the
schema before the facts had one home) with a note signed as PT Desk then signed it (hash
format 1) and a draft, both disagreeing with their episode; then upgraded as a clinic's
copy would be.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import current_revision, downgrade, upgrade
from ptdesk.db.models import AuditEntry, Episode, NoteEpisodeFacts
from ptdesk.domain import evaluation as ev
from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.services import signing
from ptdesk.services.episode_facts import (
    UPGRADE_ACTOR,
    record_upgrade_merges,
    update_episode_facts,
)
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.services.signing import sign_visit, verify_signed_notes
from ptdesk.services.uow import transaction
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient, provision_accounts
from tests.integration.integrity_helpers import drop_triggers, run_cli

pytestmark = pytest.mark.sqlite_only

DRAFT_DX, DRAFT_CODE, DRAFT_RACE = "Lateral patellar maltracking", "M22.3X1", "Lakeside 10K"


def _rows(db: Path, visit_id: int) -> list[tuple[object, ...]]:
    """Every stored value of one note's visit, subjective and assessment rows."""
    with sqlite3.connect(db) as connection:
        out = []
        for table, key in (("visits", "id"), ("subjective_exams", "visit_id"),
                           ("assessments", "visit_id")):
            out += connection.execute(f"SELECT * FROM {table} WHERE {key} = ?",
                                      (visit_id,)).fetchall()
    connection.close()
    return out


@pytest.fixture
def before_0013(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int, int, int]:
    """(database at the revision before 0013, signed visit id, draft visit id, episode id)."""
    engine = make_engine(db_path)
    upgrade(engine)
    sf = make_session_factory(engine)
    provision_accounts(sf)
    patient = make_patient(sf)
    episode = make_episode(sf, patient.id)  # "Patellofemoral pain syndrome", M22.2X1
    signed = create_visit(sf, actor=ACTOR, episode_id=episode.id, visit_date=date(2026, 10, 2),
                          visit_type="initial_evaluation")
    save_evaluation(sf, actor=ACTOR, visit_id=signed.id, evaluation=full_evaluation())
    monkeypatch.setattr(signing, "HASH_VERSION", 1)  # as releases before 0013 signed
    sign_visit(sf, actor=ACTOR, visit_id=signed.id)
    monkeypatch.undo()
    draft = create_visit(sf, actor=ACTOR, episode_id=episode.id, visit_date=date(2026, 10, 9),
                         visit_type="re_evaluation")
    save_evaluation(sf, actor=ACTOR, visit_id=draft.id, evaluation=ev.Evaluation(
        subjective=ev.SubjectiveFindings(chief_complaint="Better"),
        assessment=ev.AssessmentPlan(problem_list="Hip weakness")))
    # The revision just before 0013 (0012 adds the visit's first-saved day; it was chained
    # between 0007 and 0013 when the branches met).
    downgrade(engine, "0012")
    assert current_revision(engine) == "0012"
    engine.dispose()
    # Before 0013 the draft's own fields hold what the clinician typed there, unlike the episode.
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE assessments SET working_diagnosis = ?, icd10_code = ? "
                           "WHERE visit_id = ?", (DRAFT_DX, DRAFT_CODE, draft.id))
        connection.execute("UPDATE subjective_exams SET onset_date = '2026-07-20', "
                           "goal_race = ?, goal_race_date = '2027-04-11' WHERE visit_id = ?",
                           (DRAFT_RACE, draft.id))
        connection.execute("UPDATE episodes SET onset_date = NULL")
    connection.close()
    return db_path, signed.id, draft.id, episode.id


def test_upgrade_merges_drafts_and_keeps_signed_notes(before_0013, monkeypatch) -> None:
    db, signed_id, draft_id, episode_id = before_0013
    signed_before = _rows(db, signed_id)
    # `ptdesk init` upgrades and, like the app's start-up, writes what 0013 merged into
    # the audit log: the draft, the episode's blanks filled, the snapshots' digest.
    assert run_cli(monkeypatch, ["init", "--db", str(db)]) == 0
    engine = make_engine(db)
    sf = make_session_factory(engine)
    assert record_upgrade_merges(sf) == 0  # once only

    assert _rows(db, signed_id) == signed_before  # no signed row written
    assert run_cli(monkeypatch, ["verify", "--db", str(db)]) == 0  # `ptdesk verify`
    with transaction(sf) as session:
        episode = session.get(Episode, episode_id)
        assert (episode.diagnosis, episode.icd10_code, episode.onset_date, episode.goal_race,
                episode.goal_race_date) == (DRAFT_DX, DRAFT_CODE, date(2026, 7, 20), DRAFT_RACE,
                                            date(2027, 4, 11))
        snapshot = session.scalar(select(NoteEpisodeFacts)
                                  .where(NoteEpisodeFacts.visit_id == signed_id))
        assert snapshot.source == "migration" and snapshot.diagnosis == "Patellofemoral pain"
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.actor == UPGRADE_ACTOR).order_by(AuditEntry.id)).all()
    summaries = [e.summary for e in entries]
    assert len(summaries) == 3, summaries
    draft_entry = next(s for s in summaries if f"draft note of visit {draft_id}" in s)
    for fact in ("diagnosis", "icd-10 code", "onset date", "goal race", "race date"):
        assert fact in draft_entry
    # Which facts differed, never what they say.
    assert not any(DRAFT_DX in s or DRAFT_RACE in s or "Patellofemoral" in s for s in summaries)

    # The draft reads the episode (its own copies are gone); the signed note its snapshot.
    _summary, draft = load_evaluation(sf, actor=ACTOR, visit_id=draft_id)
    assert draft.assessment.working_diagnosis == DRAFT_DX
    assert draft.episode_facts.goal_race == DRAFT_RACE
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT working_diagnosis FROM assessments WHERE visit_id = ?",
                                  (draft_id,)).fetchone() == ("",)
    connection.close()
    _summary, note = load_evaluation(sf, actor=ACTOR, visit_id=signed_id)
    assert note.assessment.working_diagnosis == "Patellofemoral pain"
    assert note.subjective.goal_race == "City Half Marathon"

    # A later episode edit changes neither what the signed note shows nor its hash.
    update_episode_facts(sf, actor=ACTOR, episode_id=episode_id, facts=EpisodeFacts(
        diagnosis="Runner's knee", icd10_code="M22.2X1", affected_side="left"))
    _summary, again = load_evaluation(sf, actor=ACTOR, visit_id=signed_id)
    assert again == note and again.episode_facts == note.episode_facts
    assert verify_signed_notes(sf) == []
    engine.dispose()


def test_a_migrated_snapshot_changed_behind_the_triggers_fails_verify(before_0013) -> None:
    db, signed_id, _draft_id, _episode_id = before_0013
    engine = make_engine(db)
    upgrade(engine)
    sf = make_session_factory(engine)
    record_upgrade_merges(sf)
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE note_episode_facts SET affected_side = 'left'"))
    drop_triggers(engine, "trg_note_episode_facts_%")
    with engine.begin() as connection:
        connection.execute(text("UPDATE note_episode_facts SET affected_side = 'left' "
                                "WHERE visit_id = :v"), {"v": signed_id})
    problems = [p.message for p in verify_signed_notes(sf)]
    assert any("signed before the upgrade were changed" in m for m in problems), problems
    engine.dispose()


def test_a_note_signed_now_freezes_the_episode_facts_inside_its_hash(before_0013) -> None:
    db, _signed_id, draft_id, episode_id = before_0013
    engine = make_engine(db)
    upgrade(engine)
    sf = make_session_factory(engine)
    record_upgrade_merges(sf)
    sign_visit(sf, actor=ACTOR, visit_id=draft_id)
    update_episode_facts(sf, actor=ACTOR, episode_id=episode_id, facts=EpisodeFacts(
        diagnosis="Runner's knee", icd10_code="M22.2X1", affected_side="both"))
    _summary, note = load_evaluation(sf, actor=ACTOR, visit_id=draft_id)
    assert note.episode_facts == EpisodeFacts(DRAFT_DX, DRAFT_CODE, "right", date(2026, 7, 20),
                                              DRAFT_RACE, date(2027, 4, 11))
    assert verify_signed_notes(sf) == []
    drop_triggers(engine, "trg_note_episode_facts_%")
    with engine.begin() as connection:
        connection.execute(text("UPDATE note_episode_facts SET diagnosis = 'Other' "
                                "WHERE visit_id = :v"), {"v": draft_id})
    problems = [p.message for p in verify_signed_notes(sf)]
    assert problems == [f"The signed note of visit {draft_id} was changed after it was signed."]
    engine.dispose()


def test_a_snapshot_cannot_be_replaced_or_added_to_a_signed_note(before_0013) -> None:
    """INSERT OR REPLACE skips delete triggers; the BEFORE INSERT guard still refuses it."""
    db, signed_id, _draft_id, _episode_id = before_0013
    engine = make_engine(db)
    upgrade(engine)
    columns = "visit_id, diagnosis, icd10_code, affected_side, goal_race, source"
    for statement in (
            f"INSERT OR REPLACE INTO note_episode_facts ({columns}) "
            f"VALUES ({signed_id}, 'Other', '', 'left', '', 'signing')",
            f"INSERT OR REPLACE INTO note_episode_facts (id, {columns}) "
            f"VALUES ((SELECT id FROM note_episode_facts), 99, 'Other', '', 'left', '', 'signing')",
            f"DELETE FROM note_episode_facts WHERE visit_id = {signed_id}"):
        with pytest.raises(Exception, match="signed notes cannot be changed|append-only"), \
                engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT diagnosis FROM note_episode_facts")).all() == [
            ("Patellofemoral pain",)]
    engine.dispose()
