"""The one date field: typed as YYYY-MM-DD (or the locale's short form), with a calendar button.

A QLineEdit, so forms that read `text()` keep working, plus the QDateEdit calls forms use
(`date()`, `setDate()`, `dateChanged`, minimum and maximum dates), so replacing either is
one constructor line. Keyboard-complete: type the date; Up/Down move a day, Page Up/Down
a month; Alt+Down or F4 opens the calendar (arrows, Enter picks, Esc closes). A date the
locale writes short ("3/4/26") becomes "2026-03-04" when the field is left, so the text
every form parses stays unambiguous. A bad date says what is wrong (`problem()`, the
tooltip, and `problem_changed` for a form's error label) instead of being silently reset.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QIcon, QKeyEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from ptdesk.domain.errors import ValidationError

ISO_HINT = "YYYY-MM-DD"
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_EARLIEST, _LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def short_format(locale: QLocale | None = None) -> str:
    """The locale's short date format as Qt writes it, e.g. "M/d/yy" (en_US)."""
    return (locale or QLocale()).dateFormat(QLocale.FormatType.ShortFormat)


def _lenient(fmt: str) -> list[str]:
    """Formats to try: as the locale writes it, with one-digit days/months and four-digit years."""
    loose = fmt.replace("dd", "d").replace("MM", "M")
    out = []
    for candidate in (fmt, loose):
        if "yyyy" not in candidate and "yy" in candidate:
            out.append(candidate.replace("yy", "yyyy"))
        out.append(candidate)
    return list(dict.fromkeys(out))


def _two_digit_year(day: dt.date, today: dt.date) -> dt.date:
    """Qt reads "yy" as 19yy; put it in the 100 years ending 20 years from now instead."""
    year = day.year % 100 + (today.year // 100) * 100
    if year > today.year + 20:
        year -= 100
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a year without it
        raise ValueError("no such date") from None


def format_hint(fmt: str | None = None) -> str:
    """ "2026-08-01 or 8/1/26": the two ways a date may be typed, by example."""
    example = QDate(2026, 8, 1).toString(fmt or short_format())
    return f"{ISO_HINT}, e.g. 2026-08-01" + (f", or {example}" if example else "")


def parse_date_text(text: str, fmt: str | None = None, *, label: str = "Date",
                    today: dt.date | None = None) -> dt.date | None:
    """The date typed (None when blank); ValidationError with a plain message otherwise."""
    text = text.strip()
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValidationError("date", f"{label}: there is no such date ({text}).") from None
    fmt = fmt or short_format()
    for candidate in _lenient(fmt):
        parsed = QDate.fromString(text, candidate)
        if parsed.isValid():
            day = dt.date(parsed.year(), parsed.month(), parsed.day())
            if "yyyy" in candidate:
                return day
            try:
                return _two_digit_year(day, today or dt.date.today())
            except ValueError:
                break
    raise ValidationError("date", f"{label}: enter the date as {format_hint(fmt)}.")


def _calendar_icon(palette: QPalette) -> QIcon:
    """A small calendar page (Qt's styles have none), drawn in the palette's text colour."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    ink = palette.color(QPalette.ColorRole.Text)
    painter.setPen(ink)
    painter.drawRect(1, 2, 13, 12)
    painter.fillRect(1, 2, 14, 4, ink)  # the page's header band
    for row in (8, 11):
        for col in (3, 6, 9, 12):
            painter.fillRect(col, row, 2, 2, ink)
    painter.end()
    return QIcon(pixmap)


def _qdate(day: dt.date | QDate) -> QDate:
    return day if isinstance(day, QDate) else QDate(day.year, day.month, day.day)


class DateField(QLineEdit):
    """A typed date with a calendar button; `required` fields (like QDateEdit) always hold a date."""

    dateChanged = Signal(QDate)  # noqa: N815 - QDateEdit's name, so replacing it is one line
    problem_changed = Signal(str)  # "" once the text is a good date again

    def __init__(self, parent: QWidget | None = None, *, required: bool = False,
                 label: str = "Date") -> None:
        super().__init__(parent)
        self.required, self.label = required, label
        self._minimum, self._maximum = _EARLIEST, _LATEST
        self._date: dt.date | None = dt.date.today() if required else None
        self._problem = ""
        self.setPlaceholderText(ISO_HINT)
        self._help = (f"Type the date as {format_hint()}. Alt+Down opens the calendar; "
                      "Up/Down change the day.")
        self.setToolTip(self._help)
        self.calendar_action = QAction(_calendar_icon(self.palette()),
                                       "Choose from the calendar", self)
        self.calendar_action.setObjectName("calendarButton")
        self.calendar_action.setToolTip("Choose from the calendar (Alt+Down)")
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar: QCalendarWidget | None = None
        if required:
            self.setText(self._date.isoformat() if self._date else "")
        self.textEdited.connect(self._on_text_edited)
        self.editingFinished.connect(self._on_editing_finished)
        self.calendar_action.triggered.connect(self.open_calendar)

    # ---- QDateEdit's calls ------------------------------------------------------------
    def date(self) -> QDate:
        """The last good date (an invalid QDate when an optional field is blank or wrong)."""
        return _qdate(self._date) if self._date is not None else QDate()

    def setDate(self, day: QDate | dt.date) -> None:  # noqa: N802 - QDateEdit's name
        qday = _qdate(day)
        if not qday.isValid():
            return
        value = min(max(qday.toPython(), self._minimum), self._maximum)
        self._commit(value, text=True)

    def setMinimumDate(self, day: QDate | dt.date) -> None:  # noqa: N802
        self._minimum = _qdate(day).toPython()

    def setMaximumDate(self, day: QDate | dt.date) -> None:  # noqa: N802
        self._maximum = _qdate(day).toPython()

    def minimumDate(self) -> QDate:  # noqa: N802
        return _qdate(self._minimum)

    def maximumDate(self) -> QDate:  # noqa: N802
        return _qdate(self._maximum)

    def setCalendarPopup(self, _enable: bool) -> None:  # noqa: N802 - always has its button
        """The calendar button is always there; kept so QDateEdit code needs no change."""

    def setDisplayFormat(self, _fmt: str) -> None:  # noqa: N802
        """Dates always show as YYYY-MM-DD; kept so QDateEdit code needs no change."""

    # ---- values -------------------------------------------------------------------------
    def value(self) -> dt.date | None:
        """The typed date, or ValidationError (field "date") with the message to show."""
        day = parse_date_text(self.text(), label=self.label)
        if day is None:
            if self.required:
                raise ValidationError("date", f"{self.label}: enter a date ({ISO_HINT}).")
            return None
        if day < self._minimum:
            raise ValidationError("date", f"{self.label} cannot be before "
                                          f"{self._minimum.isoformat()}.")
        if day > self._maximum:
            raise ValidationError("date", f"{self.label} cannot be after "
                                          f"{self._maximum.isoformat()}.")
        return day

    def problem(self) -> str:
        """What is wrong with the text as typed ("" when it is a good date or blank)."""
        return self._problem

    def _check(self, *, complete: bool) -> dt.date | None:
        try:
            day = self.value()
        except ValidationError as exc:
            # While typing, "2026-0" is not wrong yet: complain once it could be complete.
            if complete or len(self.text().strip()) >= len(ISO_HINT):
                self._set_problem(exc.message)
            return None
        self._set_problem("")
        return day

    def _set_problem(self, message: str) -> None:
        if message != self._problem:
            self._problem = message
            self.setAccessibleDescription(message)
            # Forms with an error label show `problem_changed`; everywhere else the message
            # appears beside the field, and stays in its tooltip until the date is right.
            self.setToolTip(message or self._help)
            if message and self.isVisible():
                QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), message, self)
            elif not message:
                QToolTip.hideText()
            self.problem_changed.emit(message)

    def _commit(self, day: dt.date | None, *, text: bool) -> None:
        if text:
            self.setText(day.isoformat() if day else "")
            self._set_problem("")
        if day != self._date:
            self._date = day
            self.dateChanged.emit(self.date())

    # ---- keyboard and calendar ------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down
                                     and mods & Qt.KeyboardModifier.AltModifier):
            if self.calendar_action.isVisible():  # hidden in a table cell's editor
                self.open_calendar()
            return
        steps = {Qt.Key.Key_Up: (1, 0), Qt.Key.Key_Down: (-1, 0),
                 Qt.Key.Key_PageUp: (0, 1), Qt.Key.Key_PageDown: (0, -1)}
        if key in steps and not mods & Qt.KeyboardModifier.AltModifier:
            days, months = steps[key]
            start = self._check(complete=False) or self._date or dt.date.today()
            moved = _qdate(start).addDays(days).addMonths(months).toPython()
            self.setDate(moved)
            self.textEdited.emit(self.text())  # a keyboard change is the clinician's edit
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> None:
        """The calendar under the field, on the typed date (or today); Enter or a click picks."""
        if self.calendar is None:
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlags(Qt.WindowType.Popup)
            self.calendar.setObjectName("dateFieldCalendar")
            self.calendar.setGridVisible(True)
            self.calendar.activated.connect(self._on_calendar_picked)
            self.calendar.clicked.connect(self._on_calendar_picked)
        self.calendar.setDateRange(_qdate(self._minimum), _qdate(self._maximum))
        shown = self._check(complete=False) or self._date or dt.date.today()
        self.calendar.setSelectedDate(_qdate(shown))
        self.calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self.calendar.show()
        self.calendar.setFocus()

    def _on_calendar_picked(self, day: QDate) -> None:
        if self.calendar is not None:
            self.calendar.hide()
        self.setDate(day)
        self.setFocus()
        self.textEdited.emit(self.text())

    # ---- slots -----------------------------------------------------------------------------
    def _on_text_edited(self, _text: str) -> None:
        day = self._check(complete=False)
        # A required field keeps its last good date (as QDateEdit does); an optional one
        # holds no date while its text is not one.
        if day is not None or not self.required:
            self._commit(day, text=False)

    def normalize(self) -> None:
        """A good date typed in the locale's short form becomes YYYY-MM-DD (leaving does this)."""
        self._on_editing_finished()

    def _on_editing_finished(self) -> None:
        day = self._check(complete=True)
        if day is not None:
            # The locale's short form becomes YYYY-MM-DD, which every form reads the same way.
            if self.text().strip() != day.isoformat():
                self.setText(day.isoformat())
            self._commit(day, text=False)
        elif not self.required:
            self._commit(None, text=False)


class DateDelegate(QStyledItemDelegate):
    """Edits a table's date column with the one DateField (the text is stored as typed,
    a locale short date as YYYY-MM-DD; the model checks it like any typed date)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = DateField(parent)
        editor.setAccessibleName(str(index.model().headerData(
            index.column(), Qt.Orientation.Horizontal)))
        # The calendar is a window of its own: picking from it must not close the editor
        # first, so the editor commits its date itself once one is picked.
        editor.calendar_action.setVisible(False)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
                      ) -> None:
        assert isinstance(editor, DateField)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, DateField)
        editor.normalize()
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
