"""Opposite-ankle asymmetry flags (knee-to-wall, balance, heel raises) with cited, adjustable limits."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ptdesk.domain import measure_lsi
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.involved_side import InvolvedSide

# Knee-to-wall (weight-bearing lunge) difference in cm. Powden, Hoch & Hoch 2015 (Man Ther
# 20:524-532, systematic review): minimal detectable change 1.6 cm between clinicians and
# 1.9 cm for one clinician; Chisholm 2012 (Physiother Can 64:347-355): MDC 1.5 cm for the
# between-limb difference. A gap of 2 cm or more is beyond measurement error.
KNEE_TO_WALL_DIFF_CM = 2.0
# Single-leg balance with eyes closed: failing to hold 10 s predicted ankle sprain
# (Trojian & McKeag 2006, Br J Sports Med 40:610-613).
BALANCE_EYES_CLOSED_MIN_S = 10.0
# Single-leg heel-raise count LSI. Hébert-Losier et al. 2017 (Physiotherapy 103:446-452):
# reliable counts and normative values (about 25 in healthy adults); a side under 90% of
# the other is the usual deficit criterion (Silbernagel 2006, heel-rise LSI).
HEEL_RAISE_LSI_MIN_PCT = 90.0


@dataclass(frozen=True)
class AnkleThresholds:
    """Clinic-adjustable limits; the defaults are the published ones above."""

    knee_to_wall_diff_cm: float = KNEE_TO_WALL_DIFF_CM
    balance_eyes_closed_min_s: float = BALANCE_EYES_CLOSED_MIN_S
    heel_raise_lsi_min_pct: float = HEEL_RAISE_LSI_MIN_PCT

    def __post_init__(self) -> None:
        _check("knee_to_wall_diff_cm", self.knee_to_wall_diff_cm, 0.5, 10, "cm")
        _check("balance_eyes_closed_min_s", self.balance_eyes_closed_min_s, 1, 120, "s")
        _check("heel_raise_lsi_min_pct", self.heel_raise_lsi_min_pct, 50, 100, "%")


def _check(field: str, value: float, low: float, high: float, unit: str) -> None:
    if isinstance(value, bool) or not math.isfinite(value) or not low <= value <= high:
        raise ValidationError(field, f"Enter a limit from {low:g} to {high:g} {unit}.")


Pair = tuple[float | None, float | None]  # (left, right)


@dataclass(frozen=True)
class AnkleFlag:
    """One ankle measure's asymmetry: the readings, the rule applied and whether it flags."""

    key: str  # "knee_to_wall", "balance_eyes_closed", "heel_raises"
    label: str
    left: float | None
    right: float | None
    involved_side: str
    flagged: bool
    text: str  # "Knee-to-wall L 7 cm vs R 11.5 cm: 4.5 cm less on the left (limit 2 cm)"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _sides(involved: InvolvedSide, pair: Pair) -> tuple[str, float, float] | None:
    """(involved side, its value, the other's value); "both" takes the lower as involved."""
    left, right = pair
    if left is None or right is None:
        return None
    if involved.side == "left":
        return "left", left, right
    if involved.side == "right":
        return "right", right, left
    return ("left", left, right) if left <= right else ("right", right, left)


def _knee_to_wall(pair: Pair, involved: InvolvedSide, limit: float) -> AnkleFlag | None:
    found = _sides(involved, pair)
    if found is None:
        return None
    side, mine, other = found
    gap = other - mine
    flagged = gap >= limit
    text = (f"Knee-to-wall L {_num(pair[0] or 0)} cm vs R {_num(pair[1] or 0)} cm: "
            + (f"{_num(gap)} cm less on the {side}" if gap > 0 else "no deficit on the "
               + side) + f" (flag at {_num(limit)} cm)")
    return AnkleFlag("knee_to_wall", "Knee-to-wall lunge", pair[0], pair[1], side, flagged, text)


def _balance(pair: Pair, involved: InvolvedSide, limit: float) -> AnkleFlag | None:
    found = _sides(involved, pair)
    if found is None:
        return None
    side, mine, other = found
    flagged = mine < limit and mine < other
    text = (f"Balance eyes closed L {_num(pair[0] or 0)} s vs R {_num(pair[1] or 0)} s: "
            f"the {side} side " + ("holds under" if mine < limit else "holds at least")
            + f" {_num(limit)} s")
    return AnkleFlag("balance_eyes_closed", "Single-leg balance, eyes closed", pair[0], pair[1],
                     side, flagged, text)


def _heel_raises(pair: Pair, involved: InvolvedSide, limit: float) -> AnkleFlag | None:
    found = _sides(involved, pair)
    if found is None:
        return None
    side, _, _ = found
    value = measure_lsi.side_lsi(involved.side, pair[0], pair[1])
    flagged = value is not None and value < limit
    text = (f"Heel raises L {_num(pair[0] or 0)} vs R {_num(pair[1] or 0)}: LSI "
            f"{measure_lsi.lsi_text(value)} (flag under {_num(limit)}%)")
    return AnkleFlag("heel_raises", "Single-leg heel raises", pair[0], pair[1], side, flagged,
                     text)


def ankle_flags(
    involved: InvolvedSide, *, knee_to_wall_cm: Pair = (None, None),
    balance_eyes_closed_s: Pair = (None, None), heel_raises: Pair = (None, None),
    thresholds: AnkleThresholds | None = None,
) -> tuple[AnkleFlag, ...]:
    """Every ankle measure recorded on both sides, judged on the injured ankle's side."""
    limits = thresholds or AnkleThresholds()
    found = (
        _knee_to_wall(knee_to_wall_cm, involved, limits.knee_to_wall_diff_cm),
        _balance(balance_eyes_closed_s, involved, limits.balance_eyes_closed_min_s),
        _heel_raises(heel_raises, involved, limits.heel_raise_lsi_min_pct),
    )
    return tuple(flag for flag in found if flag is not None)
