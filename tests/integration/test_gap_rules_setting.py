"""The missed-week step back is a clinic setting (issue 14): administrators set it, new plans use it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import AuditEntry, ClinicSettings
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PainRules, PlanInputs, WeekLog, build_plan
from ptdesk.domain.runplan.painrules import GapRules
from ptdesk.services.clinic import get_gap_rules, set_gap_rules
from ptdesk.services.errors import ServiceError
from ptdesk.services.runplans import active_plan, save_plan
from tests.factories import ACTOR, ADMIN, make_episode, make_patient


def test_defaults_are_the_clinical_rule(session_factory: SessionFactory) -> None:
    assert get_gap_rules(session_factory) == GapRules()
    defaults = {c.name: c.default.arg for c in ClinicSettings.__table__.columns  # type: ignore[attr-defined]
                if c.name.startswith("gap_")}
    rule = GapRules()
    assert defaults == {"gap_short_pct": rule.short_gap_pct, "gap_long_pct": rule.long_gap_pct,
                        "gap_long_weeks": rule.long_gap_weeks}


def test_an_administrator_sets_it_and_the_audit_log_says_so(session_factory) -> None:
    wanted = GapRules(short_gap_pct=60, long_gap_pct=40, long_gap_weeks=6)
    assert set_gap_rules(session_factory, actor=ADMIN, gaps=wanted) == wanted
    assert get_gap_rules(session_factory) == wanted
    with session_factory() as session:
        summaries = session.scalars(select(AuditEntry.summary)).all()
    assert any("missed-week rule" in s for s in summaries)


def test_a_clinician_cannot_change_it(session_factory) -> None:
    with pytest.raises(ServiceError):
        set_gap_rules(session_factory, actor=ACTOR, gaps=GapRules(short_gap_pct=60))
    assert get_gap_rules(session_factory) == GapRules()


def test_a_rule_that_restarts_higher_after_a_longer_gap_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        GapRules(short_gap_pct=50, long_gap_pct=70)
    assert caught.value.field == "long_gap_pct"


def _inputs(history: tuple[WeekLog, ...] = ()) -> PlanInputs:
    return PlanInputs("km", 3, "3", "30", start=dt.date(2026, 11, 2), current_weekly="9",
                      history=history)


def test_new_plans_use_the_clinic_rule_and_a_plan_may_still_override_it(
        session_factory) -> None:
    set_gap_rules(session_factory, actor=ADMIN,
                  gaps=GapRules(short_gap_pct=60, long_gap_pct=40, long_gap_weeks=6))
    patient = make_patient(session_factory)
    make_episode(session_factory, patient.id)
    done = WeekLog(1, Decimal("9.5"), Decimal("3.5"), 2, "better")
    history = (done, WeekLog(2, Decimal(0), Decimal(0), 0, "same"),
               WeekLog(3, Decimal(0), Decimal(0), 0, "same"))
    save_plan(session_factory, actor=ACTOR, patient_id=patient.id, inputs=_inputs(history))
    stored = active_plan(session_factory, patient.id, actor=ACTOR)
    assert stored is not None
    assert stored.gaps == GapRules(short_gap_pct=60, long_gap_pct=40, long_gap_weeks=6)
    # Two missed weeks: back to 60% of the last week run (the clinic's rule), not 75%.
    by_default = build_plan(_inputs(history), PainRules(), GapRules())
    assert stored.plan.weeks[3].total < by_default.weeks[3].total
    assert stored.plan.weeks[3].total <= Decimal("9.5") * Decimal("0.6")
    own = GapRules(short_gap_pct=90, long_gap_pct=50)
    save_plan(session_factory, actor=ACTOR, patient_id=patient.id, inputs=_inputs(history),
              gaps=own)
    assert active_plan(session_factory, patient.id, actor=ACTOR).gaps == own  # type: ignore[union-attr]
