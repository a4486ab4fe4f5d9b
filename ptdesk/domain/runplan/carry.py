"""Running amounts charted at an evaluation, carried into a plan's measure only where units convert."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ptdesk.domain.runplan.amounts import Measure, to_decimal
from ptdesk.domain.runplan.inputs import DISTANCE_FLOOR
from ptdesk.domain.units import convert_distance

# The evaluation charts volumes in km, mi or "min"; a plan counts "km", "mi" or "minutes".
CHARTED_AS: dict[str, Measure] = {"km": "km", "mi": "mi", "min": "minutes"}
# Converted distances print to 0.1, rounded down: a converted "last 7 days" is the base the
# 10% cap grows from, so the conversion must never add to it (CLINICAL.md, "The cap").
CONVERTED_PLACES = Decimal("0.1")


def carried_amount(value: float, charted_unit: str, measure: Measure) -> Decimal | None:
    """`value` (charted in km, mi or min) in the plan's `measure`, or None when it cannot be.

    Same unit: the value as charted. km <-> mi: converted with the one conversion in
    `ptdesk.domain.units`, rounded down to 0.1. Distance <-> minutes: None, because how
    long a distance takes depends on the runner's pace; the clinician enters that number.
    """
    charted = CHARTED_AS.get(charted_unit)
    if charted is None or value < 0:
        return None
    if charted == measure:
        return to_decimal(value)
    if charted == "minutes" or measure == "minutes":
        return None
    converted = convert_distance(value, charted, measure)
    return to_decimal(converted).quantize(CONVERTED_PLACES, rounding=ROUND_FLOOR)


def starting_measure(charted_unit: str, longest_recent_run: float | None,
                     default_units: str) -> Measure:
    """The measure a new plan starts in, given what the evaluation charted.

    A runner charted in minutes is planned in minutes. A longest recent run under the
    distance floor (CLINICAL.md: about 1.5 km or 1 mile) is walk-run, planned in minutes.
    Otherwise the clinic's default distance unit (km or mi), converting the charted values.
    """
    charted = CHARTED_AS.get(charted_unit)
    if charted is None or charted == "minutes":
        return "minutes" if charted == "minutes" else _distance(default_units)
    if longest_recent_run is not None and longest_recent_run > 0 \
            and to_decimal(longest_recent_run) < DISTANCE_FLOOR[charted]:
        return "minutes"
    return _distance(default_units)


def _distance(default_units: str) -> Measure:
    return "km" if default_units == "km" else "mi"
