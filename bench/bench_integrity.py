"""Benchmark: the cost of the integrity features on a synthetic clinic.

Run: .venv/bin/python bench/bench_integrity.py [--patients 2000] [--entries 2000]
Prints: one audit append (a commit each), signing a note, adding an addendum, the audit
chain check, the signed-note check, the whole `verify`, a backup and a restore.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ptdesk.db.engine import make_engine, make_session_factory  # noqa: E402
from ptdesk.db.migrate import upgrade  # noqa: E402
from ptdesk.demo.generator import build_demo_clinic  # noqa: E402
from ptdesk.services.audit import log as audit  # noqa: E402
from ptdesk.services.backup.backups import backup, restore, verify  # noqa: E402
from ptdesk.services.evaluations import create_visit, save_evaluation  # noqa: E402
from ptdesk.services.signing import add_addendum, sign_visit, verify_signed_notes  # noqa: E402
from ptdesk.services.uow import transaction  # noqa: E402
from tests.factories import (  # noqa: E402
    ACTOR,
    full_evaluation,
    make_episode,
    make_patient,
    provision_accounts,
)


def timed(label: str, fn: Callable[[], Any], repeat: int = 1) -> Any:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    print(f"{label:<44} median {statistics.median(samples):9.1f} ms"
          + (f"  (min {min(samples):.1f}, n={repeat})" if repeat > 1 else ""))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=2000, help="extra audit entries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "clinic.db"
        engine = make_engine(db)
        upgrade(engine)
        sf = make_session_factory(engine)
        provision_accounts(sf)
        start = time.perf_counter()
        result = build_demo_clinic(sf, actor=ACTOR, patients=args.patients)
        print(f"clinic: {result.summary_line()} ({time.perf_counter() - start:.0f} s)")

        def append() -> None:
            with transaction(sf) as session:
                audit.record(session, actor=ACTOR, action="view", record_type="visit")

        timed("audit append (own transaction + commit)", append, repeat=200)
        for _ in range(args.entries):
            append()
        patient = make_patient(sf, mrn="BENCH-SIGN")
        episode = make_episode(sf, patient.id)
        visits = []
        for n in range(20):
            visit = create_visit(sf, actor=ACTOR, episode_id=episode.id,
                                 visit_date=date(2026, 10, 1 + n), visit_type="follow_up")
            visits.append(save_evaluation(sf, actor=ACTOR, visit_id=visit.id,
                                          evaluation=full_evaluation()))
        pending = iter(visits)
        timed("sign_visit (full evaluation)",
              lambda: sign_visit(sf, actor=ACTOR, visit_id=next(pending).id), repeat=20)
        timed("add_addendum", lambda: add_addendum(sf, actor=ACTOR, visit_id=visits[0].id,
                                                   reason="Late entry", text="Called back."),
              repeat=20)
        chain = timed("verify_chain", lambda: audit.verify_chain(sf), repeat=3)
        print(f"{'':<44} ({chain.entries} entries)")
        timed("verify_signed_notes", lambda: verify_signed_notes(sf), repeat=3)
        report = timed("verify (integrity, FKs, chain, notes)", lambda: verify(sf))
        assert report.ok, report.lines()
        print(f"{'database size':<44} {db.stat().st_size / 2**20:9.1f} MiB")
        path = timed("backup (online API, checked, 0600)",
                     lambda: backup(sf, to_dir=Path(folder) / "b"))
        engine.dispose()
        timed("restore (stage, check, upgrade, swap)", lambda: restore(path, target_db=db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
