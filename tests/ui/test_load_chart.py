"""Progress tab › load chart from imported runs: plan and cap, both flags, restart week, info in grey."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.load_flags import INFO_NOTE, SPIKE_NOTE, TWO_WEEK_NOTE
from ptdesk.services.run_load import load_view
from ptdesk.ui.chart.progress import ProgressTab
from ptdesk.ui.chart.progress.chart_theme import ms
from ptdesk.ui.chart.progress.load_chart import INFO_GREY
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_patient
from tests.helpers.load_story import RUNS, START, TODAY, imported_patient


@pytest.fixture
def tab(qtbot, ctx: AppContext) -> ProgressTab:  # type: ignore[no-untyped-def]
    widget = ProgressTab(ctx)
    qtbot.addWidget(widget)
    widget.today = lambda: TODAY
    widget.resize(1280, 900)
    widget.show()
    return widget


def bar_tops(series: object) -> list[tuple[float, float]]:
    """(left x, height) of each bar drawn by a load-chart area series' upper line."""
    points = series.upperSeries().points()  # type: ignore[attr-defined]
    return [(points[i].x(), points[i + 1].y()) for i in range(0, len(points), 4)]


def test_load_chart_draws_plan_cap_and_both_flags(tab: ProgressTab, tmp_path: Path,
                                                  session_factory: SessionFactory) -> None:
    patient_id = imported_patient(session_factory, tmp_path / "watch")
    tab.set_patient(patient_id)
    tab.draw_all()  # the load chart sits below the two charts in sight
    chart = tab.load
    assert chart is not None and not chart.frame.is_empty()
    view = load_view(session_factory, patient_id, actor=ACTOR, end=TODAY)
    assert [w.start for w in view.report.weeks][0] == START  # weeks line up with the plan
    assert [round(w.total, 1) for w in chart.weeks_shown] == [12.0, 10.0, 16.5, 11.0]
    # The jump week is outlined (its own series), the others are plain bars.
    jumps = bar_tops(chart.jumps)
    assert [round(h, 1) for _x, h in jumps] == [16.5]
    assert jumps[0][0] < ms(START + timedelta(weeks=2)) < jumps[0][0] + 86_400_000
    assert [round(h, 1) for _x, h in bar_tops(chart.weeks)] == [12.0, 10.0, 11.0]
    assert chart.jumps.pen().widthF() > chart.weeks.pen().widthF()
    # One spike (day 18's 8 km); week 1's 6 km run after the restart is not one.
    assert [(p.x(), p.y()) for p in chart.spikes.points()] == [(ms(START + timedelta(18)), 8.0)]
    assert chart.runs.count() == len(RUNS) - 1
    assert chart.restarts.isVisible() and len(bar_tops(chart.restarts)) == 1
    assert chart.planned.isVisible() and chart.planned.count() > 0
    assert chart.ceiling.isVisible() and chart.ceiling.count() > 0
    # Weekly change and the acute:chronic ratio: grey, information only.
    assert chart.ratio.pen().color() == QColor(INFO_GREY)
    caption = chart.frame.caption.text()
    assert "Flagged:" in caption and "spike on 19 Jun 2026" in caption
    assert "two-week jump in the week of 15–21 Jun" in caption
    assert SPIKE_NOTE in caption and TWO_WEEK_NOTE in caption
    assert f"<span style='color:{INFO_GREY}'>" in caption and INFO_NOTE in caption
    assert "12 imported runs still wait for pain answers" in caption
    tip = chart.frame.tips.text_for(chart.spikes, ms(START + timedelta(18)))
    assert tip is not None and "FLAG" in tip and "longest run in the 30 days" in tip
    week_tip = chart.frame.tips.text_for(chart.tops, ms(START + timedelta(14)))
    assert week_tip is not None and "planned" in week_tip and "information only" in week_tip
    # Cadence against the gait target: 160 spm + 7.5 % = 172.
    cadence = tab.cadence
    assert cadence is not None and cadence.runs.count() == len(RUNS)
    assert [round(p.y()) for p in cadence.target.points()] == [172, 172]
    assert "Target 172 steps/min" in cadence.frame.caption.text()


def test_without_runs_the_charts_say_so(tab: ProgressTab, session_factory: SessionFactory
                                        ) -> None:
    tab.set_patient(make_patient(session_factory).id)
    tab.draw_all()  # every chart, not only the two in sight
    assert tab.load is not None and tab.load.frame.is_empty()
    assert "No runs logged or imported yet" in tab.load.frame.empty.text()
    assert tab.cadence is not None and tab.cadence.frame.is_empty()


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_the_load_chart_resizes_and_its_caption_is_not_covered(
        qtbot, tab: ProgressTab, tmp_path: Path, session_factory: SessionFactory,
        size: tuple[int, int]) -> None:
    tab.set_patient(imported_patient(session_factory, tmp_path / "watch"))
    assert tab.load is not None
    frame = tab.load.frame
    tab.resize(*size)
    qtbot.waitUntil(lambda: abs(frame.width() - (size[0] - 40)) < 80)

    def apart() -> bool:
        view, caption = frame.view.geometry(), frame.caption.geometry()
        return not view.intersects(caption) and caption.top() >= view.bottom()

    qtbot.waitUntil(apart, timeout=3000)
    caption = frame.caption.geometry()
    # The whole wrapped caption fits the height it was given.
    assert caption.height() >= frame.caption.heightForWidth(caption.width())
    assert frame.view.width() >= size[0] - 120
