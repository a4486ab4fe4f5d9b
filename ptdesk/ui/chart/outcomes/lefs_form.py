"""LEFS entry: all 20 activities as rows of 0-4 answer buttons, each of which can be marked missing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import outcomes as oc
from ptdesk.domain.errors import ValidationError
from ptdesk.services.outcomes import ItemsInput, OutcomeRecord
from ptdesk.ui.chart.outcomes.change_text import live_total_text
from ptdesk.ui.chart.outcomes.form_base import (
    MeasureForm,
    StripedGrid,
    missing_box,
    open_items_text,
)
from ptdesk.ui.kit.error_label import ErrorLabel

ANSWER_COLUMN = 2  # grid column of answer 0; answers 0-4 follow, then "Missing"
MISSING_COLUMN = ANSWER_COLUMN + len(oc.LEFS_ANSWERS)
ANSWER_WIDTH = 92
ACTIVITY_MIN_WIDTH = 230


class LefsForm(MeasureForm):
    measure = "lefs"
    title = "LEFS"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups: list[QButtonGroup] = []
        self.radios: list[list[QRadioButton]] = []
        self.missing: list[QCheckBox] = []
        intro = QLabel("“Today, do you or would you have any difficulty at all with…” "
                       "Choose one answer per activity, as the patient marked it.")
        intro.setWordWrap(True)
        self.table = StripedGrid()
        grid = self.table.grid
        for value, answer in enumerate(oc.LEFS_ANSWERS):
            header = QLabel(f"{value}\n{answer}")
            header.setTextFormat(Qt.TextFormat.PlainText)
            header.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            header.setMaximumWidth(ANSWER_WIDTH)
            self.table.add_wrapped(header, ANSWER_WIDTH)
            grid.addWidget(header, 0, ANSWER_COLUMN + value)
        missing_header = QLabel("Mark\nmissing")
        missing_header.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(missing_header, 0, MISSING_COLUMN)
        activity_header = QLabel("<b>Activity</b>")
        activity_header.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(activity_header, 0, 0, 1, 2)
        for index, text in enumerate(oc.LEFS_ITEMS):
            self._add_row(index, text)
        # Spare width is shared with a blank last column, so the answers stay near their activity.
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(MISSING_COLUMN + 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        self._connect_signals()

    def _add_row(self, index: int, text: str) -> None:
        grid = self.table.grid
        row = 1 + 2 * index
        number = QLabel(f"{index + 1}.")
        number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label = QLabel(text)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.table.add_wrapped(label, ACTIVITY_MIN_WIDTH)
        grid.addWidget(number, row, 0)
        grid.addWidget(label, row, 1)
        group = QButtonGroup(self)
        buttons = []
        for value, answer in enumerate(oc.LEFS_ANSWERS):
            button = QRadioButton()
            button.setObjectName(f"lefs_item_{index + 1}_answer_{value}")
            button.setAccessibleName(f"{text}: {value} {answer}")
            button.setToolTip(f"{value} – {answer}")
            group.addButton(button, value)
            buttons.append(button)
            grid.addWidget(button, row, ANSWER_COLUMN + value, Qt.AlignmentFlag.AlignCenter)
        missing = missing_box(f"lefs_item_{index + 1}_missing", text)
        grid.addWidget(missing, row, MISSING_COLUMN, Qt.AlignmentFlag.AlignCenter)
        error = ErrorLabel()
        grid.addWidget(error, row + 1, 1, 1, MISSING_COLUMN)
        self.errors[oc.LEFS_ITEM_FIELDS[index]] = error
        self.table.striped_rows.append([number, label, *buttons, missing, error])
        self.groups.append(group)
        self.radios.append(buttons)
        self.missing.append(missing)

    def _connect_signals(self) -> None:
        for index, group in enumerate(self.groups):
            group.idClicked.connect(lambda _value, i=index: self._on_answer_clicked(i))
            self.missing[index].clicked.connect(
                lambda checked, i=index: self._on_missing_clicked(i, checked))

    # --- reading and writing answers -------------------------------------------------------
    def answer(self, index: int) -> int | None:
        value = self.groups[index].checkedId()
        return None if value < 0 else value

    def set_answer(self, index: int, value: int | None) -> None:
        group = self.groups[index]
        if value is None:
            # An exclusive group cannot uncheck its last button; lift exclusivity briefly.
            group.setExclusive(False)
            for button in group.buttons():
                button.setChecked(False)
            group.setExclusive(True)
        else:
            self.radios[index][value].setChecked(True)

    def answers(self) -> list[int | None]:
        return [self.answer(i) for i in range(len(oc.LEFS_ITEMS))]

    def marked_missing(self) -> list[bool]:
        return [box.isChecked() for box in self.missing]

    # --- MeasureForm -----------------------------------------------------------------------
    def raw_state(self) -> dict[str, Any]:
        return {"answers": self.answers(), "missing": self.marked_missing()}

    def set_raw_state(self, state: dict[str, Any]) -> None:
        answers = list(state.get("answers", []))
        missing = list(state.get("missing", []))
        for index in range(len(oc.LEFS_ITEMS)):
            value = answers[index] if index < len(answers) else None
            valid = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 4
            self.set_answer(index, value if valid else None)
            self.missing[index].setChecked(bool(missing[index]) if index < len(missing) else False)

    def load_record(self, record: OutcomeRecord | None) -> None:
        values: dict[str, int | None] = {}
        if record is not None:
            values = {key: value for key, _label, value in record.items}
        stored = [values.get(f"item_{n}") for n in range(1, len(oc.LEFS_ITEMS) + 1)]
        # A stored None is an item that was saved as missing.
        self.set_raw_state({"answers": stored,
                            "missing": [record is not None and v is None for v in stored]})

    def collect(self) -> tuple[ItemsInput, bool]:
        # The service takes None as "missing" once any item may be missing, so a question
        # simply left blank is refused here, every such row flagged at once.
        blank = self.unanswered_fields()
        for field in blank:
            number = field.rsplit("_", 1)[1]
            self.errors[field].show_message(f"LEFS question {number} has no answer. "
                                            "Answer it or mark it as missing.")
        if blank:
            raise ValidationError(blank[0], self.errors[blank[0]].text())
        return self.answers(), any(self.marked_missing())

    def summary_text(self) -> str:
        answers = self.answers()
        missing = self.marked_missing()
        total = sum(a for a in answers if a is not None)
        marked = sum(1 for a, m in zip(answers, missing, strict=True) if a is None and m)
        open_items = sum(1 for a, m in zip(answers, missing, strict=True) if a is None and not m)
        text = live_total_text("LEFS", "lefs", total, oc.LEFS_MAX, [4.0] * marked, len(answers))
        if open_items == len(answers):
            return "LEFS: no answers yet"
        return text + open_items_text(0, open_items)  # marked items: in the total's text

    def input_widgets(self) -> list[QWidget]:
        return [w for row in self.radios for w in row] + list(self.missing)

    def unanswered_fields(self) -> list[str]:
        return [oc.LEFS_ITEM_FIELDS[i] for i, (a, m) in
                enumerate(zip(self.answers(), self.marked_missing(), strict=True))
                if a is None and not m]

    # --- slots -----------------------------------------------------------------------------
    def _on_answer_clicked(self, index: int) -> None:
        self.missing[index].setChecked(False)
        self.errors[oc.LEFS_ITEM_FIELDS[index]].show_message("")
        self.changed.emit()

    def _on_missing_clicked(self, index: int, checked: bool) -> None:
        if checked:
            self.set_answer(index, None)
            self.errors[oc.LEFS_ITEM_FIELDS[index]].show_message("")
        self.changed.emit()
