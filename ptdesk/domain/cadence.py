"""The running cadence target: one rule, from the baseline cadence, rounded half up."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# CLINICAL.md: +5 to +10% of the *baseline* (intake or clinician-confirmed) cadence,
# never compounding at later assessments. Heiderscheit et al. 2011 (Med Sci Sports
# Exerc 43:296) found +5-10% step rate reduces hip and knee loading; beyond +10% the
# cue is rarely sustained, so the target never goes higher.
CADENCE_INCREASE_MAX_PCT = Decimal(10)


def cadence_target_spm(baseline_spm: float | int, increase_pct: float | int) -> int | None:
    """Target steps/min: the baseline raised by `increase_pct`, at most +10%, halves up.

    Returns None without a usable baseline or percentage (nothing to print).
    170 spm +5% = 178.5 -> 179 (never below the aim); 165 +15% -> 182 (capped at +10%).
    """
    if isinstance(baseline_spm, bool) or isinstance(increase_pct, bool):
        return None
    if not (math.isfinite(baseline_spm) and math.isfinite(increase_pct)):
        return None
    if baseline_spm <= 0 or increase_pct <= 0:
        return None
    pct = min(Decimal(repr(increase_pct)), CADENCE_INCREASE_MAX_PCT)
    target = Decimal(repr(baseline_spm)) * (1 + pct / 100)
    return int(target.quantize(Decimal(1), rounding=ROUND_HALF_UP))
