"""Crash-safety harness: a child saves visits and acknowledges each commit; the parent SIGKILLs it.

Run as a script it is the child: `python crash_harness.py DB EPISODE_ID ACTOR`. It loops
creating a visit, saving its evaluation, signing every other note and adding an addendum
to some, printing one `ack ...` line after each commit. `kill_loop` (used by
tests/integration/test_crash_safety.py and bench/crash_soak.py) kills children at random
moments and checks after each kill that the database passes `verify` and that every
acknowledged save is there.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select  # noqa: E402

from ptdesk.db.engine import make_engine, make_session_factory  # noqa: E402
from ptdesk.db.models import Addendum, SubjectiveExam, Visit  # noqa: E402

CHILD = Path(__file__).resolve()
ROOT = CHILD.parents[2]


def child(db: str, episode_id: int, actor: str) -> None:
    from ptdesk.services.evaluations import create_visit, save_evaluation
    from ptdesk.services.signing import add_addendum, sign_visit
    from tests.factories import full_evaluation

    sf = make_session_factory(make_engine(db))
    base = full_evaluation()
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        visit = create_visit(sf, actor=actor, episode_id=episode_id,
                             visit_date=date(2026, 11, 5), visit_type="follow_up")
        print(f"ack visit {visit.id}", flush=True)
        subjective = replace(base.subjective, chief_complaint=f"crash-{visit.id}")
        save_evaluation(sf, actor=actor, visit_id=visit.id,
                        evaluation=replace(base, subjective=subjective))
        print(f"ack saved {visit.id}", flush=True)
        if n % 2:
            continue
        sign_visit(sf, actor=actor, visit_id=visit.id)
        print(f"ack signed {visit.id}", flush=True)
        if n % 4 == 0:
            added = add_addendum(sf, actor=actor, visit_id=visit.id, reason="Late entry",
                                 text=f"addendum for {visit.id}")
            print(f"ack addendum {added.id}", flush=True)


@dataclass
class Acks:
    visits: set[int] = field(default_factory=set)
    saved: set[int] = field(default_factory=set)
    signed: set[int] = field(default_factory=set)
    addenda: set[int] = field(default_factory=set)

    def add(self, line: str) -> None:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "ack":
            getattr(self, {"visit": "visits", "addendum": "addenda"}.get(parts[1], parts[1])) \
                .add(int(parts[2]))


@dataclass
class Outcome:
    kills: int = 0
    acks: Acks = field(default_factory=Acks)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def prepare(db: Path) -> tuple[int, str]:
    """A migrated clinic with staff accounts, a patient and an open episode of care."""
    from ptdesk.db.migrate import upgrade
    from tests.factories import ACTOR, make_episode, make_patient, provision_accounts

    engine = make_engine(db)
    upgrade(engine)
    sf = make_session_factory(engine)
    provision_accounts(sf)
    episode = make_episode(sf, make_patient(sf, mrn="CRASH-1").id)
    engine.dispose()
    return episode.id, ACTOR


def _run_child(db: Path, episode_id: int, actor: str, rng: random.Random, acks: Acks) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(CHILD), str(db), str(episode_id), actor],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    try:
        first = proc.stdout.readline()
        if first.strip() != "ready":
            err = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"child did not start: {first!r} {err[-2000:]}")
        # A random point in the save sequence (so progress does not depend on the machine's
        # speed), then a random moment within it: mid-transaction, mid-commit or between.
        for _ in range(rng.randint(0, 14)):
            acks.add(proc.stdout.readline())
        time.sleep(rng.uniform(0.0, 0.04))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != -signal.SIGKILL:
        raise RuntimeError(f"child stopped by itself ({proc.returncode}): {err[-2000:]}")
    for line in out.splitlines():  # every ack the child wrote before it died
        acks.add(line)


def check(db: Path, acks: Acks) -> list[str]:
    """What is wrong after a kill: a failed verify, or an acknowledged save that is missing."""
    from ptdesk.services.backup.backups import verify

    engine = make_engine(db)
    try:
        report = verify(engine)
        problems = [] if report.ok else list(report.problems)
        with engine.connect() as connection:
            visits = dict(connection.execute(select(Visit.id, Visit.status)).all())
            complaints = dict(connection.execute(
                select(SubjectiveExam.visit_id, SubjectiveExam.chief_complaint)).all())
            addenda = set(connection.execute(select(Addendum.id)).scalars())
    finally:
        engine.dispose()
    problems += [f"acknowledged visit {v} is missing" for v in acks.visits - visits.keys()]
    problems += [f"acknowledged evaluation of visit {v} is missing" for v in acks.saved
                 if complaints.get(v) != f"crash-{v}"]
    problems += [f"acknowledged signature of visit {v} is missing" for v in acks.signed
                 if visits.get(v) != "signed"]
    problems += [f"acknowledged addendum {a} is missing" for a in acks.addenda - addenda]
    return problems


def kill_loop(db: Path, kills: int, seed: int, *, stop_after: float | None = None) -> Outcome:
    """Kill `kills` children (or stop after `stop_after` seconds), checking after each kill."""
    rng = random.Random(seed)
    episode_id, actor = prepare(db)
    outcome = Outcome()
    started = time.perf_counter()
    for _ in range(kills):
        _run_child(db, episode_id, actor, rng, outcome.acks)
        outcome.kills += 1
        outcome.failures += [f"after kill {outcome.kills}: {p}" for p in check(db, outcome.acks)]
        if outcome.failures or (stop_after and time.perf_counter() - started > stop_after):
            break
    outcome.seconds = time.perf_counter() - started
    return outcome


if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]), sys.argv[3])
