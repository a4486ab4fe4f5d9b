"""Benchmark `import_1000_runs_s`: import 1,000 watch files (a Strava-like mix) into one run log.

The files are made once and cached under bench/.cache/run_files_v1/: 1 Hz recordings of
20-60 minutes, as watches write them — 600 FIT.gz, 250 GPX, 100 TCX.gz and 50 walks
(FIT.gz, skipped). Each run imports the folder into a fresh migrated SQLite database in a
child process and times `import_runs` (reading, parsing, de-duplicating, one transaction).
Run alone with `.venv/bin/python bench/probe_run_import.py [--runs N]`; target < 30 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO)]

from figures import Detail, Figure  # noqa: E402
from probe_common import emit, parse_result  # noqa: E402

FILES = BENCH / ".cache" / "run_files_v1"
MIX = (("fit.gz", 600), ("gpx", 250), ("tcx.gz", 100), ("walk.fit.gz", 50))


def make_files(folder: Path = FILES) -> Path:
    """The 1,000 files (made once; a marker file says the set is complete)."""
    done = folder / ".complete"
    if done.exists():
        return folder
    from tests.helpers.run_files import RunSpec, fit_bytes, gpx_bytes, gz, tcx_bytes

    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2023, 1, 2, 7, 0, tzinfo=UTC)
    number = 0
    for kind, count in MIX:
        for _ in range(count):
            minutes = 20 + (number * 7) % 41
            spec = RunSpec(start=start + timedelta(days=number, minutes=number % 50),
                           minutes=minutes, distance_m=minutes * 170.0,
                           ascent_m=float(number % 80), cadence_spm=160 + number % 20,
                           hr=130 + number % 30, interval_s=1,
                           sport="walking" if kind.startswith("walk") else "running")
            data = {"fit.gz": lambda s: gz(fit_bytes(s)), "gpx": gpx_bytes,
                    "tcx.gz": lambda s: gz(tcx_bytes(s)),
                    "walk.fit.gz": lambda s: gz(fit_bytes(s))}[kind](spec)
            (folder / f"{number:04d}.{kind.removeprefix('walk.')}").write_bytes(data)
            number += 1
    done.write_text("1000\n")
    return folder


def probe() -> dict[str, Any]:
    """One timed import into a fresh database (runs in a child process)."""
    from ptdesk.db.engine import make_engine, make_session_factory
    from ptdesk.db.migrate import upgrade
    from ptdesk.services.patients import PatientInput, create_patient
    from ptdesk.services.run_import import import_runs

    folder = make_files()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["PTDESK_AUDIT_KEY_FILE"] = str(Path(scratch) / "audit.key")
        engine = make_engine(Path(scratch) / "bench.db")
        upgrade(engine)
        factory = make_session_factory(engine)
        patient = create_patient(factory, actor="bench", data=PatientInput(
            mrn="BENCH-RUNS", first_name="Bench", last_name="Runner",
            date_of_birth=date(1990, 1, 1)))
        began = time.perf_counter()
        cpu = time.process_time()
        result = import_runs(factory, actor="bench", patient_id=patient.id,
                             paths=[str(folder)], today=date(2026, 12, 1))
        wall = time.perf_counter() - began
        cpu = time.process_time() - cpu
        engine.dispose()
    return {"wall_s": wall, "cpu_s": cpu, "added": result.added, "skipped": result.skipped,
            "duplicates": result.duplicates, "rejected": len(result.rejected)}


def measure_run_import(env: dict[str, str], runs: int) -> Figure:
    """`import_1000_runs_s` for bench/run.py: `runs` child processes, one import each."""
    make_files()
    samples, cpu = [], []
    out: dict[str, Any] = {}
    for _ in range(runs):
        done = subprocess.run([sys.executable, __file__, "--probe"], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=1800, check=True)
        out = parse_result(done.stdout)
        samples.append(out["wall_s"])
        cpu.append(out["cpu_s"])
    return Figure("import_1000_runs_s", tuple(samples), details=(
        Detail("CPU time of the process, median", sorted(cpu)[len(cpu) // 2], "s"),
        Detail("runs added (of 950 runs and 50 walks)", out.get("added", 0), "runs"),
        Detail("walks skipped", out.get("skipped", 0), "files")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        emit(probe())
        return 0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(BENCH)]))
    figure = measure_run_import(env, args.runs)
    print(f"import_1000_runs_s: median {figure.median:.1f} s over {args.runs} run(s) "
          f"(target < 30 s); samples {', '.join(f'{s:.1f}' for s in figure.samples)}")
    for detail in figure.details:
        print(f"  {detail.label}: {detail.value:g} {detail.unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
