"""`verify_s`: how long `ptdesk verify` takes on the bench clinic (target: under 10 s at ~200,000 visits).

As a figure of bench/run.py it runs the real command (`python -m ptdesk verify --db DB`)
in a child process on the working copy of the bench clinic. Standalone, it builds a
smaller clinic with the demo generator and reports the rate per visit, to estimate the
10,000-patient clinic without building it:

    .venv/bin/python bench/probe_verify.py [--patients 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from clinic_cache import ACTOR  # noqa: E402
from figures import ERROR, TARGETS, Detail, Figure  # noqa: E402
from probe_common import BENCH_PASSWORD_ENV  # noqa: E402

TARGETS.setdefault("verify_s", 10.0)
BENCH_VISITS = 200_000  # the 10,000-patient bench clinic, about


_COUNTS = ("SELECT count(*) FROM visits", "SELECT count(*) FROM visits WHERE status = 'signed'",
           "SELECT count(*) FROM audit_log")


def _counts(db: Path, password: str | None = None) -> tuple[int, int, int]:
    """(visits, signed visits, audit entries) of the clinic (an encrypted one is unlocked
    with `password`, as PT Desk does)."""
    if password is None:
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as connection:
            found = [connection.execute(sql).fetchone()[0] for sql in _COUNTS]
        connection.close()
    else:
        from sqlalchemy import text

        from ptdesk.services.keys.clinic_key import open_clinic, unlock

        engine = open_clinic(db)
        try:
            if not unlock(engine, password):
                raise RuntimeError("the bench password does not open the encrypted clinic")
            with engine.connect() as connection:
                found = [connection.execute(text(sql)).scalar_one() for sql in _COUNTS]
        finally:
            engine.dispose()
    visits, signed, entries = found
    return int(visits), int(signed), int(entries)


def _command(db: Path, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """`ptdesk verify` as the bench runs it; an encrypted clinic's with the demo clinician's
    password (what the other probes sign in with)."""
    password = env.get(BENCH_PASSWORD_ENV)
    acting = ["--as", ACTOR] if password else []
    command = [sys.executable, "-m", "ptdesk", *acting, "verify", "--db", str(db)]
    return command, ({**env, "PTDESK_PASSWORD": password} if password else env)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_verify(db: Path, env: dict[str, str], runs: int,
                cpu: list[float] | None = None) -> list[float]:
    """Wall seconds per run; `cpu` collects the child's CPU seconds (a loaded machine
    stretches wall time, not CPU time)."""
    samples = []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), _children_cpu()
        command, run_env = _command(db, env)
        done = subprocess.run(command, env=run_env, capture_output=True, text=True,
                              check=False, cwd=BENCH.parent)
        samples.append(time.perf_counter() - began)
        if cpu is not None:
            cpu.append(_children_cpu() - began_cpu)
        if done.returncode != 0:
            raise RuntimeError("ptdesk verify failed: " + (done.stdout + done.stderr)[-500:])
    return samples


def measure_verify(db: Path, env: dict[str, str], runs: int) -> Figure:
    """The bench/run.py figure: `ptdesk verify` on the working copy, in seconds."""
    cpu: list[float] = []
    try:
        samples = time_verify(db, env, max(runs, 1), cpu)
    except (RuntimeError, OSError) as exc:
        return Figure("verify_s", status=ERROR, note=str(exc).splitlines()[0][:200])
    visits, signed, entries = _counts(db, env.get(BENCH_PASSWORD_ENV))
    return Figure("verify_s", tuple(samples), details=(
        Detail("visits in the clinic", visits, "visits"),
        Detail("signed notes re-hashed", signed, "notes"),
        Detail("audit entries re-chained", entries, "entries"),
        Detail("per 1,000 visits", statistics.median(samples) * 1000 / max(visits, 1), "s"),
        Detail("CPU time (median)", statistics.median(cpu), "s")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="time this existing clinic instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as folder:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(BENCH.parent), str(BENCH)]),
                   XDG_CONFIG_HOME=str(Path(folder) / "config"))
        env.pop("PTDESK_DB", None)
        db = args.db
        if db is not None:  # a cached clinic: its audit key is kept with it
            from clinic_cache import KEY_ENV, key_file

            if key_file(db).exists():
                env[KEY_ENV] = str(key_file(db))
        if db is None:
            db = Path(folder) / "clinic.db"
            from ptdesk.db.engine import make_engine, make_session_factory
            from ptdesk.db.migrate import upgrade
            from ptdesk.demo.generator import build_demo_clinic

            os.environ["XDG_CONFIG_HOME"] = env["XDG_CONFIG_HOME"]  # the anchor, as the CLI
            engine = make_engine(db)
            upgrade(engine)
            began = time.perf_counter()
            build_demo_clinic(make_session_factory(engine), actor="bench",
                              patients=args.patients)
            engine.dispose()
            print(f"built {args.patients} patients in {time.perf_counter() - began:.0f} s")
        cpu: list[float] = []
        samples = time_verify(db, env, args.runs, cpu)
        visits, signed, entries = _counts(db)
    best, median = min(samples), statistics.median(samples)
    rate = median / max(visits, 1)
    print(f"clinic: {visits} visits ({signed} signed), {entries} audit entries")
    print(f"ptdesk verify: median {median:.2f} s (min {best:.2f} s, n={len(samples)}); "
          f"CPU median {statistics.median(cpu):.2f} s (integrity check on a second thread)")
    print(f"rate: {rate * 1e6:.1f} µs per visit -> about {rate * BENCH_VISITS:.1f} s for "
          f"{BENCH_VISITS:,} visits (target {TARGETS['verify_s']:.0f} s; process start "
          "included once)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
