"""Issue 18 (visit-a) on screen: date of service and late entries, deleting a stray draft."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QMessageBox

from ptdesk.db.engine import SessionFactory
from ptdesk.services.evaluations import create_visit, list_visits
from ptdesk.services.signing import sign_visit
from ptdesk.ui.chart.chart_widget import ChartWidget
from ptdesk.ui.chart.visits.tab import VisitsTab
from ptdesk.ui.context import AppContext
from tests.factories import ADMIN, make_episode, make_patient

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
LATE_TEXT = f"Late entry — service {YESTERDAY:%Y-%m-%d}, written {TODAY:%Y-%m-%d}"


def _chart(qtbot: Any, ctx: AppContext, sf: SessionFactory) -> tuple[ChartWidget, int]:
    pid = make_patient(sf).id
    make_episode(sf, pid, start=TODAY - timedelta(days=30))
    chart = ChartWidget(ctx)
    qtbot.addWidget(chart)
    chart.show()  # the Overview refreshes when it is shown again
    qtbot.waitExposed(chart)
    chart.set_patient(pid)
    return chart, pid


def test_a_visit_dated_yesterday_shows_as_a_late_entry(qtbot, ctx: AppContext,
                                                      session_factory: SessionFactory) -> None:
    chart, pid = _chart(qtbot, ctx, session_factory)
    chart.show_tab(chart.visits_tab)
    tab = chart.visits_tab
    assert isinstance(tab, VisitsTab)
    assert tab.date_field.edit.text() == f"{TODAY:%Y-%m-%d}"  # today unless changed
    tab.date_field.edit.setText(f"{YESTERDAY:%Y-%m-%d}")
    tab.new_buttons["follow_up"].click()
    visits = list_visits(session_factory, pid, actor=ctx.actor)
    assert [(v.visit_date, v.late_entry) for v in visits] == [(YESTERDAY, True)]
    assert tab.model.index(0, 3).data() == LATE_TEXT  # the Visits list says so
    assert tab.date_field.edit.text() == f"{TODAY:%Y-%m-%d}"  # back to today
    header = chart.evaluation_tab.header  # type: ignore[attr-defined]
    assert header.late_label.text() == LATE_TEXT  # the evaluation's visit header too
    assert header.late_label.isVisibleTo(header)
    assert "late entry" in header.visit_combo.currentText()


def test_an_untouched_date_of_service_follows_today_past_midnight(qtbot) -> None:
    from ptdesk.ui.chart.visits.date_of_service import DateOfServiceField

    field = DateOfServiceField()
    qtbot.addWidget(field)
    field._default = YESTERDAY  # the window was opened yesterday
    field.edit.setText(f"{YESTERDAY:%Y-%m-%d}")
    field.follow_today()
    assert field.value() == TODAY
    field.edit.setText(f"{YESTERDAY - timedelta(days=1):%Y-%m-%d}")  # typed on purpose
    field.follow_today()
    assert field.value() == YESTERDAY - timedelta(days=1)


def test_a_future_date_of_service_is_refused_next_to_the_field(
        qtbot, ctx: AppContext, session_factory: SessionFactory) -> None:
    chart, pid = _chart(qtbot, ctx, session_factory)
    chart.show_tab(chart.visits_tab)
    tab = chart.visits_tab
    assert isinstance(tab, VisitsTab)
    tab.date_field.edit.setText(f"{TODAY + timedelta(days=1):%Y-%m-%d}")
    tab.new_buttons["follow_up"].click()
    assert tab.date_field.error.isVisibleTo(tab)
    assert "cannot be in the future" in tab.date_field.error.text()
    tab.date_field.edit.setText("06/12/26")
    tab.new_buttons["follow_up"].click()
    assert "YYYY-MM-DD" in tab.date_field.error.text()
    assert list_visits(session_factory, pid, actor=ctx.actor) == []


def test_a_stray_draft_is_deleted_and_leaves_the_overview(qtbot, ctx: AppContext, monkeypatch,
                                                         session_factory: SessionFactory) -> None:
    chart, pid = _chart(qtbot, ctx, session_factory)
    first = create_visit(session_factory, actor=ctx.actor,
                         episode_id=make_episode_id(session_factory, pid),
                         visit_date=TODAY - timedelta(days=7), visit_type="initial_evaluation")
    sign_visit(session_factory, actor=ctx.actor, visit_id=first.id)
    chart.show_tab(chart.visits_tab)
    tab = chart.visits_tab
    assert isinstance(tab, VisitsTab)
    tab.reload()
    tab.new_buttons["follow_up"].click()  # the accidental click
    chart.show_tab(chart.overview_tab)
    last = chart.overview_tab.labels["last_visit"].text()  # type: ignore[attr-defined]
    assert "Follow-up" in last and "Visits on record: 2" in last
    chart.show_tab(chart.visits_tab)
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", answer)
    tab.view.selectRow(1)  # the signed one: nothing to delete
    assert not tab.delete_button.isEnabled()
    tab.view.selectRow(0)
    assert tab.delete_button.isEnabled()
    tab.delete_button.click()
    assert asked and "cannot be undone" in asked[0]
    assert [v.id for v in list_visits(session_factory, pid, actor=ctx.actor)] == [first.id]
    assert tab.model.rowCount() == 1
    chart.show_tab(chart.overview_tab)
    last = chart.overview_tab.labels["last_visit"].text()  # type: ignore[attr-defined]
    assert "Follow-up" not in last and "Visits on record: 1" in last


def make_episode_id(sf: SessionFactory, pid: int) -> int:
    from ptdesk.services.episodes import active_episode

    found = active_episode(sf, pid, actor="test-clinician")
    assert found is not None
    return found.id


def test_an_administrator_may_delete_a_clinicians_draft(qtbot, session_factory: SessionFactory,
                                                        monkeypatch) -> None:
    pid = make_patient(session_factory).id
    make_episode(session_factory, pid, start=TODAY - timedelta(days=30))
    create_visit(session_factory, actor="test-clinician",
                 episode_id=make_episode_id(session_factory, pid), visit_date=TODAY,
                 visit_type="follow_up")
    admin = AppContext(session_factory, ADMIN)
    chart = ChartWidget(admin)
    qtbot.addWidget(chart)
    chart.set_patient(pid)
    chart.show_tab(chart.visits_tab)
    tab = chart.visits_tab
    assert isinstance(tab, VisitsTab)
    tab.view.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    assert tab.delete_button.isEnabled()
    tab.delete_button.click()
    assert list_visits(session_factory, pid, actor=ADMIN) == []


def test_own_old_unsigned_notes_are_listed_at_sign_in_one_click_from_opening(
        qtbot, ctx: AppContext, session_factory: SessionFactory, private_settings) -> None:
    from ptdesk.ui.main_window import MainWindow

    pid = make_patient(session_factory).id
    make_episode(session_factory, pid, start=TODAY - timedelta(days=60))
    episode_id = make_episode_id(session_factory, pid)
    old = create_visit(session_factory, actor=ctx.actor, episode_id=episode_id,
                       visit_date=TODAY - timedelta(days=18), visit_type="follow_up",
                       first_saved_on=TODAY - timedelta(days=18))
    create_visit(session_factory, actor=ctx.actor, episode_id=episode_id,
                 visit_date=TODAY - timedelta(days=2), visit_type="follow_up")  # recent
    create_visit(session_factory, actor="test-colleague", episode_id=episode_id,
                 visit_date=TODAY - timedelta(days=20), visit_type="follow_up")  # not theirs
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    panel = window.unsigned_notes
    qtbot.waitUntil(lambda: not panel.busy)  # read off the UI thread after sign-in
    assert panel.isVisible() and panel.list.count() == 1
    assert "older than 3 days" in panel.intro.text()
    assert panel.list.item(0).text() == f"Runner, Alex · Follow-up {old.visit_date:%Y-%m-%d}"
    assert "18 days ago" in panel.list.item(0).toolTip()
    rect = panel.list.visualItemRect(panel.list.item(0))
    from PySide6.QtCore import Qt as _Qt

    qtbot.mouseClick(panel.list.viewport(), _Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.chart is not None and window.chart.patient_id == pid
    evaluation = window.chart.evaluation_tab
    assert window.chart.current_tab() is evaluation
    assert evaluation._visit is not None and evaluation._visit.id == old.id  # type: ignore[attr-defined]
    sign_visit(session_factory, actor=ctx.actor, visit_id=old.id)
    from ptdesk.services.changes import ChangeKind

    ctx.signals.data_changed.emit(ChangeKind.VISITS, pid)
    qtbot.waitUntil(lambda: not panel.busy)
    assert panel.list.count() == 0 and not panel.isVisible()


def test_the_administrator_sets_the_reminder_age_and_measures_in_settings(
        qtbot, session_factory: SessionFactory) -> None:
    from ptdesk.services.visit_rules import get_visit_rules
    from ptdesk.ui.admin.settings_dialog import SettingsDialog

    dialog = SettingsDialog(AppContext(session_factory, ADMIN))
    qtbot.addWidget(dialog)
    group = dialog.visit_rules
    assert group.days.value() == 3
    assert group.checks[("every_visit", "nprs")].isChecked()
    assert group.checks[("evaluations", "lefs")].isChecked()
    assert group.checks[("patellofemoral", "kujala")].isChecked()
    dialog.name_edit.setText("Riverside PT")
    group.days.setValue(7)
    group.checks[("evaluations", "psfs")].setChecked(True)
    assert dialog.save()
    rules = get_visit_rules(session_factory, actor=ADMIN)
    assert rules.stale_draft_days == 7 and rules.evaluations == ("lefs", "psfs")


def test_the_unsigned_notes_are_read_off_the_ui_thread_at_sign_in(
        qtbot, ctx: AppContext, monkeypatch, private_settings) -> None:
    """Reading every visit for old drafts must not hold the list up after sign-in."""
    import threading

    from ptdesk.ui.main_window import MainWindow
    from ptdesk.ui.signin import unsigned_notes as panel_module

    threads: list[str] = []
    real = panel_module.unsigned_notes

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(panel_module, "unsigned_notes", recording)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.unsigned_notes.busy)
    assert threads and threading.main_thread().name not in threads


def test_an_unsigned_notes_read_that_fails_hides_the_panel_and_is_logged_without_its_text(
        qtbot, ctx: AppContext, monkeypatch, private_settings, caplog) -> None:
    """Off the UI thread the crash guard never sees it: the failure is logged by type only."""
    import logging

    from ptdesk.ui.main_window import MainWindow
    from ptdesk.ui.signin import unsigned_notes as panel_module

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("disk I/O error reading Runner, Alex")

    monkeypatch.setattr(panel_module, "unsigned_notes", broken)
    with caplog.at_level(logging.ERROR, logger="ptdesk"):
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: not window.unsigned_notes.busy)
    assert not window.unsigned_notes.isVisible() and window.unsigned_notes.list.count() == 0
    logged = [r.getMessage() for r in caplog.records if "unsigned-notes reminder" in r.getMessage()]
    assert logged and "OSError" in logged[0] and "Runner" not in logged[0]
