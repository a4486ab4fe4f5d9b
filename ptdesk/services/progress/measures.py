"""Per-region symmetry, grade pairs, ankle flags, readiness and between-visit run pain, loaded."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import AnkleExam, Episode, ReadinessExam, RunLog, Visit
from ptdesk.domain import readiness as rd
from ptdesk.domain.ankle_flags import AnkleFlag, AnkleThresholds, ankle_flags
from ptdesk.domain.involved_side import InvolvedSide, involved_side, region_of
from ptdesk.domain.muscle_grades import GradePair
from ptdesk.domain.runplan.model import WeekLog
from ptdesk.domain.runplan.painrules import PainRules, decide
from ptdesk.domain.symmetry import MUSCLE_GROUPS
from ptdesk.services.progress.strength import LsiPoint, LsiSeries, lsi_series, read_strength
from ptdesk.services.runplans import load_active_rules

if TYPE_CHECKING:
    from ptdesk.services.progress.series import EpisodeScope


# ---- symmetry per body region ----------------------------------------------------------

def side_for(group: str, scope: EpisodeScope) -> InvolvedSide:
    """The involved side of one strength row (knee/hip: affected side; ankle: sprained side)."""
    return involved_side(region_of(group), scope.affected_side, scope.injured_ankle_side)


def _as_grades(point: LsiPoint) -> LsiPoint:
    """An MMT point keeps its grades and loses every ratio: no LSI, flag, band or change."""
    return replace(point, lsi=None, flagged=False, band_low=None, band_high=None, change=None)


def load_region_lsi(session: Session, patient_id: int, scope: EpisodeScope
                    ) -> tuple[LsiSeries, ...]:
    """Symmetry per muscle group, each judged on its own region's involved side.

    Manual muscle test points carry their grades only (see `grade_pair`); LSI, the 90%
    flag and the dynamometer error band are for measured values.
    """
    knee_side = side_for("hip_abduction", scope).side
    ankle_side = side_for("ankle_plantarflexion", scope).side
    grouped = read_strength(session, patient_id, scope.id)  # the one query
    # Ankle rows compare on the sprained ankle; each group is worked out once, on its side.
    ankle_groups = {g for g in grouped if region_of(g) == "ankle"}
    if ankle_side == knee_side or not ankle_groups:
        series = list(lsi_series(grouped, knee_side))
    else:
        series = [*lsi_series(grouped, knee_side, set(grouped) - ankle_groups),
                  *lsi_series(grouped, ankle_side, ankle_groups)]
        order = {group: n for n, (group, _label) in enumerate(MUSCLE_GROUPS)}
        series.sort(key=lambda s: order[s.muscle_group])
    result = []
    for one in series:
        if any(p.method == "mmt" for p in one.points):
            one = replace(one, points=tuple(_as_grades(p) if p.method == "mmt" else p
                                            for p in one.points))
        result.append(one)
    return tuple(result)


def grade_pair(point: LsiPoint, involved: str) -> GradePair | None:
    """Left / right MMT grades of a point, flagged a full grade apart; None when not MMT."""
    if point.method != "mmt":
        return None
    return GradePair(point.left or None, point.right or None, involved)


# ---- ankle asymmetry at the latest visit that measured it -----------------------------

def load_ankle_flags(session: Session, patient_id: int, scope: EpisodeScope,
                     thresholds: AnkleThresholds) -> tuple[date | None, tuple[AnkleFlag, ...]]:
    rows = session.execute(
        select(Visit.id, Visit.visit_date, AnkleExam.side, AnkleExam.knee_to_wall_cm,
               AnkleExam.balance_eyes_closed_s, AnkleExam.heel_raise_count)
        .join(AnkleExam, AnkleExam.visit_id == Visit.id)
        .where(Visit.patient_id == patient_id, Visit.episode_id == scope.id)
        .order_by(Visit.visit_date, Visit.id)).all()
    by_visit: dict[int, tuple[date, dict[str, tuple[float | None, float | None, float | None]]]]
    by_visit = {}
    for visit_id, when, side, k2w, balance, raises in rows:
        by_visit.setdefault(visit_id, (when, {}))[1][side] = (
            k2w, balance, None if raises is None else float(raises))
    both = [(when, sides) for when, sides in by_visit.values() if len(sides) == 2]
    if not both:
        return None, ()
    when, sides = both[-1]
    left, right = sides["left"], sides["right"]
    involved = involved_side("ankle", scope.affected_side, scope.injured_ankle_side)
    return when, ankle_flags(involved, knee_to_wall_cm=(left[0], right[0]),
                             balance_eyes_closed_s=(left[1], right[1]),
                             heel_raises=(left[2], right[2]), thresholds=thresholds)


# ---- readiness: intake and latest ------------------------------------------------------

@dataclass(frozen=True)
class ReadinessAt:
    visit_date: date
    visit_id: int
    findings: rd.ReadinessFindings
    readiness: rd.Readiness


@dataclass(frozen=True)
class ReadinessView:
    """Readiness at the episode's first and latest evaluations that recorded it."""

    intake: ReadinessAt | None
    latest: ReadinessAt | None
    involved_side: str

    @property
    def current(self) -> ReadinessAt | None:
        return self.latest or self.intake


def load_readiness(session: Session, patient_id: int, scope: EpisodeScope,
                   thresholds: rd.ReadinessThresholds) -> ReadinessView:
    rows = session.execute(
        select(Visit.id, Visit.visit_date, ReadinessExam)
        .join(ReadinessExam, ReadinessExam.visit_id == Visit.id)
        .where(Visit.patient_id == patient_id, Visit.episode_id == scope.id)
        .order_by(Visit.visit_date, Visit.id)).all()
    # Hop distances compare on the knee's side: the hop loads the whole leg.
    side = involved_side("knee_hip", scope.affected_side, scope.injured_ankle_side).side
    found = []
    for visit_id, when, row in rows:
        findings = rd.ReadinessFindings(**{name: getattr(row, name)
                                           for name in rd.ReadinessFindings.__dataclass_fields__})
        found.append(ReadinessAt(when, visit_id, findings, rd.assess(findings, side, thresholds)))
    intake = found[0] if found else None
    latest = found[-1] if len(found) > 1 else None
    return ReadinessView(intake, latest, side)


# ---- pain between visits: the run log ---------------------------------------------------

@dataclass(frozen=True)
class RunPainPoint:
    """One logged run's pain: during the run (0-10) and the next morning's response.

    `red` follows the run plan's own pain rule (domain/runplan/painrules.py): pain above
    the plan's "repeat" limit, worse next morning, swelling or limping.
    """

    run_date: date
    pain_during: int
    next_morning: str  # "better", "same" or "worse"
    swelling: bool
    limping: bool
    red: bool
    reason: str  # "pain 6/10, swelling" for a red run, else ""


def _reason(pain: int, next_morning: str, swelling: bool, limping: bool,
            rules: PainRules) -> str:
    parts = []
    if pain > rules.hold_max_pain:
        parts.append(f"pain {pain}/10")
    if next_morning == "worse":
        parts.append("worse next morning")
    if swelling:
        parts.append("swelling")
    if limping:
        parts.append("limping")
    return ", ".join(parts)


def load_run_pain(session: Session, patient_id: int, scope: EpisodeScope
                  ) -> tuple[RunPainPoint, ...]:
    """Every run logged during the episode, oldest first, with its red-run mark."""
    episode = session.get(Episode, scope.id)
    if episode is None:
        return ()
    rules = load_active_rules(session, patient_id) or PainRules()
    stmt = (select(RunLog.run_date, RunLog.amount, RunLog.pain_during, RunLog.next_morning,
                   RunLog.swelling, RunLog.limping)
            .where(RunLog.patient_id == patient_id, RunLog.run_date >= episode.start_date,
                   # An imported watch run has no pain answer until someone enters it:
                   # its placeholder 0/10 is not the runner's pain.
                   RunLog.pain_answered.is_(True))
            .order_by(RunLog.run_date, RunLog.id))
    if episode.end_date is not None:
        stmt = stmt.where(RunLog.run_date <= episode.end_date)
    points = []
    verdicts: dict[tuple[object, ...], bool] = {}  # runs alike are judged once (3 years: ~500)
    for when, amount, pain, morning, swelling, limping in session.execute(stmt):
        key = (amount, pain, morning, swelling, limping)
        red = verdicts.get(key)
        if red is None:
            # One run read as a one-run week: the plan's rule says "regress" for a red run.
            amount_d = Decimal(str(amount))
            verdict = decide(WeekLog(1, amount_d, amount_d, pain, morning,  # type: ignore[arg-type]
                                     swelling, limping), rules)
            red = verdicts[key] = verdict == "regress"
        points.append(RunPainPoint(when, pain, morning, swelling, limping, red,
                                   _reason(pain, morning, swelling, limping, rules) if red else ""))
    return tuple(points)
