"""Visits and evaluation sections round-trip through the services, one transaction per save."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from ptdesk.db.models import KneeExam, Visit
from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.outcomes import KUJALA_ITEM_KEYS
from ptdesk.services.episodes import active_episode, list_episodes
from ptdesk.services.errors import ConflictError, RecordLockedError
from ptdesk.services.evaluations import (
    carry_forward,
    create_visit,
    list_visits,
    load_evaluation,
    save_evaluation,
)
from ptdesk.services.outcomes import list_outcomes, record_outcome
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient


@pytest.fixture
def visit(session_factory):
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    return create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                        visit_date=date(2026, 10, 2), visit_type="initial_evaluation")


def test_episode_with_goals(session_factory, visit) -> None:
    episode = active_episode(session_factory, visit.patient_id, actor=ACTOR)
    assert episode is not None and episode.icd10_code == "M22.2X1"
    assert [g.description for g in episode.goals] == ["Run 10 miles without knee pain"]
    assert len(list_episodes(session_factory, visit.patient_id, actor=ACTOR)) == 1


def test_every_section_round_trips(session_factory, visit) -> None:
    evaluation = full_evaluation()
    saved = save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=evaluation)
    assert saved.version == visit.version + 1
    _, loaded = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert loaded == evaluation


def test_saving_again_replaces_sections(session_factory, visit) -> None:
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    smaller = replace(full_evaluation(), knees=(ev.KneeFindings("left", 120),), gait=None)
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=smaller)
    _, loaded = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert loaded == smaller
    with session_factory() as session:
        assert len(session.scalars(select(KneeExam)).all()) == 1


def test_invalid_section_saves_nothing(session_factory, visit) -> None:
    bad = replace(full_evaluation(), gait=ev.GaitFindings(cadence_spm=20))
    with pytest.raises(ValidationError) as info:
        save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=bad)
    assert info.value.field == "gait.cadence_spm"
    _, loaded = load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert loaded == ev.Evaluation()


def test_stale_save_is_a_conflict(session_factory, visit) -> None:
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation(),
                    expected_version=visit.version)
    with pytest.raises(ConflictError):
        save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                        evaluation=ev.Evaluation(), expected_version=visit.version)


def test_signed_visit_cannot_be_changed(session_factory, visit) -> None:
    with session_factory.begin() as session:
        session.get(Visit, visit.id).status = "signed"  # signing lands with the integrity issue
    with pytest.raises(RecordLockedError):
        save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())


def test_follow_up_carries_forward_objective_values(session_factory, visit) -> None:
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=full_evaluation())
    follow = create_visit(session_factory, actor=ACTOR, episode_id=visit.episode_id,
                          visit_date=date(2026, 10, 9), visit_type="follow_up")
    carried = carry_forward(session_factory, actor=ACTOR, patient_id=visit.patient_id,
                            before_visit_id=follow.id)
    assert carried.strength == full_evaluation().strength
    assert carried.gait == full_evaluation().gait
    assert carried.subjective is None and carried.assessment is None
    visits = list_visits(session_factory, visit.patient_id, actor=ACTOR)
    assert [v.id for v in visits] == [follow.id, visit.id]


def test_visit_before_birth_refused(session_factory, visit) -> None:
    with pytest.raises(ValidationError) as info:
        create_visit(session_factory, actor=ACTOR, episode_id=visit.episode_id,
                     visit_date=date(1980, 1, 1), visit_type="follow_up")
    assert info.value.field == "visit_date"


def test_outcomes_are_scored_and_listed(session_factory, visit) -> None:
    lefs = record_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="lefs",
                          items=[3] * 20)
    assert lefs.total == 60 and lefs.max_total == 80 and len(lefs.items) == 20
    kujala = record_outcome(
        session_factory, actor=ACTOR, visit_id=visit.id, measure="kujala",
        items=dict.fromkeys(KUJALA_ITEM_KEYS, 0),
    )
    assert kujala.total == 100
    record_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="nprs", items=[4])
    psfs = record_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="psfs",
                          items=[("Run 5 km", 3), ("Stairs", 6)])
    assert psfs.total == 4.5
    with pytest.raises(ValidationError):
        record_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="lefs",
                       items=[3] * 19 + [None])
    partial = record_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="lefs",
                             items=[3] * 19 + [None], allow_missing=True)
    assert partial.missing_items == 1 and partial.total == 57  # the raw sum is what is stored
    assert partial.reading is not None and partial.reading.total == 60  # prorated when read
    assert partial.score_text == "60/80 (prorated)"
    measures = [r.measure for r in list_outcomes(session_factory, visit.patient_id, actor=ACTOR)]
    assert sorted(measures) == ["kujala", "lefs", "nprs", "psfs"]
