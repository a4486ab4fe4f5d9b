"""Benchmark: the Progress tab draws a patient with 3 years of weekly data (target < 100 ms).

Run: .venv/bin/python bench/bench_progress_tab.py [--weeks 156] [--repeat 25]
The patient (156 weekly visits with NPRS, LEFS and strength tests, a plan with a run
logged every other day) is built with the services, as in bench_progress.py. One draw
is `set_patient` (one `progress_overview` read, all four charts and the change panel
filled) plus `processEvents` with the tab shown (offscreen), so the charts are painted.
Each draw starts from the empty tab (no patient). The first draw, which also imports
QtCharts and builds the charts, is reported apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_progress import TODAY, build  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ptdesk.db.engine import make_engine, make_session_factory  # noqa: E402
from ptdesk.db.migrate import upgrade  # noqa: E402
from ptdesk.ui.chart.progress import ProgressTab  # noqa: E402
from ptdesk.ui.context import AppContext  # noqa: E402

TARGET_MS = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(Path(folder) / "bench.db")
        upgrade(engine)
        sf = make_session_factory(engine)
        began = time.perf_counter()
        patient_id = build(sf, args.weeks)
        print(f"built {args.weeks} weekly visits + run logs in "
              f"{time.perf_counter() - began:.1f} s")
        tab = ProgressTab(AppContext(sf, "demo.alvarez"))
        tab.today = lambda: TODAY
        tab.resize(1280, 800)
        tab.show()
        app.processEvents()

        def draw() -> float:
            # From an empty tab each time, so nothing of the previous draw is reused.
            tab.set_patient(None)
            app.processEvents()
            start = time.perf_counter()
            tab.set_patient(patient_id)
            app.processEvents()
            return (time.perf_counter() - start) * 1000

        first = draw()
        times = [draw() for _ in range(args.repeat)]
        points = sum(chart.line.count() for chart in (tab.pain,)) \
            + sum(m.line.count() for m in tab.outcomes.measures.values()) \
            + sum(g.line.count() for g in tab.strength.groups.values()) \
            + tab.running.done.count() + tab.running.planned.count()
        tab.close()
        engine.dispose()
    median = statistics.median(times)
    print(f"points drawn: {points}")
    print(f"first draw (imports QtCharts, builds the charts): {first:.1f} ms")
    print(f"draw: median {median:.1f} ms, min {min(times):.1f} ms, max {max(times):.1f} ms "
          f"over {len(times)} runs")
    verdict = "OK" if median < TARGET_MS else "OVER TARGET"
    print(f"Progress tab: {median:.0f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
