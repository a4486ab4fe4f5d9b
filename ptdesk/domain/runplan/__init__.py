"""Return-to-run plans: inputs, the capped week-by-week generator, pain rules and JSON."""

from __future__ import annotations

from ptdesk.domain.runplan.amounts import MEASURES, Measure
from ptdesk.domain.runplan.generator import build_plan
from ptdesk.domain.runplan.inputs import PlanInputs
from ptdesk.domain.runplan.model import (
    DECISIONS,
    HORIZON_WEEKS,
    Decision,
    Intervals,
    NextMorning,
    Plan,
    PlanWeek,
    Session,
    WeekLog,
)
from ptdesk.domain.runplan.painrules import GapRules, PainRules, decide, describe_pain_rules
from ptdesk.domain.runplan.serialize import (
    history_from_json,
    inputs_from_json,
    inputs_to_json,
    plan_from_json,
    plan_to_json,
)

__all__ = [
    "DECISIONS",
    "HORIZON_WEEKS",
    "MEASURES",
    "Decision",
    "GapRules",
    "Intervals",
    "Measure",
    "NextMorning",
    "PainRules",
    "Plan",
    "PlanInputs",
    "PlanWeek",
    "Session",
    "WeekLog",
    "build_plan",
    "decide",
    "describe_pain_rules",
    "history_from_json",
    "inputs_from_json",
    "inputs_to_json",
    "plan_from_json",
    "plan_to_json",
]
