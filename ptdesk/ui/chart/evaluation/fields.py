"""Form plumbing for evaluation sections: labelled inputs, raw text for drafts, parsing, errors."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.ui.kit.date_field import DateField
from ptdesk.ui.kit.error_label import ErrorLabel
from ptdesk.ui.kit.notify import Notifier
from ptdesk.ui.kit.palette import error_colour
from ptdesk.ui.kit.wheel_guard import guard_wheel

__all__ = ["ErrorLabel", "FormFields", "error_colour", "format_number", "humanize"]

Check = Callable[[Any], object]
Raw = str | bool

# Text a clinician is still typing ("-", "7.", "2026-0") is not flagged until they leave the field.
_NUMBER_IN_PROGRESS = re.compile(r"^[-+]?\d*[.,]?$")
_DATE_IN_PROGRESS = re.compile(r"^[\d-]{0,9}$")
_INDEX_OR_ATTR = re.compile(r"(\[\d+\]|\.[^.\[\]]+)$")


def humanize(key: str) -> str:
    """Display text for a stored choice key: "knee_valgus" -> "Knee valgus"."""
    return key.replace("_", " ").capitalize()


def format_number(value: float | int | None) -> str:
    """Number as a clinician would type it back: 140 not 140.0, 7.5 stays 7.5."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


@dataclass
class Field:
    key: str
    label: str
    noun: str
    kind: str  # text, multiline, float, int, date, choice, bool
    widget: QWidget
    error: ErrorLabel | None
    check: Check | None


class FormFields:
    """Registry of one section's inputs, keyed by the domain field name they fill."""

    def __init__(self) -> None:
        self.edited = Notifier()
        self._read_only = False
        self._fields: dict[str, Field] = {}
        self._errors: dict[str, ErrorLabel] = {}

    # ---- factories ---------------------------------------------------------------------

    def line(
        self, key: str, label: str, *, kind: str = "text", unit: str = "", check: Check | None = None,
        noun: str | None = None, width: int | None = None, placeholder: str = "",
    ) -> QWidget:
        """A one-line input (text, number or date) with its unit and an error note under it."""
        edit = DateField(label=label) if kind == "date" else QLineEdit()
        edit.setPlaceholderText(placeholder or ("YYYY-MM-DD" if kind == "date" else ""))
        if kind == "date" and width is None:  # room for the calendar button
            width = edit.fontMetrics().horizontalAdvance("0000-00-00") + 48
        if width is not None:
            edit.setFixedWidth(width)
        field = self._register(key, label, noun, kind, edit, check)
        edit.textChanged.connect(lambda _text, k=key: self._on_field_text_changed(k))
        edit.editingFinished.connect(lambda k=key: self._live_check(k, finished=True))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(edit, 0 if width is not None else 1)
        if unit:
            unit_label = QLabel(unit)
            unit_label.setObjectName(f"{_object_name(key)}_unit")
            row.addWidget(unit_label)
        if width is not None:
            row.addStretch(1)
        return self._box(row, field)

    def text_area(self, key: str, label: str, *, rows: int = 3, placeholder: str = "") -> QWidget:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)  # Tab moves on, as in every other field of the form
        edit.setPlaceholderText(placeholder)
        line_height = edit.fontMetrics().lineSpacing()
        edit.setFixedHeight(line_height * rows + 14)
        field = self._register(key, label, None, "multiline", edit, None)
        edit.textChanged.connect(self._on_any_edited)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        return self._box(row, field)

    def choice(
        self, key: str, label: str, options: Sequence[str | tuple[str, str]], *,
        blank: str | None = "—", unit: str = "",
    ) -> QWidget:
        """A drop-down of fixed choices; `blank` is the "not recorded" entry (None when required)."""
        combo = QComboBox()
        if blank is not None:
            combo.addItem(blank, "")
        for option in options:
            value, text = option if isinstance(option, tuple) else (option, humanize(option))
            combo.addItem(text, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        guard_wheel(combo)  # scrolling the form past it never changes the finding
        field = self._register(key, label, None, "choice", combo, None)
        combo.currentIndexChanged.connect(self._on_any_edited)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(combo)
        if unit:
            row.addWidget(QLabel(unit))
        row.addStretch(1)
        return self._box(row, field)

    def check_box(self, key: str, label: str, text: str | None = None) -> QCheckBox:
        box = QCheckBox(text if text is not None else label)
        # As wide as its text, never stretched across a form row: a click in the blank
        # space to the right of the words would not tick it.
        box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._register(key, label, None, "bool", box, None)
        box.toggled.connect(self._on_any_edited)
        return box

    def share_error(self, key: str, error: ErrorLabel) -> None:
        """Show errors for `key` (and anything under it) in an existing note."""
        self._errors[key] = error

    def _register(
        self, key: str, label: str, noun: str | None, kind: str, widget: QWidget, check: Check | None,
    ) -> Field:
        widget.setAccessibleName(label)
        widget.setObjectName(_object_name(key))
        field = Field(key, label, noun or label, kind, widget, None, check)
        self._fields[key] = field
        return field

    def _box(self, row: QHBoxLayout, field: Field) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        field.error = ErrorLabel()
        layout.addWidget(field.error)
        self._errors[field.key] = field.error
        return box

    # ---- access ------------------------------------------------------------------------

    def widget(self, key: str) -> QWidget:
        return self._fields[key].widget

    def keys(self) -> list[str]:
        return list(self._fields)

    def raw(self) -> dict[str, Raw]:
        """Every input exactly as shown, including text that does not parse (for drafts)."""
        return {key: _read_raw(field) for key, field in self._fields.items()}

    def set_raw(self, raw: dict[str, Any]) -> None:
        for key, field in self._fields.items():
            if key in raw:
                _write_raw(field, raw[key])
        self.clear_errors()

    def set_raw_value(self, key: str, raw: Raw) -> None:
        """Show one input's raw text (or choice key, or tick) without touching other errors."""
        _write_raw(self._fields[key], raw)

    def set_value(self, key: str, value: Any) -> None:
        """Show a typed domain value in its input."""
        field = self._fields[key]
        if field.kind in ("float", "int"):
            _write_raw(field, format_number(value))
        elif field.kind == "date":
            _write_raw(field, value.isoformat() if value else "")
        elif field.kind == "bool":
            _write_raw(field, bool(value))
        else:
            _write_raw(field, value or "")

    def value(self, key: str) -> Any:
        """Typed value of one input; ValidationError(key, ...) when the text does not parse."""
        field = self._fields[key]
        raw = _read_raw(field)
        if field.kind == "bool":
            return bool(raw)
        text = str(raw).strip()
        if field.kind in ("text", "multiline"):
            return str(raw).strip() if field.kind == "text" else str(raw).rstrip()
        if field.kind == "choice":
            return text or None
        parsed = _parse(field, text)
        if parsed is not None and field.check is not None:
            try:
                field.check(parsed)
            except ValidationError as exc:
                raise ValidationError(key, exc.message) from exc
        return parsed

    def clear(self) -> None:
        for field in self._fields.values():
            if isinstance(field.widget, QComboBox):
                if field.widget.currentIndex() != 0:
                    field.widget.setCurrentIndex(0)
            else:
                _write_raw(field, False if field.kind == "bool" else "")
        self.clear_errors()

    def set_read_only(self, read_only: bool) -> None:
        if read_only == self._read_only:
            return
        self._read_only = read_only
        for field in self._fields.values():
            widget = field.widget
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(read_only)
            else:
                widget.setEnabled(not read_only)

    # ---- errors ------------------------------------------------------------------------

    def error_label(self, key: str) -> ErrorLabel | None:
        """The note for `key`, or for the nearest enclosing name ("prior_injuries[0].side")."""
        while key:
            if key in self._errors:
                return self._errors[key]
            shorter = _INDEX_OR_ATTR.sub("", key)
            if shorter == key:
                return None
            key = shorter
        return None

    def show_error(self, key: str, message: str) -> bool:
        label = self.error_label(key)
        if label is None:
            return False
        label.show_message(message)
        return True

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.show_message("")

    def check_all(self) -> list[ValidationError]:
        """Parse every input; return (and show) the problems instead of stopping at the first."""
        problems: list[ValidationError] = []
        for key in self._fields:
            try:
                self.value(key)
            except ValidationError as exc:
                problems.append(exc)
                self.show_error(exc.field, exc.message)
        return problems

    def focus_widget(self, key: str) -> QWidget | None:
        while key:
            if key in self._fields:
                return self._fields[key].widget
            shorter = _INDEX_OR_ATTR.sub("", key)
            if shorter == key:
                return None
            key = shorter
        return None

    # ---- slots -------------------------------------------------------------------------

    def _on_any_edited(self, *_args: object) -> None:
        self.edited.emit()

    def _on_field_text_changed(self, key: str) -> None:
        self._live_check(key, finished=False)
        self.edited.emit()

    def _live_check(self, key: str, *, finished: bool) -> None:
        field = self._fields[key]
        if field.error is None or field.kind not in ("float", "int", "date"):
            return
        text = str(_read_raw(field)).strip()
        try:
            self.value(key)
        except ValidationError as exc:
            pattern = _DATE_IN_PROGRESS if field.kind == "date" else _NUMBER_IN_PROGRESS
            still_typing = not finished and pattern.match(text) is not None and not _complete(field, text)
            field.error.show_message("" if still_typing else exc.message)
        else:
            field.error.show_message("")


def _complete(field: Field, text: str) -> bool:
    """True when the text is a finished number, so an out-of-range value is flagged at once."""
    if field.kind == "date":
        return False
    return bool(re.fullmatch(r"[-+]?\d+([.,]\d+)?", text))


def _parse(field: Field, text: str) -> float | int | date | None:
    if not text:
        return None
    if field.kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                field.key, f"{field.noun}: enter the date as YYYY-MM-DD, e.g. 2026-08-01."
            ) from None
    cleaned = text.replace(",", ".").replace("\u2212", "-")
    try:
        number = float(cleaned)
    except ValueError:
        kind = "a whole number" if field.kind == "int" else "a number"
        raise ValidationError(field.key, f"{field.noun} must be {kind}.") from None
    if not math.isfinite(number):
        raise ValidationError(field.key, f"{field.noun} must be a number.")
    if field.kind == "int":
        if not number.is_integer():
            raise ValidationError(field.key, f"{field.noun} must be a whole number.")
        return int(number)
    return number


def _read_raw(field: Field) -> Raw:
    widget = field.widget
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return str(widget.currentData() or "")
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    raise TypeError(f"unsupported input {type(widget).__name__}")


def _write_raw(field: Field, raw: Any) -> None:
    # Unchanged inputs are left alone: loading a visit touches ~200 inputs, and each Qt
    # setter call would fire change handlers for nothing.
    widget = field.widget
    if isinstance(widget, QLineEdit):
        if widget.text() != str(raw):
            widget.setText(str(raw))
            widget.setCursorPosition(0)
    elif isinstance(widget, QPlainTextEdit):
        if widget.toPlainText() != str(raw):
            widget.setPlainText(str(raw))
    elif isinstance(widget, QComboBox):
        index = max(widget.findData(str(raw) if raw is not None else ""), 0)
        if widget.currentIndex() != index:
            widget.setCurrentIndex(index)
    elif isinstance(widget, QCheckBox) and widget.isChecked() != bool(raw):
        widget.setChecked(bool(raw))


def _object_name(key: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]", "_", key)
