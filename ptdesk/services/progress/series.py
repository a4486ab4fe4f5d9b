"""Progress between sessions: pain, outcome, symmetry and running-volume series, change lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import (
    Episode,
    LateOutcome,
    OutcomeItem,
    OutcomeResult,
    SubjectiveExam,
    Visit,
)
from ptdesk.domain import outcomes as oc
from ptdesk.domain.ankle_flags import AnkleFlag
from ptdesk.domain.diagnosis import is_patellofemoral
from ptdesk.domain.runplan.amounts import UNIT_TEXT
from ptdesk.services.measure_settings import load_thresholds
from ptdesk.services.outcomes import read_form
from ptdesk.services.permissions import require
from ptdesk.services.progress import changes
from ptdesk.services.progress.changes import ChangeLine
from ptdesk.services.progress.measures import (
    ReadinessView,
    RunPainPoint,
    load_ankle_flags,
    load_readiness,
    load_region_lsi,
    load_run_pain,
)
from ptdesk.services.progress.strength import LsiPoint, LsiSeries
from ptdesk.services.runlogs import LoggedWeek, load_weekly_summary
from ptdesk.services.runplans import StoredPlan, load_active_plan
from ptdesk.services.uow import transaction

__all__ = [
    "ChangeLine", "EpisodeScope", "LsiPoint", "LsiSeries", "OutcomePoint", "OutcomeSeries",
    "PainPoint", "ProgressOverview", "RunPainPoint", "VolumeSeries", "VolumeWeek",
    "change_since_intake",
    "lsi_series", "outcome_series", "pain_series", "progress_overview", "since_last_visit",
    "volume_from", "volume_series",
]


@dataclass(frozen=True)
class EpisodeScope:
    """The episode whose visits a series covers: the active one, else the latest."""

    id: int
    affected_side: str
    patellofemoral: bool  # NPRS then uses the patellofemoral MCID (Piva 2009)
    injured_ankle_side: str | None = None  # ankle rows compare on it (None: not known)


@dataclass(frozen=True)
class PainPoint:
    """Pain now (0-10) at one visit: the NPRS form if filled, else the subjective exam's."""

    visit_date: date
    value: float
    visit_id: int
    visit_type: str
    source: str  # "nprs" (outcome form) or "subjective"


@dataclass(frozen=True)
class OutcomePoint:
    visit_date: date
    value: float
    visit_id: int
    visit_type: str
    result_id: int
    missing_items: int
    prorated: bool = False  # `value` was prorated for missing items by the instrument's rule
    reason: str = ""  # the missing-item rule applied, or why the form has no total
    has_total: bool = True  # False: more items missing than the instrument allows


@dataclass(frozen=True)
class OutcomeSeries:
    """One measure over the episode; the band is intake ± MCID (changes inside it are noise)."""

    measure: str
    name: str
    max_total: float
    higher_is_better: bool
    mcid: float
    intake: float | None
    band_low: float | None
    band_high: float | None
    points: tuple[OutcomePoint, ...]
    # Forms with too many missing items: kept, never charted, never the intake baseline.
    without_total: tuple[OutcomePoint, ...] = ()


@dataclass(frozen=True)
class VolumeWeek:
    """Planned and done running for one plan week, against the cap's ceiling.

    The ceiling is the reference week × (1 + cap): the previous week's done total
    when it had running, the last week with running after a week without, else the
    previous week's planned total. `planned_over_cap` means the printed plan now
    outgrows what was actually done: a reason to re-plan.
    """

    week: int
    start: date
    planned_total: float | None
    planned_longest: float | None
    done_total: float | None
    done_longest: float | None
    ceiling: float | None
    over_cap_total: bool
    over_cap_longest: bool
    planned_over_cap: bool
    lighter: bool
    decision: str | None

    @property
    def over_cap(self) -> bool:
        return self.over_cap_total or self.over_cap_longest


@dataclass(frozen=True)
class VolumeSeries:
    plan_id: int
    measure: str
    unit: str
    cap_pct: float
    weeks: tuple[VolumeWeek, ...]


# ---- loading -------------------------------------------------------------------------

def episode_scope(session: Session, patient_id: int) -> EpisodeScope | None:
    rows = session.execute(
        select(Episode.id, Episode.affected_side, Episode.diagnosis, Episode.icd10_code,
               Episode.status, Episode.injured_ankle_side)
        .where(Episode.patient_id == patient_id).order_by(Episode.start_date, Episode.id)
    ).all()
    if not rows:
        return None
    active = [r for r in rows if r.status == "active"]
    row = (active or rows)[-1]
    return EpisodeScope(row.id, row.affected_side,
                        is_patellofemoral(row.diagnosis, row.icd10_code), row.injured_ankle_side)


def load_pain(session: Session, patient_id: int, scope: EpisodeScope) -> tuple[PainPoint, ...]:
    stmt = (
        select(Visit.id, Visit.visit_date, Visit.visit_type, OutcomeResult.total,
               SubjectiveExam.nprs_now)
        .outerjoin(OutcomeResult, and_(OutcomeResult.visit_id == Visit.id,
                                       OutcomeResult.measure == "nprs"))
        .outerjoin(SubjectiveExam, SubjectiveExam.visit_id == Visit.id)
        .where(Visit.patient_id == patient_id, Visit.episode_id == scope.id)
        .order_by(Visit.visit_date, Visit.id)
    )
    points = []
    for visit_id, when, kind, form, subjective in session.execute(stmt):
        if form is not None:
            points.append(PainPoint(when, float(form), visit_id, kind, "nprs"))
        elif subjective is not None:
            points.append(PainPoint(when, float(subjective), visit_id, kind, "subjective"))
    return tuple(points)


def load_outcomes(session: Session, patient_id: int, scope: EpisodeScope,
                  measures: Sequence[str]) -> dict[str, list[OutcomePoint]]:
    stmt = (
        select(OutcomeResult.id, OutcomeResult.measure, OutcomeResult.total,
               OutcomeResult.missing_items, Visit.id, Visit.visit_date, Visit.visit_type)
        .join(Visit, Visit.id == OutcomeResult.visit_id)
        .where(OutcomeResult.patient_id == patient_id, OutcomeResult.measure.in_(measures),
               Visit.episode_id == scope.id)
        .order_by(Visit.visit_date, Visit.id)
    )
    found: dict[str, list[OutcomePoint]] = {m: [] for m in measures}
    rows = session.execute(stmt).all()
    gaps = _missing_items(session, [r[0] for r in rows if r[3]])
    for result_id, measure, total, missing, visit_id, when, kind in rows:
        # Read by the instrument's missing-item rule now; the stored row keeps its raw sum.
        info = oc.MEASURES[measure]  # type: ignore[index]
        read = read_form(measure, total, info.max_total, missing, gaps.get(result_id, []))
        value = float(total) if read.total is None else read.total
        found[measure].append(OutcomePoint(when, value, visit_id, kind, result_id, missing,
                                           read.prorated, read.reason, read.has_total))
    _add_late(session, patient_id, scope, measures, found)
    return found


def _add_late(session: Session, patient_id: int, scope: EpisodeScope, measures: Sequence[str],
              found: dict[str, list[OutcomePoint]]) -> None:
    """Measures added after signing (late entries) take their visit's place in the series;
    their result ids are negative so they never meet an outcome_results id."""
    rows = session.execute(
        select(LateOutcome, Visit.visit_date, Visit.visit_type)
        .join(Visit, Visit.id == LateOutcome.visit_id)
        .where(LateOutcome.patient_id == patient_id, LateOutcome.measure.in_(measures),
               Visit.episode_id == scope.id)).all()
    for row, when, kind in rows:
        items = [(str(item[0]), None if item[2] is None else int(str(item[2])))
                 for item in row.items]
        info = oc.MEASURES[row.measure]  # type: ignore[index]
        read = read_form(row.measure, row.total, info.max_total, row.missing_items, items)
        value = float(row.total) if read.total is None else read.total
        found[row.measure].append(OutcomePoint(when, value, row.visit_id, kind, -row.id,
                                               row.missing_items, read.prorated, read.reason,
                                               read.has_total))
    if rows:
        for points in found.values():
            points.sort(key=lambda p: (p.visit_date, p.visit_id))


def _missing_items(session: Session, result_ids: Sequence[int]
                   ) -> dict[int, list[tuple[str, int | None]]]:
    """The missing items of forms that have some (Kujala's item maxima differ)."""
    if not result_ids:
        return {}
    found: dict[int, list[tuple[str, int | None]]] = {}
    for result_id, key in session.execute(
            select(OutcomeItem.result_id, OutcomeItem.item_key)
            .where(OutcomeItem.result_id.in_(result_ids), OutcomeItem.value.is_(None))):
        found.setdefault(result_id, []).append((key, None))
    return found


def make_outcome_series(measure: str, points: Sequence[OutcomePoint],
                        scope: EpisodeScope) -> OutcomeSeries:
    info = oc.MEASURES[measure]  # type: ignore[index]
    mcid = oc.mcid_for(info.key, scope.patellofemoral)
    scored = tuple(p for p in points if p.has_total)
    intake = scored[0].value if scored else None
    low = None if intake is None else max(0.0, intake - mcid)
    high = None if intake is None else min(float(info.max_total), intake + mcid)
    return OutcomeSeries(measure, info.name, float(info.max_total), info.higher_is_better, mcid,
                         intake, low, high, scored,
                         tuple(p for p in points if not p.has_total))


# ---- public series -------------------------------------------------------------------

def pain_series(session_factory: SessionFactory, patient_id: int, *,
                actor: str) -> tuple[PainPoint, ...]:
    """NPRS over the current episode, one point per visit, oldest first."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        scope = episode_scope(session, patient_id)
        return () if scope is None else load_pain(session, patient_id, scope)


def outcome_series(session_factory: SessionFactory, patient_id: int,
                   measure: str, *, actor: str) -> OutcomeSeries:
    """One outcome measure over the current episode, with the intake value and MCID band."""
    oc.mcid_for(measure)  # type: ignore[arg-type]  # refuses an unknown measure up front
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        scope = episode_scope(session, patient_id)
        if scope is None:
            return make_outcome_series(measure, (), EpisodeScope(0, "right", False))
        points = load_outcomes(session, patient_id, scope, (measure,))[measure]
        return make_outcome_series(measure, points, scope)


def lsi_series(session_factory: SessionFactory, patient_id: int, *,
               actor: str) -> tuple[LsiSeries, ...]:
    """Limb symmetry per muscle group over the current episode (groups never tested left out)."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        scope = episode_scope(session, patient_id)
        return () if scope is None else load_region_lsi(session, patient_id, scope)


def volume_series(session_factory: SessionFactory, patient_id: int, *, actor: str,
                  today: date | None = None) -> VolumeSeries | None:
    """The active plan's weeks: planned vs done with the cap ceiling; None without a plan."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return load_volume(session, patient_id, today)


def load_volume(session: Session, patient_id: int, today: date | None) -> VolumeSeries | None:
    """`volume_series` inside a caller's transaction (the caller checked the actor)."""
    stored = load_active_plan(session, patient_id)
    if stored is None:
        return None
    return volume_from(stored, load_weekly_summary(session, stored, today))


def volume_from(stored: StoredPlan, logged_weeks: Sequence[LoggedWeek]) -> VolumeSeries:
    """`volume_series` for a plan and weekly summary the caller already has."""
    logged = {w.week: w for w in logged_weeks}
    planned = {w.week: w for w in stored.plan.weeks}
    factor = 1 + stored.inputs.cap_pct / 100
    weeks: list[VolumeWeek] = []
    prev_planned: tuple[Decimal, Decimal] | None = None
    prev_done: tuple[Decimal, Decimal] | None = None
    last_run: tuple[Decimal, Decimal] | None = None
    for number in range(1, max([*planned, *logged, 0]) + 1):
        plan_week, log = planned.get(number), logged.get(number)
        done = None
        if log is not None and (log.runs or log.complete):
            done = (log.done_total, log.done_longest)
        reference: tuple[Decimal, Decimal] | None
        if prev_done is not None and prev_done[0] > 0:
            reference = prev_done
        elif prev_done is not None and last_run is not None:
            reference = last_run  # a week without running is not a base to grow from
        else:
            reference = prev_planned
        ceiling = None if reference is None else (reference[0] * factor, reference[1] * factor)
        plan_values = (plan_week.total, plan_week.longest) if plan_week else None
        start = plan_week.start if plan_week else log.start  # type: ignore[union-attr]
        weeks.append(VolumeWeek(
            week=number, start=start,
            planned_total=_f(plan_values and plan_values[0]),
            planned_longest=_f(plan_values and plan_values[1]),
            done_total=_f(done and done[0]), done_longest=_f(done and done[1]),
            ceiling=_f(ceiling and ceiling[0]),
            over_cap_total=bool(done and ceiling and done[0] > ceiling[0]),
            over_cap_longest=bool(done and ceiling and done[1] > ceiling[1]),
            planned_over_cap=bool(plan_values and ceiling and plan_values[0] > ceiling[0]),
            lighter=bool(plan_week and plan_week.lighter),
            decision=log.decision if log else None,
        ))
        prev_planned, prev_done = plan_values, done
        if done and done[0] > 0:
            last_run = done
    return VolumeSeries(stored.id, stored.inputs.measure, UNIT_TEXT[stored.inputs.measure],
                        float(stored.inputs.cap_pct), tuple(weeks))


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# ---- change lines --------------------------------------------------------------------

def _change_lines(session_factory: SessionFactory, patient_id: int, *, actor: str,
                  since_intake: bool) -> list[ChangeLine]:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        scope = episode_scope(session, patient_id)
        if scope is None:
            return []
        pain = load_pain(session, patient_id, scope)
        found = load_outcomes(session, patient_id, scope, changes.FORM_MEASURES)
        strength = load_region_lsi(session, patient_id, scope)
        return changes.change_lines(session, pain, found, strength, scope.patellofemoral,
                                    since_intake=since_intake)


def since_last_visit(session_factory: SessionFactory, patient_id: int, *,
                     actor: str) -> list[ChangeLine]:
    """Each measure's latest value against the one recorded before it, one line per measure."""
    return _change_lines(session_factory, patient_id, actor=actor, since_intake=False)


def change_since_intake(session_factory: SessionFactory, patient_id: int, *,
                        actor: str) -> list[ChangeLine]:
    """Each measure's latest value against its first in the episode (the intake value)."""
    return _change_lines(session_factory, patient_id, actor=actor, since_intake=True)


# ---- everything the Progress tab shows -----------------------------------------------

@dataclass(frozen=True)
class ProgressOverview:
    """All series and change lines of the current episode, loaded together.

    One call shares the queries the separate functions would each repeat, so a
    chart tab can draw three years of weekly data from a single read.
    """

    pain: tuple[PainPoint, ...]
    nprs_mcid: float
    outcomes: tuple[OutcomeSeries, ...]  # LEFS, Kujala, PSFS in that order (possibly empty)
    strength: tuple[LsiSeries, ...]
    volume: VolumeSeries | None
    since_last_visit: tuple[ChangeLine, ...]
    since_intake: tuple[ChangeLine, ...]
    # Pain between visits from the run log (its own series on the pain chart; red runs marked).
    run_pain: tuple[RunPainPoint, ...] = ()
    ankle_flags: tuple[AnkleFlag, ...] = ()  # latest visit with both ankles measured
    readiness: ReadinessView | None = None

    def outcome(self, measure: str) -> OutcomeSeries:
        return next(series for series in self.outcomes if series.measure == measure)


def progress_overview(session_factory: SessionFactory, patient_id: int, *, actor: str,
                      today: date | None = None) -> ProgressOverview:
    """Pain, outcome, symmetry and volume series plus both sets of change lines, at once."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        scope = episode_scope(session, patient_id) or EpisodeScope(0, "right", False)
        pain = load_pain(session, patient_id, scope)
        found = load_outcomes(session, patient_id, scope, changes.FORM_MEASURES)
        strength = load_region_lsi(session, patient_id, scope)
        lines = {flag: tuple(changes.change_lines(session, pain, found, strength,
                                                  scope.patellofemoral, since_intake=flag))
                 for flag in (False, True)}
        volume = load_volume(session, patient_id, today)
        thresholds = load_thresholds(session)
        run_pain = load_run_pain(session, patient_id, scope)
        _, flags = load_ankle_flags(session, patient_id, scope, thresholds.ankle)
        readiness = load_readiness(session, patient_id, scope, thresholds.readiness)
    return ProgressOverview(
        pain=pain, nprs_mcid=oc.mcid_for("nprs", scope.patellofemoral),
        outcomes=tuple(make_outcome_series(m, found[m], scope) for m in changes.FORM_MEASURES),
        strength=strength, volume=volume,
        since_last_visit=lines[False], since_intake=lines[True], run_pain=run_pain,
        ankle_flags=flags, readiness=readiness)
