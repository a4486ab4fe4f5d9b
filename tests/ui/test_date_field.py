"""The one date field (issue 18, item 6): typed YYYY-MM-DD or the locale's short form, a calendar
button, keyboard-complete, a plain message for a bad date; and the Run log's date typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QLineEdit

from ptdesk.domain.errors import ValidationError
from ptdesk.services.runlogs import list_runs
from ptdesk.ui.chart.runlogs import RunLogTab
from ptdesk.ui.kit.date_field import DateField, parse_date_text
from tests.factories import ACTOR, make_patient


@pytest.fixture
def us_locale() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def field(qtbot) -> DateField:  # type: ignore[no-untyped-def]
    widget = DateField(label="Onset date")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_typed_iso_date(qtbot, field: DateField) -> None:
    with qtbot.waitSignal(field.dateChanged) as changed:
        qtbot.keyClicks(field, "2026-3-4")
    assert changed.args == [QDate(2026, 3, 4)]
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    field.editingFinished.emit()
    assert field.text() == "2026-03-04" and field.problem() == ""


def test_bad_date_says_what_is_wrong(qtbot, field: DateField) -> None:
    qtbot.keyClicks(field, "2026-02-30")
    field.editingFinished.emit()
    assert field.problem() == "Onset date: there is no such date (2026-02-30)."
    assert field.toolTip() == field.problem()  # shown beside a field without an error label
    assert not field.date().isValid()
    field.clear()
    qtbot.keyClicks(field, "next tuesday")
    field.editingFinished.emit()
    assert "enter the date as YYYY-MM-DD" in field.problem()
    with pytest.raises(ValidationError):
        field.value()


def test_locale_short_form_becomes_iso(qtbot, us_locale: None, field: DateField) -> None:
    qtbot.keyClicks(field, "3/4/26")
    field.editingFinished.emit()
    assert field.text() == "2026-03-04" and field.date() == QDate(2026, 3, 4)
    assert parse_date_text("12/31/1999") == date(1999, 12, 31)
    assert parse_date_text("1/2/88", today=date(2026, 1, 1)) == date(1988, 1, 2)


def test_keyboard_steps_and_the_calendar_button(qtbot, field: DateField) -> None:
    field.setDate(date(2026, 1, 31))
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "2026-02-01"
    qtbot.keyClick(field, Qt.Key.Key_PageDown)
    assert field.text() == "2026-01-01"
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate() == QDate(2026, 1, 1)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Right)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not calendar.isVisible())
    assert field.text() == "2026-01-02"
    field.calendar_action.trigger()  # the button inside the field
    assert calendar.isVisible()
    calendar.hide()


def test_limits_and_required(qtbot) -> None:
    field = DateField(required=True, label="Date of run")
    qtbot.addWidget(field)
    field.setMaximumDate(QDate(2026, 5, 1))
    field.setText("2026-05-02")
    with pytest.raises(ValidationError, match="cannot be after 2026-05-01"):
        field.value()
    field.clear()
    with pytest.raises(ValidationError, match="enter a date"):
        field.value()


def test_run_log_date_is_typed(qtbot, ctx, session_factory) -> None:
    """Wrong before: the Run log's date took only the calendar popup."""
    patient = make_patient(session_factory)
    tab = RunLogTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_patient(patient.id)
    day = date.today() - timedelta(days=3)
    date_edit = tab.form.run_date
    date_edit.selectAll()
    qtbot.keyClicks(date_edit, day.isoformat())
    qtbot.keyClicks(next(w for w in tab.findChildren(QLineEdit)
                         if w.accessibleName() == "Running"), "5")
    qtbot.keyClicks(next(w for w in tab.findChildren(QLineEdit)
                         if w.accessibleName() == "Pain during (0–10)"), "2")
    assert tab.form.values()["run_date"] == day
    future = date.today() + timedelta(days=2)
    date_edit.selectAll()
    qtbot.keyClicks(date_edit, future.isoformat())
    with pytest.raises(ValidationError) as caught:
        tab.form.values()
    assert caught.value.field == "run_date" and "cannot be after" in caught.value.message
    assert tab.form.visible_errors().get("run_date", "").startswith("Date of run cannot")
    date_edit.selectAll()
    qtbot.keyClicks(date_edit, day.isoformat())
    tab.form.next_morning.setCurrentIndex(0)
    tab.log_button.click()
    assert tab.form.visible_errors() == {}
    runs = list_runs(session_factory, patient.id, actor=ACTOR)
    assert [r.run_date for r in runs] == [day]


def test_table_date_cells_use_the_date_field(qtbot, us_locale: None) -> None:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ptdesk.ui.kit.date_field import DateDelegate

    model = QStandardItemModel(1, 1)
    model.setHorizontalHeaderLabels(["Date"])
    model.setItem(0, 0, QStandardItem(""))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(0, DateDelegate(view))
    view.show()
    view.edit(model.index(0, 0))
    editor = view.findChild(DateField)
    assert editor is not None and editor.accessibleName() == "Date"
    qtbot.keyClicks(editor, "7/10/26")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.item(0, 0).text() == "2026-07-10")
