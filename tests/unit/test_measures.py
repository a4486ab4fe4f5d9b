"""Grade pairs, per-region involved side, ankle asymmetry flags and readiness criteria."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain import ankle_flags as af
from ptdesk.domain import measure_lsi
from ptdesk.domain import readiness as rd
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.involved_side import ankle_side_from_injuries, involved_side, region_of
from ptdesk.domain.muscle_grades import GradePair, grade_thirds, grades_differ
from ptdesk.domain.validation import MMT_GRADES


@pytest.mark.parametrize(("a", "b", "flag"), [
    ("4", "5", True), ("4-", "5", True), ("3-", "4-", True), ("3+", "4+", True),
    ("4", "4+", False), ("4-", "4+", False), ("4+", "5", False), ("5", "4", True),
])
def test_full_grade_difference(a: str, b: str, flag: bool) -> None:
    assert grades_differ(a, b) is flag


def test_grade_pair_is_shown_as_grades_never_a_percentage() -> None:
    pair = GradePair("4", "5", "left")
    assert pair.text == "4 / 5"
    assert "%" not in pair.text
    assert pair.flagged and pair.weaker_side == "left"
    assert GradePair("4-", "4", "left").text == "4\u2212 / 4"
    # The involved side stronger: no deficit flag on the involved leg.
    assert not GradePair("5", "4", "left").flagged
    assert GradePair("5", "4", "both").flagged


@given(st.sampled_from(MMT_GRADES), st.sampled_from(MMT_GRADES))
def test_grade_flag_is_symmetric_and_needs_three_thirds(a: str, b: str) -> None:
    assert grades_differ(a, b) == grades_differ(b, a)
    assert grades_differ(a, b) == (abs(grade_thirds(a) - grade_thirds(b)) >= 3)


def test_region_and_involved_side() -> None:
    assert region_of("ankle_plantarflexion") == "ankle"
    assert region_of("ankle_eversion") == "ankle"
    assert region_of("hip_abduction") == "knee_hip"
    # DEMO-0001: right knee, left ankle sprain.
    assert involved_side("knee_hip", "right", "left").side == "right"
    assert involved_side("ankle", "right", "left").side == "left"
    both = involved_side("knee_hip", "both", None)
    assert both.side == "both" and "weaker compared with stronger" in both.note
    unknown = involved_side("ankle", "right", None)
    assert unknown.side == "both" and "not recorded" in unknown.note


def test_ankle_side_prefill_needs_exactly_one_ankle_injury() -> None:
    assert ankle_side_from_injuries([("Rolled ankle (lateral sprain)", "left")]) == "left"
    assert ankle_side_from_injuries([("Ankle sprain", "right"), ("Hamstring strain", "left")]
                                    ) == "right"
    assert ankle_side_from_injuries([("Ankle sprain", "right"), ("ankle sprain", "left")]) is None
    assert ankle_side_from_injuries([("Shin splints", "both")]) is None
    assert ankle_side_from_injuries([]) is None


def test_demo_0001_ankle_asymmetries_are_flagged_on_the_left() -> None:
    """Wrong before: L 7 vs R 11.5 cm, 4 vs 12 s and 16 vs 25 raises were never flagged."""
    left = involved_side("ankle", "right", "left")
    flags = {f.key: f for f in af.ankle_flags(
        left, knee_to_wall_cm=(7.0, 11.5), balance_eyes_closed_s=(4.0, 12.0),
        heel_raises=(16, 25))}
    assert all(f.flagged and f.involved_side == "left" for f in flags.values())
    assert "4.5 cm less on the left" in flags["knee_to_wall"].text
    assert "LSI 64%" in flags["heel_raises"].text
    # Judged against the knee's side (right) the same numbers would not flag: the bug.
    right = involved_side("knee_hip", "right", "left")
    assert not any(f.flagged for f in af.ankle_flags(
        right, knee_to_wall_cm=(7.0, 11.5), balance_eyes_closed_s=(4.0, 12.0),
        heel_raises=(16, 25)))


def test_ankle_thresholds_are_adjustable_and_checked() -> None:
    left = involved_side("ankle", "right", "left")
    loose = af.AnkleThresholds(knee_to_wall_diff_cm=5.0)
    assert not af.ankle_flags(left, knee_to_wall_cm=(7.0, 11.5), thresholds=loose)[0].flagged
    assert af.ankle_flags(left, knee_to_wall_cm=(9.5, 11.5))[0].flagged  # 2 cm: at the limit
    assert not af.ankle_flags(left, knee_to_wall_cm=(9.6, 11.5))[0].flagged
    with pytest.raises(ValidationError):
        af.AnkleThresholds(heel_raise_lsi_min_pct=150)


def test_flagged_lsi_never_displays_as_90_or_more() -> None:
    assert measure_lsi.lsi_text(89.6) == "89%"
    assert measure_lsi.lsi_text(90.4) == "90%"
    assert measure_lsi.lsi_text(None) == "—"


def test_readiness_criteria_met_and_unmet() -> None:
    findings = rd.ReadinessFindings(
        brisk_walk_min=30, hops_left=10, hops_right=20, heel_raises_left=16,
        heel_raises_right=25, squat_left="knee_valgus", squat_right="good",
        single_hop_cm_left=120.0, single_hop_cm_right=150.0)
    findings.validate()
    result = rd.assess(findings, "left")
    met = {c.key: c.met for c in result.criteria}
    assert met == {"brisk_walk": True, "hops": False, "heel_raises": False, "squat": False,
                   "single_hop": False, "triple_hop": None}
    assert not result.all_met
    assert "LSI 80%" in next(c.result for c in result.criteria if c.key == "single_hop")
    assert result.summary.startswith("1 of 4 readiness criteria met; not met: ")


def test_readiness_all_met_and_adjustable() -> None:
    findings = rd.ReadinessFindings(30, 15, 15, 20, 22, "good", "good")
    assert rd.assess(findings, "right").all_met
    strict = rd.ReadinessThresholds(heel_raises_per_side=25)
    assert not rd.assess(findings, "right", strict).all_met
    assert rd.assess(rd.ReadinessFindings(), "right").untested
    with pytest.raises(ValidationError):
        rd.ReadinessFindings(squat_left="wobbly").validate()
    with pytest.raises(ValidationError):
        rd.ReadinessThresholds(walk_minutes=0)



_counts = st.one_of(st.none(), st.integers(min_value=0, max_value=60))


@given(_counts, _counts, _counts, _counts, st.integers(min_value=1, max_value=59))
def test_a_stricter_readiness_target_never_turns_a_miss_into_a_pass(
        hl: int | None, hr: int | None, rl: int | None, rr: int | None, target: int) -> None:
    findings = rd.ReadinessFindings(hops_left=hl, hops_right=hr, heel_raises_left=rl,
                                    heel_raises_right=rr)
    loose = rd.assess(findings, "left", rd.ReadinessThresholds(hops_per_side=target,
                                                               heel_raises_per_side=target))
    strict = rd.assess(findings, "left", rd.ReadinessThresholds(hops_per_side=target + 1,
                                                                heel_raises_per_side=target + 1))
    for a, b in zip(loose.criteria, strict.criteria, strict=True):
        assert not (a.met is False and b.met is True)
        assert (a.met is None) == (b.met is None)


_cm = st.floats(min_value=0, max_value=30, allow_nan=False)


@given(_cm, _cm, st.floats(min_value=0.5, max_value=9.5), st.sampled_from(["left", "right"]))
def test_a_larger_knee_to_wall_limit_never_flags_more(left: float, right: float, limit: float,
                                                      side: str) -> None:
    involved = involved_side("ankle", "right", side)
    tight = af.ankle_flags(involved, knee_to_wall_cm=(left, right),
                           thresholds=af.AnkleThresholds(knee_to_wall_diff_cm=limit))[0]
    loose = af.ankle_flags(involved, knee_to_wall_cm=(left, right),
                           thresholds=af.AnkleThresholds(knee_to_wall_diff_cm=limit + 0.5))[0]
    assert tight.flagged or not loose.flagged
    # Only the injured side's deficit flags: a stiffer healthy side never does.
    mine, other = (left, right) if side == "left" else (right, left)
    if mine >= other:
        assert not tight.flagged
