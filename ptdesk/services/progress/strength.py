"""Strength symmetry over visits: LSI per muscle group, its 90% flag and the test-error band."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import StrengthTest, Visit
from ptdesk.domain import symmetry as sym

_ERROR = sym.DYNAMOMETER_ERROR_PCT / 100
Reading = tuple[str, str, float | None]  # (method, display text, comparable number)


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


def evenness(lsi: float) -> float:
    """Weaker ÷ stronger side in percent: an LSI of 125% is as uneven as one of 80%."""
    return lsi if lsi <= 100 else 10_000 / lsi


def lsi_change(before: float, after: float) -> str:
    """better / worse / within_error, judged on how even the sides are.

    An involved side stronger than the other (LSI over 100%, e.g. the opposite
    ankle was the sprained one) moving back to 100% is progress, not a loss.
    """
    return sym.change_vs_error(evenness(before), evenness(after))


def _reading(method: str, grade: str | None, value: float | None, unit: str | None
             ) -> tuple[str, float | None]:
    """Display text and comparable number (N for dynamometry, grade value for MMT).

    Stored rows already passed validation, so the kg to N conversion is done inline
    rather than through `to_newtons` (this runs for every reading of three years).
    """
    if method == "mmt" and grade is not None:
        return grade, sym.MMT_VALUES[grade]
    if value is None or unit not in ("kg", "N"):
        return "", None
    if unit == "kg":  # kg readings are tenths; printing them alike keeps table columns even
        return f"{value:.1f} kg", value * sym.NEWTONS_PER_KGF
    return f"{value:.1f}".rstrip("0").rstrip(".") + " N", value


_NO_READING: Reading = ("", "", None)


def _lsi_point(when: date, visit_id: int, kind: str, sides: dict[str, Reading],
               involved_side: str, previous: LsiPoint | None) -> LsiPoint:
    left, right = sides.get("left", _NO_READING), sides.get("right", _NO_READING)
    # Sides tested differently ("mixed") have no ratio between them.
    mixed = left[0] and right[0] and left[0] != right[0]
    method = "mixed" if mixed else left[0] or right[0]
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
    return LsiPoint(
        when, visit_id, kind, method, left[1], right[1], ratio, sym.is_flagged(ratio),
        None if ratio is None else ratio * (1 - _ERROR),
        None if ratio is None else ratio * (1 + _ERROR), change)


# group -> visit id -> (date, visit type, side -> reading); insertion keeps date order
StrengthRows = dict[str, dict[int, tuple[date, str, dict[str, Reading]]]]


def read_strength(session: Session, patient_id: int, episode_id: int) -> StrengthRows:
    """Every strength reading of the episode, grouped by muscle group and visit (one query)."""
    stmt = (
        select(Visit.id, Visit.visit_date, Visit.visit_type, StrengthTest.muscle_group,
               StrengthTest.side, StrengthTest.method, StrengthTest.mmt_grade,
               StrengthTest.value, StrengthTest.unit)
        .join(StrengthTest, StrengthTest.visit_id == Visit.id)
        .where(Visit.patient_id == patient_id, Visit.episode_id == episode_id)
        .order_by(Visit.visit_date, Visit.id)
    )
    grouped: StrengthRows = {}
    # Plain rows through the session's connection: the ORM's row handling is a third of
    # this query's time for three years of visits, and nothing here needs ORM objects.
    rows = session.connection().execute(stmt)
    for visit_id, when, kind, group, side, method, grade, value, unit in rows:
        visits = grouped.setdefault(group, {})
        entry = visits.setdefault(visit_id, (when, kind, {}))
        shown, number = _reading(method, grade, value, unit)
        entry[2][side] = (method, shown, number)
    return grouped


def lsi_series(grouped: StrengthRows, affected_side: str,
               groups: Collection[str] | None = None) -> tuple[LsiSeries, ...]:
    """Per muscle group (all, or only `groups`), one point per visit that tested it."""
    series = []
    for group, label in sym.MUSCLE_GROUPS:
        if groups is not None and group not in groups:
            continue
        points: list[LsiPoint] = []
        last_with_lsi: LsiPoint | None = None
        for visit_id, (when, kind, sides) in grouped.get(group, {}).items():
            point = _lsi_point(when, visit_id, kind, sides, affected_side, last_with_lsi)
            points.append(point)
            if point.lsi is not None:
                last_with_lsi = point
        if points:
            series.append(LsiSeries(group, label, label.split(" (")[0], affected_side,
                                    tuple(points)))
    return tuple(series)


def load_lsi(session: Session, patient_id: int, episode_id: int, affected_side: str
             ) -> tuple[LsiSeries, ...]:
    """Per muscle group, one point per visit of the episode that tested it (one query)."""
    return lsi_series(read_strength(session, patient_id, episode_id), affected_side)
