"""The story runners' plans (DEMO-0001, DEMO-0002): anchored to their charted running, cadence."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.db.migrate import upgrade
from ptdesk.demo.generator import build_demo_clinic
from ptdesk.domain import evaluation as ev
from ptdesk.services.evaluations import list_visits, load_evaluation
from ptdesk.services.handouts import cadence_target, runplan_handout
from ptdesk.services.patients import find_by_mrn
from ptdesk.services.runplans import active_plan

ACTOR = "test-clinician"


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionFactory]:
    engine = make_engine(tmp_path_factory.mktemp("demo") / "stories.db")
    upgrade(engine)
    sf = make_session_factory(engine)
    build_demo_clinic(sf, actor=ACTOR, patients=0)
    yield sf
    engine.dispose()


def _evaluations(sf: SessionFactory, patient_id: int) -> list[ev.Evaluation]:
    visits = sorted(list_visits(sf, patient_id, actor=ACTOR), key=lambda v: (v.visit_date, v.id))
    return [load_evaluation(sf, actor=ACTOR, visit_id=v.id)[1] for v in visits]


@pytest.mark.parametrize("mrn", ["DEMO-0001", "DEMO-0002"])
def test_story_plan_starts_from_the_charted_running(stories: SessionFactory, mrn: str) -> None:
    patient_id = find_by_mrn(stories, mrn, actor=ACTOR).id
    evaluations = _evaluations(stories, patient_id)
    for evaluation in evaluations:
        s = evaluation.subjective
        if s is None or not s.current_weekly_volume:
            continue
        # Charted weekly running is consistent with its runs and longest run.
        assert s.longest_recent_run and s.runs_per_week
        weekly, longest = Decimal(str(s.current_weekly_volume)), Decimal(str(s.longest_recent_run))
        assert longest <= weekly <= s.runs_per_week * longest
    latest = next(e.subjective for e in reversed(evaluations)
                  if e.subjective and e.subjective.current_weekly_volume)
    assert latest is not None
    stored = active_plan(stories, patient_id, actor=ACTOR)
    assert stored is not None and not stored.plan.restart
    first = stored.plan.weeks[0]
    weekly = Decimal(str(latest.current_weekly_volume))
    assert first.total <= weekly * Decimal("1.1")
    assert first.longest <= Decimal(str(latest.longest_recent_run)) * Decimal("1.1")
    weeks = [week for week in stored.plan.weeks if not week.taper and week.runs]
    totals = [weekly] + [week.total for week in weeks]
    assert all(b <= a * Decimal("1.1") for a, b in zip(totals, totals[1:], strict=False))
    assert all(b <= a * Decimal("1.3") for a, b in zip(totals, totals[2:], strict=False))
    for week in stored.plan.weeks:
        runs = [session.run for session in week.runs]
        if len(runs) >= 3:
            assert max(runs) <= week.total * Decimal("0.4") or len(set(runs)) == 1
            assert min(runs) * 4 >= max(runs)


@pytest.mark.parametrize("mrn", ["DEMO-0001", "DEMO-0002"])
def test_cadence_target_comes_from_the_intake_cadence(stories: SessionFactory, mrn: str) -> None:
    # Issue 14 item 8: both runners got 183 steps/min (+13% and +17% over intake).
    patient_id = find_by_mrn(stories, mrn, actor=ACTOR).id
    intake = next(e.gait for e in _evaluations(stories, patient_id)
                  if e.gait and e.gait.cadence_spm)
    assert intake is not None and intake.cadence_spm
    target = cadence_target(stories, actor=ACTOR, patient_id=patient_id)
    assert target is not None and intake.cadence_spm < target <= intake.cadence_spm * 1.1 + 0.5
    handout = runplan_handout(stories, actor=ACTOR, patient_id=patient_id)
    assert handout.cadence_target_spm == target
