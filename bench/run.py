"""`python bench/run.py [--patients N] [--json FILE]`: every figure of the performance issue, measured.

Builds (or reuses, cached by seed and size under bench/.cache/) a synthetic clinic with the demo
generator, then measures each figure in real child processes with real widgets (offscreen Qt)
and prints median, min, max, target and PASS/FAIL. Exits 0 even when a target is missed; non-zero
only when something could not be measured. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from clinic_cache import (  # noqa: E402
    CACHE_DIR,
    REPO,
    Clinic,
    bench_env,
    ensure_clinic,
    key_file,
    working_copy,
)
from figures import (  # noqa: E402
    ERROR,
    SKIPPED,
    TARGETS,
    UNAVAILABLE,
    Detail,
    Figure,
    machine,
    machine_line,
    median,
    report_json,
    table,
)
from probe_common import parse_result, percentile  # noqa: E402
from probe_run_import import measure_run_import  # noqa: E402
from probe_verify import measure_verify  # noqa: E402

BIG_CLINIC = 100_000
PROBE_TIMEOUT_S = 1800


Measure = Callable[[], "Figure | list[Figure]"]


class ProbeError(RuntimeError):
    pass


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def installed_bytecode() -> None:
    """Compile PT Desk's modules to bytecode before timing anything, as an install does.

    `pip install` and the PyInstaller bundle ship compiled bytecode, and Python writes it on
    a checkout's first start, so a clinician never starts PT Desk from source text. A shell
    with PYTHONDONTWRITEBYTECODE set (some CI and sandbox images) would otherwise compile
    every module on every start and charge it to the start-up figure (about 30 ms here).
    """
    root = BENCH.parent
    for package in ("ptdesk", "resources"):
        compileall.compile_dir(root / package, quiet=1)


def run_probe(script: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, str(BENCH / script), *args]
    try:
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise ProbeError(f"{script} {' '.join(args[:1])} took over {PROBE_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-12:])
        raise ProbeError(f"{script} {' '.join(args[:1])} exited with {done.returncode}:\n{tail}")
    try:
        return parse_result(done.stdout)
    except ValueError as exc:
        raise ProbeError(f"{script}: {exc}") from exc


def measure_startup(db: Path, env: dict[str, str], runs: int) -> Figure:
    """Rounds of cold processes (empty window; ptdesk; ptdesk signed in at once), one untimed first.

    The figure is ptdesk's start until its window and sign-in prompt are painted and take
    keystrokes (the first moment a clinician can act), over the empty window's, per round.
    Signing in through the real prompt, and how long the UI thread stalls meanwhile, are
    reported underneath.
    """
    rows: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        rows.setdefault(key, []).append(value)

    ratios: list[float] = []
    for attempt in range(runs + 1):
        spawned = time.time()
        blank = run_probe("probe_startup.py", "empty", env=env)["ready"] - spawned
        spawned = time.time()
        app = run_probe("probe_startup.py", "app", str(db), env=env)
        spawned_eager = time.time()
        eager = run_probe("probe_startup.py", "app", str(db), "--eager", env=env)
        for out in (app, eager):
            if "error" in out:
                raise ProbeError(f"ptdesk did not start: {out['error']}")
            if not out.get("typed"):
                raise ProbeError("ptdesk's sign-in prompt did not take keystrokes")
            if not out.get("rows"):
                raise ProbeError("ptdesk signed in but its patient list stayed empty")
        if attempt == 0:
            continue  # the first round also pays for a cold file cache after the copy
        add("empty", blank * 1000)
        add("prompt", (app["prompt"] - spawned) * 1000)
        add("db_open", (app["db_open"] - spawned) * 1000)
        add("signin", (app["ready"] - app["submit"]) * 1000)
        add("check", (app["signed_in"] - app["submit"]) * 1000)
        add("check_stall", app["check_stall_ms"])
        add("stall", app["stall_ms"])
        add("eager", (eager["ready"] - spawned_eager) * 1000)
        add("eager_stall", eager["stall_ms"])
        ratios.append(rows["prompt"][-1] / rows["empty"][-1])
    m = {key: median(values) for key, values in rows.items()}
    return Figure("startup_ratio", tuple(ratios), details=(
        Detail("empty QMainWindow shown (median)", m["empty"], "ms"),
        Detail("window + sign-in prompt ready (median)", m["prompt"], "ms"),
        Detail("database open behind it (median)", m["db_open"], "ms"),
        Detail("signin_to_list_ms (Sign in to list)", m["signin"], "ms"),
        Detail("  of it the password check (median)", m["check"], "ms"),
        Detail("UI stall during password check (max)", max(rows["check_stall"]), "ms"),
        Detail("UI stall, Sign in to list usable (max)", max(rows["stall"]), "ms"),
        Detail("signed in at once: list usable (median)", m["eager"], "ms"),
        Detail("  its UI stall while signing in (max)", max(rows["eager_stall"]), "ms"),
    ), note="to the painted, typeable sign-in prompt; signin_to_list_ms: Sign in clicked once "
            "the database is open; 'at once': clicked the moment the prompt shows")


def measure_search(name: str, db: Path, env: dict[str, str], runs: int, keystrokes: int,
                   seed: int) -> Figure:
    """One p95 per process (200 keystrokes each); the figure is the median of those."""
    p95s, filtered, counted, lengths = [], [], [], []
    for run in range(runs):
        out = run_probe("probe_ui.py", "search", str(db), "--keystrokes", str(keystrokes),
                        "--seed", str(seed * 1000 + run), env=env)
        p95s.append(percentile(out["filter_ms"], 95))
        filtered += out["filter_ms"]
        counted += out["count_ms"]
        lengths += out["typed_length"]
    first = [ms for ms, n in zip(filtered, lengths, strict=True) if n == 1]
    later = [ms for ms, n in zip(filtered, lengths, strict=True) if n > 1]
    return Figure(name, tuple(p95s), details=(
        Detail(f"keystrokes timed ({runs} x {keystrokes})", len(filtered), ""),
        Detail("one keystroke, median", median(filtered), "ms"),
        Detail("one keystroke, slowest", max(filtered), "ms"),
        Detail(f"first letter of a name, p95 ({len(first)})", percentile(first, 95), "ms"),
        Detail(f"second letter onwards, p95 ({len(later)})", percentile(later, 95), "ms"),
        Detail("deferred match count after paint, p95", percentile(counted, 95), "ms"),
    ))


def measure_chart(db: Path, env: dict[str, str], runs: int, opens: int) -> Figure:
    """Overview in front (the chart as it first opens); the other tabs are shown as details."""
    by_tab: dict[str, list[float]] = {}
    for _ in range(runs):
        out = run_probe("probe_ui.py", "chart", str(db), "--opens", str(opens), env=env)
        for title, times in out["tabs"].items():
            by_tab.setdefault(title, []).extend(times)
    first = next(iter(by_tab))
    details = [Detail(f"{first} in front, p95", percentile(by_tab[first], 95), "ms")]
    details += [Detail(f"{title} in front, median", median(times), "ms")
                for title, times in by_tab.items() if title != first]
    return Figure("open_chart_ms", tuple(by_tab[first]), details=tuple(details),
                  note=f"{first} tab in front; {runs} x {opens} openings of a 150-visit chart")


def measure_rss(db: Path, env: dict[str, str], runs: int, seed: int) -> Figure:
    values, ready = [], []
    for run in range(runs):
        out = run_probe("probe_ui.py", "rss", str(db), "--seed", str(seed + run), env=env)
        values.append(out["rss_mib"])
        ready.append(out["rss_ready_mib"])
    return Figure("rss_mib", tuple(values), details=(
        Detail("when the list is ready, before any chart", median(ready), "MiB"),))


def measure_services(db: Path, env: dict[str, str], runs: int) -> list[Figure]:
    out = run_probe("probe_services.py", str(db), "--runs", str(runs), env=env)["results"]
    names = {"save_evaluation": "save_evaluation_ms", "exercise_sheet": "exercise_sheet_ms",
             "runplan_pdf": "runplan_pdf_ms", "progress_report": "progress_report_ms"}
    return [Figure(figure, tuple(out[key]["wall_ms"]), details=(
        Detail("CPU time of the process, median", median(out[key]["cpu_ms"]), "ms"),))
        for key, figure in names.items()]


def measure_progress_tab(db: Path, env: dict[str, str], runs: int) -> Figure:
    out = run_probe("probe_progress_tab.py", str(db), "--runs", str(runs), env=env)
    if not out.get("available"):
        return Figure("progress_tab_ms", status=UNAVAILABLE, note=str(out.get("reason", "")))
    return Figure("progress_tab_ms", tuple(out["draw_ms"]), details=(
        Detail("first draw (imports QtCharts, builds charts)", out["first_draw_ms"], "ms"),))


def measure_evaluation_inputs(env: dict[str, str], runs: int) -> list[Figure]:
    """DEMO-0001's initial evaluation charted by hand in the real window (probe_inputs.py)."""
    counts, seconds, last = [], [], {}
    for _ in range(runs):
        last = run_probe("probe_inputs.py", env=env)
        if last.get("problems"):
            raise ProbeError("probe_inputs.py did not reproduce the demo record: "
                             + ", ".join(last["problems"]))
        counts.append(float(last["inputs"]))
        seconds.append(float(last["seconds"]))
    details = (Detail("typed characters", last["typed_characters"], ""),
               Detail("of them free text (words, not numbers or dates)",
                      last["typed_free_text"], ""),
               Detail("navigation and shortcut keys", last["navigation_keys"], ""),
               Detail("mouse clicks", last["clicks"], ""))
    note = "SOAP drafted from the exam" if last.get("drafted_soap") else "SOAP typed in full"
    return [Figure("evaluation_inputs", tuple(counts), details=details, note=note),
            Figure("evaluation_input_s", tuple(seconds))]


def _guarded(names: list[str], measure: Measure) -> list[Figure]:
    """A probe that fails marks its figures as errors; the other figures are still measured."""
    _say(f"measuring {', '.join(names)}…")
    try:
        result = measure()
    except ProbeError as exc:
        _say(f"  ERROR: {exc}")
        lines = str(exc).splitlines()
        note = lines[0] + (f" {lines[-1]}" if len(lines) > 1 else "")
        return [Figure(name, status=ERROR, note=note) for name in names]
    return result if isinstance(result, list) else [result]


def _measurements(db: Path, env: dict[str, str], reps: dict[str, int],
                  seed: int) -> list[tuple[list[str], Measure]]:
    """Every probe on the 10,000-patient working copy, in the order they run.

    A new figure is one line here plus its target in figures.TARGETS.
    """
    return [
        (["startup_ratio"], lambda: measure_startup(db, env, reps["startup"])),
        (["search_keystroke_ms"],
         lambda: measure_search("search_keystroke_ms", db, env, reps["ui"], 200, seed)),
        (["open_chart_ms"], lambda: measure_chart(db, env, reps["chart"], reps["opens"])),
        (["save_evaluation_ms", "exercise_sheet_ms", "runplan_pdf_ms", "progress_report_ms"],
         lambda: measure_services(db, env, reps["runs"])),
        (["progress_tab_ms"], lambda: measure_progress_tab(db, env, reps["runs"])),
        (["rss_mib"], lambda: measure_rss(db, env, reps["ui"], seed)),
        (["import_1000_runs_s"], lambda: measure_run_import(env, reps["ui"])),
        (["verify_s"], lambda: measure_verify(db, env, reps["ui"])),
        (["evaluation_inputs", "evaluation_input_s"],
         lambda: measure_evaluation_inputs(env, reps["ui"])),
    ]


def _wanted(names: list[str], only: frozenset[str] | None) -> bool:
    return only is None or any(name in only for name in names)


def _figure_names(text: str) -> frozenset[str]:
    names = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(names - set(TARGETS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown figure {', '.join(unknown) or '(none given)'}; "
            f"known: {', '.join(TARGETS)}")
    return names


def encrypt_copy(db: Path, env: dict[str, str]) -> None:
    """Convert the working copy with `ptdesk encrypt`; the probes unlock it (probe_common)."""
    from probe_common import BENCH_PASSWORD_ENV

    from ptdesk.demo.generator import DEMO_PASSWORD

    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ptdesk", "--as", "demo.admin", "encrypt", "--db", str(db),
         "--recovery-key-file", str(db.with_name("recovery.txt"))],
        env={**env, "PTDESK_PASSWORD": DEMO_PASSWORD}, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"ptdesk encrypt failed: {done.stderr.strip()}")
    env[BENCH_PASSWORD_ENV] = DEMO_PASSWORD
    _say(f"encrypted the working copy in {time.perf_counter() - began:.0f} s")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument("--patients", type=int, default=10_000,
                        help="patients in the synthetic clinic (default 10,000)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the figures here")
    parser.add_argument("--seed", type=int, default=1, help="demo generator seed (default 1)")
    parser.add_argument("--skip-100k", action="store_true",
                        help="do not build or search the 100,000-patient clinic")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions (a rough look while working, not for the record)")
    parser.add_argument("--encrypted", action="store_true",
                        help="measure an encrypted copy of the clinic (issue 22): the working "
                             "copy is converted with `ptdesk encrypt` first")
    parser.add_argument("--only", metavar="FIGURE[,FIGURE]", type=_figure_names,
                        help="measure only these figures (names as in the table), e.g. "
                             "--only progress_tab_ms,verify_s")
    args = parser.parse_args(argv)
    if not 10 <= args.patients <= 200_000:
        parser.error("--patients must be from 10 to 200,000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # probes inherit it; reported too
    began = time.perf_counter()
    quick = args.quick
    reps = {"startup": 3 if quick else 7, "ui": 1 if quick else 3, "chart": 1 if quick else 2,
            "opens": 5 if quick else 15, "runs": 8 if quick else 20}
    clinic = ensure_clinic(args.patients, args.seed)
    installed_bytecode()
    big: Clinic | None = None
    if not args.skip_100k and _wanted(["search_keystroke_ms_100k"], args.only):
        big = clinic if args.patients == BIG_CLINIC else ensure_clinic(BIG_CLINIC, args.seed)
    host = machine()
    _say(f"clinic: {clinic.path.name} ({clinic.info.get('patients')} patients, "
         f"{clinic.info.get('visits')} visits); {machine_line(host)}")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="run-", dir=CACHE_DIR) as scratch:
        folder = Path(scratch)
        (folder / "config").mkdir()
        db = working_copy(clinic, folder)  # the cache itself stays as built
        env = bench_env(folder / "config", key_file(db))
        if args.encrypted:
            encrypt_copy(db, env)
        plan = _measurements(db, env, reps, args.seed)
        for names, measure in plan:
            if _wanted(names, args.only):
                figures += _guarded(names, measure)
        if big is None and _wanted(["search_keystroke_ms_100k"], args.only):
            figures.append(Figure("search_keystroke_ms_100k", status=SKIPPED,
                                  note="skipped with --skip-100k"))
        elif big is not None:
            # Read-only work: the cached file is searched in place (no 2.7 GB copy), unless
            # the figure is for an encrypted clinic: then a working copy is converted.
            big_path, big_env = big.path, env
            if args.encrypted:
                (folder / "big" / "config").mkdir(parents=True)
                big_path = working_copy(big, folder / "big")
                big_env = bench_env(folder / "big" / "config", key_file(big_path))
                encrypt_copy(big_path, big_env)
            figures += _guarded(["search_keystroke_ms_100k"], lambda: measure_search(
                "search_keystroke_ms_100k", big_path, big_env, reps["ui"], 200, args.seed))
    figures.sort(key=lambda f: list(TARGETS).index(f.name))
    host["load_average_after"] = list(machine()["load_average"] or [])
    print(f"\nPT Desk benchmark — {clinic.info.get('patients'):,} patients, "
          f"{clinic.info.get('visits'):,} visits (seed {args.seed})"
          + (" [--quick]" if quick else ""))
    print(f"Machine: {machine_line(host)}\n")
    print(table(figures))
    missed = [f.name for f in figures if f.passed is False]
    print(f"\n{len(missed)} figure(s) miss their target" + (f": {', '.join(missed)}" if missed
                                                           else "."))
    if args.json:
        clinics = {"main": _clinic_json(clinic), "100k": _clinic_json(big) if big else None}
        report = report_json(figures, {
            "machine": host, "clinic": clinics, "quick": quick,
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "duration_s": round(time.perf_counter() - began, 1),
        })
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.json}")
    return 1 if any(f.status == ERROR for f in figures) else 0


def _clinic_json(clinic: Clinic) -> dict[str, Any]:
    return {"file": clinic.path.name, **clinic.info}


if __name__ == "__main__":
    sys.exit(main())
