"""Unit tests for limb symmetry, MMT grades, dynamometer units and measurement error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.symmetry import (
    LSI_FLAG_BELOW,
    MMT_GRADES,
    MUSCLE_GROUP_KEYS,
    MUSCLE_GROUPS,
    best_of_trials,
    change_vs_error,
    convert_force,
    is_flagged,
    lsi,
    mmt_lsi,
    mmt_ordinal,
    per_kg_body_weight,
    to_kg,
    to_newtons,
    validate_mmt_grade,
)


def test_muscle_groups_cover_clinical_list() -> None:
    for key in ("hip_abduction", "hip_extension", "hip_external_rotation",
                "hip_internal_rotation", "hip_flexion", "knee_extension", "knee_flexion"):
        assert key in MUSCLE_GROUP_KEYS
    assert len(set(MUSCLE_GROUP_KEYS)) == len(MUSCLE_GROUPS)
    assert all(label for _, label in MUSCLE_GROUPS)


# ---- LSI -----------------------------------------------------------------------------

def test_lsi_worked_examples() -> None:
    # 180 N involved vs 200 N uninvolved: 180 / 200 x 100 = 90%.
    assert lsi(180, 200) == pytest.approx(90.0)
    # 12.5 kg vs 15 kg: 83.3%.
    assert lsi(12.5, 15) == pytest.approx(83.333, abs=0.001)
    assert lsi(20, 20) == 100


def test_lsi_without_a_ratio_is_none() -> None:
    assert lsi(10, 0) is None
    assert lsi(None, 10) is None
    assert lsi(10, None) is None
    with pytest.raises(ValidationError):
        lsi(-1, 10)


def test_flag_boundary_at_90() -> None:
    assert LSI_FLAG_BELOW == 90.0
    assert is_flagged(89.9)
    assert not is_flagged(90.0)
    assert not is_flagged(110.0)
    assert not is_flagged(None)
    assert is_flagged(lsi(179.8, 200))  # 89.9%
    assert not is_flagged(lsi(180, 200))


@given(st.floats(0.1, 1000), st.floats(0.1, 1000))
def test_lsi_reciprocal_property(a: float, b: float) -> None:
    forward, backward = lsi(a, b), lsi(b, a)
    assert forward is not None and backward is not None
    assert forward * backward == pytest.approx(10000)


# ---- MMT -----------------------------------------------------------------------------

def test_mmt_grade_list_and_order() -> None:
    assert MMT_GRADES == ("0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4", "4+", "5")
    ranks = [mmt_ordinal(g) for g in MMT_GRADES]
    assert ranks == sorted(ranks) == list(range(12))


@pytest.mark.parametrize(("text", "canonical"),
                         [("4-", "4-"), (" 4+ ", "4+"), ("4 -", "4-"), ("4\u2212", "4-"),
                          ("5", "5"), ("0", "0")])
def test_validate_mmt_grade_accepts(text: str, canonical: str) -> None:
    assert validate_mmt_grade(text) == canonical


@pytest.mark.parametrize("text", ["6", "4++", "", "five", "1+", "5+", "-4"])
def test_validate_mmt_grade_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_mmt_grade(text, field="hip_abduction_left")
    assert caught.value.field == "hip_abduction_left"


def test_mmt_lsi_is_an_ordinal_approximation() -> None:
    assert mmt_lsi("4", "5") == pytest.approx(80.0)
    # 4- read as 3 2/3: (11/3) / 5 = 73.3%.
    assert mmt_lsi("4-", "5") == pytest.approx(73.333, abs=0.001)
    # 4+ read as 4 1/3: (13/3) / 5 = 86.7%.
    assert mmt_lsi("4+", "5") == pytest.approx(86.667, abs=0.001)
    assert mmt_lsi("5", "5") == pytest.approx(100.0)
    assert mmt_lsi("3", "0") is None
    assert mmt_lsi(None, "5") is None
    with pytest.raises(ValidationError) as caught:
        mmt_lsi("4", "7")
    assert caught.value.field == "mmt_uninvolved"


@given(st.sampled_from(MMT_GRADES[1:]), st.sampled_from(MMT_GRADES[1:]))
def test_mmt_lsi_follows_grade_order(a: str, b: str) -> None:
    value = mmt_lsi(a, b)
    assert value is not None
    if mmt_ordinal(a) < mmt_ordinal(b):
        assert value < 100
    elif mmt_ordinal(a) > mmt_ordinal(b):
        assert value > 100
    else:
        assert value == pytest.approx(100)


# ---- Dynamometer ---------------------------------------------------------------------

def test_force_conversion() -> None:
    assert to_newtons(10, "kg") == pytest.approx(98.0665)
    assert to_newtons(150, "N") == 150
    assert to_kg(98.0665, "N") == pytest.approx(10)
    assert convert_force(20, "kg", "N") == pytest.approx(196.133)
    assert convert_force(196.133, "N", "kg") == pytest.approx(20)
    with pytest.raises(ValidationError):
        to_newtons(-5, "kg")
    with pytest.raises(ValidationError):
        to_newtons(5, "lb")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        to_newtons(2500, "N")  # a typo, far beyond a handheld reading


@given(st.floats(0, 200))
def test_kg_newton_round_trip(kg: float) -> None:
    assert to_kg(to_newtons(kg, "kg"), "N") == pytest.approx(kg)


def test_best_of_trials() -> None:
    assert best_of_trials([20.1, None, 22.4, 21.0], unit="kg") == 22.4
    assert best_of_trials([None, None]) is None
    assert best_of_trials([]) is None
    with pytest.raises(ValidationError) as caught:
        best_of_trials([200.0, -3.0])
    assert caught.value.field == "dynamometer_trial_2"


def test_per_kg_body_weight() -> None:
    # 300 N hip abduction in a 60 kg runner: 5 N/kg.
    assert per_kg_body_weight(300, 60) == pytest.approx(5.0)
    for weight in (0, -70, 500):
        with pytest.raises(ValidationError) as caught:
            per_kg_body_weight(300, weight)
        assert caught.value.field == "body_weight_kg"


# ---- Measurement error ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (100, 110, "better"),        # exactly 10%
        (12, 13.2, "better"),        # exactly 10%, though floats give 9.999999999999993
        (100, 109.9, "within_error"),
        (100, 91, "within_error"),
        (100, 90, "worse"),
        (200, 260, "better"),
        (0, 0, "within_error"),
        (0, 5, "better"),
    ],
)
def test_change_vs_error(before: float, after: float, expected: str) -> None:
    assert change_vs_error(before, after) == expected


def test_change_vs_error_custom_threshold_and_refusals() -> None:
    assert change_vs_error(100, 106, error_pct=5) == "better"
    assert change_vs_error(100, 106, error_pct=12) == "within_error"
    with pytest.raises(ValidationError):
        change_vs_error(100, 110, error_pct=0)
    with pytest.raises(ValidationError):
        change_vs_error(-1, 110)
