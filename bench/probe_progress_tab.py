"""Progress tab probe (one process, offscreen): draw the tab for 3 years of weekly data.

    python bench/probe_progress_tab.py DB [--runs 20]

One draw = ProgressTab.set_patient(the 156-week patient) + processEvents with the tab shown,
so the overview is read and all four charts and the change panel are filled and painted.
Before each draw another patient is shown (untimed), so every draw is a real switch.
The first draw, which also imports QtCharts and builds the charts, is reported apart.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from clinic_cache import ACTOR, PROGRESS_MRN
from probe_common import DIALOGS, emit, patient_ids, stub_dialogs

OTHER_MRN = "DEMO-0003"  # a story patient with a few months of progress data


def measure(db: str, runs: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ptdesk.demo.generator import DEMO_TODAY
    from ptdesk.ui.app import make_application, open_database
    from ptdesk.ui.context import AppContext

    try:
        from ptdesk.ui.chart.progress import ProgressTab
    except ImportError as exc:  # the tab is not part of this build: say so, never guess
        return {"available": False, "reason": f"ptdesk.ui.chart.progress.ProgressTab: {exc}"}
    app = make_application([])
    stub_dialogs()
    engine, sf = open_database(db)
    ids = patient_ids(sf, [PROGRESS_MRN, OTHER_MRN])
    tab = ProgressTab(AppContext(sf, ACTOR))
    tab.today = lambda: DEMO_TODAY  # the synthetic data ends on the demo's fixed day
    tab.resize(1280, 800)
    tab.show()
    app.processEvents()

    def draw(patient_id: int) -> float:
        began = time.perf_counter()
        tab.set_patient(patient_id)
        app.processEvents()
        return (time.perf_counter() - began) * 1000

    first = draw(ids[PROGRESS_MRN])
    times = []
    for _ in range(runs):
        draw(ids[OTHER_MRN])
        times.append(draw(ids[PROGRESS_MRN]))
    line = getattr(tab.pain, "line", None)  # what was drawn, as a sanity check
    points = line.count() if line is not None else None
    tab.close()
    engine.dispose()
    return {"available": True, "draw_ms": times, "first_draw_ms": first,
            "pain_points": points, "dialogs": DIALOGS}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    emit(measure(args.db, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
