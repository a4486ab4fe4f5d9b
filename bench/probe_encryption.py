"""Encryption cost probe (issue 22): the same work on a plaintext and an encrypted clinic.

    python bench/probe_encryption.py DB [--password-file FILE] [--runs 5]

Opens the clinic as the app does (an encrypted one is unlocked with the password, which
is timed: the key slots' scrypt), then times a patient search as typed, opening the big
chart's visits, and the service probe (a full evaluation saved, the three PDFs). Run it
once on a copy of the bench clinic and once on an encrypted copy (`ptdesk encrypt`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from clinic_cache import ACTOR, BIG_CHART_MRN
from probe_common import emit, patient_ids

SEARCHES = ("a", "an", "and", "ande", "ander", "m", "ma", "mar", "mart", "marti")


def measure(db: str, password: str | None, runs: int) -> dict[str, Any]:
    import probe_services

    import ptdesk.ui.app as ui_app
    from ptdesk.services.evaluations import list_visits
    from ptdesk.services.keys.clinic_key import is_locked
    from ptdesk.services.keys.opening import unlock_and_open
    from ptdesk.services.patients import search_patients

    real_open = ui_app.open_database

    def open_unlocked(path: str | None) -> Any:
        engine, sf = real_open(path)
        if is_locked(sf):
            assert password is not None and unlock_and_open(sf, password)
        return engine, sf

    began = time.perf_counter()
    engine, sf = open_unlocked(db)
    opened_ms = (time.perf_counter() - began) * 1000
    big = patient_ids(sf, [BIG_CHART_MRN])[BIG_CHART_MRN]
    search: list[float] = []
    chart: list[float] = []
    for attempt in range(runs + 1):
        for text in SEARCHES:
            began = time.perf_counter()
            search_patients(sf, text, actor=ACTOR)
            if attempt:
                search.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        list_visits(sf, actor=ACTOR, patient_id=big)
        if attempt:
            chart.append((time.perf_counter() - began) * 1000)
    engine.dispose()
    ui_app.open_database = open_unlocked  # type: ignore[assignment]
    services = probe_services.measure(db, runs)["results"]
    return {"open_and_unlock_ms": opened_ms,
            "search_median_ms": statistics.median(search),
            "big_chart_visits_median_ms": statistics.median(chart),
            **{f"{name}_median_ms": statistics.median(r["wall_ms"])
               for name, r in services.items()}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--password-file", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    password = args.password_file.read_text().splitlines()[0] if args.password_file else None
    emit(measure(args.db, password, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
