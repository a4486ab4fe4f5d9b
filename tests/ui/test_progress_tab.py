"""Progress tab: charts against the service series, refresh on save, since-last-visit, PNG, report."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QFileDialog

from ptdesk.db.engine import SessionFactory
from ptdesk.demo.generator import DEMO_TODAY, STORY_MRNS, build_demo_clinic
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services.episodes import active_episode
from ptdesk.services.evaluations import create_visit
from ptdesk.services.outcomes import record_outcome
from ptdesk.services.patients import find_by_mrn
from ptdesk.services.progress import series as pg
from ptdesk.services.runlogs import log_run
from ptdesk.services.runplans import save_plan
from ptdesk.ui.chart.progress import ProgressTab
from ptdesk.ui.chart.progress.chart_theme import ms
from ptdesk.ui.chart.progress.date_window import DateWindow
from ptdesk.ui.context import AppContext
from tests.factories import ACTOR, make_patient


@pytest.fixture
def demo(session_factory: SessionFactory) -> dict[str, int]:
    build_demo_clinic(session_factory, actor=ACTOR, patients=0)
    return {mrn: find_by_mrn(session_factory, mrn, actor=ACTOR).id for mrn in STORY_MRNS}


@pytest.fixture
def tab(qtbot, ctx: AppContext) -> ProgressTab:  # type: ignore[no-untyped-def]
    widget = ProgressTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def ys(series: Any) -> list[float]:
    return [point.y() for point in series.points()]


@pytest.mark.parametrize("mrn", STORY_MRNS)
def test_every_chart_has_the_service_points(tab, session_factory, demo, mrn) -> None:
    patient_id = demo[mrn]
    tab.set_patient(patient_id)
    tab.draw_all()  # every chart, not only the two in sight
    pain = pg.pain_series(session_factory, patient_id, actor=ACTOR)
    assert tab.pain.line.count() == len(pain) > 0
    assert ys(tab.pain.line) == [p.value for p in pain]
    evaluations = [p for p in pain if p.visit_type != "follow_up"]
    assert tab.pain.evaluations.count() == len(evaluations)
    for measure in ("lefs", "kujala"):
        series = pg.outcome_series(session_factory, patient_id, measure, actor=ACTOR)
        entry = tab.outcomes.measures[measure]
        assert ys(entry.line) == [p.value for p in series.points]
        assert entry.band.isVisible() == bool(series.points)
        if series.points:
            assert set(ys(entry.upper)) == {series.band_high}
            assert set(ys(entry.lower)) == {series.band_low}
    strength = {s.muscle_group: s for s in pg.lsi_series(session_factory, patient_id, actor=ACTOR)}
    assert strength
    for key, group in tab.strength.groups.items():
        expected = [p for p in strength[key].points if p.lsi is not None] \
            if key in strength else []
        if key not in tab.strength.chosen:  # a hidden group gets its points when shown
            tab.strength.toggle(key)
        assert ys(group.line) == pytest.approx([p.lsi for p in expected])
        assert ys(group.upper) == pytest.approx([p.band_high for p in expected])
    volume = pg.volume_series(session_factory, patient_id, actor=ACTOR)
    assert volume is not None
    shown = tab.running.weeks_shown
    assert shown and {w.week for w in shown} <= {w.week for w in volume.weeks}
    assert tab.running.planned.count() == sum(w.planned_total is not None for w in shown)
    assert tab.running.done.count() == sum(w.done_total is not None for w in shown)
    assert not any(chart.frame.is_empty() for chart in tab.charts()[:4])
    # Load and cadence come from runs (cadence from watch files only); tests/ui/test_load_chart.py
    assert tab.load.frame.is_empty() == (tab.load.weeks_shown == [])


def test_new_nprs_result_is_drawn_after_data_changed(tab, session_factory, demo, ctx) -> None:
    patient_id = demo["DEMO-0003"]
    tab.set_patient(patient_id)
    before = tab.pain.line.count()
    episode = active_episode(session_factory, patient_id, actor=ACTOR)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=DEMO_TODAY, visit_type="follow_up")
    record_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="nprs", items=[6])
    assert tab.pain.line.count() == before  # nothing told the tab yet
    ctx.signals.data_changed.emit("outcomes", patient_id)
    assert tab.pain.line.count() == before + 1
    assert ys(tab.pain.line)[-1] == 6
    nprs = [text for _tag, text in tab.since.shown() if text.startswith("NPRS")]
    lines = pg.since_last_visit(session_factory, patient_id, actor=ACTOR)
    assert nprs == [line.text for line in lines if line.key == "nprs"]
    assert "→ 6" in nprs[0]


def test_data_changed_for_another_patient_is_ignored(tab, demo, ctx, session_factory) -> None:
    tab.set_patient(demo["DEMO-0001"])
    calls: list[int] = []
    original = pg.progress_overview
    tab_module = sys.modules["ptdesk.ui.chart.progress.tab"]
    tab_module.progress_overview = lambda *a, **k: calls.append(1) or original(*a, **k)  # type: ignore[attr-defined]
    try:
        ctx.signals.data_changed.emit("outcomes", demo["DEMO-0002"])
        assert calls == []
        ctx.signals.data_changed.emit("runlog", demo["DEMO-0001"])
        assert calls == [1]
    finally:
        tab_module.progress_overview = original  # type: ignore[attr-defined]


def test_since_panel_lines_match_the_service(tab, session_factory, demo) -> None:
    patient_id = demo["DEMO-0002"]
    tab.set_patient(patient_id)
    tags = {"better": "✓ Better", "worse": "✗ Worse", "within_error": "≈ Within error"}
    expected = pg.since_last_visit(session_factory, patient_id, actor=ACTOR)
    assert tab.since.shown() == [(tags[line.flag], line.text) for line in expected]
    assert {line.flag for line in expected} >= {"better", "within_error"}
    assert tab.since.title() == "Since last visit"
    tab.since.compare.setCurrentIndex(tab.since.compare.findData("intake"))
    intake = pg.change_since_intake(session_factory, patient_id, actor=ACTOR)
    assert tab.since.shown() == [(tags[line.flag], line.text) for line in intake]
    assert tab.since.title() == "Since intake"


def test_date_range_filters_every_chart(tab, session_factory, demo) -> None:
    patient_id = demo["DEMO-0003"]
    tab.set_patient(patient_id)
    pain = pg.pain_series(session_factory, patient_id, actor=ACTOR)
    window = DateWindow(pain[1].visit_date, pain[3].visit_date)
    tab.range_bar.set_custom(window)
    assert tab.range_bar.preset.currentText() == "Custom dates"
    assert ys(tab.pain.line) == [p.value for p in pain[1:4]]
    series = pg.outcome_series(session_factory, patient_id, "kujala", actor=ACTOR)
    kujala = [p for p in series.points if window.contains(p.visit_date)]
    assert tab.outcomes.measures["kujala"].line.count() == len(kujala)
    tab.range_bar.set_custom(DateWindow(date(2001, 1, 1), date(2001, 2, 1)))
    assert tab.pain.frame.is_empty() and "period shown" in tab.pain.frame.empty.text()
    tab.range_bar.choose("Whole episode")
    assert tab.pain.line.count() == len(pain)


def test_hover_text_names_the_value_and_visit(tab, session_factory, demo) -> None:
    patient_id = demo["DEMO-0003"]
    tab.set_patient(patient_id)
    first = pg.pain_series(session_factory, patient_id, actor=ACTOR)[0]
    text = tab.pain.frame.tips.text_for(tab.pain.line, ms(first.visit_date) + 3600_000)
    assert text is not None and text.startswith(f"Pain {first.value:g}/10")
    assert f"{first.visit_date.day} {first.visit_date:%b %Y}" in text
    assert "Initial evaluation" in text


def test_save_as_png_writes_a_real_png(tab, demo, tmp_path, monkeypatch, qtbot) -> None:
    tab.set_patient(demo["DEMO-0001"])
    target = tmp_path / "strength"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "PNG images (*.png)"))
    saved = tab.strength.frame.save_png()
    assert saved == tmp_path / "strength.png"
    data = saved.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(saved))
    assert image.width() > 300 and image.height() > 200
    tab.pain.frame.copy()
    assert not QGuiApplication.clipboard().pixmap().isNull()


def test_charts_follow_the_palette(tab, demo) -> None:
    tab.set_patient(demo["DEMO-0001"])
    dark = QPalette(tab.palette())
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"),
                         (QPalette.ColorRole.Base, "#1e1e1e"),
                         (QPalette.ColorRole.Text, "#e6e6e6")):
        dark.setColor(role, QColor(colour))
    tab.setPalette(dark)
    for chart in tab.charts():
        assert chart.chart.backgroundBrush().color().name() == "#1e1e1e"
        assert chart.chart.titleBrush().color().name() == "#e6e6e6"
    assert tab.pain.line.color().name() == "#56b4e9"  # the lifted blue for dark windows


def test_lsi_starts_with_the_weakest_groups_and_toggles(tab, demo, session_factory) -> None:
    patient_id = demo["DEMO-0004"]
    tab.set_patient(patient_id)
    tab.draw_all()  # every chart, not only the two in sight
    series = pg.lsi_series(session_factory, patient_id, actor=ACTOR)
    flagged = [s.muscle_group for s in series if any(p.flagged for p in s.points)]
    assert flagged and set(tab.strength.visible_groups()) == set(flagged[:4])
    hidden = next(k for k in tab.strength.groups if k not in tab.strength.visible_groups()
                  and tab.strength.groups[k].has_data)
    tab.strength.toggle(hidden)
    assert hidden in tab.strength.visible_groups()


def test_week_over_the_cap_is_highlighted(tab, session_factory) -> None:
    patient_id = make_patient(session_factory, mrn="CAP-1").id
    start = date.today() - timedelta(days=22)
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(str(10)), start=start))
    for week, amount in ((0, 10), (1, 14)):  # 30 then 42: the cap allowed 33
        for day in (0, 2, 4):
            log_run(session_factory, actor=ACTOR, patient_id=patient_id,
                    run_date=start + timedelta(weeks=week, days=day), amount=amount,
                    kind="continuous", pain_during=1, next_morning="same")
    tab.set_patient(patient_id)
    tab.draw_all()  # every chart, not only the two in sight
    volume = pg.volume_series(session_factory, patient_id, actor=ACTOR)
    over = [w for w in volume.weeks if w.over_cap]
    assert [w.week for w in over] == [2]
    assert ys(tab.running.over) == [42]
    assert "Over the 10% cap: week 2." in tab.running.frame.caption.text()
    assert tab.pain.frame.is_empty() and tab.outcomes.frame.is_empty()


def test_print_report_opens_the_preview(tab, demo, ctx, qtbot) -> None:
    tab.set_patient(demo["DEMO-0002"])
    job = tab.print_report()
    assert job is not None
    with qtbot.waitSignal(job.preview_opened, timeout=30_000) as blocker:
        pass
    dialog = blocker.args[0]
    assert dialog is job.dialog and dialog.page_count() >= 1
    assert dialog.pdf_bytes()[:5] == b"%PDF-"
    dialog.close()


def test_no_patient_and_chart_tab_contract(tab) -> None:
    tab.set_patient(None)
    assert tab.save() is True and not tab.has_unsaved_changes()
    tab.flush_draft()
    assert all(chart.frame.is_empty() for chart in tab.charts())
    assert not tab.print_button.isEnabled()


def test_qtcharts_is_loaded_only_when_the_tab_is_shown() -> None:
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from ptdesk.db.engine import make_engine, make_session_factory\n"
        "app = QApplication([])\n"
        "from ptdesk.ui.context import AppContext\n"
        "from ptdesk.ui.chart.progress import ProgressTab\n"
        "sf = make_session_factory(make_engine('sqlite://'))\n"
        "tab = ProgressTab(AppContext(sf, 'x')); tab.set_patient(None)\n"
        "print('before', 'PySide6.QtCharts' in sys.modules)\n"
        "tab.show(); app.processEvents()\n"
        "print('after', 'PySide6.QtCharts' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert out.returncode == 0, out.stderr
    assert "before False" in out.stdout and "after True" in out.stdout


def test_a_hidden_muscle_group_shown_after_a_patient_switch_has_this_patients_points(
        tab: ProgressTab, demo: dict[str, int], session_factory: SessionFactory) -> None:
    """Hidden groups are filled when shown: never with the previous patient's points."""
    first, second = demo[STORY_MRNS[0]], demo[STORY_MRNS[1]]
    tab.set_patient(first)
    tab.set_patient(second)
    tab.draw_all()  # every chart, not only the two in sight
    strength = {s.muscle_group: s for s in pg.lsi_series(session_factory, second, actor=ACTOR)}
    hidden = [k for k, g in tab.strength.groups.items()
              if k not in tab.strength.chosen and k in strength
              and any(p.lsi is not None for p in strength[k].points)]
    assert hidden, "the second story patient should have a measured group not shown at first"
    for key in hidden:
        tab.strength.toggle(key)
        expected = [p.lsi for p in strength[key].points if p.lsi is not None]
        assert ys(tab.strength.groups[key].line) == pytest.approx(expected)
        assert key in tab.strength.visible_groups()


def test_a_chart_scrolled_into_sight_after_a_switch_shows_this_patient(
        qtbot: Any, tab: ProgressTab, demo: dict[str, int], session_factory: SessionFactory) -> None:
    """Charts below the fold are filled when scrolled to (before they paint), with the
    patient now open: never left empty, never the previous patient's points."""
    first, second = demo[STORY_MRNS[0]], demo[STORY_MRNS[1]]
    tab.set_patient(first)
    tab.set_patient(second)
    frame = tab.strength.frame  # type: ignore[union-attr]
    assert not frame.view.isVisibleTo(frame)  # below the pain and function charts at 800 px
    tab.scroll.ensureWidgetVisible(frame, 0, 0)
    qtbot.waitUntil(lambda: frame.view.isVisibleTo(frame))
    strength = {s.muscle_group: s for s in pg.lsi_series(session_factory, second, actor=ACTOR)}
    shown = tab.strength.visible_groups()  # type: ignore[union-attr]
    assert shown
    for key in shown:
        expected = [p.lsi for p in strength[key].points if p.lsi is not None]
        assert ys(tab.strength.groups[key].line) == pytest.approx(expected)  # type: ignore[union-attr]


def test_no_patient_leaves_no_earlier_patients_points_to_draw_later(
        qtbot: Any, tab: ProgressTab, demo: dict[str, int]) -> None:
    """A chart below the fold still waiting for a patient's points, then no patient: scrolled
    to, it says to select a patient and holds no points of the one closed."""
    tab.set_patient(demo[STORY_MRNS[0]])
    frame = tab.strength.frame  # type: ignore[union-attr]
    assert not frame.view.isVisibleTo(frame)
    tab.set_patient(None)
    tab.scroll.ensureWidgetVisible(frame, 0, 0)
    qtbot.waitUntil(lambda: frame.view.isVisibleTo(frame))
    tab.draw_all()
    assert frame.is_empty()
    assert all(g.line.count() == 0 for g in tab.strength.groups.values())  # type: ignore[union-attr]
