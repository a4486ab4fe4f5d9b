"""The chart on any screen (issue 19): no sideways scrolling at 1024x700, every button reachable,
chart captions and legends never overlapped, charts that grow, screenshots of every tab."""

from __future__ import annotations

import os
from datetime import date
from itertools import combinations
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QTabBar,
    QWidget,
)

from ptdesk.db.engine import SessionFactory
from ptdesk.demo.generator import DEMO_TODAY, build_demo_clinic
from ptdesk.services.evaluations import create_visit
from ptdesk.services.patients import find_by_mrn
from ptdesk.ui.chart.chart_widget import UNSAVED_MARK
from ptdesk.ui.chart.evaluation import EvaluationTab
from ptdesk.ui.chart.progress import ProgressTab
from ptdesk.ui.chart.progress.chart_frame import PLOT_INSET, max_date_ticks
from ptdesk.ui.context import AppContext
from ptdesk.ui.desktop import appearance
from ptdesk.ui.kit.window_size import first_size
from ptdesk.ui.main_window import NARROW_LIST_WIDTH, MainWindow
from tests.factories import ACTOR, make_episode, make_patient

SMALL, LARGE = (1024, 700), (1920, 1080)
RUNNER = "DEMO-0003"  # a story patient with something in every tab (plan, runs, outcomes)
# Where the screenshots go (not compared pixel by pixel: for people to look at).
ARTIFACTS = Path(os.environ.get("PTDESK_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "tmp" / "artifacts"))


@pytest.fixture
def runner(session_factory: SessionFactory) -> int:
    build_demo_clinic(session_factory, actor=ACTOR, patients=0)
    return find_by_mrn(session_factory, RUNNER, actor=ACTOR).id


def open_window(qtbot, ctx: AppContext, settings: QSettings, monkeypatch: pytest.MonkeyPatch,
                size: tuple[int, int], patient_id: int) -> MainWindow:
    """The window as it first opens on a screen of `size` (no saved layout), chart open."""
    monkeypatch.setattr("ptdesk.ui.main_window.first_size", lambda _screen: size)
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_patient(patient_id)
    return window


def show_tab(qtbot, window: MainWindow, index: int) -> QWidget:
    assert window.chart is not None
    window.chart.tabs.setCurrentIndex(index)
    tab = window.chart.tab_at(index)
    if isinstance(tab, ProgressTab):
        tab.today = lambda: DEMO_TODAY  # the demo's data ends on its fixed day
        tab.refresh()
    page = window.chart.tabs.widget(index)
    qtbot.waitUntil(page.isVisible)
    for _ in range(3):  # layouts settle over a few passes (wrapped labels, splitters)
        QApplication.processEvents()
    return page


def sideways(page: QWidget) -> list[str]:
    """Scroll areas in the tab (itself included) that scroll sideways."""
    areas = [page] if isinstance(page, QScrollArea) else []
    areas += page.findChildren(QScrollArea)
    return [area.objectName() or type(area.widget()).__name__ for area in areas
            if area.isVisible() and not isinstance(area, QAbstractItemView)
            and area.horizontalScrollBar().maximum() > 0]


def unreachable_buttons(window: MainWindow, page: QWidget) -> list[str]:
    """Buttons neither inside the window nor inside a scroll area that scrolls up and down."""
    inside = window.rect()
    found = []
    for button in page.findChildren(QAbstractButton):
        if not button.isVisible() or isinstance(button.parentWidget(), QTabBar):
            continue
        if any(isinstance(a, QAbstractItemView) for a in _ancestors(button)):
            continue  # a table's own header or corner button
        where = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        within_width = inside.left() <= where.left() and where.right() <= inside.right()
        scrolled = any(isinstance(a, QScrollArea) and a.horizontalScrollBar().maximum() == 0
                       for a in _ancestors(button))
        if not (within_width and (inside.contains(where) or scrolled)):
            found.append(button.text() or button.accessibleName() or button.objectName())
    return found


def _ancestors(widget: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        found.append(parent)
        parent = parent.parentWidget()
    return found


def tab_indexes() -> list[pytest.param]:
    from ptdesk.ui.chart.registry import tab_classes

    # Every tab, the Evaluation included: its sections reflow (check-box rows and quick
    # fills wrap, form columns stack, the strength grid's long words wrap) at 1024x700.
    return [pytest.param(index, id=cls.name()) for index, cls in enumerate(tab_classes())]


@pytest.mark.parametrize("index", tab_indexes())
def test_no_chart_tab_scrolls_sideways_and_every_button_is_reachable_at_1024x700(
        qtbot, ctx, settings, monkeypatch, runner, index) -> None:
    window = open_window(qtbot, ctx, settings, monkeypatch, SMALL, runner)
    page = show_tab(qtbot, window, index)
    assert sideways(page) == []
    assert unreachable_buttons(window, page) == []
    # A tab outside a scroll area never pushes the patient list narrower than it opens.
    assert window.splitter.sizes()[0] >= NARROW_LIST_WIDTH - 2


def chart_regions(tab: ProgressTab) -> list[tuple[str, QRect]]:
    found = []
    for chart in tab.charts():
        frame = chart.frame
        if not frame.isVisible():
            continue
        for name, rect in frame.regions().items():
            found.append((f"{frame.key} {name}", QRect(frame.mapTo(tab, rect.topLeft()),
                                                        rect.size())))
    return found


@pytest.mark.parametrize("size", [SMALL, (1280, 800), (1440, 900), LARGE])
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_chart_captions_legends_and_buttons_never_overlap(
        qtbot, ctx, settings, monkeypatch, runner, size, mode) -> None:
    appearance.apply(mode)
    try:
        window = open_window(qtbot, ctx, settings, monkeypatch, size, runner)
        assert window.chart is not None
        index = next(i for i in range(window.chart.tabs.count())
                     if window.chart.tab_class(i) is ProgressTab)
        show_tab(qtbot, window, index)
        tab = window.chart.tab_at(index)
        assert isinstance(tab, ProgressTab)
        regions = chart_regions(tab)
        assert len(regions) >= 6 * 3  # chart, legend, caption (or buttons) per chart
        overlaps = [(a, b) for (a, ra), (b, rb) in combinations(regions, 2) if ra.intersects(rb)]
        assert overlaps == []
        for chart in tab.charts():
            frame = chart.frame
            for label in (frame.legend, frame.caption):  # the whole wrapped text has room
                if label.text():
                    assert label.height() >= label.heightForWidth(label.width())
            for axis in frame.date_axes:  # never "5 D…": as many dates as the width holds
                assert axis.tickCount() <= max_date_ticks(frame.view.width() - PLOT_INSET)
    finally:
        appearance.apply("light")


def test_charts_grow_with_the_window(qtbot, ctx, settings, monkeypatch, runner) -> None:
    heights = []
    for size in (SMALL, (1440, 900)):  # one column of charts at both: compare like with like
        window = open_window(qtbot, ctx, settings, monkeypatch, size, runner)
        assert window.chart is not None
        index = next(i for i in range(window.chart.tabs.count())
                     if window.chart.tab_class(i) is ProgressTab)
        show_tab(qtbot, window, index)
        tab = window.chart.tab_at(index)
        assert isinstance(tab, ProgressTab) and tab.pain is not None
        heights.append((tab.pain.frame.view.width(), tab.pain.frame.view.height()))
        window.close()
        settings.clear()  # the next window opens as new, not at this one's saved size
    (small_w, small_h), (large_w, large_h) = heights
    assert large_w > small_w * 1.2
    assert large_h > small_h  # taller too, not only stretched sideways


def test_the_window_opens_at_a_size_that_fits_the_screen() -> None:
    assert first_size(QSize(1024, 700)) == (1024, 700)
    assert first_size(QSize(1366, 768)) == (1366, 768)
    width, height = first_size(QSize(1920, 1200))
    assert 1280 < width <= 1920 and 800 < height <= 1200
    assert first_size(QSize(3840, 2160)) <= (3840, 2160)


def test_patient_names_read_whole_in_a_small_window(
        qtbot, ctx, settings, monkeypatch, runner) -> None:
    window = open_window(qtbot, ctx, settings, monkeypatch, SMALL, runner)
    assert window.model is not None
    qtbot.waitUntil(lambda: window.model is not None and window.model.rowCount() >= 5)
    view = window.patient_view
    metrics = view.fontMetrics()
    for row in range(window.model.rowCount()):
        name = str(window.model.index(row, 1).data())
        assert metrics.horizontalAdvance(name) + 8 <= view.columnWidth(1), name
    # The MRN column fits its codes and no more.
    widest = max(metrics.horizontalAdvance(str(window.model.index(r, 0).data()))
                 for r in range(window.model.rowCount()))
    assert view.columnWidth(0) <= widest + 24


def test_a_long_mrn_is_never_cut_short_in_the_list(
        qtbot, ctx, settings, monkeypatch, runner, session_factory) -> None:
    """An MRN shown as "SYN-1-00…" could be read as another patient's: the column widens."""
    from tests.factories import make_patient

    make_patient(session_factory, mrn="SYN-1-000042", first="Ana", last="Long-Number")
    window = open_window(qtbot, ctx, settings, monkeypatch, SMALL, runner)
    qtbot.waitUntil(lambda: window.model is not None and window.model.rowCount() >= 6)
    view = window.patient_view
    assert view.fontMetrics().horizontalAdvance("SYN-1-000042") + 8 <= view.columnWidth(0)


def test_ctrl_f_after_collapsing_the_list_brings_it_back(
        qtbot, ctx, settings, monkeypatch, runner) -> None:
    window = open_window(qtbot, ctx, settings, monkeypatch, SMALL, runner)
    window.splitter.setSizes([0, sum(window.splitter.sizes())])
    assert window.splitter.sizes()[0] == 0
    window.find_action.trigger()
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] > 0)
    assert window.search_edit.isVisible() and window.search_edit.visibleRegion().boundingRect().width() > 50
    qtbot.waitUntil(window.search_edit.hasFocus)


@pytest.mark.parametrize("size", [SMALL, LARGE])
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_screenshots_of_every_tab(qtbot, ctx, settings, monkeypatch, runner, size, mode) -> None:
    """Saved for people to look at (tmp/artifacts/screenshots), never compared by pixel."""
    appearance.apply(mode)
    try:
        window = open_window(qtbot, ctx, settings, monkeypatch, size, runner)
        assert window.chart is not None
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(window.chart.tabs.count()):
            show_tab(qtbot, window, index)
            name = window.chart.tab_title(index).lower().replace(" ", "-")
            target = folder / f"{size[0]}x{size[1]}-{mode}-{index}-{name}.png"
            assert window.grab().save(str(target), "PNG")
            assert target.stat().st_size > 10_000
    finally:
        appearance.apply("light")


@pytest.fixture
def draft_visit(session_factory: SessionFactory) -> tuple[int, int]:
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    return patient.id, visit.id


def named(root: QWidget, name: str) -> QWidget:
    matches = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(matches) == 1, name
    return matches[0]


def type_into(qtbot, root: QWidget, name: str, text: str) -> None:
    edit = named(root, name)
    assert isinstance(edit, QLineEdit)
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_the_not_saved_summary_clears_once_its_field_is_fixed(
        qtbot, ctx, draft_visit, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    tab = EvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.set_patient(draft_visit[0])
    type_into(qtbot, tab, "Pain now", "12")
    type_into(qtbot, tab, "Pain at worst", "14")
    assert not tab.save()
    summary = tab.header.error_label
    assert "2 fields need attention" in summary.text()
    type_into(qtbot, tab, "Pain now", "3")
    assert "1 field needs attention" in summary.text()  # counts what is left
    type_into(qtbot, tab, "Pain at worst", "4")
    assert summary.text() == "" or not summary.isVisibleTo(tab)
    assert tab.save()


def test_each_tab_marks_its_unsaved_changes(
        qtbot, ctx, settings, monkeypatch, draft_visit) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window = open_window(qtbot, ctx, settings, monkeypatch, LARGE, draft_visit[0])
    assert window.chart is not None
    tabs = window.chart.tabs
    index = next(i for i in range(tabs.count()) if window.chart.tab_class(i).opens_visits)
    page = show_tab(qtbot, window, index)
    assert UNSAVED_MARK not in tabs.tabText(index)
    type_into(qtbot, page, "Chief complaint", "Front knee pain")
    qtbot.waitUntil(lambda: tabs.tabText(index).endswith(UNSAVED_MARK))
    assert tabs.tabToolTip(index).startswith("Unsaved changes")
    assert window.chart.tab_titled("Evaluation") is window.chart.tab_at(index)
    others = [tabs.tabText(i) for i in range(tabs.count()) if i != index]
    assert not any(UNSAVED_MARK in text for text in others)
    assert window.chart.save()
    qtbot.waitUntil(lambda: UNSAVED_MARK not in tabs.tabText(index))
