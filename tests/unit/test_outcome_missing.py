"""Missing outcome items: LEFS prorates up to 4 missing, Kujala up to 1; beyond that no total."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain.outcome_missing import MISSING_RULES, form_total
from ptdesk.domain.outcomes import (
    KUJALA_ITEM_KEYS,
    interpret_change,
    score_kujala,
    score_lefs,
)


def _lefs(missing: int, answer: int = 3) -> list[int | None]:
    return [None] * missing + [answer] * (20 - missing)


def test_rules_are_stated_with_their_source() -> None:
    assert MISSING_RULES["lefs"].max_missing == 4
    assert "Binkley 1999" in MISSING_RULES["lefs"].source
    assert MISSING_RULES["kujala"].max_missing == 1
    assert "PT Desk rule" in MISSING_RULES["kujala"].source


def test_lefs_with_19_missing_items_has_no_total() -> None:
    """Wrong before: 19 of 20 missing still gave a total that was charted and compared."""
    score = score_lefs(_lefs(19), allow_missing=True)
    assert not score.has_total
    assert score.display == "No total (19 items missing)"
    assert "more than the 4 allowed" in score.reason


def test_lefs_limit_is_four_missing_items() -> None:
    assert score_lefs(_lefs(4), allow_missing=True).has_total
    assert score_lefs(_lefs(4), allow_missing=True).total == 60  # 48 from 16 items × 20/16
    assert not score_lefs(_lefs(5), allow_missing=True).has_total


def test_kujala_limit_is_one_missing_item() -> None:
    answers: dict[str, int | None] = {key: 0 for key in KUJALA_ITEM_KEYS}
    answers["limp"] = None
    assert score_kujala(answers, allow_missing=True).has_total
    answers["support"] = None
    two = score_kujala(answers, allow_missing=True)
    assert not two.has_total
    assert "more than the 1 allowed" in two.reason


def test_change_against_a_form_without_total_says_why() -> None:
    """Wrong before: a later change was still called "meaningful improvement"."""
    intake = score_lefs(_lefs(10, 1), allow_missing=True)
    latest = score_lefs([4] * 20)
    reading = interpret_change("lefs", intake, latest)
    assert reading.direction == "no_meaningful_change"
    assert not reading.comparable
    assert "no change reading" in reading.text
    assert "earlier form has 10 items missing" in reading.text


def test_stored_form_is_read_by_the_same_rule() -> None:
    assert form_total("lefs", 57, 80, [4], 20).total == 60
    assert form_total("lefs", 5, 80, [4] * 19, 20).total is None
    assert form_total("nprs", 5, 10, [], 1).total == 5
    kujala = form_total("kujala", 90, 100, [10], 13)
    assert kujala.total == 100 and kujala.prorated


@given(st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=4))
def test_prorated_lefs_stays_on_the_scale(missing: int, answer: int) -> None:
    items = _lefs(missing, answer)
    score = score_lefs(items, allow_missing=True)
    assert 0 <= score.total <= 80
    assert score.total == pytest.approx(answer * 20)
