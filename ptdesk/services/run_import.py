"""Import runs from watch files (FIT, GPX, TCX, gzipped, folders, zips) into a patient's run log.

One transaction per import batch: files are read and parsed first, outside any
transaction (the slow part, with progress), then every new run and one audit entry
with the counts are written together. The audit count then always matches what landed,
a failure leaves nothing half-imported, and one commit keeps a 1,000-file export fast.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Patient, RunLog
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.run_files import (
    MAX_FILE_BYTES,
    FileOutcome,
    RunFileError,
    RunSummary,
    count_zip_files,
    is_zip_name,
    iter_zip,
    read_limited,
    read_run_bytes,
    run_format,
)
from ptdesk.domain.stamps import as_utc
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError, ServiceError
from ptdesk.services.permissions import require
from ptdesk.services.runlogs import MAX_RUN, NEXT_MORNING_RANK
from ptdesk.services.runplans import load_active_plan
from ptdesk.services.uow import transaction

# Progress: (files read so far, files to read in all). Called from the importing thread.
Progress = Callable[[int, int], None]

# The same run seen twice: starts within this many seconds, and moving time or distance
# agree within these tolerances (a FIT and a GPX of one run differ by a few seconds of
# start and a few percent of distance, as each computes its own summary).
SAME_START_S = 120.0
SAME_TIME = (60.0, 0.05)  # seconds, or this share of the longer time
SAME_DISTANCE = (100.0, 0.03)  # metres, or this share of the longer distance
# A run typed in by hand (no start time) on the same day, in the same measure, within
# this share of the imported amount is taken as the same run: it keeps its pain answers
# and the week is not counted twice.
SAME_TYPED_AMOUNT = 0.10
_METRES_PER = {"km": 1000.0, "mi": 1609.344}
_HUNDREDTH = Decimal("0.01")


class MissingPathError(ServiceError):
    """A path given to import does not exist (nothing was imported)."""


@dataclass(frozen=True)
class RejectedFile:
    file: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """Counts of one import batch; `run_ids` are the run-log entries added."""

    added: int
    duplicates: int
    skipped: int
    rejected: tuple[RejectedFile, ...]
    run_ids: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON shape (issue 24), exactly."""
        return {"added": self.added, "duplicates": self.duplicates, "skipped": self.skipped,
                "rejected": [{"file": r.file, "reason": r.reason} for r in self.rejected]}


@dataclass(frozen=True)
class _Seen:
    started_at: datetime | None
    moving_s: float | None
    distance_m: float | None
    run_date: date
    amount: float
    measure: str


# ---- reading --------------------------------------------------------------------------

def _walk(folder: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):  # symlinked folders are not followed
        dirs.sort()
        for name in sorted(files):
            if run_format(name) is not None or is_zip_name(name):
                found.append(os.path.join(root, name))
    return found


def _read_file(label: str) -> FileOutcome:
    name = os.path.basename(label)
    if run_format(name) is None:  # judged by name before anything is opened
        return read_run_bytes(label, name, b"")
    try:
        if not stat.S_ISREG(os.stat(label).st_mode):  # a pipe or device never ends
            return FileOutcome(label, rejected="This is not a regular file, so it was not "
                                               "read.")
        with open(label, "rb") as stream:
            data = read_limited(stream, MAX_FILE_BYTES)
    except RunFileError:
        return FileOutcome(label, rejected=f"The file is larger than "
                           f"{MAX_FILE_BYTES // (1024 * 1024)} MB, far more than any run "
                           "file, so it was not read.")
    except OSError as error:
        return FileOutcome(label, rejected=f"The file could not be read "
                                           f"({(error.strerror or 'read error').lower()}).")
    return read_run_bytes(label, name, data)


def _read_zip(label: str) -> Iterator[FileOutcome]:
    try:
        with open(label, "rb") as stream:
            yield from iter_zip(label, stream)
    except OSError as error:
        yield FileOutcome(label, rejected=f"The zip file could not be read "
                                          f"({(error.strerror or 'read error').lower()}).")


def _zip_size(label: str) -> int:
    try:
        with open(label, "rb") as stream:
            return count_zip_files(stream)
    except OSError:
        return 1


def read_paths(paths: Sequence[str], progress: Progress | None = None) -> list[FileOutcome]:
    """Every file's outcome, in the order given (folders sorted), without touching the database.

    A file named directly that is not a run file is rejected; inside a folder or a zip,
    files that are not run files (an export's CSV, photos) are passed over.
    """
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise MissingPathError(f"Nothing was imported: {len(missing)} of the paths given "
                               "do not exist.")
    sources: list[str] = []
    for path in paths:
        sources.extend(_walk(path) if os.path.isdir(path) else [path])
    sizes = [_zip_size(s) if is_zip_name(s) else 1 for s in sources]
    total, done = sum(sizes), 0
    outcomes: list[FileOutcome] = []
    for source, size in zip(sources, sizes, strict=True):
        if is_zip_name(source):
            for count, outcome in enumerate(_read_zip(source), start=1):
                outcomes.append(outcome)
                if progress is not None and count <= size:
                    progress(done + count, total)
        else:
            outcomes.append(_read_file(source))
        done += size
        if progress is not None:
            progress(done, total)
    return outcomes


# ---- writing --------------------------------------------------------------------------

def _near(a: float | None, b: float | None, tolerance: tuple[float, float]) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= max(tolerance[0], tolerance[1] * max(a, b))


def _same_run(run: _Seen, other: _Seen) -> bool:
    if run.started_at is not None and other.started_at is not None:
        return (abs((run.started_at - other.started_at).total_seconds()) <= SAME_START_S
                and (_near(run.moving_s, other.moving_s, SAME_TIME)
                     or _near(run.distance_m, other.distance_m, SAME_DISTANCE)))
    return (run.run_date == other.run_date and run.measure == other.measure
            and abs(run.amount - other.amount) <= SAME_TYPED_AMOUNT * max(run.amount,
                                                                         other.amount))


def _amount(run: RunSummary, measure: str) -> tuple[Decimal, str]:
    """The run in the plan's measure; a distance plan falls back to minutes without a distance."""
    if measure in _METRES_PER and run.distance_m is not None:
        value = run.distance_m / _METRES_PER[measure]
    else:
        measure, value = "minutes", run.moving_s / 60.0
    # Rounded down, as the run log converts: the plan may only assume what was surely done
    # (after float noise is cut, so 1.9999999 km from re-measured points is 2 km).
    return Decimal(repr(round(value, 6))).quantize(_HUNDREDTH, rounding=ROUND_FLOOR), measure


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _known(session: Session, patient_id: int) -> list[_Seen]:
    rows = session.execute(select(RunLog.started_at, RunLog.moving_s, RunLog.distance_m,
                                  RunLog.run_date, RunLog.amount, RunLog.measure)
                           .where(RunLog.patient_id == patient_id))
    return [_Seen(None if s is None else as_utc(s), m, d, day, a, unit)
            for s, m, d, day, a, unit in rows]


def _check(run: RunSummary, run_date: date, amount: Decimal, measure: str, today: date,
           birth: date) -> str | None:
    if run_date > today:
        return "The run starts on a day that has not happened yet (check the watch's clock)."
    if run_date < birth:
        return "The run starts before the patient's birth date (check the watch's clock)."
    if amount <= 0:
        return "The run is too short to log."
    if amount > MAX_RUN[measure]:
        return (f"The run is longer than the {MAX_RUN[measure]} {measure} one run-log entry "
                "may hold.")
    return None


def import_runs(
    session_factory: SessionFactory, *, actor: str, patient_id: int, paths: Sequence[str],
    progress: Progress | None = None, zone: tzinfo | None = None, today: date | None = None,
) -> ImportResult:
    """Add the runs found in `paths` to the patient's run log; see the module docstring.

    Runs are dated in `zone` (default: this computer's time zone) and counted in the
    active plan's measure (minutes when there is no plan). Imported runs have no pain
    answers yet: they are stored with `pain_answered` False.
    """
    with transaction(session_factory) as session:  # nobody reads files for a chart they
        require(session, actor, "log_runs")           # may not write to
        if session.get(Patient, patient_id) is None:
            raise NotFoundError(f"No patient with id {patient_id}.")
    outcomes = read_paths(paths, progress)
    today = today or date.today()
    rejected = [RejectedFile(o.file, o.rejected) for o in outcomes if o.rejected is not None]
    skipped = sum(len(o.skipped) for o in outcomes)
    added: list[RunLog] = []
    duplicates = 0
    with transaction(session_factory) as session:
        require(session, actor, "log_runs")
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFoundError(f"No patient with id {patient_id}.")
        plan = load_active_plan(session, patient_id)
        plan_measure = plan.inputs.measure if plan is not None else "minutes"
        # Runs by day: a run can only match one on its own day or the next/previous
        # (a start within two minutes of midnight), so no batch compares every pair.
        seen: dict[date, list[_Seen]] = {}
        for known in _known(session, patient_id):
            seen.setdefault(known.run_date, []).append(known)
        for outcome in outcomes:
            for run in outcome.runs:
                start = run.start.astimezone(UTC)
                run_date = start.astimezone(zone).date() if zone else start.astimezone().date()
                amount, measure = _amount(run, plan_measure)
                this = _Seen(start, run.moving_s, run.distance_m, run_date, float(amount),
                             measure)
                near = [o for d in (-1, 0, 1)
                        for o in seen.get(run_date + timedelta(days=d), ())]
                if any(_same_run(this, other) for other in near):
                    duplicates += 1
                    continue
                problem = _check(run, run_date, amount, measure, today, patient.date_of_birth)
                if problem is not None:
                    rejected.append(RejectedFile(outcome.file, problem))
                    continue
                seen.setdefault(run_date, []).append(this)
                added.append(RunLog(
                    patient_id=patient_id, plan_id=plan.id if plan else None, run_date=run_date,
                    amount=float(amount), measure=measure, kind="continuous", pain_during=0,
                    next_morning="same", swelling=False, limping=False, note="",
                    source=run.file_format, started_at=start, moving_s=run.moving_s,
                    distance_m=_finite(run.distance_m),
                    elevation_gain_m=_finite(run.elevation_gain_m),
                    cadence_spm=_finite(run.cadence_spm), avg_hr_bpm=_finite(run.avg_hr_bpm),
                    pain_answered=False))
        session.add_all(added)
        session.flush()
        # Counts only: file names can carry a patient's name, so they stay out of the log.
        audit.record(session, actor=actor, action="create", patient_id=patient_id,
                     record_type="run_import",
                     summary=f"runs imported from watch files: {len(added)} added, "
                             f"{duplicates} duplicates, {skipped} skipped, "
                             f"{len(rejected)} rejected")
        ids = tuple(row.id for row in added)
    return ImportResult(len(added), duplicates, skipped, tuple(rejected), ids)


def answer_pain(
    session_factory: SessionFactory, *, actor: str, run_id: int, pain_during: int,
    next_morning: str, swelling: bool = False, limping: bool = False,
) -> None:
    """Enter the pain answers of an imported run (the watch does not know them)."""
    if isinstance(pain_during, bool) or not isinstance(pain_during, int) \
            or not 0 <= pain_during <= 10:
        raise ValidationError("pain_during", "Pain during the run must be a whole number "
                                             "from 0 to 10.")
    if next_morning not in NEXT_MORNING_RANK:
        raise ValidationError("next_morning", "Say whether the next morning felt better, the "
                                              "same or worse.")
    with transaction(session_factory) as session:
        require(session, actor, "log_runs")
        row = session.get(RunLog, run_id)
        if row is None:
            raise NotFoundError(f"No logged run with id {run_id}.")
        row.pain_during, row.next_morning = pain_during, next_morning
        row.swelling, row.limping, row.pain_answered = bool(swelling), bool(limping), True
        audit.record(session, actor=actor, action="update", patient_id=row.patient_id,
                     record_type="run_log", record_id=row.id, summary="pain answers entered")


@dataclass(frozen=True)
class ImportedRun:
    """The watch's numbers of one imported run-log entry (the run log shows them by id)."""

    run_id: int
    source: str
    started_at: datetime
    moving_s: float | None
    distance_m: float | None
    elevation_gain_m: float | None
    cadence_spm: float | None
    avg_hr_bpm: float | None
    pain_answered: bool


def imported_runs(session_factory: SessionFactory, patient_id: int, *,
                  actor: str) -> dict[int, ImportedRun]:
    """The patient's imported runs by run-log id (runs typed in by hand are not listed)."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        rows = session.execute(select(
            RunLog.id, RunLog.source, RunLog.started_at, RunLog.moving_s, RunLog.distance_m,
            RunLog.elevation_gain_m, RunLog.cadence_spm, RunLog.avg_hr_bpm,
            RunLog.pain_answered).where(RunLog.patient_id == patient_id,
                                        RunLog.source.is_not(None)))
        return {row.id: ImportedRun(row.id, row.source, as_utc(row.started_at), row.moving_s,
                                    row.distance_m, row.elevation_gain_m, row.cadence_spm,
                                    row.avg_hr_bpm, row.pain_answered)
                for row in rows if row.started_at is not None}


def runs_waiting_for_pain(session_factory: SessionFactory, patient_id: int, *,
                          actor: str) -> list[tuple[int, date]]:
    """(run id, day) of imported runs whose pain answers are not in yet, oldest first."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        rows = session.execute(select(RunLog.id, RunLog.run_date)
                               .where(RunLog.patient_id == patient_id,
                                      RunLog.pain_answered.is_(False))
                               .order_by(RunLog.run_date, RunLog.id))
        return [(run_id, day) for run_id, day in rows]
