"""PSFS entry: up to five activities the patient names, each scored 0 (unable) to 10 (as before)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ptdesk.domain import outcomes as oc
from ptdesk.domain.errors import ValidationError
from ptdesk.services.outcomes import ItemsInput, OutcomeRecord
from ptdesk.ui.chart.outcomes.form_base import MeasureForm
from ptdesk.ui.kit.error_label import ErrorLabel

ROWS = oc.PSFS_MAX_ACTIVITIES
SCORE_MESSAGE = "The score must be a whole number from 0 to 10."


def _score(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise ValueError(text)
    return int(text)


class PsfsForm(MeasureForm):
    measure = "psfs"
    title = "PSFS"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names: list[QLineEdit] = []
        self.scores: list[QLineEdit] = []
        self._submitted_rows: list[int] = []  # scorer's activity n -> form row (blank rows skipped)
        intro = QLabel("Ask the patient to name up to 5 activities they find hard because of "
                       "this problem, and to score each: 0 = unable to do it, 10 = able to do "
                       "it as well as before. At later visits, rate the same activities.")
        intro.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setObjectName("psfs_hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Activity</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Score (0–10)</b>"), 0, 2)
        for n in range(1, ROWS + 1):
            name = QLineEdit()
            name.setObjectName(f"psfs_activity_{n}")
            name.setAccessibleName(f"Activity {n}")
            name.setPlaceholderText("e.g. running downhill" if n == 1 else "")
            name.setMaxLength(200)
            score = QLineEdit()
            score.setObjectName(f"psfs_score_{n}")
            score.setAccessibleName(f"Score for activity {n}")
            score.setPlaceholderText("0–10")
            score.setMaximumWidth(90)
            score.setMaxLength(3)
            row = 1 + 2 * (n - 1)
            number = QLabel(f"Activity {n}")
            number.setBuddy(name)
            grid.addWidget(number, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(score, row, 2)
            name_error, score_error = ErrorLabel(), ErrorLabel()
            grid.addWidget(name_error, row + 1, 1)
            grid.addWidget(score_error, row + 1, 2)
            self.errors[f"psfs_activity_{n}"] = name_error
            self.errors[f"psfs_score_{n}"] = score_error
            self.names.append(name)
            self.scores.append(score)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.hint)
        layout.addLayout(grid)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        for n in range(ROWS):
            self.names[n].textEdited.connect(self._on_text_edited)
            self.scores[n].textEdited.connect(lambda _t, i=n: self._on_score_text_edited(i))

    # --- MeasureForm -----------------------------------------------------------------------
    def raw_state(self) -> dict[str, Any]:
        return {"rows": [[name.text(), score.text()]
                         for name, score in zip(self.names, self.scores, strict=True)]}

    def set_raw_state(self, state: dict[str, Any]) -> None:
        rows = list(state.get("rows") or [])
        for n in range(ROWS):
            pair = list(rows[n]) if n < len(rows) and isinstance(rows[n], list | tuple) else []
            name, score = (pair + ["", ""])[:2]
            self.names[n].setText(str(name))
            self.scores[n].setText(str(score))
            self._check_score(n)
        self.hint.hide()

    def load_record(self, record: OutcomeRecord | None) -> None:
        rows = [] if record is None else [
            [label, "" if value is None else str(value)] for _k, label, value in record.items]
        self.set_raw_state({"rows": rows})

    def prefill_activities(self, names: list[str], when: str) -> None:
        """Offer last time's activities for rating again (names only; scores are today's)."""
        self.set_raw_state({"rows": [[name, ""] for name in names[:ROWS]]})
        self.hint.setText(f"Activities from the PSFS on {when}: ask the patient to score each "
                          f"one again. Change a name only if the patient chose a new activity.")
        self.hint.show()

    def collect(self) -> tuple[ItemsInput, bool]:
        items: list[tuple[str, int]] = []
        self._submitted_rows = []
        for n, (name_edit, score_edit) in enumerate(zip(self.names, self.scores, strict=True)):
            name, text = name_edit.text().strip(), score_edit.text().strip()
            if not name and not text:
                continue  # a row left empty is not an activity
            try:
                score = _score(text)
            except ValueError:
                raise ValidationError(f"psfs_score_{n + 1}", SCORE_MESSAGE) from None
            if score is None:
                what = f"'{name}'" if name else f"activity {n + 1}"
                raise ValidationError(f"psfs_score_{n + 1}", f"Give {what} a score from 0 to 10.")
            items.append((name, score))
            self._submitted_rows.append(n)
        return items, False

    def field_for(self, field: str) -> str:
        # The scorer counts only the activities sent; map its number back to the form row.
        stem, _, number = field.rpartition("_")
        if stem in ("psfs_activity", "psfs_score") and number.isdigit():
            index = int(number) - 1
            if 0 <= index < len(self._submitted_rows):
                return f"{stem}_{self._submitted_rows[index] + 1}"
        return field

    def summary_text(self) -> str:
        scores = []
        for score_edit in self.scores:
            try:
                value = _score(score_edit.text())
            except ValueError:
                return "PSFS: a score is not 0 to 10"
            if value is not None:
                scores.append(value)
        if not scores:
            return "PSFS: no activities scored yet"
        mean = sum(scores) / len(scores)
        shown = f"{mean:.0f}" if mean.is_integer() else f"{mean:.1f}"
        plural = "activity" if len(scores) == 1 else "activities"
        return f"PSFS {shown}/10 (average of {len(scores)} {plural})"

    def input_widgets(self) -> list[QWidget]:
        return [w for pair in zip(self.names, self.scores, strict=True) for w in pair]

    def _check_score(self, index: int) -> None:
        try:
            _score(self.scores[index].text())
        except ValueError:
            self.errors[f"psfs_score_{index + 1}"].show_message(SCORE_MESSAGE)
        else:
            self.errors[f"psfs_score_{index + 1}"].show_message("")

    # --- slots -----------------------------------------------------------------------------
    def _on_text_edited(self, _text: str) -> None:
        self.hint.hide()
        self.changed.emit()

    def _on_score_text_edited(self, index: int) -> None:
        self._check_score(index)
        self.changed.emit()
