"""The cadence target: from the baseline, never above +10%, rounded half up (issue 14 item 8)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ptdesk.domain.cadence import cadence_target_spm
from ptdesk.domain.evaluation import GaitFindings


def test_halves_round_up_and_the_increase_is_capped_at_ten_percent() -> None:
    assert cadence_target_spm(170, 5) == 179  # 178.5
    assert cadence_target_spm(165, 15) == 182  # 181.5 at the +10% cap
    assert cadence_target_spm(170, 0) is None


def test_the_gait_findings_use_the_same_rule() -> None:
    # round() rounds 178.5 to 178 (to even): a second rounding rule (issue 14).
    assert GaitFindings(cadence_spm=170, cadence_target_pct=5).cadence_target_spm == 179


@settings(max_examples=300, deadline=None)
@given(st.integers(120, 220), st.floats(0.1, 15, allow_nan=False))
def test_never_more_than_ten_percent_over_the_baseline(baseline: int, pct: float) -> None:
    target = cadence_target_spm(baseline, pct)
    assert target is not None and baseline <= target <= baseline * 1.1 + 0.5
