"""Evaluation amounts carried into a plan's measure: converted km <-> mi, never guessed as minutes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain.runplan.carry import carried_amount, starting_measure
from ptdesk.domain.units import convert_distance

amounts = st.floats(min_value=0, max_value=500, allow_nan=False, allow_infinity=False)


@given(amounts, st.sampled_from([("km", "mi"), ("mi", "km")]))
def test_converted_distances_never_exceed_the_charted_amount(value, units) -> None:
    charted, measure = units
    carried = carried_amount(value, charted, measure)
    assert carried is not None
    exact = Decimal(repr(convert_distance(value, charted, measure)))
    # Rounded down to 0.1: never more than the patient ran, never more than 0.1 less.
    assert carried <= exact < carried + Decimal("0.1")
    assert carried == carried.quantize(Decimal("0.1"))


@given(amounts, st.sampled_from(["km", "mi", "min"]))
def test_the_charted_unit_carries_the_charted_number(value, unit) -> None:
    measure = {"km": "km", "mi": "mi", "min": "minutes"}[unit]
    assert carried_amount(value, unit, measure) == Decimal(repr(value))


@given(amounts)
def test_distance_and_time_never_convert(value) -> None:
    for charted, measure in (("km", "minutes"), ("mi", "minutes")):
        assert carried_amount(value, charted, measure) is None
    for measure in ("km", "mi"):
        assert carried_amount(value, "min", measure) is None


def test_examples() -> None:
    assert carried_amount(3, "mi", "km") == Decimal("4.8")
    assert carried_amount(5.3, "km", "mi") == Decimal("3.2")
    assert carried_amount(25, "mi", "km") == Decimal("40.2")


def test_starting_measure() -> None:
    assert starting_measure("mi", 3, "km") == "km"
    assert starting_measure("km", 5, "mi") == "mi"
    assert starting_measure("min", 15, "km") == "minutes"
    # Under the distance floor (1.5 km / 1 mi) the runner is a walk-runner: minutes.
    assert starting_measure("mi", 0.9, "mi") == "minutes"
    assert starting_measure("km", 1.4, "km") == "minutes"
    assert starting_measure("km", 1.5, "mi") == "mi"
    assert starting_measure("mi", None, "km") == "km"
