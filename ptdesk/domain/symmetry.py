"""Strength measures: limb symmetry index, MMT grades, dynamometer units and measurement error."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.validation import MMT_GRADES as VALIDATION_MMT_GRADES

# Muscle groups tested left and right (CLINICAL.md "Hip strength", plus plantarflexion,
# which the heel-raise and calf work on the sprained-ankle side depend on).
MUSCLE_GROUPS: tuple[tuple[str, str], ...] = (
    ("hip_abduction", "Hip abduction (gluteus medius/minimus)"),
    ("hip_extension", "Hip extension (gluteus maximus)"),
    ("hip_external_rotation", "Hip external rotation"),
    ("hip_internal_rotation", "Hip internal rotation"),
    ("hip_flexion", "Hip flexion"),
    ("knee_extension", "Knee extension (quadriceps)"),
    ("knee_flexion", "Knee flexion (hamstrings)"),
    ("ankle_plantarflexion", "Ankle plantarflexion (calf)"),
)
MUSCLE_GROUP_KEYS: tuple[str, ...] = tuple(key for key, _ in MUSCLE_GROUPS)

# ---- Limb symmetry index -------------------------------------------------------------

# Return-to-sport criteria commonly use LSI >= 90% (Grindem et al., Br J Sports Med
# 2016;50:804-808); CLINICAL.md "Hip strength" flags anything below it.
LSI_FLAG_BELOW = 90.0


def lsi(involved: float | None, uninvolved: float | None) -> float | None:
    """Limb symmetry index in percent: involved / uninvolved x 100.

    None when either side is missing or the uninvolved side is 0 (no ratio exists).
    """
    if involved is None or uninvolved is None:
        return None
    if involved < 0 or uninvolved < 0:
        raise ValidationError("lsi", "Strength values cannot be negative.")
    if uninvolved == 0:
        return None
    return involved / uninvolved * 100.0


def is_flagged(value: float | None) -> bool:
    """True when an LSI is below 90% (the involved side is clearly weaker)."""
    return value is not None and value < LSI_FLAG_BELOW


def lsi_percent(value: float) -> int:
    """The whole percent an LSI is shown as, everywhere (grid, header, charts, reports).

    Rounded to the nearest percent, except that a value flagged below 90% never reads as
    90% or more (89.6% shows as 89%): the number and its flag must not disagree.
    """
    shown = round(value)
    if is_flagged(value):
        shown = min(shown, math.ceil(LSI_FLAG_BELOW) - 1)
    return shown


def lsi_text(value: float | None, empty: str = "—") -> str:
    """ "72%", or `empty` when there is no ratio."""
    return empty if value is None else f"{lsi_percent(value)}%"


# ---- Manual muscle test grades -------------------------------------------------------

MMT_GRADES = VALIDATION_MMT_GRADES

# MMT grades are ordinal, not measurements. For an *approximate* LSI only, a grade is
# read as its number with "-" and "+" a third of a grade below/above (4- = 3.67,
# 4+ = 4.33), so 4 vs 5 gives 80%. A UI may prefer to show the two grades side by side.
MMT_VALUES: dict[str, float] = {
    grade: float(grade.rstrip("+-")) + (1 / 3 if grade.endswith("+") else 0.0)
    - (1 / 3 if grade.endswith("-") else 0.0)
    for grade in MMT_GRADES
}


def validate_mmt_grade(text: str, field: str = "mmt_grade") -> str:
    """Return the canonical grade for `text` (spaces and a typographic minus allowed)."""
    cleaned = text.strip().replace(" ", "").replace("\u2212", "-").replace("\u2013", "-")
    if cleaned not in MMT_GRADES:
        raise ValidationError(field, "Enter a muscle test grade from 0 to 5, e.g. 4-, 4 or 4+ "
                                     f"(allowed: {', '.join(MMT_GRADES)}).")
    return cleaned


def mmt_ordinal(grade: str) -> int:
    """Rank of a grade from 0 ("0") to 11 ("5"), for sorting and comparing."""
    return MMT_GRADES.index(validate_mmt_grade(grade))


def mmt_lsi(involved: str | None, uninvolved: str | None) -> float | None:
    """Approximate LSI from two MMT grades (ordinal data: a rough guide, not a measurement)."""
    if involved is None or uninvolved is None:
        return None
    return lsi(MMT_VALUES[validate_mmt_grade(involved, "mmt_involved")],
               MMT_VALUES[validate_mmt_grade(uninvolved, "mmt_uninvolved")])


# ---- Handheld dynamometer ------------------------------------------------------------

ForceUnit = Literal["kg", "N"]
NEWTONS_PER_KGF = 9.80665
# Well above any lower-limb handheld dynamometer reading; catches typos like 2500 for 250.
MAX_FORCE_N = 2000.0


def to_newtons(value: float, unit: ForceUnit) -> float:
    """Convert a dynamometer reading in kg (kilogram-force) or N to newtons."""
    _check_force(value, unit)
    return value * NEWTONS_PER_KGF if unit == "kg" else float(value)


def to_kg(value: float, unit: ForceUnit) -> float:
    """Convert a dynamometer reading in kg (kilogram-force) or N to kg."""
    _check_force(value, unit)
    return value / NEWTONS_PER_KGF if unit == "N" else float(value)


def convert_force(value: float, from_unit: ForceUnit, to_unit: ForceUnit) -> float:
    newtons = to_newtons(value, from_unit)
    return newtons if to_unit == "N" else newtons / NEWTONS_PER_KGF


def best_of_trials(trials: Sequence[float | None], unit: ForceUnit = "N") -> float | None:
    """Highest of the recorded trials (blank trials skipped); None when none were recorded."""
    recorded = [t for t in trials if t is not None]
    for n, trial in enumerate(recorded, start=1):
        _check_force(trial, unit, field=f"dynamometer_trial_{n}")
    return max(recorded) if recorded else None


def per_kg_body_weight(force_n: float, body_weight_kg: float) -> float:
    """Force normalised to body weight, in N per kg (compares patients of different size)."""
    _check_force(force_n, "N")
    if (isinstance(body_weight_kg, bool) or not math.isfinite(body_weight_kg)
            or not 0 < body_weight_kg <= 400):
        raise ValidationError("body_weight_kg", "Body weight must be more than 0 and at most "
                                                "400 kg to normalise strength.")
    return force_n / body_weight_kg


def _check_force(value: float, unit: ForceUnit, field: str = "dynamometer_value") -> None:
    if unit not in ("kg", "N"):
        raise ValidationError("dynamometer_unit", "Dynamometer readings are in kg or N.")
    limit = MAX_FORCE_N if unit == "N" else MAX_FORCE_N / NEWTONS_PER_KGF
    if isinstance(value, bool) or not math.isfinite(value) or not 0 <= value <= limit:
        raise ValidationError(field, f"A dynamometer reading must be between 0 and "
                                     f"{limit:.0f} {unit}.")


# ---- Measurement error ---------------------------------------------------------------

# Handheld dynamometry test-retest variation is roughly 3-12% (Thorborg 2010), so a
# change under ~10% may be noise and is not shown as progress.
DYNAMOMETER_ERROR_PCT = 10.0

StrengthChange = Literal["better", "worse", "within_error"]


def change_vs_error(
    before: float, after: float, error_pct: float = DYNAMOMETER_ERROR_PCT
) -> StrengthChange:
    """Classify a strength change (higher is stronger) against the measurement error.

    The change is relative to `before`; a change of exactly `error_pct` counts as real.
    """
    if not 0 < error_pct < 100:
        raise ValidationError("error_pct", "The measurement error must be between 0% and 100%.")
    for field, value in (("before", before), ("after", after)):
        if isinstance(value, bool) or not math.isfinite(value) or value < 0:
            raise ValidationError(field, "Strength values must be 0 or more.")
    if before == 0:
        return "better" if after > 0 else "within_error"
    # Rounded so that 100 -> 110 (10.000000000000009%) and 100 -> 90 classify alike.
    change_pct = round((after - before) / before * 100.0, 6)
    if change_pct >= error_pct:
        return "better"
    if change_pct <= -error_pct:
        return "worse"
    return "within_error"

# Header alerts: domain/strength_alerts.py (each row on its region's involved side).
