"""Benchmark: an 8-exercise sheet and a 30-week return-to-run plan, rendered in a warm process.

Run with `.venv/bin/python bench/bench_handouts.py [--runs N]`; target < 100 ms each.
Not part of the test suite: it prints figures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ptdesk.domain import exercise_library as lib  # noqa: E402
from ptdesk.domain.runplan import (  # noqa: E402
    PainRules,
    Plan,
    PlanInputs,
    build_plan,
    describe_pain_rules,
)
from ptdesk.reports.dto import (  # noqa: E402
    ClinicInfo,
    ExerciseSheet,
    ExerciseSheetItem,
    RunPlanHandout,
)
from ptdesk.reports.exercise_sheet import render_exercise_sheet  # noqa: E402
from ptdesk.reports.runplan_pdf import render_runplan  # noqa: E402

CLINIC = ClinicInfo("Riverside Running Physio", "12 Mill Lane, Springfield, OR 97477",
                    "(541) 555-0142", None, "letter")
TEMPLATE = "runners_knee_phase_1"  # 8 exercises, as a clinic would hand out after a first visit
SIDE_WORDS = {"left": "Left leg", "right": "Right leg", "both": "Both legs together",
              "each": "Each leg"}


def sheet_for(template_id: str = TEMPLATE) -> ExerciseSheet:
    """The shipped template dosed and worded as the handout service does it."""
    resources = REPO / "resources"
    library = lib.load_library_from(resources / "exercises")
    template = lib.load_templates_from(resources / "templates", library)[template_id]
    items = []
    for entry in template.items:
        ex = library[entry.exercise]
        side = entry.side_for(ex)
        drawing = resources / "illustrations" / ex.illustration
        items.append(ExerciseSheetItem(
            name=ex.name, purpose=ex.purpose, steps=ex.steps,
            dosage_text=lib.exercise_dosage_in_words(ex, entry.dosage_for(ex), side),
            amount_text=lib.amount_in_words(entry.dosage_for(ex)),
            when_text=lib.frequency_in_words(entry.dosage_for(ex)),
            side_text=SIDE_WORDS[side] if ex.limb else "",
            precautions=ex.precautions, note=entry.dosage_for(ex).note,
            image_path=drawing if drawing.exists() else None,
        ))
    return ExerciseSheet(CLINIC, "Dana Whitfield, PT, DPT", "Zoë Ødegård-Núñez",
                         dt.date(2025, 3, 4), tuple(items))


def _plan_of(weeks: int) -> Plan:
    """A real generated plan cut to `weeks` weeks (the generator decides where goals land)."""
    plan = build_plan(PlanInputs("km", 3, 5, 40, start=dt.date(2025, 3, 3), lighter_every=4,
                                 current_weekly=15))
    if len(plan.weeks) < weeks:
        raise SystemExit(f"The generated plan has only {len(plan.weeks)} weeks.")
    return Plan(plan.measure, plan.cap_pct, plan.weeks[:weeks], None, None, None)


def _handout() -> RunPlanHandout:
    return RunPlanHandout(CLINIC, "Dana Whitfield, PT, DPT", "Zoë Ødegård-Núñez",
                          dt.date(2025, 2, 28), _plan_of(30), 172,
                          tuple(describe_pain_rules(PainRules())))


def _measure(label: str, job: Callable[[], bytes], runs: int) -> None:
    for _ in range(3):  # warm-up: font registration, SVG parsing, imports
        job()
    wall, cpu = [], []
    size = 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(job())
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    # CPU time alongside wall time: on a busy machine the wall clock mostly measures the others.
    print(f"{label:<28} median {statistics.median(wall):6.1f} ms   min {min(wall):6.1f} ms   "
          f"max {max(wall):6.1f} ms   (CPU median {statistics.median(cpu):6.1f} ms; "
          f"{runs} runs, {size / 1024:.0f} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    sheet, handout = sheet_for(), _handout()
    drawn = sum(item.image_path is not None for item in sheet.items)
    print(f"Exercise sheet: {len(sheet.items)} exercises ({drawn} with drawings); "
          f"plan: {len(handout.plan.weeks)} weeks, "
          f"{sum(len(w.sessions) for w in handout.plan.weeks)} runs")
    _measure("8-exercise sheet", lambda: render_exercise_sheet(sheet), runs)
    _measure("30-week return-to-run plan", lambda: render_runplan(handout), runs)


if __name__ == "__main__":
    main()
