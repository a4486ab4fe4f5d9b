"""Running amounts as whole printed steps (3 s, or 0.05 km/mi) so the cap is checked exactly."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Literal

Measure = Literal["minutes", "km", "mi"]
MEASURES: tuple[Measure, ...] = ("minutes", "km", "mi")

# Steps per unit of the measure: 1/20 of a minute (3 seconds) or 0.05 km/mi. Every
# amount inside the generator is an int count of these steps, so "110% of last week"
# is compared with integers and a Fraction, never with floats. A twentieth is the
# coarsest step with which a 5% cap still grows from the smallest plannable run
# (1 minute, or 1.0 mi; issue 14): 5% of 20 steps is one step. It also keeps every
# printed number an exact decimal with at most two places (1.05 min = 1:03).
STEPS_PER_UNIT: dict[Measure, int] = {"minutes": 20, "km": 20, "mi": 20}
SECONDS_PER_STEP = 3  # minutes plans: 60 s / 20

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
    """The printed amount for a count of steps: Decimal('25') min, Decimal('4.5') km."""
    value = Decimal(steps * 5).scaleb(-2)
    if measure == "minutes":
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return value


def clock(seconds: int) -> str:
    """Seconds as m:ss ("1:05", "22:30"); hours are written as minutes ("75:00")."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


def minutes_clock(value: Decimal) -> str:
    """A minutes amount (Decimal minutes) as m:ss, rounded down to the second."""
    return clock(int(value * 60))


def capped(steps: int, cap: Fraction) -> int:
    """The most steps allowed after `steps` under a cap (a fraction such as 1/10): rounded down."""
    return math.floor(steps * (1 + cap))


def format_amount(value: Decimal, measure: Measure) -> str:
    """Text such as "25:30 min", "4.5 km", "4.55 km" or "1.0 mi"."""
    if measure == "minutes":
        return f"{minutes_clock(value)} {UNIT_TEXT[measure]}"
    text = format(value.quantize(Decimal("0.01")), "f")
    if text.endswith("0"):
        text = text[:-1]
    return f"{text} {UNIT_TEXT[measure]}"


def format_steps(steps: int, measure: Measure) -> str:
    """Text such as "25:00 min", "4.5 km" or "1.0 mi"."""
    return format_amount(from_steps(steps, measure), measure)


def format_pct(pct: Decimal) -> str:
    """A cap such as 10 or 7.5 as people write it ("10", "7.5")."""
    text = format(pct.normalize(), "f")
    return text


def step_text(measure: Measure) -> str:
    """The smallest printed step, in words ("1 minute", "0.1 km")."""
    return "3 seconds" if measure == "minutes" else f"0.05 {UNIT_TEXT[measure]}"
