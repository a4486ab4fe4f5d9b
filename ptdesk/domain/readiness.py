"""Return-to-run readiness: the evaluation's readiness findings and which cited criteria are met."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ptdesk.domain import measure_lsi
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.validation import (
    validate_choice,
    validate_int_range,
    validate_number_range,
)

SQUAT_QUALITY = ("good", "knee_valgus", "pelvic_drop", "trunk_lean")

# ---- default thresholds, each with its published source --------------------------------
# Brisk walking pain-free for 30 minutes before running: Warden et al. 2014 (J Orthop
# Sports Phys Ther 44:749-765, return to running after bone stress injury); CLINICAL.md.
WALK_MINUTES = 30
# Pain-free single-leg hops: among the usual return-to-run criteria (George et al. 2024,
# Sports Med 54:2247-2265, scoping review; Warden 2014). 15 per side matches the
# exercise library's single-leg hop target.
HOPS_PER_SIDE = 15
# Single-leg heel raises per side: healthy adults manage about 25 (Hébert-Losier et al.
# 2017, Physiotherapy 103:446-452); guidance asks for 20-25+ (CLINICAL.md), 20 is the floor.
HEEL_RAISES_PER_SIDE = 20
# Single-leg squat with good control (no knee valgus, pelvic drop or trunk lean) on each
# side: visual rating after Crossley et al. 2011 (Am J Sports Med 39:866-873); reliable
# enough for clinical use (Ressman 2019, BMJ Open Sport Exerc Med 5:e000541).
SQUAT_NEEDED = "good"
# Hop tests for distance: LSI of 90% or more, the common return-to-sport criterion
# (Grindem et al. 2016, Br J Sports Med 50:804-808; van Melick et al. 2016, BJSM 50:1506).
HOP_LSI_MIN_PCT = 90.0


@dataclass(frozen=True)
class ReadinessThresholds:
    """Clinic-adjustable criteria; the defaults are the cited ones above."""

    walk_minutes: int = WALK_MINUTES
    hops_per_side: int = HOPS_PER_SIDE
    heel_raises_per_side: int = HEEL_RAISES_PER_SIDE
    hop_lsi_min_pct: float = HOP_LSI_MIN_PCT

    def __post_init__(self) -> None:
        validate_int_range("walk_minutes", self.walk_minutes, 5, 120, "Brisk walk target")
        validate_int_range("hops_per_side", self.hops_per_side, 1, 100, "Hop target")
        validate_int_range("heel_raises_per_side", self.heel_raises_per_side, 1, 100,
                           "Heel-raise target")
        value = self.hop_lsi_min_pct
        if isinstance(value, bool) or not math.isfinite(value) or not 50 <= value <= 100:
            raise ValidationError("hop_lsi_min_pct", "Enter a hop LSI target from 50 to 100%.")


@dataclass(frozen=True)
class ReadinessFindings:
    """The readiness section of an initial evaluation or re-evaluation; blanks were not tested."""

    brisk_walk_min: int | None = None  # minutes of brisk walking without pain
    hops_left: int | None = None  # pain-free single-leg hops
    hops_right: int | None = None
    heel_raises_left: int | None = None  # single-leg heel raises
    heel_raises_right: int | None = None
    squat_left: str | None = None  # single-leg squat quality
    squat_right: str | None = None
    single_hop_cm_left: float | None = None  # optional hop tests for distance
    single_hop_cm_right: float | None = None
    triple_hop_cm_left: float | None = None
    triple_hop_cm_right: float | None = None
    notes: str = ""

    def validate(self) -> None:
        validate_int_range("readiness.brisk_walk_min", self.brisk_walk_min, 0, 300,
                           "Pain-free brisk walk (minutes)")
        for side in ("left", "right"):
            validate_int_range(f"readiness.hops_{side}", getattr(self, f"hops_{side}"), 0, 500,
                               "Pain-free hops")
            validate_int_range(f"readiness.heel_raises_{side}",
                               getattr(self, f"heel_raises_{side}"), 0, 200, "Heel raises")
            squat = getattr(self, f"squat_{side}")
            if squat is not None:
                validate_choice(f"readiness.squat_{side}", squat, SQUAT_QUALITY,
                                "Single-leg squat")
            validate_number_range(f"readiness.single_hop_cm_{side}",
                                  getattr(self, f"single_hop_cm_{side}"), 0, 400,
                                  "Single hop for distance", "cm")
            validate_number_range(f"readiness.triple_hop_cm_{side}",
                                  getattr(self, f"triple_hop_cm_{side}"), 0, 1500,
                                  "Triple hop for distance", "cm")

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, name) in (None, "") for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class Criterion:
    """One readiness criterion: met (True/False) or not tested (None)."""

    key: str
    label: str
    met: bool | None
    result: str  # "L 16 · R 25" or "35 min"
    target: str  # "20+ each side"
    optional: bool = False


@dataclass(frozen=True)
class Readiness:
    criteria: tuple[Criterion, ...]

    @property
    def required(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if not c.optional)

    @property
    def all_met(self) -> bool:
        """Every required criterion tested and met (optional hop tests only count if failed)."""
        return (all(c.met is True for c in self.required)
                and not any(c.met is False for c in self.criteria))

    @property
    def unmet(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.met is False)

    @property
    def untested(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.required if c.met is None)

    @property
    def summary(self) -> str:
        """ "3 of 4 criteria met; not met: heel raises" (plain words for Overview and plan tab)."""
        met = sum(c.met is True for c in self.required)
        text = f"{met} of {len(self.required)} readiness criteria met"
        if self.unmet:
            text += "; not met: " + ", ".join(c.label.lower() for c in self.unmet)
        if self.untested:
            text += "; not tested: " + ", ".join(c.label.lower() for c in self.untested)
        return text


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _pair(left: float | str | None, right: float | str | None, unit: str = "") -> str:
    def one(v: float | str | None) -> str:
        if v is None:
            return "—"
        return v.replace("_", " ") if isinstance(v, str) else _num(v) + unit
    if left is None and right is None:
        return ""
    return f"L {one(left)} · R {one(right)}"


def _both_at_least(left: int | None, right: int | None, target: int) -> bool | None:
    if left is None or right is None:
        return None
    return left >= target and right >= target


def _hop_lsi(key: str, label: str, left: float | None, right: float | None,
             involved_side: str, limit: float) -> Criterion:
    value = measure_lsi.side_lsi(involved_side, left, right)
    met = None if value is None else value >= limit
    result = _pair(left, right, " cm")
    if value is not None:
        result += f" (LSI {measure_lsi.lsi_text(value)})"
    return Criterion(key, label, met, result, f"LSI {_num(limit)}%+", optional=True)


def assess(findings: ReadinessFindings, involved_side: str,
           thresholds: ReadinessThresholds | None = None) -> Readiness:
    """Which readiness criteria the findings meet (warns; never blocks a plan)."""
    t = thresholds or ReadinessThresholds()
    f = findings
    walk = None if f.brisk_walk_min is None else f.brisk_walk_min >= t.walk_minutes
    squat = (None if f.squat_left is None or f.squat_right is None
             else f.squat_left == SQUAT_NEEDED and f.squat_right == SQUAT_NEEDED)
    criteria = (
        Criterion("brisk_walk", "Pain-free brisk walk", walk,
                  "" if f.brisk_walk_min is None else f"{f.brisk_walk_min} min",
                  f"{t.walk_minutes} min"),
        Criterion("hops", "Pain-free single-leg hops",
                  _both_at_least(f.hops_left, f.hops_right, t.hops_per_side),
                  _pair(f.hops_left, f.hops_right), f"{t.hops_per_side}+ each side"),
        Criterion("heel_raises", "Single-leg heel raises",
                  _both_at_least(f.heel_raises_left, f.heel_raises_right,
                                 t.heel_raises_per_side),
                  _pair(f.heel_raises_left, f.heel_raises_right),
                  f"{t.heel_raises_per_side}+ each side"),
        Criterion("squat", "Single-leg squat control", squat,
                  _pair(f.squat_left, f.squat_right), "good each side"),
        _hop_lsi("single_hop", "Single hop for distance", f.single_hop_cm_left,
                 f.single_hop_cm_right, involved_side, t.hop_lsi_min_pct),
        _hop_lsi("triple_hop", "Triple hop for distance", f.triple_hop_cm_left,
                 f.triple_hop_cm_right, involved_side, t.hop_lsi_min_pct),
    )
    return Readiness(criteria)
