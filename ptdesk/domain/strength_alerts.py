"""Chart-header strength alerts: each row judged on its region's involved side, grades as grades."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ptdesk.domain import measure_lsi
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.involved_side import InvolvedSide, involved_side, region_of
from ptdesk.domain.muscle_grades import GradePair
from ptdesk.domain.symmetry import MUSCLE_GROUPS, ForceUnit, is_flagged, lsi_text, to_newtons

SIDES = ("left", "right")


class Reading(Protocol):
    muscle_group: str
    side: str
    method: str
    mmt_grade: str | None
    value: float | None
    unit: str | None


def strength_alerts(strength: Iterable[Reading], affected_side: str,
                    ankle_side: str | None = None) -> list[str]:
    """One alert per muscle group whose involved side is clearly weaker.

    Knee and hip rows use the episode's affected side, ankle rows the injured ankle's side
    (domain/involved_side.py); "both" (or no ankle side recorded) compares the weaker side
    with the stronger and says so. Dynamometer rows alert below 90% LSI ("Hip abduction
    LSI 72%"); MMT rows alert on a full-grade gap and are shown as grades, never as a
    percentage ("Hip extension grades 5 / 4 (L / R): a full grade down").
    """
    by_group: dict[str, dict[str, Reading]] = {}
    for row in strength:
        by_group.setdefault(row.muscle_group, {})[row.side] = row
    alerts = []
    for key, label in MUSCLE_GROUPS:
        sides = by_group.get(key, {})
        left, right = sides.get("left"), sides.get("right")
        if left is None or right is None or left.method != right.method:
            continue
        involved = involved_side(region_of(key), affected_side, ankle_side)
        name = label.split(" (")[0]
        try:
            alert = (_grade_alert(name, left, right, involved) if left.method == "mmt"
                     else _lsi_alert(name, left, right, involved))
        except ValidationError:
            continue  # an implausible stored value is not worth a header alert
        if alert:
            alerts.append(alert)
    return alerts


def _weaker_note(involved: InvolvedSide, weaker: str | None) -> str:
    if not involved.weaker_vs_stronger or weaker is None:
        return ""
    return f" ({weaker} weaker; weaker vs stronger)"


def _grade_alert(name: str, left: Reading, right: Reading, involved: InvolvedSide) -> str:
    pair = GradePair(left.mmt_grade, right.mmt_grade, involved.side)
    if not pair.flagged:
        return ""
    note = _weaker_note(involved, pair.weaker_side)
    return f"{name} grades {pair.text} (L / R): a full grade down{note}"


def _lsi_alert(name: str, left: Reading, right: Reading, involved: InvolvedSide) -> str:
    if left.value is None or right.value is None:
        return ""
    left_n = to_newtons(float(left.value), _unit(left.unit))
    right_n = to_newtons(float(right.value), _unit(right.unit))
    value = measure_lsi.side_lsi(involved.side, left_n, right_n)
    if not is_flagged(value):
        return ""
    weaker = "left" if left_n < right_n else "right"
    return f"{name} LSI {lsi_text(value)}{_weaker_note(involved, weaker)}"


def _unit(unit: str | None) -> ForceUnit:
    return "N" if unit == "N" else "kg"
