"""carry_forward_all: each section from the latest earlier visit that charted it; never the red-flag screen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ptdesk.db.engine import SessionFactory
from ptdesk.domain import evaluation as ev
from ptdesk.domain.carry import carried_subjective
from ptdesk.services.carry import carry_forward_all, confirm_carried
from ptdesk.services.evaluations import create_visit, save_evaluation
from tests.factories import ACTOR, audit_entries, full_evaluation, make_episode, make_patient


def test_each_section_comes_from_the_latest_visit_that_has_it(
        session_factory: SessionFactory) -> None:
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    first = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 11, 12), visit_type="initial_evaluation")
    save_evaluation(session_factory, actor=ACTOR, visit_id=first.id, evaluation=full_evaluation())
    # A follow-up re-measures strength only and logs today's pain.
    follow = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                          visit_date=date(2026, 11, 19), visit_type="follow_up")
    stronger = (ev.StrengthMeasurement("hip_abduction", "right", "dynamometer", value=16.0,
                                       unit="kg"),)
    save_evaluation(session_factory, actor=ACTOR, visit_id=follow.id, evaluation=ev.Evaluation(
        subjective=ev.SubjectiveFindings(nprs_now=1, red_flags_screened=True),
        strength=stronger))
    today = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 11, 26), visit_type="re_evaluation")
    carried = carry_forward_all(session_factory, actor=ACTOR, patient_id=patient.id,
                                before_visit_id=today.id)
    full = full_evaluation()
    assert carried.sources == {"subjective": date(2026, 11, 12), "knees": date(2026, 11, 12),
                               "special_tests": date(2026, 11, 12),
                               "ankles": date(2026, 11, 12), "strength": date(2026, 11, 19),
                               "gait": date(2026, 11, 12), "assessment": date(2026, 11, 12)}
    assert carried.evaluation == replace(
        ev.Evaluation(), subjective=carried_subjective(full.subjective), knees=full.knees,
        special_tests=full.special_tests, ankles=full.ankles, strength=stronger,
        gait=full.gait, assessment=full.assessment)
    subjective = carried.evaluation.subjective
    assert subjective is not None and not subjective.red_flags_screened
    assert subjective.red_flags_notes == "" and subjective.nprs_now is None
    assert subjective.prior_injuries == full.subjective.prior_injuries  # type: ignore[union-attr]


def test_confirmation_is_audited_with_the_field_names(session_factory: SessionFactory) -> None:
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 11, 12), visit_type="follow_up")
    confirm_carried(session_factory, actor=ACTOR, visit_id=visit.id,
                    labels=("Knee flexion, left (5 Nov)",))
    assert any(e.summary == "carried-forward values confirmed as current (1): "
               "Knee flexion, left (5 Nov)" for e in audit_entries(session_factory, user=ACTOR))
