"""Labelled form rows with a red message under each field, shared by the account dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.ui.kit.palette import error_style


def password_edit(parent: QWidget | None = None) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    # Never offered to input methods or autocompletion that might keep what was typed.
    hints = Qt.InputMethodHint
    edit.setInputMethodHints(hints.ImhHiddenText | hints.ImhSensitiveData
                             | hints.ImhNoPredictiveText | hints.ImhNoAutoUppercase)
    return edit


def add_field_row(owner: QWidget, form: QFormLayout, key: str, label: str, widget: QWidget, *,
                  focus: QWidget | None = None, hint: str = "", spacing: int = 2) -> QLabel:
    """A `label: field` row with a hidden error line under the field; returns that line.

    `focus` is the input inside a composite `widget` (it gets the name and the caption).
    """
    focus = focus or widget
    if focus is not widget:
        widget.setObjectName(f"{key}_row")
    focus.setObjectName(key)
    focus.setAccessibleName(label)
    error = QLabel(owner)
    error.setObjectName(f"{key}_error")
    error.setStyleSheet(error_style(owner))
    error.setWordWrap(True)
    error.hide()
    cell = QWidget(owner)
    layout = QVBoxLayout(cell)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    layout.addWidget(widget)
    if hint:
        note = QLabel(hint, owner)
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(note)
    layout.addWidget(error)
    caption = QLabel(f"{label}:", owner)
    caption.setBuddy(focus)
    form.addRow(caption, cell)
    return error


class FormRows:
    """Rows of `label: field` where each field has its own (hidden until needed) error line."""

    def __init__(self, owner: QWidget, form: QFormLayout | None = None) -> None:
        self.owner = owner
        if form is None:
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def add(self, key: str, label: str, widget: QWidget, hint: str = "") -> QWidget:
        self.errors[key] = add_field_row(self.owner, self.form, key, label, widget, hint=hint)
        self.fields[key] = widget
        return widget

    def line(self, key: str) -> QLineEdit:
        widget = self.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget

    def passwords_differ(self, first: str = "password", again: str = "password_again") -> bool:
        """True, with the message under `again`, when the two typed passwords differ."""
        differ = self.line(first).text() != self.line(again).text()
        if differ:
            self.set_error(again, "The two passwords are not the same.")
        return differ

    def submit(self, call: Callable[[], object], field: str) -> bool:
        """Run a save that hashes a password (a wait cursor meanwhile); errors go under fields."""
        # Here, not at the top: the sign-in prompt uses these rows before any service loads.
        from ptdesk.services.errors import ServiceError

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            call()
        except ValidationError as exc:
            self.show_validation(exc, field)
            return False
        except ServiceError as exc:
            self.set_error(field, str(exc))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        return True

    def set_error(self, key: str, message: str) -> None:
        label = self.errors[key]
        label.setText(message)
        label.setVisible(bool(message))

    def error_text(self, key: str) -> str:
        label = self.errors[key]
        return "" if label.isHidden() else label.text()

    def clear(self) -> None:
        for key in self.errors:
            self.set_error(key, "")

    def show_validation(self, exc: ValidationError, fallback: str, aliases: dict[str, str]
                        | None = None) -> None:
        """Put the message next to the field it names (a service's name mapped by `aliases`)."""
        key = (aliases or {}).get(exc.field, exc.field)
        self.set_error(key if key in self.errors else fallback, exc.message)
        widget = self.fields.get(key if key in self.fields else fallback)
        if widget is not None:
            widget.setFocus()
