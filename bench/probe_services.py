"""Service probe (one warm process): save a full initial evaluation, and make each of the PDFs.

    python bench/probe_services.py DB [--runs 20]

Every call goes through the service the UI uses, on the working copy of the clinic, after
three untimed warm-up calls (imports, fonts, drawings and SQLAlchemy mappers warm, as in a
running app). Wall and CPU time are both recorded: on a busy machine they differ.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from clinic_cache import ACTOR, BIG_CHART_MRN, PROGRESS_MRN, SAVE_MRN
from probe_common import emit, patient_ids

WARM_UP = 3


def _timed(call: Callable[[], object], runs: int,
           before: Callable[[], None] | None = None) -> dict[str, list[float]]:
    wall, cpu = [], []
    for attempt in range(WARM_UP + runs):
        if before is not None:
            before()  # untimed set-up of this run
        began, began_cpu = time.perf_counter(), time.process_time()
        call()
        if attempt >= WARM_UP:
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
    return {"wall_ms": wall, "cpu_ms": cpu}


def measure(db: str, runs: int) -> dict[str, Any]:
    from ptdesk.demo.generator import DEMO_TODAY
    from ptdesk.demo.sample_evaluation import full_evaluation
    from ptdesk.services.episodes import active_episode
    from ptdesk.services.evaluations import create_visit, save_evaluation
    from ptdesk.services.handouts import exercise_sheet_pdf, runplan_pdf
    from ptdesk.services.progress.report import progress_report_pdf
    from ptdesk.ui.app import open_database

    engine, sf = open_database(db)
    ids = patient_ids(sf, [BIG_CHART_MRN, PROGRESS_MRN, SAVE_MRN])
    episode = active_episode(sf, ids[SAVE_MRN], actor=ACTOR)
    assert episode is not None
    visit: list[int] = []

    def new_visit() -> None:  # a first save of a new visit, as when an intake is charted
        visit[:] = [create_visit(sf, actor=ACTOR, episode_id=episode.id, visit_date=DEMO_TODAY,
                                 visit_type="initial_evaluation").id]

    evaluation = full_evaluation()
    big, progress = ids[BIG_CHART_MRN], ids[PROGRESS_MRN]
    sizes: dict[str, int] = {}

    def pdf(name: str, make: Callable[[], bytes]) -> Callable[[], None]:
        def call() -> None:
            sizes[name] = len(make())
        return call

    results = {
        "save_evaluation": _timed(
            lambda: save_evaluation(sf, actor=ACTOR, visit_id=visit[0], evaluation=evaluation),
            runs, before=new_visit),
        "exercise_sheet": _timed(pdf("exercise_sheet", lambda: exercise_sheet_pdf(
            sf, actor=ACTOR, patient_id=big)), runs),
        "runplan_pdf": _timed(pdf("runplan_pdf", lambda: runplan_pdf(
            sf, actor=ACTOR, patient_id=big)), runs),
        "progress_report": _timed(pdf("progress_report", lambda: progress_report_pdf(
            sf, actor=ACTOR, patient_id=progress, on=DEMO_TODAY)), runs),
    }
    engine.dispose()
    return {"results": results, "pdf_bytes": sizes}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    emit(measure(args.db, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
