"""The run entry row: one run from the patient's paper log, checked as it is typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan.amounts import UNIT_TEXT
from ptdesk.ui.kit.date_field import DateField
from ptdesk.ui.kit.error_label import ErrorLabel
from ptdesk.ui.kit.notify import Notifier
from ptdesk.ui.kit.run_text import KIND_LABELS, MEASURE_LABELS, MORNING_LABELS

AMOUNT_MESSAGE = "Enter how much was run as a number, e.g. 20 or 2.5."
PAIN_MESSAGE = "Pain during the run must be a whole number from 0 to 10."
WIDE_PER_ROW, NARROW_PER_ROW = 4, 2  # fields per row
WIDE_FROM = 900  # form width (px) from which four fields fit a row
FIELDS = ("run_date", "amount", "measure", "kind", "pain_during", "next_morning", "swelling",
          "limping", "note")


def parse_amount(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValidationError("amount", AMOUNT_MESSAGE) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError("amount", AMOUNT_MESSAGE)
    return value


def parse_pain(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise ValidationError("pain_during", PAIN_MESSAGE)
    return int(text)


class RunEntryForm(QWidget):
    """Fields named like `log_run`'s arguments, so a ValidationError lands on its field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changed = Notifier()  # clinician edits only (plain Python: see notify.py)
        self.run_date = DateField(required=True, label="Date of run")
        self.run_date.setCalendarPopup(True)
        self.run_date.setDisplayFormat("ddd d MMM yyyy")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("e.g. 20")
        self.amount.setMaximumWidth(90)
        self.unit = QLabel()
        self.measure = QComboBox()
        for key, label in MEASURE_LABELS.items():
            self.measure.addItem(label, key)
        self.kind = QComboBox()
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.pain_during = QLineEdit()
        self.pain_during.setPlaceholderText("0–10")
        self.pain_during.setMaximumWidth(70)
        self.next_morning = QComboBox()
        self.next_morning.setPlaceholderText("Choose…")
        for key, label in MORNING_LABELS.items():
            self.next_morning.addItem(label, key)
        self.next_morning.setCurrentIndex(-1)
        self.swelling = QCheckBox("Swelling")
        self.limping = QCheckBox("Limping")
        self.note = QLineEdit()
        self.note.setMaxLength(2000)
        self.note.setPlaceholderText("optional")
        self.errors = {name: ErrorLabel() for name in FIELDS}
        self._plan_measure: str | None = None
        self._setting_date = False  # dates set by the form itself are not the clinician's edits
        self._build_layout()
        self._connect_signals()
        self.reset(dt.date.today())

    def _build_layout(self) -> None:
        grid = self._grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        amount_box = QWidget()
        amount_row = QGridLayout(amount_box)
        amount_row.setContentsMargins(0, 0, 0, 0)
        amount_row.addWidget(self.amount, 0, 0)
        amount_row.addWidget(self.unit, 0, 1)
        amount_row.addWidget(self.measure, 0, 2)
        amount_row.setColumnStretch(3, 1)
        for box, key in ((self.swelling, "swelling"), (self.limping, "limping")):
            box.setAccessibleName(box.text())
            box.setObjectName(f"runlog_{key}")
        flags = QWidget()
        flags_row = QGridLayout(flags)
        flags_row.setContentsMargins(0, 0, 0, 0)
        flags_row.addWidget(self.swelling, 0, 0)
        flags_row.addWidget(self.limping, 0, 1)
        # (label, widget, error key) in reading order; placed four or two to a row by width.
        self._cells: list[tuple[QLabel, QWidget, str]] = []
        for text, widget, key in (
                ("Date of run", self.run_date, "run_date"), ("Running", amount_box, "amount"),
                ("Kind of run", self.kind, "kind"),
                ("Pain during (0–10)", self.pain_during, "pain_during"),
                ("Next morning", self.next_morning, "next_morning"),
                ("After the run", flags, ""), ("Note", self.note, "note")):
            label = QLabel(text)
            if key:
                target = self.amount if widget is amount_box else widget
                label.setBuddy(target)
                target.setAccessibleName(text)
                target.setObjectName(f"runlog_{key}")
            self._cells.append((label, widget, key))
        self.measure.setAccessibleName("Unit")
        self.measure.setObjectName("runlog_measure")
        self._per_row = 0
        self._place(WIDE_PER_ROW)
        self.setTabOrder(self.run_date, self.amount)
        self.setTabOrder(self.amount, self.measure)
        self.setTabOrder(self.measure, self.kind)
        self.setTabOrder(self.kind, self.pain_during)
        self.setTabOrder(self.pain_during, self.next_morning)
        self.setTabOrder(self.next_morning, self.swelling)
        self.setTabOrder(self.swelling, self.limping)
        self.setTabOrder(self.limping, self.note)

    def _place(self, per_row: int) -> None:
        """Fields four to a row when the form is wide, two when narrow (1024 px windows):
        every field stays on screen instead of behind a sideways scroll bar."""
        if per_row == self._per_row:
            return
        self._per_row = per_row
        grid = self._grid
        for column in range(2 * WIDE_PER_ROW + 1):
            grid.setColumnStretch(column, 0)
        row = column = 0
        for label, widget, key in self._cells:
            span = 1
            if key == "note":  # the note runs to the right edge, on a row of its own if narrow
                if per_row == NARROW_PER_ROW and column:
                    row, column = row + 2, 0
                span = 2 * (per_row - column) - (0 if per_row == WIDE_PER_ROW else 1)
            grid.addWidget(label, row, 2 * column)
            grid.addWidget(widget, row, 2 * column + 1, 1, span)
            if key:
                grid.addWidget(self.errors[key], row + 1, 2 * column + 1, 1, span)
            if key == "amount":
                grid.addWidget(self.errors["measure"], row + 1, 2 * column + 1)
            column += 1
            if column == per_row:
                row, column = row + 2, 0
        if per_row == WIDE_PER_ROW:
            grid.setColumnStretch(2 * WIDE_PER_ROW, 1)  # spare width after the fields
        else:
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(3, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place(WIDE_PER_ROW if event.size().width() >= WIDE_FROM else NARROW_PER_ROW)

    def _connect_signals(self) -> None:
        self.amount.textEdited.connect(self._on_amount_text_edited)
        self.pain_during.textEdited.connect(self._on_pain_during_text_edited)
        self.note.textEdited.connect(self._on_any_edit)
        for combo in (self.kind, self.next_morning, self.measure):
            combo.activated.connect(self._on_any_edit)
        for box in (self.swelling, self.limping):
            box.clicked.connect(self._on_any_edit)
        # Not editingFinished: a focused date field sends it while the form is being destroyed.
        self.run_date.dateChanged.connect(self._on_run_date_date_changed)
        self.run_date.problem_changed.connect(self.errors["run_date"].show_message)

    # --- plan measure ----------------------------------------------------------------------
    def set_plan_measure(self, measure: str | None) -> None:
        """With an active plan runs are in its measure; without one the clinician picks."""
        self._plan_measure = measure
        self.measure.setVisible(measure is None)
        self.unit.setVisible(measure is not None)
        if measure is not None:
            self.unit.setText(f"{UNIT_TEXT[measure]} of running"  # type: ignore[index]
                              if measure == "minutes" else f"{UNIT_TEXT[measure]} running")  # type: ignore[index]

    def chosen_measure(self) -> str | None:
        return self.measure.currentData() if self._plan_measure is None else None

    # --- values ----------------------------------------------------------------------------
    def reset(self, today: dt.date, keep_date: bool = False) -> None:
        """Empty the run's details; the date and kind stay when several runs are typed in a row."""
        self._setting_date = True
        self.run_date.setMaximumDate(QDate(today.year, today.month, today.day))
        if not keep_date:
            self.run_date.setDate(QDate(today.year, today.month, today.day))
        self._setting_date = False
        for edit in (self.amount, self.pain_during, self.note):
            edit.clear()
        self.next_morning.setCurrentIndex(-1)
        self.swelling.setChecked(False)
        self.limping.setChecked(False)
        self.show_error(None)

    def has_input(self) -> bool:
        return bool(self.amount.text().strip() or self.pain_during.text().strip()
                    or self.note.text().strip() or self.next_morning.currentIndex() >= 0)

    def values(self) -> dict[str, Any]:
        """Keyword arguments for `log_run`; ValidationError when a field cannot be read."""
        amount = parse_amount(self.amount.text())
        if amount is None:
            raise ValidationError("amount", "Enter how much running was done.")
        pain = parse_pain(self.pain_during.text())
        if pain is None:
            raise ValidationError("pain_during", "Enter the pain during the run, 0 to 10.")
        try:
            run_date = self.run_date.value()
        except ValidationError as exc:
            raise ValidationError("run_date", exc.message) from None
        values: dict[str, Any] = {
            "run_date": run_date, "amount": amount,
            "kind": self.kind.currentData(), "pain_during": pain,
            "next_morning": self.next_morning.currentData() or "",
            "swelling": self.swelling.isChecked(), "limping": self.limping.isChecked(),
            "note": self.note.text().strip(),
        }
        measure = self.chosen_measure()
        if measure is not None:
            values["measure"] = measure
        return values

    def raw_texts(self) -> dict[str, Any]:
        return {"run_date": self.run_date.text(),
                "amount": self.amount.text(), "measure": self.measure.currentIndex(),
                "kind": self.kind.currentIndex(), "pain_during": self.pain_during.text(),
                "next_morning": self.next_morning.currentIndex(),
                "swelling": self.swelling.isChecked(), "limping": self.limping.isChecked(),
                "note": self.note.text()}

    def set_raw_texts(self, raw: dict[str, Any]) -> None:
        day = QDate.fromString(str(raw.get("run_date", "")), "yyyy-MM-dd")
        self._setting_date = True
        if day.isValid():
            self.run_date.setDate(day)
        else:  # a date typed wrong is kept as typed, with its message
            self.run_date.setText(str(raw.get("run_date", "")))
        self._setting_date = False
        self.amount.setText(str(raw.get("amount", "")))
        self.pain_during.setText(str(raw.get("pain_during", "")))
        self.note.setText(str(raw.get("note", "")))
        for combo, key in ((self.measure, "measure"), (self.kind, "kind"),
                           (self.next_morning, "next_morning")):
            index = raw.get(key)
            if isinstance(index, int) and -1 <= index < combo.count():
                combo.setCurrentIndex(index)
        self.swelling.setChecked(bool(raw.get("swelling")))
        self.limping.setChecked(bool(raw.get("limping")))
        self._check_live()

    # --- errors ----------------------------------------------------------------------------
    def show_error(self, exc: ValidationError | None) -> None:
        for key, label in self.errors.items():
            label.show_message(exc.message if exc is not None and exc.field == key else "")

    def visible_errors(self) -> dict[str, str]:
        return {key: label.text() for key, label in self.errors.items() if not label.isHidden()}

    def _check_live(self) -> None:
        for key, parse, edit in (("amount", parse_amount, self.amount),
                                 ("pain_during", parse_pain, self.pain_during)):
            try:
                parse(edit.text())
            except ValidationError as exc:
                self.errors[key].show_message(exc.message)
            else:
                self.errors[key].show_message("")

    # --- slots -----------------------------------------------------------------------------
    def _on_amount_text_edited(self, _text: str) -> None:
        self._check_live()
        self.changed.emit()

    def _on_pain_during_text_edited(self, _text: str) -> None:
        self._check_live()
        self.changed.emit()

    def _on_run_date_date_changed(self, _day: QDate) -> None:
        if not self._setting_date:
            self.changed.emit()

    def _on_any_edit(self, *_args: object) -> None:
        self.errors["next_morning"].show_message("")
        self.changed.emit()
