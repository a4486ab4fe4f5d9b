"""Clinical rules written once in ptdesk.domain: the LSI display rule, patellofemoral, PSFS."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain.diagnosis import is_patellofemoral
from ptdesk.domain.psfs import compare_psfs
from ptdesk.domain.symmetry import is_flagged, lsi_percent, lsi_text


def test_a_flagged_lsi_never_reads_90_or_more() -> None:
    assert lsi_text(89.6) == "89%"     # the header used to round this to "LSI 90%"
    assert lsi_text(89.99) == "89%"
    assert lsi_text(90.0) == "90%" and lsi_text(72.4) == "72%" and lsi_text(99.6) == "100%"
    assert lsi_text(None) == "—"


@given(st.floats(min_value=0, max_value=400, allow_nan=False))
def test_the_shown_percent_agrees_with_the_flag(value: float) -> None:
    assert (lsi_percent(value) < 90) == is_flagged(value)
    assert abs(lsi_percent(value) - value) < 1


def test_patellofemoral_by_words_or_icd10_code() -> None:
    assert is_patellofemoral("Patellofemoral pain syndrome", "")
    assert is_patellofemoral("Runner's knee, left", "")
    assert is_patellofemoral("Anterior knee pain", " m22.2x2")
    assert not is_patellofemoral("IT band syndrome", "M76.3")


def test_psfs_is_compared_on_the_activities_rated_both_times() -> None:
    result = compare_psfs([("Running", 2), ("Stairs", 4), ("Squats", 6)],
                          [("running ", 6), ("Stairs", 8), ("Hiking", 1)])
    assert result is not None
    assert (result.before, result.after, result.shared, result.compared_all) == (3, 7, 2, False)
    assert compare_psfs([("Running", 2)], [("Cycling", 5)]) is None
    same = compare_psfs([("Running", 2)], [("Running", 5)])
    assert same is not None and same.compared_all
