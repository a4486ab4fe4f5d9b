"""The `BENCH-1` patient: three years of weekly visits, outcomes, a plan and a run every other day.

bench/clinic_cache.py adds it to the cached clinic; progress_report_ms and progress_tab_ms
draw it (see bench/README.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ptdesk.db.engine import SessionFactory
from ptdesk.domain import evaluation as ev
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services.episodes import open_episode
from ptdesk.services.evaluations import create_visit, save_evaluation
from ptdesk.services.outcomes import record_outcome
from ptdesk.services.patients import PatientInput, create_patient
from ptdesk.services.runlogs import log_run
from ptdesk.services.runplans import save_plan

# The demo clinician: benchmarks sign in like a user would (issue 7).
ACTOR = "demo.alvarez"
TODAY = date(2026, 11, 21)
GROUPS = ev.STRENGTH_GROUP_KEYS


def _lefs(total: int) -> list[int | None]:
    whole, extra = divmod(total, 20)
    return [whole + 1] * extra + [whole] * (20 - extra)


def _evaluation(week: int, weeks: int) -> ev.Evaluation:
    progress = week / max(weeks - 1, 1)
    strength = []
    for n, group in enumerate(GROUPS):
        strong = 150.0 + 10 * n
        strength.append(ev.StrengthMeasurement(group, "left", "dynamometer",
                                               value=round(strong, 1), unit="N"))
        strength.append(ev.StrengthMeasurement(group, "right", "dynamometer",
                                               value=round(strong * (0.7 + 0.28 * progress), 1),
                                               unit="N"))
    return ev.Evaluation(
        subjective=ev.SubjectiveFindings(nprs_now=max(0, 7 - week // 20), nprs_worst=8),
        knees=(ev.KneeFindings("left", 140, 0), ev.KneeFindings("right", 120 + 15 * progress, -2)),
        ankles=(ev.AnkleFindings("left", 9 + progress, 20, 5, 15),
                ev.AnkleFindings("right", 11, 30, 8, 25)),
        strength=tuple(strength),
        gait=ev.GaitFindings(cadence_spm=160 + int(10 * progress)),
    )


def build(sf: SessionFactory, weeks: int) -> int:
    """Add BENCH-1 with `weeks` weekly visits through the services; returns its patient id."""
    start = TODAY - timedelta(weeks=weeks)
    patient = create_patient(sf, actor=ACTOR, data=PatientInput(
        mrn="BENCH-1", first_name="Zoë", last_name="Ødegård-Núñez",
        date_of_birth=date(1990, 1, 1)))
    episode = open_episode(sf, actor=ACTOR, patient_id=patient.id,
                           diagnosis="Patellofemoral pain syndrome", affected_side="right",
                           start_date=start, icd10_code="M22.2X1")
    for week in range(weeks):
        visit = create_visit(sf, actor=ACTOR, episode_id=episode.id,
                             visit_date=start + timedelta(weeks=week),
                             visit_type="initial_evaluation" if week == 0 else "follow_up")
        save_evaluation(sf, actor=ACTOR, visit_id=visit.id, evaluation=_evaluation(week, weeks))
        record_outcome(sf, actor=ACTOR, visit_id=visit.id, measure="nprs",
                       items=[max(0, 7 - week // 20)])
        record_outcome(sf, actor=ACTOR, visit_id=visit.id, measure="lefs",
                       items=_lefs(min(80, 40 + week // 4)))
    plan_start = TODAY - timedelta(weeks=40)
    save_plan(sf, actor=ACTOR, patient_id=patient.id,
              inputs=PlanInputs("minutes", 3, 10, 150, current_weekly=3 * Decimal(10), start=plan_start))
    for day in range(0, weeks * 7, 2):  # every other day for the whole three years
        when = start + timedelta(days=day)
        if when <= TODAY:
            log_run(sf, actor=ACTOR, patient_id=patient.id, run_date=when,
                    amount=10 + (day // 7) % 20, kind="continuous", pain_during=day % 5,
                    next_morning="same", today=TODAY)
    return patient.id
