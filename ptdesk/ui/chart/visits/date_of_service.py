"""The date of service a new visit takes: typed YYYY-MM-DD, today by default, never later."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.visit_rules import check_date_of_service
from ptdesk.ui.kit.date_field import DateField
from ptdesk.ui.kit.error_label import ErrorLabel

# A plain line edit for now: the shared date field (ui/kit/date_field.py) replaces it.
DATE_FORMAT_HINT = "YYYY-MM-DD"


class DateOfServiceField(QWidget):
    """"Date of service [2026-12-06]" with its message underneath when it cannot be used."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = DateField(self, label="Date of service")
        self.edit.setObjectName("dateOfService")
        self.edit.setAccessibleName("Date of service")
        self.edit.setPlaceholderText(DATE_FORMAT_HINT)
        self.edit.setToolTip("The day the patient was seen. A note written on a later day "
                             "is marked as a late entry with both dates.")
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("0000-00-00") + 48)
        caption = QLabel("Date of &service", self)
        caption.setBuddy(self.edit)
        self.error = ErrorLabel(self)
        self.error.setAccessibleName("Date of service message")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(caption)
        row.addWidget(self.edit)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self._default = date.today()
        self.reset()

    def reset(self) -> None:
        """Back to today (after a visit was started, or when the chart opens)."""
        self._default = date.today()
        self.edit.setText(f"{self._default:%Y-%m-%d}")
        self.error.show_message("")

    def follow_today(self) -> None:
        """A window left open past midnight: an untouched default moves on to the new today
        (else every visit started the next morning would be a late entry by mistake)."""
        if self._default != date.today() and self.edit.text() == f"{self._default:%Y-%m-%d}":
            self.reset()

    def value(self) -> date | None:
        """The date typed, or None with the reason shown under the field."""
        text = self.edit.text().strip()
        try:
            day = date.fromisoformat(text) if text else None
        except ValueError:
            day = None
            message = f"Type the date of service as {DATE_FORMAT_HINT}, for example " \
                      f"{date.today():%Y-%m-%d}."
        else:
            message = ""
        if not message:
            try:
                return check_date_of_service(day, date.today())
            except ValidationError as exc:
                message = exc.message
        self.error.show_message(message)
        return None

    def show_message(self, text: str) -> None:
        self.error.show_message(text)

    def _on_edit_text_edited(self, _text: str) -> None:
        self.error.show_message("")
