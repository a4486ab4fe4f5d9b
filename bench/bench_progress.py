"""Benchmark: progress series and the progress report for a patient with 3 years of weekly data.

Run: .venv/bin/python bench/bench_progress.py [--weeks 156] [--repeat 15]
Prints the median time of each series and of the report (target: report <= 250 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory  # noqa: E402
from ptdesk.db.migrate import upgrade  # noqa: E402
from ptdesk.domain import evaluation as ev  # noqa: E402
from ptdesk.domain.runplan import PlanInputs  # noqa: E402
from ptdesk.services.episodes import open_episode  # noqa: E402
from ptdesk.services.evaluations import create_visit, save_evaluation  # noqa: E402
from ptdesk.services.outcomes import record_outcome  # noqa: E402
from ptdesk.services.patients import PatientInput, create_patient  # noqa: E402
from ptdesk.services.progress import series as pg  # noqa: E402
from ptdesk.services.progress.report import progress_report, progress_report_pdf  # noqa: E402
from ptdesk.services.runlogs import log_run, weekly_summary  # noqa: E402
from ptdesk.services.runplans import save_plan  # noqa: E402

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


def _median_ms(call: Callable[[], object], repeat: int) -> float:
    call()  # warm caches (fonts, mappers) the way a running app has them warm
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(Path(folder) / "bench.db")
        upgrade(engine)
        sf = make_session_factory(engine)
        began = time.perf_counter()
        patient_id = build(sf, args.weeks)
        print(f"built {args.weeks} weekly visits + run logs in "
              f"{time.perf_counter() - began:.1f} s")
        cases: list[tuple[str, Callable[[], object]]] = [
            ("pain_series", lambda: pg.pain_series(sf, patient_id, actor=ACTOR)),
            ("outcome_series lefs",
             lambda: pg.outcome_series(sf, patient_id, "lefs", actor=ACTOR)),
            ("lsi_series", lambda: pg.lsi_series(sf, patient_id, actor=ACTOR)),
            ("volume_series",
             lambda: pg.volume_series(sf, patient_id, actor=ACTOR, today=TODAY)),
            ("weekly_summary",
             lambda: weekly_summary(sf, patient_id, actor=ACTOR, today=TODAY)),
            ("since_last_visit", lambda: pg.since_last_visit(sf, patient_id, actor=ACTOR)),
            ("change_since_intake",
             lambda: pg.change_since_intake(sf, patient_id, actor=ACTOR)),
            ("progress_overview (whole Progress tab)",
             lambda: pg.progress_overview(sf, patient_id, actor=ACTOR, today=TODAY)),
            ("progress_report (data)",
             lambda: progress_report(sf, actor=ACTOR, patient_id=patient_id, on=TODAY)),
            ("progress_report_pdf (data + PDF)",
             lambda: progress_report_pdf(sf, actor=ACTOR, patient_id=patient_id, on=TODAY)),
        ]
        results = {name: _median_ms(call, args.repeat) for name, call in cases}
        engine.dispose()
    width = max(len(name) for name in results)
    for name, ms in results.items():
        print(f"{name:<{width}}  {ms:8.1f} ms")
    report_ms = results["progress_report_pdf (data + PDF)"]
    verdict = "OK" if report_ms <= 250 else "OVER TARGET"
    print(f"report: {report_ms:.0f} ms (target <= 250 ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
