"""Progress between sessions: pain, outcome, symmetry and running-volume series, and change lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Episode, OutcomeResult, StrengthTest, SubjectiveExam, Visit
from ptdesk.domain import outcomes as oc
from ptdesk.domain import symmetry as sym
from ptdesk.domain.runplan.amounts import UNIT_TEXT
from ptdesk.services import progress_changes as changes
from ptdesk.services.progress_changes import ChangeLine, lsi_change
from ptdesk.services.runlogs import weekly_summary_for
from ptdesk.services.runplans import active_plan
from ptdesk.services.uow import transaction

__all__ = [
    "ChangeLine", "EpisodeScope", "LsiPoint", "LsiSeries", "OutcomePoint", "OutcomeSeries",
    "PainPoint", "VolumeSeries", "VolumeWeek", "change_since_intake", "lsi_series",
    "outcome_series", "pain_series", "since_last_visit", "volume_series",
]


@dataclass(frozen=True)
class EpisodeScope:
    """The episode whose visits a series covers: the active one, else the latest."""

    id: int
    affected_side: str
    patellofemoral: bool  # NPRS then uses the patellofemoral MCID (Piva 2009)


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


@dataclass(frozen=True)
class LsiPoint:
    """Symmetry of one muscle group at one visit.

    `left`/`right` are the readings as recorded ("18 kg", "4-"). LSI is involved ÷
    uninvolved × 100 (for both sides affected: weaker ÷ stronger). A later LSI
    inside `band_low`..`band_high` (±10%) is within measurement error. `change`
    compares with the previous point that had an LSI (see `lsi_change`).
    """

    visit_date: date
    visit_id: int
    visit_type: str
    method: str  # "dynamometer", "mmt" or "mixed" (sides tested differently: no LSI)
    left: str
    right: str
    lsi: float | None
    flagged: bool
    band_low: float | None
    band_high: float | None
    change: str | None  # "better", "worse", "within_error"


@dataclass(frozen=True)
class LsiSeries:
    muscle_group: str
    label: str
    short_label: str
    involved_side: str
    points: tuple[LsiPoint, ...]


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
               Episode.status)
        .where(Episode.patient_id == patient_id).order_by(Episode.start_date, Episode.id)
    ).all()
    if not rows:
        return None
    active = [r for r in rows if r.status == "active"]
    row = (active or rows)[-1]
    words = row.diagnosis.casefold()
    patellofemoral = ("patellofemoral" in words or "runner's knee" in words
                      or row.icd10_code.upper().startswith("M22.2"))
    return EpisodeScope(row.id, row.affected_side, patellofemoral)


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
    for result_id, measure, total, missing, visit_id, when, kind in session.execute(stmt):
        found[measure].append(OutcomePoint(when, float(total), visit_id, kind, result_id, missing))
    return found


def make_outcome_series(measure: str, points: Sequence[OutcomePoint],
                        scope: EpisodeScope) -> OutcomeSeries:
    info = oc.MEASURES[measure]  # type: ignore[index]
    mcid = oc.mcid_for(info.key, scope.patellofemoral)
    intake = points[0].value if points else None
    low = None if intake is None else max(0.0, intake - mcid)
    high = None if intake is None else min(float(info.max_total), intake + mcid)
    return OutcomeSeries(measure, info.name, float(info.max_total), info.higher_is_better, mcid,
                         intake, low, high, tuple(points))


def _reading(method: str, grade: str | None, value: float | None, unit: str | None
             ) -> tuple[str, float | None]:
    """Display text and comparable number (N for dynamometry, grade value for MMT)."""
    if method == "mmt" and grade is not None:
        return grade, sym.MMT_VALUES[grade]
    if value is None or unit not in ("kg", "N"):
        return "", None
    shown = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{shown} {unit}", sym.to_newtons(value, unit)  # type: ignore[arg-type]


def _lsi_point(when: date, visit_id: int, kind: str, sides: dict[str, tuple[str, str, float | None]],
               involved_side: str, previous: LsiPoint | None) -> LsiPoint:
    left = sides.get("left", ("", "", None))
    right = sides.get("right", ("", "", None))
    methods = {m for m, _, _ in (left, right) if m}
    method = methods.pop() if len(methods) == 1 else "mixed"
    ratio = None
    if method != "mixed" and left[2] is not None and right[2] is not None:
        if involved_side == "both":
            ratio = sym.lsi(min(left[2], right[2]), max(left[2], right[2]))
        elif involved_side == "left":
            ratio = sym.lsi(left[2], right[2])
        else:
            ratio = sym.lsi(right[2], left[2])
    change = None
    if ratio is not None and previous is not None and previous.lsi is not None \
            and previous.method == method:
        change = lsi_change(previous.lsi, ratio)
    error = sym.DYNAMOMETER_ERROR_PCT / 100
    return LsiPoint(
        when, visit_id, kind, method, left[1], right[1], ratio, sym.is_flagged(ratio),
        None if ratio is None else ratio * (1 - error),
        None if ratio is None else ratio * (1 + error), change)


def load_lsi(session: Session, patient_id: int, scope: EpisodeScope) -> tuple[LsiSeries, ...]:
    stmt = (
        select(Visit.id, Visit.visit_date, Visit.visit_type, StrengthTest.muscle_group,
               StrengthTest.side, StrengthTest.method, StrengthTest.mmt_grade,
               StrengthTest.value, StrengthTest.unit)
        .join(StrengthTest, StrengthTest.visit_id == Visit.id)
        .where(Visit.patient_id == patient_id, Visit.episode_id == scope.id)
        .order_by(Visit.visit_date, Visit.id)
    )
    # group -> visit id -> side -> (method, display, comparable); insertion keeps date order
    grouped: dict[str, dict[int, tuple[date, str, dict[str, tuple[str, str, float | None]]]]] = {}
    for visit_id, when, kind, group, side, method, grade, value, unit in session.execute(stmt):
        visits = grouped.setdefault(group, {})
        entry = visits.setdefault(visit_id, (when, kind, {}))
        shown, number = _reading(method, grade, value, unit)
        entry[2][side] = (method, shown, number)
    series = []
    for group, label in sym.MUSCLE_GROUPS:
        points: list[LsiPoint] = []
        last_with_lsi: LsiPoint | None = None
        for visit_id, (when, kind, sides) in grouped.get(group, {}).items():
            point = _lsi_point(when, visit_id, kind, sides, scope.affected_side, last_with_lsi)
            points.append(point)
            if point.lsi is not None:
                last_with_lsi = point
        if points:
            series.append(LsiSeries(group, label, label.split(" (")[0], scope.affected_side,
                                    tuple(points)))
    return tuple(series)


# ---- public series -------------------------------------------------------------------

def pain_series(session_factory: SessionFactory, patient_id: int) -> tuple[PainPoint, ...]:
    """NPRS over the current episode, one point per visit, oldest first."""
    with transaction(session_factory) as session:
        scope = episode_scope(session, patient_id)
        return () if scope is None else load_pain(session, patient_id, scope)


def outcome_series(session_factory: SessionFactory, patient_id: int,
                   measure: str) -> OutcomeSeries:
    """One outcome measure over the current episode, with the intake value and MCID band."""
    oc.mcid_for(measure)  # type: ignore[arg-type]  # refuses an unknown measure up front
    with transaction(session_factory) as session:
        scope = episode_scope(session, patient_id)
        if scope is None:
            return make_outcome_series(measure, (), EpisodeScope(0, "right", False))
        points = load_outcomes(session, patient_id, scope, (measure,))[measure]
        return make_outcome_series(measure, points, scope)


def lsi_series(session_factory: SessionFactory, patient_id: int) -> tuple[LsiSeries, ...]:
    """Limb symmetry per muscle group over the current episode (groups never tested left out)."""
    with transaction(session_factory) as session:
        scope = episode_scope(session, patient_id)
        return () if scope is None else load_lsi(session, patient_id, scope)


def volume_series(session_factory: SessionFactory, patient_id: int, *,
                  today: date | None = None) -> VolumeSeries | None:
    """The active plan's weeks: planned vs done with the cap ceiling; None without a plan."""
    stored = active_plan(session_factory, patient_id)
    if stored is None:
        return None
    logged = {w.week: w for w in weekly_summary_for(session_factory, stored, today)}
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
        if prev_done is not None and prev_done[0] > 0:
            reference = prev_done
        elif prev_done is not None and last_run is not None:
            reference = last_run  # a week without running is not a base to grow from
        else:
            reference = prev_planned
        ceiling = None if reference is None else (reference[0] * factor, reference[1] * factor)
        plan_values = (plan_week.total, plan_week.longest) if plan_week else None
        weeks.append(VolumeWeek(
            week=number, start=plan_week.start if plan_week else log.start,  # type: ignore[union-attr]
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

def _change_lines(session_factory: SessionFactory, patient_id: int, *,
                  since_intake: bool) -> list[ChangeLine]:
    with transaction(session_factory) as session:
        scope = episode_scope(session, patient_id)
        if scope is None:
            return []
        pain = load_pain(session, patient_id, scope)
        found = load_outcomes(session, patient_id, scope, changes.FORM_MEASURES)
        strength = load_lsi(session, patient_id, scope)
        return changes.change_lines(session, pain, found, strength, scope.patellofemoral,
                                    since_intake=since_intake)


def since_last_visit(session_factory: SessionFactory, patient_id: int) -> list[ChangeLine]:
    """Each measure's latest value against the one recorded before it, one line per measure."""
    return _change_lines(session_factory, patient_id, since_intake=False)


def change_since_intake(session_factory: SessionFactory, patient_id: int) -> list[ChangeLine]:
    """Each measure's latest value against its first in the episode (the intake value)."""
    return _change_lines(session_factory, patient_id, since_intake=True)
