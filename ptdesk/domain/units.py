"""Running-volume units (km, miles, minutes): conversion, display text and cadence targets."""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

from ptdesk.domain.cadence import cadence_target_spm
from ptdesk.domain.errors import ValidationError

DistanceUnit = Literal["km", "mi"]
VolumeUnit = Literal["km", "mi", "min"]
VOLUME_UNITS: tuple[VolumeUnit, ...] = ("km", "mi", "min")

KM_PER_MILE = 1.609344  # exact, by the international mile definition


def mi_to_km(miles: float) -> float:
    return miles * KM_PER_MILE


def km_to_mi(km: float) -> float:
    return km / KM_PER_MILE


def convert_distance(value: float, from_unit: DistanceUnit, to_unit: DistanceUnit) -> float:
    """Convert between km and miles (minutes are not a distance and are refused)."""
    for unit in (from_unit, to_unit):
        if unit not in ("km", "mi"):
            raise ValidationError("distance_unit", "Distance must be in km or miles.")
    if from_unit == to_unit:
        return float(value)
    return mi_to_km(value) if from_unit == "mi" else km_to_mi(value)


def round_down(value: float, decimals: int = 1) -> float:
    """Round down (towards minus infinity) to `decimals` places, as the number reads in text.

    Plans print volumes rounded down so a printed week never exceeds the 10% cap;
    Decimal avoids float artefacts such as 4.35 -> 4.34.
    """
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_FLOOR))


def format_amount(
    value: float,
    unit: VolumeUnit,
    decimals: int | None = None,
    rounding: Literal["nearest", "down"] = "nearest",
) -> str:
    """Display text such as "5.5 km", "3.4 mi" or "25 min".

    Distances default to one decimal, minutes to whole minutes unless a half minute
    matters (walk-run intervals). A trailing ".0" is dropped ("5 km"). Pass
    `rounding="down"` for numbers printed under the weekly cap.
    """
    if unit not in VOLUME_UNITS:
        raise ValidationError("volume_unit", "Running volume must be in km, miles or minutes.")
    if isinstance(value, bool) or not math.isfinite(value) or value < 0:
        raise ValidationError("volume", "A running amount must be 0 or more.")
    if decimals is None:
        decimals = 1 if unit != "min" or not float(value).is_integer() else 0
    if rounding == "down":
        shown = Decimal(repr(round_down(value, decimals)))
    else:
        shown = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals),
                                              rounding=ROUND_HALF_UP)
    text = f"{shown:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}"


# ---- Cadence (steps per minute) -------------------------------------------------------

CADENCE_MIN_SPM = 120.0
CADENCE_MAX_SPM = 220.0
CADENCE_PCT_DEFAULT_RANGE = (5.0, 10.0)  # Heiderscheit 2011: +5% lowers knee load
CADENCE_PCT_MAX = 15.0


def validate_cadence(measured_spm: float, field: str = "cadence_spm") -> float:
    """Check a measured running cadence is plausible (120-220 steps/min)."""
    if (isinstance(measured_spm, bool) or not math.isfinite(measured_spm)
            or not CADENCE_MIN_SPM <= measured_spm <= CADENCE_MAX_SPM):
        raise ValidationError(field, "Running cadence must be between 120 and 220 steps per "
                                     "minute. Count both feet for one minute.")
    return float(measured_spm)


def cadence_target(measured_spm: float, pct: float = 5.0) -> int:
    """Metronome target: measured cadence raised by `pct` percent, to the nearest beat.

    Halves round up (170 spm +5% = 178.5 -> 179) so the cue is never below the aim.
    """
    validate_cadence(measured_spm)
    if isinstance(pct, bool) or not math.isfinite(pct) or not 0 < pct <= CADENCE_PCT_MAX:
        raise ValidationError("cadence_increase_pct", "The cadence increase must be more than "
                                                      "0% and at most 15% (usually 5-10%).")
    target = cadence_target_spm(float(measured_spm), float(min(pct, 10.0)))
    assert target is not None  # validated above
    return target


def cadence_target_range(measured_spm: float) -> tuple[int, int]:
    """The usual cue range: +5% and +10% of the measured cadence, in beats per minute."""
    low, high = CADENCE_PCT_DEFAULT_RANGE
    return cadence_target(measured_spm, low), cadence_target(measured_spm, high)
