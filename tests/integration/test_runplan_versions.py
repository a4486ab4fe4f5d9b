"""Plan versions: re-plan keeps past weeks as planned, previews save nothing, pause and resume."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.runplan import GapRules, PlanInputs
from ptdesk.services.errors import ServiceError
from ptdesk.services.progress.report import progress_report
from ptdesk.services.progress.series import volume_series
from ptdesk.services.runlogs import (
    accept_replan,
    log_run,
    preview_replan,
    replan_from_logs,
    weekly_summary,
)
from ptdesk.services.runplans import (
    active_plan,
    list_plans,
    pause_plan,
    resume_plan,
    save_plan,
)
from tests.factories import ACTOR, make_episode, make_patient

START = date(2026, 6, 1)  # Monday


@pytest.fixture
def patient_id(session_factory: SessionFactory) -> int:
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    save_plan(session_factory, actor=ACTOR, patient_id=patient.id,
              inputs=PlanInputs("mi", 3, "1.5", 15, current_weekly="3.5", start=START))
    return patient.id


def _week(sf: SessionFactory, patient_id: int, week: int, amounts: tuple[float, ...],
          today: date, pain: int = 1) -> None:
    for day, amount in zip((0, 2, 4), amounts, strict=False):
        log_run(sf, actor=ACTOR, patient_id=patient_id,
                run_date=START + timedelta(weeks=week - 1, days=day), amount=amount,
                kind="continuous", pain_during=pain, next_morning="same", today=today)


def test_replan_keeps_past_weeks_as_planned_at_the_time(session_factory, patient_id) -> None:
    # Issue 14 item 7: a past week's planned 3.9 mi read 3.0 mi after re-planning.
    today = START + timedelta(weeks=2, days=1)
    old = active_plan(session_factory, patient_id, actor=ACTOR)
    assert old is not None and old.plan_version == 1
    _week(session_factory, patient_id, 1, (1.2, 1.2, 1.2), today)
    _week(session_factory, patient_id, 2, (1.2, 1.2, 1.0), today)
    new = replan_from_logs(session_factory, actor=ACTOR, patient_id=patient_id, today=today)
    assert (new.plan_version, new.from_week) == (2, 3)
    for before, after in zip(old.plan.weeks[:2], new.plan.weeks[:2], strict=True):
        assert (after.total, after.longest, after.sessions) == (
            before.total, before.longest, before.sessions)
        assert after.version == 1 and after.done is not None
    assert all(week.version == 2 for week in new.plan.weeks[2:])
    assert new.plan.weeks[2].total <= Decimal("3.4") * Decimal("1.1")
    weeks = weekly_summary(session_factory, patient_id, actor=ACTOR, today=today)
    assert [w.planned_total for w in weeks[:2]] == [w.total for w in old.plan.weeks[:2]]
    report = progress_report(session_factory, actor=ACTOR, patient_id=patient_id, on=today)
    text = " ".join(value for _, value in report.plan_summary)
    assert f"3.4 mi done of {old.plan.weeks[1].total} mi planned" in text
    assert [p.plan_version for p in list_plans(session_factory, patient_id, actor=ACTOR)] == [
        2, 1]


def test_preview_shows_old_and_new_weeks_and_saves_nothing(session_factory,
                                                           patient_id) -> None:
    today = START + timedelta(weeks=1, days=1)
    _week(session_factory, patient_id, 1, (1.0, 1.0, 1.0), today, pain=4)  # hold
    before = active_plan(session_factory, patient_id, actor=ACTOR)
    preview = preview_replan(session_factory, actor=ACTOR, patient_id=patient_id, today=today)
    assert preview.from_week == 2
    assert preview.old_weeks[0].week == preview.new_weeks[0].week == 2
    assert preview.new_weeks[0].total < preview.old_weeks[0].total
    assert active_plan(session_factory, patient_id, actor=ACTOR) == before
    saved = accept_replan(session_factory, actor=ACTOR, preview=preview)
    assert saved.plan == preview.version.plan


def test_pause_then_resume_with_a_restart_dose(session_factory, patient_id) -> None:
    today = START + timedelta(weeks=2, days=2)
    old = active_plan(session_factory, patient_id, actor=ACTOR)
    assert old is not None
    paused = pause_plan(session_factory, actor=ACTOR, patient_id=patient_id, today=today)
    assert paused.plan.paused and paused.paused and paused.plan.goal_week is None
    assert [w.week for w in paused.plan.weeks] == [1, 2, 3]
    with pytest.raises(ServiceError, match="paused"):
        preview_replan(session_factory, actor=ACTOR, patient_id=patient_id, today=today)
    later = today + timedelta(weeks=2)
    resumed = resume_plan(session_factory, actor=ACTOR, patient_id=patient_id,
                          restart_weekly=3, today=later)
    assert not resumed.plan.paused and resumed.plan_version == 3 and resumed.from_week == 5
    assert resumed.plan.weeks[:3] == paused.plan.weeks[:3]
    assert resumed.plan.weeks[3].total == 0  # week 4: paused, listed with no running
    fifth = resumed.plan.weeks[4]
    assert fifth.week == 5 and fifth.total <= 3 and fifth.version == 3
    assert fifth.start == START + timedelta(weeks=4)
    assert resumed.plan.goal_week is not None and resumed.plan.goal_week > 5
    with pytest.raises(ServiceError, match="not paused"):
        resume_plan(session_factory, actor=ACTOR, patient_id=patient_id, restart_weekly=3,
                    today=later)


def test_stiff_settled_is_logged_and_held(session_factory, patient_id) -> None:
    today = START + timedelta(weeks=1, days=1)
    log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=START, amount=1.5,
            kind="continuous", pain_during=1, next_morning="stiff-settled", today=today)
    weeks = weekly_summary(session_factory, patient_id, actor=ACTOR, today=today)
    assert weeks[0].worst_next_morning == "stiff-settled" and weeks[0].decision == "hold"


def test_progress_chart_shows_past_weeks_as_planned(session_factory, patient_id) -> None:
    today = START + timedelta(weeks=2, days=1)
    old = active_plan(session_factory, patient_id, actor=ACTOR)
    assert old is not None
    _week(session_factory, patient_id, 1, (1.0, 1.0, 1.0), today, pain=4)  # hold: re-planned
    _week(session_factory, patient_id, 2, (1.0, 1.0, 1.0), today)
    replan_from_logs(session_factory, actor=ACTOR, patient_id=patient_id, today=today)
    volume = volume_series(session_factory, patient_id, today=today, actor=ACTOR)
    assert volume is not None
    assert [Decimal(str(w.planned_total)) for w in volume.weeks[:2]] == [
        w.total for w in old.plan.weeks[:2]]


def test_missed_week_rule_is_kept_with_the_plan(session_factory) -> None:
    patient = make_patient(session_factory)
    gaps = GapRules(short_gap_pct=60, long_gap_pct=40, long_gap_weeks=3)
    stored = save_plan(session_factory, actor=ACTOR, patient_id=patient.id, gaps=gaps,
                       inputs=PlanInputs("km", 3, 3, 30, current_weekly=9, start=START))
    assert stored.gaps == gaps
    today = START + timedelta(weeks=3, days=1)
    _week(session_factory, patient.id, 1, (3.0, 3.0, 3.0), today)  # then weeks 2-3 missed
    new = replan_from_logs(session_factory, actor=ACTOR, patient_id=patient.id, today=today)
    assert new.gaps == gaps
    assert new.plan.weeks[3].total <= Decimal("9.0") * Decimal("0.6")
