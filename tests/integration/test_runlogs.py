"""Run logs: validation, grouping into plan weeks, pain rules per week, re-planning, the cap."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import ServiceError
from ptdesk.services.runlogs import (
    delete_run,
    list_runs,
    log_run,
    replan_from_logs,
    weekly_summary,
)
from ptdesk.services.runplans import active_plan, list_plans, save_plan
from tests.factories import ACTOR, ADMIN, make_patient

START = date(2026, 6, 1)  # Monday
TODAY = date(2026, 8, 1)


@pytest.fixture
def patient_id(session_factory: SessionFactory) -> int:
    return make_patient(session_factory).id


@pytest.fixture
def plan(session_factory: SessionFactory, patient_id: int) -> None:
    # Planned totals 33, 36.3, 39.9 ... min (10% over 30 a week now); longest 11, 12.1 ...
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(str(10)), start=START))


def _run(sf: SessionFactory, patient_id: int, week: int, day: int, amount: float,
         pain: int = 1, morning: str = "same", **extra: object) -> int:
    return log_run(sf, actor=ACTOR, patient_id=patient_id,
                   run_date=START + timedelta(weeks=week - 1, days=day), amount=amount,
                   kind=extra.pop("kind", "continuous"), pain_during=pain,  # type: ignore[arg-type]
                   next_morning=morning, today=TODAY, **extra).id  # type: ignore[arg-type]


def test_log_run_takes_the_plan_measure(session_factory, patient_id, plan) -> None:
    info = log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=START,
                   amount=12.5, kind="walk_run", pain_during=2, next_morning="better",
                   swelling=False, limping=False, note="  felt easy ", today=TODAY)
    assert (info.measure, info.amount, info.kind, info.note) == ("minutes", 12.5, "walk_run",
                                                                 "felt easy")
    assert info.plan_id == active_plan(session_factory, patient_id, actor=ACTOR).id
    actions = [(e.action, e.record_type) for e in audit.entries_for_patient(session_factory,
                                                                             patient_id, actor=ADMIN)]
    assert ("create", "run_log") in actions


@pytest.mark.parametrize(("field", "changes"), [
    ("pain_during", {"pain_during": 11}),
    ("pain_during", {"pain_during": True}),
    ("amount", {"amount": 0}),
    ("amount", {"amount": 700}),
    ("amount", {"amount": 2.345}),
    ("amount", {"amount": float("nan")}),
    ("kind", {"kind": "jog"}),
    ("next_morning", {"next_morning": "fine"}),
    ("run_date", {"run_date": TODAY + timedelta(days=1)}),
    ("swelling", {"swelling": "no"}),
    ("measure", {"measure": "yards"}),
])
def test_log_run_refuses_bad_values_naming_the_field(session_factory, patient_id, plan,
                                                     field, changes) -> None:
    values = dict(run_date=START, amount=20, kind="continuous", pain_during=2,
                  next_morning="same", today=TODAY)
    values.update(changes)
    with pytest.raises(ValidationError) as info:
        log_run(session_factory, actor=ACTOR, patient_id=patient_id, **values)
    assert info.value.field == field
    assert list_runs(session_factory, patient_id, actor=ACTOR) == []


def test_without_a_plan_the_measure_must_be_given(session_factory, patient_id) -> None:
    with pytest.raises(ValidationError) as info:
        log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=START, amount=3,
                kind="continuous", pain_during=0, next_morning="same", today=TODAY)
    assert info.value.field == "measure"
    run = log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=START, amount=3,
                  kind="continuous", pain_during=0, next_morning="same", measure="km",
                  today=TODAY)
    assert (run.measure, run.plan_id) == ("km", None)


def test_list_and_delete(session_factory, patient_id, plan) -> None:
    ids = [_run(session_factory, patient_id, 1, d, 10) for d in (0, 2, 4)]
    window = list_runs(session_factory, patient_id, start=START + timedelta(days=1),
                       end=START + timedelta(days=3), actor=ACTOR)
    assert [r.id for r in window] == [ids[1]]
    delete_run(session_factory, actor=ACTOR, run_id=ids[1])
    assert [r.id for r in list_runs(session_factory, patient_id, actor=ACTOR)] == [ids[0], ids[2]]
    with pytest.raises(ServiceError):
        delete_run(session_factory, actor=ACTOR, run_id=ids[1])
    assert any(e.action == "delete" and e.record_id == ids[1]
               for e in audit.entries_for_patient(session_factory, patient_id, actor=ADMIN))


def test_runs_are_grouped_into_the_plans_weeks(session_factory, patient_id, plan) -> None:
    log_run(session_factory, actor=ACTOR, patient_id=patient_id, run_date=START - timedelta(1),
            amount=50, kind="continuous", pain_during=0, next_morning="same", today=TODAY)
    _run(session_factory, patient_id, 1, 0, 10, pain=1, morning="better")
    _run(session_factory, patient_id, 1, 2, 8.5, pain=3, morning="same", kind="walk_run")
    _run(session_factory, patient_id, 1, 6, 11, pain=2, morning="better")
    _run(session_factory, patient_id, 2, 0, 12, pain=1)
    _run(session_factory, patient_id, 2, 3, 2, pain=0, measure="km")  # cannot add km to minutes
    weeks = weekly_summary(session_factory, patient_id, actor=ACTOR,
                           today=START + timedelta(days=9))
    assert [w.week for w in weeks] == [1, 2]
    first, second = weeks
    assert (first.start, first.end) == (START, START + timedelta(days=6))
    assert first.runs == 3 and first.done_total == Decimal("29.5")
    assert first.done_longest == Decimal(11)
    assert (first.worst_pain, first.worst_next_morning) == (3, "same")
    assert (first.planned_total, first.planned_longest) == (Decimal(33), Decimal(11))
    assert first.complete and not second.complete
    assert (second.runs, second.done_total, second.other_measure_runs) == (1, Decimal(12), 1)


def test_pain_rules_decide_each_logged_week(session_factory, patient_id, plan) -> None:
    for day in (0, 2, 4):
        _run(session_factory, patient_id, 1, day, 10, pain=2)                 # progress
    _run(session_factory, patient_id, 2, 0, 11, pain=2)
    _run(session_factory, patient_id, 2, 2, 11, pain=5)                       # hold
    _run(session_factory, patient_id, 3, 0, 11, pain=1, morning="worse")      # regress
    _run(session_factory, patient_id, 4, 0, 10, pain=0, swelling=True)        # regress
    _run(session_factory, patient_id, 5, 1, 10, pain=6)                       # regress
    # week 6 logged nothing and is over: a week without running is held
    _run(session_factory, patient_id, 7, 0, 10, pain=1, limping=True)         # still running
    weeks = weekly_summary(session_factory, patient_id, actor=ACTOR,
                           today=START + timedelta(weeks=6, days=2))
    assert [(w.week, w.decision, w.complete) for w in weeks] == [
        (1, "progress", True), (2, "hold", True), (3, "regress", True), (4, "regress", True),
        (5, "regress", True), (6, "hold", True), (7, "regress", False)]
    assert weeks[5].runs == 0 and weeks[5].done_total == 0


def test_the_current_week_without_runs_has_no_decision(session_factory, patient_id, plan) -> None:
    weeks = weekly_summary(session_factory, patient_id, actor=ACTOR,
                           today=START + timedelta(days=3))
    assert [(w.week, w.runs, w.decision) for w in weeks] == [(1, 0, None)]
    assert weekly_summary(session_factory, patient_id, actor=ACTOR,
                          today=START - timedelta(days=1)) == []


def test_replan_grows_from_what_was_done_under_the_cap(session_factory, patient_id, plan) -> None:
    old = active_plan(session_factory, patient_id, actor=ACTOR)
    for day in (0, 2, 4):
        _run(session_factory, patient_id, 1, day, 10, pain=1)   # 30 of 30: progress
    for day in (0, 2):
        _run(session_factory, patient_id, 2, day, 9, pain=2)    # 18 of 33: short, progress
    new = replan_from_logs(session_factory, actor=ACTOR, patient_id=patient_id,
                           today=START + timedelta(weeks=2, days=1))
    assert new.id != old.id and active_plan(session_factory, patient_id, actor=ACTOR).id == new.id
    plans = list_plans(session_factory, patient_id, actor=ACTOR)
    assert [p.status for p in plans] == ["active", "archived"]
    history = new.inputs.history
    assert [(h.week, h.done_total, h.done_longest) for h in history] == [
        (1, Decimal(30), Decimal(10)), (2, Decimal(18), Decimal(9))]
    assert new.inputs.start == old.inputs.start and new.inputs.cap_pct == old.inputs.cap_pct
    week3 = new.plan.weeks[2]
    # The cap holds against the 18 minutes done, not the 33 printed for week 2.
    assert week3.total <= 18 * Decimal("1.1") and week3.longest <= 9 * Decimal("1.1")
    assert week3.total < old.plan.weeks[2].total
    for before, after in zip(new.plan.weeks[2:], new.plan.weeks[3:], strict=False):
        assert after.total <= before.total * Decimal("1.1")
        assert after.longest <= before.longest * Decimal("1.1")
    # The same runs still fall into the same weeks of the new plan.
    again = weekly_summary(session_factory, patient_id, actor=ACTOR,
                           today=START + timedelta(weeks=2, days=1))
    assert [w.done_total for w in again] == [Decimal(30), Decimal(18), Decimal(0)]


def test_replan_after_a_red_flag_goes_back(session_factory, patient_id, plan) -> None:
    for day in (0, 2, 4):
        _run(session_factory, patient_id, 1, day, 10, pain=1)
    _run(session_factory, patient_id, 2, 0, 11, pain=7)          # regress
    new = replan_from_logs(session_factory, actor=ACTOR, patient_id=patient_id,
                           today=START + timedelta(weeks=2))
    assert [w.decision for w in new.plan.weeks[:2]] == ["progress", "regress"]
    assert new.plan.weeks[2].total < Decimal(11)
    assert any("go back one week" in warning for warning in new.plan.warnings)


def test_replan_needs_a_finished_week_and_a_plan(session_factory, patient_id) -> None:
    with pytest.raises(ServiceError, match="no active return-to-run plan"):
        replan_from_logs(session_factory, actor=ACTOR, patient_id=patient_id, today=TODAY)
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(str(10)), start=START))
    _run(session_factory, patient_id, 1, 0, 10)
    with pytest.raises(ServiceError, match="No week of the plan has finished"):
        replan_from_logs(session_factory, actor=ACTOR, patient_id=patient_id,
                         today=START + timedelta(days=3))
