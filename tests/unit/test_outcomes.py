"""Unit tests for outcome-measure scoring and MCID interpretation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.outcomes import (
    KUJALA_ITEM_KEYS,
    KUJALA_ITEMS,
    LEFS_ANSWERS,
    LEFS_ITEMS,
    MEASURES,
    PsfsActivity,
    interpret_change,
    kujala_points,
    mcid_for,
    score_kujala,
    score_lefs,
    score_nprs,
    score_psfs,
)

MINUS = "\u2212"

# Kujala 1993 answer points as tabulated in CLINICAL.md, best option first.
KUJALA_TABLE = {
    "limp": (5, 3, 0),
    "support": (5, 3, 0),
    "walking": (5, 3, 2, 0),
    "stairs": (10, 8, 5, 0),
    "squatting": (5, 4, 3, 2, 0),
    "running": (10, 8, 6, 3, 0),
    "jumping": (10, 7, 2, 0),
    "prolonged_sitting": (10, 8, 6, 4, 0),
    "pain": (10, 8, 6, 3, 0),
    "swelling": (10, 8, 6, 4, 0),
    "kneecap_movements": (10, 6, 4, 2, 0),
    "thigh_atrophy": (5, 3, 0),
    "flexion_deficit": (5, 3, 0),
}


# ---- LEFS ----------------------------------------------------------------------------

def test_lefs_has_the_20_activities_in_clinical_order() -> None:
    assert len(LEFS_ITEMS) == 20
    assert "usual work" in LEFS_ITEMS[0]
    assert LEFS_ITEMS[5] == "Squatting"
    assert LEFS_ITEMS[11] == "Walking a mile"
    assert LEFS_ITEMS[17] == "Making sharp turns while running fast"
    assert LEFS_ITEMS[19] == "Rolling over in bed"
    assert LEFS_ANSWERS[0].startswith("Extreme difficulty")
    assert LEFS_ANSWERS[4] == "No difficulty"


def test_lefs_minimum_and_maximum() -> None:
    assert score_lefs([0] * 20).total == 0
    best = score_lefs([4] * 20)
    assert best.total == 80
    assert best.max_total == 80
    assert best.higher_is_better
    assert best.is_complete
    assert best.missing_items == ()
    assert best.display == "80/80"


def test_lefs_worked_example() -> None:
    # By hand: 3+2+4+4+3 = 16; +2+3+4+2+4 = 31; +4+3+2+4+3 = 47; +1+1+0+1+4 = 54.
    items = [3, 2, 4, 4, 3, 2, 3, 4, 2, 4, 4, 3, 2, 4, 3, 1, 1, 0, 1, 4]
    score = score_lefs(items)
    assert score.total == 54
    assert score.display == "54/80"


def test_lefs_incomplete_form_is_refused_naming_the_item() -> None:
    items: list[int | None] = [4] * 20
    items[6] = None
    with pytest.raises(ValidationError) as caught:
        score_lefs(items)
    assert caught.value.field == "lefs_item_7"
    assert "missing" in caught.value.message


def test_lefs_missing_items_allowed_when_marked_and_flagged() -> None:
    items: list[int | None] = [4] * 20
    items[6] = None
    items[15] = None
    score = score_lefs(items, allow_missing=True)
    # 2 missing is within the LEFS limit of 4: 72 from 18 items, prorated to 20 items.
    assert score.raw_total == 72
    assert score.total == 80
    assert score.prorated and score.has_total
    assert not score.is_complete
    assert score.missing_items == ("lefs_item_7", "lefs_item_16")
    assert score.display == "80/80 (prorated, 2 items missing)"


def test_lefs_single_missing_item_uses_singular() -> None:
    items: list[int | None] = [3] * 20
    items[0] = None
    assert score_lefs(items, allow_missing=True).display == "60/80 (prorated, 1 item missing)"


def test_lefs_all_missing_has_no_score() -> None:
    with pytest.raises(ValidationError):
        score_lefs([None] * 20, allow_missing=True)


@pytest.mark.parametrize("bad", [5, -1, True, 2.5])
def test_lefs_out_of_range_answer_is_refused(bad: object) -> None:
    items: list[object] = [4] * 20
    items[2] = bad
    with pytest.raises(ValidationError) as caught:
        score_lefs(items)  # type: ignore[arg-type]
    assert caught.value.field == "lefs_item_3"


def test_lefs_wrong_number_of_items_is_refused() -> None:
    with pytest.raises(ValidationError):
        score_lefs([4] * 19)


@given(st.lists(st.integers(0, 4), min_size=20, max_size=20))
def test_lefs_complete_total_is_the_sum_within_0_to_80(items: list[int]) -> None:
    score = score_lefs(items)
    assert 0 <= score.total <= 80
    assert score.total == sum(items)
    assert score.is_complete


# ---- Kujala --------------------------------------------------------------------------

def test_kujala_items_and_points_match_kujala_1993_table() -> None:
    assert tuple(KUJALA_TABLE) == KUJALA_ITEM_KEYS
    for item in KUJALA_ITEMS:
        assert tuple(points for _, points in item.options) == KUJALA_TABLE[item.key]
        assert all(label.strip() for label, _ in item.options)
    assert sum(item.max_points for item in KUJALA_ITEMS) == 100


def test_kujala_all_best_is_100_and_all_worst_is_0() -> None:
    best = score_kujala({key: 0 for key in KUJALA_ITEM_KEYS})
    assert best.total == 100
    assert best.display == "100/100"
    worst = score_kujala({item.key: len(item.options) - 1 for item in KUJALA_ITEMS})
    assert worst.total == 0


def test_kujala_worked_example() -> None:
    answers = {
        "limp": 1,               # 3
        "support": 0,            # 5  -> 8
        "walking": 1,            # 3  -> 11
        "stairs": 2,             # 5  -> 16
        "squatting": 2,          # 3  -> 19
        "running": 3,            # 3  -> 22
        "jumping": 1,            # 7  -> 29
        "prolonged_sitting": 1,  # 8  -> 37
        "pain": 1,               # 8  -> 45
        "swelling": 1,           # 8  -> 53
        "kneecap_movements": 0,  # 10 -> 63
        "thigh_atrophy": 1,      # 3  -> 66
        "flexion_deficit": 0,    # 5  -> 71
    }
    assert score_kujala(answers).total == 71


def test_kujala_skipped_item_is_refused_even_with_allow_missing() -> None:
    answers = {key: 0 for key in KUJALA_ITEM_KEYS}
    del answers["stairs"]
    for allow in (False, True):
        with pytest.raises(ValidationError) as caught:
            score_kujala(answers, allow_missing=allow)
        assert caught.value.field == "kujala_stairs"


def test_kujala_marked_missing_item() -> None:
    answers: dict[str, int | None] = {key: 0 for key in KUJALA_ITEM_KEYS}
    answers["running"] = None
    with pytest.raises(ValidationError) as caught:
        score_kujala(answers)
    assert caught.value.field == "kujala_running"
    score = score_kujala(answers, allow_missing=True)
    # 90 of the 90 points still possible without running (max 10), prorated to 100.
    assert score.raw_total == 90
    assert score.total == 100
    assert score.missing_items == ("kujala_running",)
    assert score.display == "100/100 (prorated, 1 item missing)"


def test_kujala_bad_option_and_unknown_key_are_refused() -> None:
    answers: dict[str, int | None] = {key: 0 for key in KUJALA_ITEM_KEYS}
    answers["limp"] = 3  # limp has only options 0..2
    with pytest.raises(ValidationError) as caught:
        score_kujala(answers)
    assert caught.value.field == "kujala_limp"
    with pytest.raises(ValidationError):
        score_kujala({**{key: 0 for key in KUJALA_ITEM_KEYS}, "cycling": 0})
    assert kujala_points("squatting", 3) == 2


@given(st.data())
def test_kujala_total_is_within_0_to_100_and_better_answers_never_lower_it(
    data: st.DataObject,
) -> None:
    answers = {item.key: data.draw(st.integers(0, len(item.options) - 1))
               for item in KUJALA_ITEMS}
    total = score_kujala(answers).total
    assert 0 <= total <= 100
    key = data.draw(st.sampled_from(KUJALA_ITEM_KEYS))
    if answers[key] > 0:
        improved = {**answers, key: answers[key] - 1}
        assert score_kujala(improved).total > total


# ---- NPRS and PSFS -------------------------------------------------------------------

def test_nprs_range_and_direction() -> None:
    assert score_nprs(0).total == 0
    worst = score_nprs(10)
    assert worst.display == "10/10"
    assert not worst.higher_is_better
    for bad in (-1, 11, True):
        with pytest.raises(ValidationError) as caught:
            score_nprs(bad)
        assert caught.value.field == "nprs"


def test_psfs_average_worked_example() -> None:
    # (7 + 4 + 5) / 3 = 16 / 3 = 5.33...
    score = score_psfs([PsfsActivity("Running 5 km", 4), PsfsActivity("Stairs", 7),
                        PsfsActivity("Squatting to garden", 5)])
    assert score.total == pytest.approx(16 / 3)
    assert score.display == "5.3/10 (average of 3 activities)"
    assert score_psfs([PsfsActivity("Hopping", 10)]).display == "10/10 (average of 1 activity)"
    assert score_psfs([PsfsActivity(f"a{n}", 0) for n in range(5)]).total == 0


def test_psfs_refusals() -> None:
    with pytest.raises(ValidationError):
        score_psfs([])
    with pytest.raises(ValidationError):
        score_psfs([PsfsActivity(f"a{n}", 5) for n in range(6)])
    with pytest.raises(ValidationError) as caught:
        score_psfs([PsfsActivity("Stairs", 5), PsfsActivity("  ", 5)])
    assert caught.value.field == "psfs_activity_2"
    with pytest.raises(ValidationError) as caught:
        score_psfs([PsfsActivity("Stairs", 11)])
    assert caught.value.field == "psfs_score_1"
    with pytest.raises(ValidationError):
        score_psfs([PsfsActivity("Stairs", 5), PsfsActivity("stairs", 6)])


# ---- MCID and change interpretation --------------------------------------------------

def test_mcid_values() -> None:
    assert mcid_for("lefs") == 9
    assert mcid_for("nprs") == 2
    assert mcid_for("nprs", patellofemoral=True) == pytest.approx(1.16)
    assert mcid_for("lefs", patellofemoral=True) == 9
    assert mcid_for("psfs") == 2
    assert mcid_for("kujala") == MEASURES["kujala"].mcid


@pytest.mark.parametrize(
    ("measure", "before", "after", "direction", "text"),
    [
        ("lefs", 40, 52, "better", "LEFS +12: meaningful improvement"),
        ("lefs", 52, 40, "worse", f"LEFS {MINUS}12: meaningful decline"),
        ("lefs", 40, 49, "better", "LEFS +9: meaningful improvement"),  # exactly the MCID
        ("lefs", 40, 48, "no_meaningful_change", "LEFS +8: within the minimal important change"),
        ("lefs", 40, 40, "no_meaningful_change", "LEFS 0: within the minimal important change"),
        ("nprs", 5, 4, "no_meaningful_change",
         f"NPRS {MINUS}1: within the minimal important change"),
        ("nprs", 6, 4, "better", f"NPRS {MINUS}2: meaningful improvement"),  # less pain
        ("nprs", 3, 6, "worse", "NPRS +3: meaningful decline"),
        ("kujala", 80, 69, "worse", f"Kujala {MINUS}11: meaningful decline"),
        ("kujala", 60, 75, "better", "Kujala +15: meaningful improvement"),
        ("psfs", 3.1, 5.1, "better", "PSFS +2: meaningful improvement"),  # float 1.9999...
        ("psfs", 6.2, 4.8, "no_meaningful_change",
         f"PSFS {MINUS}1.4: within the minimal important change"),
    ],
)
def test_interpret_change_wording(
    measure: str, before: float, after: float, direction: str, text: str
) -> None:
    result = interpret_change(measure, before, after)  # type: ignore[arg-type]
    assert result.direction == direction
    assert result.text == text
    assert result.delta == pytest.approx(after - before)
    assert result.comparable


def test_nprs_patellofemoral_mcid_changes_the_reading() -> None:
    # A 1.5-point fall is under the general 2-point MCID but over 1.16 in PFP.
    assert interpret_change("nprs", 5, 3.5).direction == "no_meaningful_change"
    assert interpret_change("nprs", 5, 3.5, patellofemoral=True).direction == "better"
    assert interpret_change("nprs", 5, 4, patellofemoral=True).direction == (
        "no_meaningful_change")


def test_interpret_change_accepts_scores_and_flags_incomplete_forms() -> None:
    intake = score_lefs([2] * 20)  # 40
    items: list[int | None] = [3] * 20
    items[0] = None
    latest = score_lefs(items, allow_missing=True)  # 57 from 19 items, prorated to 60
    result = interpret_change("lefs", intake, latest)
    assert result.delta == 20
    assert result.comparable
    assert result.text.startswith("LEFS +20: meaningful improvement")
    assert "prorated" in result.text
    assert interpret_change("lefs", intake, score_lefs([3] * 20)).comparable


def test_interpret_change_refusals() -> None:
    with pytest.raises(ValidationError):
        interpret_change("lefs", 40, 81)
    with pytest.raises(ValidationError):
        interpret_change("nprs", -1, 3)
    with pytest.raises(ValidationError):
        interpret_change("kujala", score_lefs([2] * 20), 50)
    with pytest.raises(ValidationError):
        interpret_change("koos", 1, 2)  # type: ignore[arg-type]


@given(st.sampled_from(["lefs", "kujala", "nprs", "psfs"]), st.data())
def test_interpret_change_is_antisymmetric(measure: str, data: st.DataObject) -> None:
    top = MEASURES[measure].max_total  # type: ignore[index]
    a = data.draw(st.integers(0, top))
    b = data.draw(st.integers(0, top))
    forward = interpret_change(measure, a, b)  # type: ignore[arg-type]
    backward = interpret_change(measure, b, a)  # type: ignore[arg-type]
    flipped = {"better": "worse", "worse": "better",
               "no_meaningful_change": "no_meaningful_change"}
    assert backward.direction == flipped[forward.direction]
    assert forward.delta == -backward.delta
