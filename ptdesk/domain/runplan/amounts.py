"""Running amounts as whole printed steps (1 min or 0.1 km/mi) so the cap is checked exactly."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Literal

Measure = Literal["minutes", "km", "mi"]
MEASURES: tuple[Measure, ...] = ("minutes", "km", "mi")

# Steps per unit of the measure: plans print whole minutes, or km/mi to one decimal.
# Every amount inside the generator is an int count of these steps, so "110% of last
# week" is compared with integers and a Fraction, never with floats.
STEPS_PER_UNIT: dict[Measure, int] = {"minutes": 1, "km": 10, "mi": 10}

UNIT_TEXT: dict[Measure, str] = {"minutes": "min", "km": "km", "mi": "mi"}
UNIT_WORDS: dict[Measure, str] = {"minutes": "minutes", "km": "km", "mi": "miles"}


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Exact Decimal for an int, float, str or Decimal (floats through their shortest repr)."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a number, not true/false")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be a finite number")
        result = Decimal(repr(value))
    elif isinstance(value, str):
        result = Decimal(value.strip())
    else:
        raise TypeError(f"{what} must be a number")
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number")
    return result


MAX_PLACES = 3  # more decimals than this is a typing slip (and would not survive JSON)


def too_precise(value: Decimal) -> bool:
    """True when `value` has more than MAX_PLACES decimals."""
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent < -MAX_PLACES


def steps_down(value: Decimal, measure: Measure) -> int:
    """Whole steps in `value`, rounded down (what we may safely assume the patient did)."""
    scaled = value * STEPS_PER_UNIT[measure]
    return int(scaled.to_integral_value(rounding=ROUND_FLOOR))


def steps_up(value: Decimal, measure: Measure) -> int:
    """Whole steps in `value`, rounded up (so reaching it really reaches the goal)."""
    scaled = value * STEPS_PER_UNIT[measure]
    return int(scaled.to_integral_value(rounding=ROUND_CEILING))


def from_steps(steps: int, measure: Measure) -> Decimal:
    """The printed amount for a count of steps: Decimal('25') min or Decimal('4.5') km."""
    if measure == "minutes":
        return Decimal(steps)
    return Decimal(steps).scaleb(-1)


def capped(steps: int, cap: Fraction) -> int:
    """The most steps allowed after `steps` under a cap (a fraction such as 1/10): rounded down."""
    return math.floor(steps * (1 + cap))


def format_steps(steps: int, measure: Measure) -> str:
    """Text such as "25 min", "4.5 km" or "1.0 mi"."""
    return f"{from_steps(steps, measure)} {UNIT_TEXT[measure]}"


def format_pct(pct: Decimal) -> str:
    """A cap such as 10 or 7.5 as people write it ("10", "7.5")."""
    text = format(pct.normalize(), "f")
    return text


def step_text(measure: Measure) -> str:
    """The smallest printed step, in words ("1 minute", "0.1 km")."""
    return "1 minute" if measure == "minutes" else f"0.1 {UNIT_TEXT[measure]}"
