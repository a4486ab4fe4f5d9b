"""Load between visits from the run log (typed and imported runs): flags, weeks and watch cadence.

Read by the Progress tab and the progress report (issue 24); the rules themselves live in
ptdesk.domain.load_flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import RunLog
from ptdesk.domain.load_flags import Basis, LoadReport, RunAmount, load_report
from ptdesk.domain.units import convert_distance
from ptdesk.services.cadence import load_cadence
from ptdesk.services.permissions import require
from ptdesk.services.runplans import load_active_inputs
from ptdesk.services.uow import transaction

_METRES_PER = {"km": 1000.0, "mi": 1609.344}


@dataclass(frozen=True)
class LoadView:
    """What the load chart shows: the flags and weeks, and the watch's cadence.

    `unit` is what amounts are counted in ("minutes", "km" or "mi"); runs that cannot be
    counted in it (a run typed in minutes on a distance plan) are `left_out`.
    `cadence_target` is the gait target: the baseline cadence raised by the latest chosen %
    (`ptdesk.domain.cadence`, the rule the handouts print).
    `runs` are what the spike flags index (`RunSpike.index`), for a chart's run dots.
    """

    unit: str
    report: LoadReport
    left_out: int
    cadence: tuple[tuple[date, float], ...]
    cadence_target: float | None
    waiting_for_pain: int
    runs: tuple[RunAmount, ...] = ()  # each counted run in `unit`, in the order run


class _RunAmounts(Protocol):
    """The run log columns an amount is worked out from."""

    amount: float
    measure: str
    moving_s: float | None
    distance_m: float | None


def _amount(row: _RunAmounts, unit: str) -> float | None:
    if unit == "minutes":
        if row.moving_s is not None:
            return row.moving_s / 60.0
        return row.amount if row.measure == "minutes" else None
    if row.distance_m is not None:
        return row.distance_m / _METRES_PER[unit]
    if row.measure == unit:
        return row.amount
    if row.measure in _METRES_PER:
        return convert_distance(row.amount, row.measure, unit)  # type: ignore[arg-type]
    return None


def load_view(session_factory: SessionFactory, patient_id: int, *, actor: str,
              end: date | None = None) -> LoadView:
    """The patient's load in the active plan's measure (km without a plan).

    A minutes plan is judged on running time, which the report labels an extrapolation
    of a rule measured on distance. The plan's start counts as a restart, and weeks
    start on the plan's weekday so they line up with the plan weeks they are drawn against.
    """
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        plan = load_active_inputs(session, patient_id)  # its measure and start: no weeks read
        unit = plan.measure if plan is not None else "km"
        # The columns used, not whole rows: three years of runs are ~500 rows per chart draw.
        rows = session.execute(
            select(RunLog.run_date, RunLog.amount, RunLog.measure, RunLog.moving_s,
                   RunLog.distance_m, RunLog.cadence_spm, RunLog.pain_answered)
            .where(RunLog.patient_id == patient_id)
            .order_by(RunLog.run_date, RunLog.started_at, RunLog.id)).all()
        spm = load_cadence(session, patient_id).target_spm
        runs, left_out = [], 0
        for row in rows:
            value = _amount(row, unit)
            if value is None:
                left_out += 1
            else:
                runs.append(RunAmount(row.run_date, value))
        cadence = tuple((row.run_date, row.cadence_spm) for row in rows
                        if row.cadence_spm is not None)
        waiting = sum(1 for row in rows if not row.pain_answered)
    basis: Basis = "duration" if unit == "minutes" else "distance"
    restarts = [plan.start] if plan is not None else []
    # The one cadence rule (services/cadence.py): the baseline (clinician-confirmed, else the
    # first measured) cadence raised by the latest chosen increase, as the handouts print it.
    target = None if spm is None else float(spm)
    week_start = None
    if plan is not None and runs:
        first = min(r.day for r in runs)
        # Whole weeks back from the plan's start to the first run (none dropped).
        back = max(0, -(-(plan.start - first).days // 7))
        week_start = plan.start - timedelta(weeks=back)
    return LoadView(unit, load_report(runs, basis=basis, end=end, restarts=restarts,
                                      week_start=week_start), left_out, cadence, target, waiting,
                    tuple(runs))
