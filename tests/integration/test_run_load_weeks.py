"""load_view: weeks start on the plan's weekday (drawn against plan weeks), runs before it kept."""

from __future__ import annotations

from datetime import date, timedelta

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services.run_load import load_view
from ptdesk.services.runlogs import log_run
from ptdesk.services.runplans import save_plan
from tests.factories import ACTOR, make_patient

PLAN_START = date(2026, 6, 10)  # a Wednesday
TODAY = date(2026, 7, 1)


def test_weeks_line_up_with_a_plan_that_starts_midweek(session_factory: SessionFactory) -> None:
    patient_id = make_patient(session_factory).id
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=30, start=PLAN_START))
    # Monday 1 June (before the plan, 9 days earlier) and runs in plan weeks 1 and 2.
    for day, minutes in ((date(2026, 6, 1), 20), (PLAN_START, 10),
                         (PLAN_START + timedelta(days=6), 12), (PLAN_START + timedelta(7), 11)):
        log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=day,
                amount=minutes, kind="continuous", pain_during=0, next_morning="same",
                today=TODAY)
    view = load_view(session_factory, patient_id, actor=ACTOR, end=date(2026, 6, 20))
    starts = [w.start for w in view.report.weeks]
    assert all(s.weekday() == PLAN_START.weekday() for s in starts)
    assert PLAN_START in starts and starts[0] == date(2026, 5, 27)  # the run of 1 June kept
    by_start = {w.start: w.total for w in view.report.weeks}
    assert by_start[PLAN_START] == 22.0  # Wednesday to Tuesday: 10 + 12
    assert by_start[PLAN_START + timedelta(7)] == 11.0
    assert sum(by_start.values()) == 53.0
    assert [r.amount for r in view.runs] == [20.0, 10.0, 12.0, 11.0]


def test_the_cadence_target_is_the_baseline_raised_never_compounded(
        session_factory: SessionFactory) -> None:
    import dataclasses

    from ptdesk.domain import evaluation as ev
    from ptdesk.services import evaluations
    from ptdesk.services.handouts import cadence_target
    from tests.factories import full_evaluation, make_episode

    patient_id = make_patient(session_factory).id
    episode = make_episode(session_factory, patient_id, start=date(2026, 5, 20))
    for day, spm, pct in ((date(2026, 5, 25), 160, 7.5), (date(2026, 6, 20), 172, 5.0)):
        visit = evaluations.create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                                         visit_date=day, visit_type="initial_evaluation"
                                         if spm == 160 else "re_evaluation")
        base = full_evaluation()
        evaluations.save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                                    evaluation=dataclasses.replace(base, gait=dataclasses.replace(
                                        base.gait or ev.GaitFindings(), cadence_spm=spm,
                                        cadence_target_pct=pct)))
    view = load_view(session_factory, patient_id, actor=ACTOR)
    # 160 x 1.05 = 168 (the baseline, the latest increase), not 172 x 1.05 = 180.6.
    assert view.cadence_target == 168.0
    assert view.cadence_target == cadence_target(session_factory, actor=ACTOR,
                                                 patient_id=patient_id)
