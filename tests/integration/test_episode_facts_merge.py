"""Migration 0013's merge on SQLite and PostgreSQL alike: drafts' facts move, signed notes verify."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from ptdesk.db.engine import make_engine, make_session_factory
from ptdesk.db.migrate import downgrade, upgrade
from ptdesk.db.models import Episode
from ptdesk.domain import evaluation as ev
from ptdesk.services import signing
from ptdesk.services.audit import log as audit
from ptdesk.services.episode_facts import record_upgrade_merges
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.services.signing import sign_visit, verify_signed_notes
from ptdesk.services.uow import transaction
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient, provision_accounts


def test_the_merge_keeps_the_drafts_text_and_every_signature(
        blank_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(blank_db_url)
    upgrade(engine)
    sf = make_session_factory(engine)
    provision_accounts(sf)
    patient = make_patient(sf)
    episode = make_episode(sf, patient.id)
    signed = create_visit(sf, actor=ACTOR, episode_id=episode.id, visit_date=date(2026, 10, 2),
                          visit_type="initial_evaluation")
    save_evaluation(sf, actor=ACTOR, visit_id=signed.id, evaluation=full_evaluation())
    monkeypatch.setattr(signing, "HASH_VERSION", 1)  # as releases before 0013 signed
    sign_visit(sf, actor=ACTOR, visit_id=signed.id)
    monkeypatch.undo()
    draft = create_visit(sf, actor=ACTOR, episode_id=episode.id, visit_date=date(2026, 10, 9),
                         visit_type="re_evaluation")
    save_evaluation(sf, actor=ACTOR, visit_id=draft.id, evaluation=ev.Evaluation(
        assessment=ev.AssessmentPlan(problem_list="Hip weakness")))
    downgrade(engine, "0013-1")
    with engine.begin() as connection:
        connection.execute(text("UPDATE assessments SET working_diagnosis = 'Maltracking', "
                                "icd10_code = 'm22.3x1' WHERE visit_id = :v"), {"v": draft.id})

    upgrade(engine)
    assert record_upgrade_merges(sf) >= 2
    assert verify_signed_notes(sf) == [] and audit.verify_chain(sf).ok
    with transaction(sf) as session:
        row = session.scalar(select(Episode).where(Episode.id == episode.id))
        assert (row.diagnosis, row.icd10_code) == ("Maltracking", "M22.3X1")
    _summary, note = load_evaluation(sf, actor=ACTOR, visit_id=signed.id)
    assert note.episode_facts is not None
    assert note.episode_facts.diagnosis == "Patellofemoral pain"  # what it was signed with
    engine.dispose()
