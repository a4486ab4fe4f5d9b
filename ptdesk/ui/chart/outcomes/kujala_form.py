"""Kujala Anterior Knee Pain Scale entry: 13 questions, each a list of its answers with points."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QVBoxLayout, QWidget

from ptdesk.domain import outcomes as oc
from ptdesk.services.outcomes import ItemsInput, OutcomeRecord
from ptdesk.ui.chart.outcomes.change_text import live_total_text
from ptdesk.ui.chart.outcomes.form_base import (
    MeasureForm,
    StripedGrid,
    count_words,
    missing_box,
    open_items_text,
)
from ptdesk.ui.kit.error_label import ErrorLabel

PLACEHOLDER = "Choose the patient's answer…"


def option_text(text: str, points: int) -> str:
    return f"{text} ({count_words(points, 'point', 'points')})"


class KujalaForm(MeasureForm):
    measure = "kujala"
    title = "Kujala"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combos: dict[str, QComboBox] = {}
        self.missing: dict[str, QCheckBox] = {}
        intro = QLabel("Anterior knee pain scale (Kujala 1993): choose the answer the patient "
                       "ticked for each question. The best answer is listed first.")
        intro.setWordWrap(True)
        self.table = StripedGrid()
        grid = self.table.grid
        grid.addWidget(QLabel("<b>Question</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Answer</b>"), 0, 1)
        grid.addWidget(QLabel("Mark missing"), 0, 2, Qt.AlignmentFlag.AlignCenter)
        for index, item in enumerate(oc.KUJALA_ITEMS):
            self._add_row(index, item)
        grid.setColumnStretch(3, 1)  # spare width after the checkboxes, not inside the lists
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        self._connect_signals()

    def _add_row(self, index: int, item: oc.KujalaItem) -> None:
        grid = self.table.grid
        row = 1 + 2 * index
        label = QLabel(f"{index + 1}. {item.label}")
        self.table.add_wrapped(label, 200)
        combo = QComboBox()
        combo.setObjectName(f"kujala_{item.key}")
        combo.setAccessibleName(item.label)
        combo.setPlaceholderText(PLACEHOLDER)
        combo.setMinimumContentsLength(34)
        combo.setMaximumWidth(520)
        for text, points in item.options:
            combo.addItem(option_text(text, points))
        combo.setCurrentIndex(-1)
        label.setBuddy(combo)
        missing = missing_box(f"kujala_{item.key}_missing", item.label)
        error = ErrorLabel()
        grid.addWidget(label, row, 0)
        grid.addWidget(combo, row, 1)
        grid.addWidget(missing, row, 2, Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(error, row + 1, 0, 1, 3)
        self.table.striped_rows.append([label, combo, missing, error])
        self.combos[item.key] = combo
        self.missing[item.key] = missing
        self.errors[f"kujala_{item.key}"] = error

    def _connect_signals(self) -> None:
        for key, combo in self.combos.items():
            combo.activated.connect(lambda _index, k=key: self._on_combo_activated(k))
            self.missing[key].clicked.connect(
                lambda checked, k=key: self._on_missing_clicked(k, checked))

    # --- answers ---------------------------------------------------------------------------
    def answer(self, key: str) -> int | None:
        index = self.combos[key].currentIndex()
        return None if index < 0 else index

    def set_answer(self, key: str, index: int | None) -> None:
        combo = self.combos[key]
        valid = isinstance(index, int) and not isinstance(index, bool) \
            and 0 <= index < combo.count()
        combo.setCurrentIndex(index if valid else -1)  # type: ignore[arg-type]

    # --- MeasureForm -----------------------------------------------------------------------
    def raw_state(self) -> dict[str, Any]:
        return {"answers": {key: self.answer(key) for key in self.combos},
                "missing": {key: box.isChecked() for key, box in self.missing.items()}}

    def set_raw_state(self, state: dict[str, Any]) -> None:
        answers = state.get("answers") or {}
        missing = state.get("missing") or {}
        for key in self.combos:
            self.set_answer(key, answers.get(key))
            self.missing[key].setChecked(bool(missing.get(key)))

    def load_record(self, record: OutcomeRecord | None) -> None:
        values = {} if record is None else {key: value for key, _l, value in record.items}
        self.set_raw_state({"answers": values,
                            "missing": {key: record is not None and values.get(key) is None
                                        for key in self.combos}})

    def collect(self) -> tuple[ItemsInput, bool]:
        # A question neither answered nor marked is left out: the scorer then refuses it by
        # name, whereas None (marked missing) is accepted with allow_missing.
        items: dict[str, int | None] = {}
        for key in self.combos:
            answer = self.answer(key)
            if answer is not None or self.missing[key].isChecked():
                items[key] = answer
        return items, any(box.isChecked() for box in self.missing.values())

    def summary_text(self) -> str:
        total, open_items = 0, 0
        maxima: list[float] = []  # each missing item's own maximum (the Kujala rule)
        for item in oc.KUJALA_ITEMS:
            answer = self.answer(item.key)
            if answer is not None:
                total += item.options[answer][1]
            elif self.missing[item.key].isChecked():
                maxima.append(float(item.max_points))
            else:
                open_items += 1
        if open_items == len(oc.KUJALA_ITEMS):
            return "Kujala: no answers yet"
        return live_total_text("Kujala", "kujala", total, oc.KUJALA_MAX, maxima,
                               len(oc.KUJALA_ITEMS)) + open_items_text(0, open_items)

    def input_widgets(self) -> list[QWidget]:
        return [*self.combos.values(), *self.missing.values()]

    # --- slots -----------------------------------------------------------------------------
    def _on_combo_activated(self, key: str) -> None:
        self.missing[key].setChecked(False)
        self.errors[f"kujala_{key}"].show_message("")
        self.changed.emit()

    def _on_missing_clicked(self, key: str, checked: bool) -> None:
        if checked:
            self.set_answer(key, None)
            self.errors[f"kujala_{key}"].show_message("")
        self.changed.emit()
