"""A patient with three visits, scores, strength tests, a plan and logged runs (real services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ptdesk.db.engine import SessionFactory
from ptdesk.domain import evaluation as ev
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services.evaluations import create_visit, save_evaluation
from ptdesk.services.outcomes import record_outcome
from ptdesk.services.runlogs import log_run
from ptdesk.services.runplans import save_plan
from tests.factories import ACTOR, make_episode, make_patient

EPISODE_START = date(2026, 10, 1)
PLAN_START = date(2026, 10, 5)  # a Monday; week n starts PLAN_START + 7(n-1) days
REPORT_DAY = date(2026, 11, 6)


def lefs_answers(total: int) -> list[int | None]:
    """Twenty answers (0-4) adding up to `total`."""
    whole, extra = divmod(total, 20)
    return [whole + 1] * extra + [whole] * (20 - extra)


def kujala_answers(**worse: int) -> dict[str, int | None]:
    from ptdesk.domain.outcomes import KUJALA_ITEM_KEYS

    return {key: worse.get(key, 0) for key in KUJALA_ITEM_KEYS}


def dyn(group: str, side: str, value: float, unit: str = "N") -> ev.StrengthMeasurement:
    return ev.StrengthMeasurement(group, side, "dynamometer", value=value, unit=unit)


def mmt(group: str, side: str, grade: str) -> ev.StrengthMeasurement:
    return ev.StrengthMeasurement(group, side, "mmt", mmt_grade=grade)


@dataclass(frozen=True)
class Chart:
    patient_id: int
    episode_id: int
    visit_ids: tuple[int, ...]


def _visit(sf: SessionFactory, episode_id: int, day: date, kind: str,
           evaluation: ev.Evaluation, outcomes: dict[str, object]) -> int:
    visit = create_visit(sf, actor=ACTOR, episode_id=episode_id, visit_date=day, visit_type=kind)
    save_evaluation(sf, actor=ACTOR, visit_id=visit.id, evaluation=evaluation)
    for measure, items in outcomes.items():
        record_outcome(sf, actor=ACTOR, visit_id=visit.id, measure=measure,
                       items=items)  # type: ignore[arg-type]
    return visit.id


def build_chart(sf: SessionFactory, *, mrn: str = "PR-0042", first: str = "Zoë",
                last: str = "Ødegård-Núñez") -> Chart:
    """Right patellofemoral pain: LEFS 54 → 66, Kujala 83 → 97, NPRS 5 → 4, hip LSI 72 → 85%."""
    patient = make_patient(sf, mrn=mrn, first=first, last=last, born=date(1994, 6, 3),
                           referring_physician="Dr. Ana Ruiz")
    episode = make_episode(sf, patient.id, start=EPISODE_START)
    v1 = _visit(sf, episode.id, EPISODE_START, "initial_evaluation", ev.Evaluation(
        subjective=ev.SubjectiveFindings(nprs_now=5, nprs_worst=7),
        knees=(ev.KneeFindings("left", 140, 0), ev.KneeFindings("right", 128, -3)),
        strength=(dyn("hip_abduction", "left", 100), dyn("hip_abduction", "right", 72),
                  mmt("hip_extension", "left", "5"), mmt("hip_extension", "right", "4"),
                  dyn("knee_extension", "left", 30, "kg"),
                  dyn("knee_extension", "right", 25, "kg")),
    ), {"nprs": [5], "lefs": lefs_answers(54),
        "kujala": kujala_answers(stairs=2, running=2, jumping=2)})
    v2 = _visit(sf, episode.id, date(2026, 10, 15), "follow_up", ev.Evaluation(
        subjective=ev.SubjectiveFindings(nprs_now=4),
        strength=(dyn("hip_abduction", "left", 100), dyn("hip_abduction", "right", 80)),
    ), {})
    v3 = _visit(sf, episode.id, date(2026, 11, 5), "re_evaluation", ev.Evaluation(
        subjective=ev.SubjectiveFindings(nprs_now=3, nprs_worst=5),
        knees=(ev.KneeFindings("left", 140, 0), ev.KneeFindings("right", 138, 0)),
        strength=(dyn("hip_abduction", "left", 100), dyn("hip_abduction", "right", 85),
                  mmt("hip_extension", "left", "5"), mmt("hip_extension", "right", "4+"),
                  dyn("knee_extension", "left", 30, "kg"),
                  dyn("knee_extension", "right", 28, "kg")),
    ), {"nprs": [4], "lefs": lefs_answers(66), "kujala": kujala_answers(jumping=1)})
    return Chart(patient.id, episode.id, (v1, v2, v3))


def add_plan_and_runs(sf: SessionFactory, patient_id: int) -> None:
    """Plan 30, 33, 36 ... min; logged 30 (pain 2), 36 (over the cap), 22 (pain 4: hold)."""
    save_plan(sf, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(str(10)), start=PLAN_START))
    weeks = {1: ((10, 2), (10, 1), (10, 2)), 2: ((12, 2), (12, 2), (12, 3)), 3: ((11, 4), (11, 3))}
    for week, runs in weeks.items():
        for n, (amount, pain) in enumerate(runs):
            log_run(sf, actor=ACTOR, patient_id=patient_id,
                    run_date=PLAN_START + timedelta(weeks=week - 1, days=2 * n), amount=amount,
                    kind="continuous", pain_during=pain, next_morning="same", today=REPORT_DAY)
