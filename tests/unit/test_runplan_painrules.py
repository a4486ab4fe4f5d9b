"""Pain-monitoring rules: progress, hold or regress from a logged week; the traffic light text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PainRules, WeekLog, decide, describe_pain_rules


def _log(pain: int, morning: str = "same", swelling: bool = False, limping: bool = False,
         total: str = "5") -> WeekLog:
    longest = "0" if total == "0" else "2"
    return WeekLog(1, Decimal(total), Decimal(longest), pain, morning,  # type: ignore[arg-type]
                   swelling, limping)


@pytest.mark.parametrize(("log", "decision"), [
    (_log(0), "progress"),
    (_log(3, "better"), "progress"),
    (_log(4), "hold"),
    (_log(5, "better"), "hold"),
    (_log(6), "regress"),
    (_log(1, "worse"), "regress"),
    (_log(1, swelling=True), "regress"),
    (_log(1, limping=True), "regress"),
    (_log(0, total="0"), "hold"),  # nothing run: no reason to step up
    (_log(8, total="0"), "regress"),
])
def test_default_rules_follow_clinical_md(log: WeekLog, decision: str) -> None:
    assert decide(log, PainRules()) == decision


def test_thresholds_are_adjustable() -> None:
    strict = PainRules(progress_max_pain=2, hold_max_pain=4)
    assert decide(_log(3), strict) == "hold"
    assert decide(_log(5), strict) == "regress"
    assert decide(_log(3), PainRules()) == "progress"


@pytest.mark.parametrize(("progress", "hold"), [(5, 5), (6, 4), (-1, 5), (3, 10), (True, 5)])
def test_bad_thresholds_are_refused(progress: int, hold: int) -> None:
    with pytest.raises(ValidationError):
        PainRules(progress_max_pain=progress, hold_max_pain=hold)


@settings(max_examples=500)
@given(pain=st.integers(0, 10), morning=st.sampled_from(["better", "same", "worse"]),
       swelling=st.booleans(), limping=st.booleans(),
       limits=st.tuples(st.integers(0, 9), st.integers(0, 9)).filter(lambda t: t[0] < t[1]))
def test_decision_matches_the_written_rules(pain: int, morning: str, swelling: bool,
                                            limping: bool, limits: tuple[int, int]) -> None:
    rules = PainRules(*limits)
    decision = decide(_log(pain, morning, swelling, limping), rules)
    red = pain > limits[1] or morning == "worse" or swelling or limping
    if red:
        assert decision == "regress"
    elif pain > limits[0]:
        assert decision == "hold"
    else:
        assert decision == "progress"


def test_traffic_light_words_follow_the_thresholds() -> None:
    lights = describe_pain_rules(PainRules())
    assert [colour for colour, _ in lights] == ["green", "amber", "red"]
    green, amber, red = (text for _, text in lights)
    assert "0 to 3 out of 10" in green and "next morning" in green
    assert "4 to 5 out of 10" in amber and "again" in amber
    assert "above 5" in red and "swelling" in red and "limping" in red and "call" in red
    custom = dict(describe_pain_rules(PainRules(progress_max_pain=2, hold_max_pain=3)))
    assert "Pain 3 out of 10" in custom["amber"] and "0 to 2" in custom["green"]
