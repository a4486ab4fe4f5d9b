"""The benchmark's synthetic clinic: built once with the demo generator, cached by seed and size."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE_DIR = BENCH / ".cache"
# Bump when what the cache holds changes (extra patients, their data), so old files are rebuilt.
# 2: demo accounts with passwords (sign-in)
# 3: synthetic prescriptions, plans and run logs
# 4: run plans anchored to the current weekly running, plan versions (issue 14)
CACHE_VERSION = 4
# The demo clinician: benchmarks sign in like a user would (issue 7).
ACTOR = "demo.alvarez"

# Patients the benchmark adds to the demo clinic, found again by MRN in every probe.
BIG_CHART_MRN = "BENCH-150"      # 150 weekly visits, 8-exercise programme, 30-week run plan
BIG_CHART_VISITS = 150
PROGRESS_MRN = "BENCH-1"         # progress_patient.build: 156 weekly visits, plan, run logs
PROGRESS_WEEKS = 156
SAVE_MRN = "BENCH-SAVE"          # an open episode; the save probe adds draft visits to a copy
EXERCISE_TEMPLATE = "runners_knee_phase_1"  # the 8-exercise programme after a first visit


@dataclass(frozen=True)
class Clinic:
    path: Path
    patients: int      # synthetic patients asked for (the demo clinic, without bench extras)
    seed: int
    info: dict[str, object]  # what the build wrote to the sidecar JSON


def cache_path(patients: int, seed: int) -> Path:
    return CACHE_DIR / f"clinic-v{CACHE_VERSION}-seed{seed}-n{patients}.db"


# PT Desk keeps a database's audit key in the user's key folder (outside the data
# folder). The bench keeps the cached clinic's key with the cache instead, under a name
# PT Desk never moves (`.auditkey` is what older versions left beside a database), and
# names it to every process it starts through $PTDESK_AUDIT_KEY_FILE.
KEY_ENV = "PTDESK_AUDIT_KEY_FILE"


def key_file(db: Path) -> Path:
    """The audit key kept with a cached (or working-copy) database."""
    key = db.with_name(db.name + ".key")
    older = db.with_name(db.name + ".auditkey")  # caches built before the key folder
    if not key.exists() and older.exists():
        older.rename(key)
    return key


@contextlib.contextmanager
def _key_named(db: Path) -> Iterator[None]:
    """PT Desk in this process uses the cache's own key file (never the user's folder)."""
    before = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = str(key_file(db))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(KEY_ENV, None)
        else:
            os.environ[KEY_ENV] = before


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_clinic(patients: int, seed: int) -> Clinic:
    """The cached clinic for (patients, seed), built now if it is not on disk yet.

    The build goes to a temporary name and is renamed when complete, so an
    interrupted build never leaves a half-filled cache behind.
    """
    path = cache_path(patients, seed)
    sidecar = path.with_suffix(".json")
    if not (path.exists() and sidecar.exists()):
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        for stale in CACHE_DIR.glob(building.name + "*"):
            stale.unlink()
        _say(f"Building the synthetic clinic ({patients:,} patients, seed {seed}) in {path} "
             "- one-off, later runs reuse it…")
        began = time.perf_counter()
        with _key_named(building):
            info = _build(building, patients, seed)
        info["build_seconds"] = round(time.perf_counter() - began, 1)
        _checkpoint(building)
        building.rename(path)
        key = key_file(building)
        if key.exists():  # the audit chain's key stays with its database
            key.rename(key_file(path))
        sidecar.write_text(json.dumps(info, indent=2))
        _say(f"  built in {info['build_seconds']} s")
    else:
        _upgrade(path)  # a migration added since the build (an index, say) is applied once
    return Clinic(path, patients, seed, json.loads(sidecar.read_text()))


def _upgrade(path: Path) -> None:
    from ptdesk.ui.app import open_database

    with _key_named(path):
        engine, _sf = open_database(str(path))
        engine.dispose()
    _checkpoint(path)


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file so a plain file copy is the whole database."""
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def working_copy(clinic: Clinic, folder: Path) -> Path:
    """A scratch copy for one benchmark run: audit rows and saved evaluations land there."""
    target = folder / "clinic.db"
    shutil.copyfile(clinic.path, target)
    # Without the audit chain's key every write is refused: the copy gets the cache's
    # key, named to the probes by bench_env(..., key=key_file(target)).
    key = key_file(clinic.path)
    if key.exists():
        shutil.copy2(key, key_file(target))
    return target


def _build(path: Path, patients: int, seed: int) -> dict[str, object]:
    from ptdesk.db.engine import make_engine
    from ptdesk.db.migrate import upgrade
    from ptdesk.demo.generator import build_demo_clinic
    from ptdesk.ui.app import open_database

    # A plaintext clinic, as one from before encryption: a new clinic would be encrypted from
    # its first start (issue 22), but the cache is copied and checkpointed with plain SQLite,
    # and `--encrypted` converts a working copy with `ptdesk encrypt`, as a clinic would be.
    created = make_engine(path)
    upgrade(created)
    created.dispose()
    engine, sf = open_database(str(path))
    try:
        # The demo clinic already has its five story patients: N in all.
        result = build_demo_clinic(sf, actor=ACTOR, patients=max(patients - 5, 0), seed=seed,
                                   demo_logins=True)
        info: dict[str, object] = {
            "patients": result.patients_added, "visits": result.visits_added, "seed": seed,
            "cache_version": CACHE_VERSION,
        }
        for name, add in _EXTRAS:
            began = time.perf_counter()
            add(sf)
            _say(f"  added {name} ({time.perf_counter() - began:.1f} s)")
        info["extras"] = [name for name, _add in _EXTRAS]
    finally:
        engine.dispose()
    return info


def _add_big_chart(sf: object) -> None:
    """One patient seen weekly for ~3 years: 150 visits, pain and LEFS, a programme and a plan."""
    from ptdesk.demo.generator import DEMO_TODAY
    from ptdesk.demo.sample_evaluation import weekly_evaluation
    from ptdesk.domain.runplan import PlanInputs
    from ptdesk.services.episodes import open_episode
    from ptdesk.services.evaluations import create_visit, save_evaluation
    from ptdesk.services.outcomes import record_outcome
    from ptdesk.services.patients import PatientInput, create_patient
    from ptdesk.services.prescriptions import items_from_template, save_prescription
    from ptdesk.services.runplans import save_plan

    patient = create_patient(sf, actor=ACTOR, data=PatientInput(  # type: ignore[arg-type]
        mrn=BIG_CHART_MRN, first_name="Morgan", last_name="Longhaul",
        date_of_birth=date(1980, 6, 1), sex="female", dominant_leg="right",
        phone="(503) 555-0150", referring_physician="Dr. Ada Okafor"))
    start = DEMO_TODAY - timedelta(weeks=BIG_CHART_VISITS - 1)
    episode = open_episode(sf, actor=ACTOR, patient_id=patient.id,  # type: ignore[arg-type]
                           diagnosis="Patellofemoral pain", affected_side="right",
                           start_date=start, icd10_code="M22.2X1",
                           goals=(("Run 10 km without knee pain", start + timedelta(weeks=12)),))
    for week in range(BIG_CHART_VISITS):
        visit = create_visit(sf, actor=ACTOR, episode_id=episode.id,  # type: ignore[arg-type]
                             visit_date=start + timedelta(weeks=week),
                             visit_type="initial_evaluation" if week == 0 else "follow_up")
        save_evaluation(sf, actor=ACTOR, visit_id=visit.id,  # type: ignore[arg-type]
                        evaluation=weekly_evaluation(week, BIG_CHART_VISITS))
        record_outcome(sf, actor=ACTOR, visit_id=visit.id,  # type: ignore[arg-type]
                       measure="nprs", items=[max(0, 6 - week // 25)])
        if week % 4 == 0:
            total = min(80, 40 + week // 4)
            whole, extra = divmod(total, 20)
            record_outcome(sf, actor=ACTOR, visit_id=visit.id,  # type: ignore[arg-type]
                           measure="lefs", items=[whole + 1] * extra + [whole] * (20 - extra))
    items = items_from_template(sf, EXERCISE_TEMPLATE)  # type: ignore[arg-type]
    save_prescription(sf, actor=ACTOR, patient_id=patient.id,  # type: ignore[arg-type]
                      items=items, effective_date=DEMO_TODAY - timedelta(weeks=2),
                      episode_id=episode.id)
    # 10 -> 40 km a week (longest 4 km now), 3 runs, a lighter week every 4th: the
    # generator makes 30 weeks.
    save_plan(sf, actor=ACTOR, patient_id=patient.id,  # type: ignore[arg-type]
              inputs=PlanInputs("km", 3, 4, 40, start=DEMO_TODAY - timedelta(weeks=2),
                                lighter_every=4, lighter_pct=90, current_weekly=10),
              episode_id=episode.id)


def _add_progress_patient(sf: object) -> None:
    # The progress benchmarks' own builder, so all three measure the same patient.
    from progress_patient import build

    build(sf, PROGRESS_WEEKS)  # type: ignore[arg-type]


def _add_save_patient(sf: object) -> None:
    from ptdesk.demo.generator import DEMO_TODAY
    from ptdesk.services.episodes import open_episode
    from ptdesk.services.patients import PatientInput, create_patient

    patient = create_patient(sf, actor=ACTOR, data=PatientInput(  # type: ignore[arg-type]
        mrn=SAVE_MRN, first_name="Riley", last_name="Firstvisit",
        date_of_birth=date(1992, 3, 14), sex="male"))
    open_episode(sf, actor=ACTOR, patient_id=patient.id,  # type: ignore[arg-type]
                 diagnosis="Patellofemoral pain", affected_side="right",
                 start_date=DEMO_TODAY - timedelta(days=1), icd10_code="M22.2X1")


_EXTRAS: tuple[tuple[str, Callable[[object], None]], ...] = (
    (f"{BIG_CHART_MRN} ({BIG_CHART_VISITS} visits, programme, plan)", _add_big_chart),
    (f"{PROGRESS_MRN} ({PROGRESS_WEEKS} weeks of progress data)", _add_progress_patient),
    (f"{SAVE_MRN} (open episode for the save benchmark)", _add_save_patient),
)


def bench_env(config_home: Path, key: Path | None = None) -> dict[str, str]:
    """Environment of every probe: offscreen Qt, the repo importable, a throwaway settings
    home, and `key` (the working copy's audit key file) named through $PTDESK_AUDIT_KEY_FILE."""
    env = dict(os.environ)
    if key is not None:
        env[KEY_ENV] = str(key)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(BENCH)])
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["XDG_CONFIG_HOME"] = str(config_home)  # never read or write the user's window layout
    env.pop("PTDESK_DB", None)
    return env
