"""Header strength alerts (issue 17): grades never become a percentage; LSI alerts follow the one rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain import evaluation as ev
from ptdesk.domain import measure_lsi
from ptdesk.domain.muscle_grades import grade_thirds
from ptdesk.domain.strength_alerts import strength_alerts
from ptdesk.domain.symmetry import MMT_GRADES, is_flagged, to_newtons

SIDES = st.sampled_from(("left", "right", "both"))


@given(left=st.sampled_from(MMT_GRADES), right=st.sampled_from(MMT_GRADES), side=SIDES,
       group=st.sampled_from(("hip_abduction", "ankle_plantarflexion")))
def test_grade_alerts_are_grades_and_need_a_full_grade(left: str, right: str, side: str,
                                                        group: str) -> None:
    rows = [ev.StrengthMeasurement(group, "left", "mmt", mmt_grade=left),
            ev.StrengthMeasurement(group, "right", "mmt", mmt_grade=right)]
    alerts = strength_alerts(rows, side, side)
    assert all("%" not in a for a in alerts)  # never a percentage
    gap = abs(grade_thirds(left) - grade_thirds(right))
    if gap < 3:
        assert alerts == []
    elif side in ("left", "right"):
        weaker = "left" if grade_thirds(left) < grade_thirds(right) else "right"
        assert bool(alerts) == (weaker == side)
    else:
        assert len(alerts) == 1 and "weaker vs stronger" in alerts[0]


@given(left=st.floats(1, 100), right=st.floats(1, 100), knee=SIDES, ankle=SIDES)
def test_dynamometer_alerts_follow_each_rows_region(left: float, right: float, knee: str,
                                                    ankle: str) -> None:
    rows = [ev.StrengthMeasurement(g, s, "dynamometer", value=v, unit="kg")
            for g in ("knee_extension", "ankle_plantarflexion")
            for s, v in (("left", left), ("right", right))]
    alerts = strength_alerts(rows, knee, ankle)
    for group, side in (("Knee extension", knee), ("Ankle plantarflexion", ankle)):
        # The alert compares newtons (rows may mix kg and N); so does the check.
        value = measure_lsi.side_lsi(side, to_newtons(left, "kg"), to_newtons(right, "kg"))
        shown = [a for a in alerts if a.startswith(group)]
        assert bool(shown) == is_flagged(value)
        if shown:
            assert f"LSI {measure_lsi.lsi_text(value)}" in shown[0]
