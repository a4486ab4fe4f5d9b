"""NPRS entry: pain now on the 0-10 numeric scale, checked while it is typed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.services.outcomes import ItemsInput, OutcomeRecord
from ptdesk.ui.chart.outcomes.form_base import MeasureForm
from ptdesk.ui.kit.error_label import ErrorLabel

RANGE_MESSAGE = "Pain must be a whole number from 0 to 10."
LABEL = "Pain now (0–10)"


def parse_pain(text: str) -> int | None:
    """The typed score, None when blank; ValidationError when it is not 0-10."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise ValidationError("nprs", RANGE_MESSAGE)
    return int(text)


class NprsForm(MeasureForm):
    measure = "nprs"
    title = "Pain (NPRS)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel("Ask: “On a scale from 0 to 10, where 0 is no pain and 10 is the worst "
                       "pain you can imagine, how much pain do you have right now?”")
        intro.setWordWrap(True)
        self.pain = QLineEdit()
        self.pain.setObjectName("nprs_pain")
        self.pain.setAccessibleName(LABEL)
        self.pain.setPlaceholderText("0–10")
        self.pain.setMaximumWidth(90)
        self.pain.setMaxLength(3)
        # The field's own error label is the form's: the scorer names the field "nprs".
        self.errors["nprs"] = ErrorLabel()
        form = QFormLayout()
        form.addRow(LABEL, self.pain)
        form.addRow("", self.errors["nprs"])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        self.pain.textEdited.connect(self._on_pain_text_edited)

    def raw_state(self) -> dict[str, Any]:
        return {"pain": self.pain.text()}

    def set_raw_state(self, state: dict[str, Any]) -> None:
        self.pain.setText(str(state.get("pain", "")))
        self._check_live()

    def load_record(self, record: OutcomeRecord | None) -> None:
        value = None if record is None or not record.items else record.items[0][2]
        self.set_raw_state({"pain": "" if value is None else str(value)})

    def collect(self) -> tuple[ItemsInput, bool]:
        value = parse_pain(self.pain.text())
        return [value], False

    def summary_text(self) -> str:
        try:
            value = parse_pain(self.pain.text())
        except ValidationError:
            return "NPRS: not a score from 0 to 10"
        return "NPRS: no score yet" if value is None else f"NPRS {value}/10"

    def input_widgets(self) -> list[QWidget]:
        return [self.pain]

    def _check_live(self) -> None:
        try:
            parse_pain(self.pain.text())
        except ValidationError as exc:
            self.errors["nprs"].show_message(exc.message)
        else:
            self.errors["nprs"].show_message("")

    def _on_pain_text_edited(self, _text: str) -> None:
        self._check_live()
        self.changed.emit()
