"""Crash-safety soak: SIGKILL a process saving visits at random moments, 200+ times.

Run: .venv/bin/python bench/crash_soak.py [--kills 200] [--seed 1] [--db FILE]
After every kill the database must pass `ptdesk verify` (integrity, foreign keys, audit
chain, signed-note hashes) and every save the child acknowledged must be there. The CI
suite runs the same harness 20 times (tests/integration/test_crash_safety.py). Exits 1
on the first failure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.crash_harness import kill_loop  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="database file (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "crash.db"
        outcome = kill_loop(db, args.kills, args.seed)
    acks = outcome.acks
    print(f"kills: {outcome.kills}  time: {outcome.seconds:.1f} s "
          f"({outcome.seconds / max(outcome.kills, 1):.2f} s per kill)")
    print(f"acknowledged: {len(acks.visits)} visits, {len(acks.saved)} evaluations, "
          f"{len(acks.signed)} signatures, {len(acks.addenda)} addenda")
    if outcome.failures:
        print("FAILED:")
        for failure in outcome.failures[:20]:
            print(f"  {failure}")
        return 1
    print("PASS: the database verified after every kill and no acknowledged save was lost.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
