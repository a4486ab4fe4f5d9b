"""Unit tests for distance/time units, display text and cadence targets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.units import (
    KM_PER_MILE,
    cadence_target,
    cadence_target_range,
    convert_distance,
    format_amount,
    km_to_mi,
    mi_to_km,
    round_down,
    validate_cadence,
)


def test_mile_definition_and_known_distances() -> None:
    assert KM_PER_MILE == 1.609344
    assert mi_to_km(1) == 1.609344
    # Half marathon: 13.1094 mi x 1.609344 = 21.0975 km.
    assert mi_to_km(13.1094) == pytest.approx(21.0975, abs=0.0005)
    # 10 km / 1.609344 = 6.2137 mi.
    assert km_to_mi(10) == pytest.approx(6.2137, abs=0.0001)
    assert convert_distance(5, "km", "km") == 5
    assert convert_distance(6, "mi", "km") == pytest.approx(9.656064)
    with pytest.raises(ValidationError) as caught:
        convert_distance(25, "min", "km")  # type: ignore[arg-type]
    assert caught.value.field == "distance_unit"


@given(st.floats(0, 500, allow_nan=False))
def test_distance_round_trip(km: float) -> None:
    assert convert_distance(convert_distance(km, "km", "mi"), "mi", "km") == pytest.approx(km)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (5.5, "km", "5.5 km"),
        (3.42, "mi", "3.4 mi"),
        (25, "min", "25 min"),
        (25.0, "min", "25 min"),
        (2.5, "min", "2.5 min"),
        (5.0, "km", "5 km"),
        (5.56, "km", "5.6 km"),
        (0.05, "mi", "0.1 mi"),  # half rounds up when rounding to nearest
        (0, "km", "0 km"),
    ],
)
def test_format_amount(value: float, unit: str, text: str) -> None:
    assert format_amount(value, unit) == text  # type: ignore[arg-type]


def test_format_amount_round_down_for_capped_numbers() -> None:
    assert format_amount(5.56, "km", rounding="down") == "5.5 km"
    assert format_amount(5.59, "mi", rounding="down") == "5.5 mi"
    assert format_amount(27.9, "min", decimals=0, rounding="down") == "27 min"
    assert format_amount(6.6, "km", decimals=2) == "6.6 km"


def test_format_amount_refusals() -> None:
    with pytest.raises(ValidationError):
        format_amount(-1, "km")
    with pytest.raises(ValidationError):
        format_amount(3, "yd")  # type: ignore[arg-type]


def test_round_down_avoids_float_artefacts() -> None:
    assert round_down(4.35, 2) == 4.35  # 4.35 * 100 is 434.99999... in floats
    assert round_down(4.359, 2) == 4.35
    assert round_down(7.99, 0) == 7


@given(st.floats(0, 1000, allow_nan=False), st.integers(0, 2))
def test_round_down_never_exceeds_value(value: float, decimals: int) -> None:
    rounded = round_down(value, decimals)
    assert rounded <= value
    assert value - rounded < 10 ** -decimals + 1e-9


# ---- Cadence -------------------------------------------------------------------------

def test_cadence_worked_examples() -> None:
    # 170 x 1.05 = 178.5, a half beat, rounds up to 179.
    assert cadence_target(170, 5) == 179
    # 160 x 1.10 = 176.
    assert cadence_target(160, 10) == 176
    # 180 x 1.075 = 193.5 -> 194.
    assert cadence_target(180, 7.5) == 194
    assert cadence_target(164) == 172  # default +5%: 172.2
    assert cadence_target_range(170) == (179, 187)


@pytest.mark.parametrize("spm", [119, 221, 0, float("nan")])
def test_implausible_cadence_is_refused(spm: float) -> None:
    with pytest.raises(ValidationError) as caught:
        cadence_target(spm, 5)
    assert caught.value.field == "cadence_spm"


def test_cadence_limits_are_inclusive() -> None:
    assert validate_cadence(120) == 120
    assert validate_cadence(220) == 220


@pytest.mark.parametrize("pct", [0, -5, 15.1, 30])
def test_cadence_increase_out_of_range_is_refused(pct: float) -> None:
    with pytest.raises(ValidationError) as caught:
        cadence_target(170, pct)
    assert caught.value.field == "cadence_increase_pct"


def test_cadence_increase_of_15_is_accepted_but_the_target_stops_at_ten_percent() -> None:
    assert cadence_target(160, 15) == 176  # issue 14: never more than +10% over baseline


@given(st.integers(120, 220), st.floats(0.5, 15))
def test_cadence_target_is_the_nearest_beat_above_measured(spm: int, pct: float) -> None:
    target = cadence_target(spm, pct)
    exact = spm * (1 + min(pct, 10) / 100)
    assert abs(target - exact) <= 0.5 + 1e-9
    assert target >= spm
    low, high = cadence_target_range(spm)
    assert spm < low <= high
