"""Evaluation amounts in the plan form: kept in the charted unit, shown in the plan's measure."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLabel, QLineEdit

from ptdesk.domain.runplan.amounts import UNIT_TEXT, UNIT_WORDS, Measure
from ptdesk.domain.runplan.carry import CHARTED_AS, carried_amount

# Fields a new plan can start from the evaluation's running history (see prefill.py).
CARRIED_FIELDS = ("current_run", "current_weekly", "goal_weekly")


class CarriedAmounts:
    """The charted values of the fields the clinician has not edited yet, with a note each.

    Each is converted from the charted value every time the measure changes (never from
    the last conversion, so km -> mi -> km gives back the charted number), and is
    forgotten as soon as the clinician edits the field.
    """

    def __init__(self, edits: dict[str, QLineEdit]) -> None:
        self._edits = edits
        self._values: dict[str, float] = {}
        self._unit = "mi"
        self._why = ""
        self.notes = {name: QLabel() for name in CARRIED_FIELDS}
        for name, note in self.notes.items():
            note.setObjectName(f"carried_note_{name}")
            note.setWordWrap(True)
            note.setVisible(False)

    def start(self, amounts: dict[str, float], unit: str, measure: Measure) -> None:
        self._values = {name: value for name, value in amounts.items() if name in self.notes}
        self._unit = unit
        self.fill(measure)

    def fields(self) -> tuple[str, ...]:
        return tuple(self._values)

    def fill(self, measure: Measure) -> None:
        """Write each untouched field in `measure` (blank where the units do not convert)."""
        for name, value in self._values.items():
            amount = carried_amount(value, self._unit, measure)
            self._edits[name].setText("" if amount is None else plain(amount))
            note = self._note(value, amount, measure)
            self.notes[name].setText(note)
            self.notes[name].setToolTip(self._why)
            self.notes[name].setVisible(bool(note))

    def forget(self, name: str | None = None) -> None:
        for field in (name,) if name is not None else tuple(self._values):
            self._values.pop(field, None)
            self.notes[field].clear()
            self.notes[field].setVisible(False)

    def _note(self, value: float, amount: Decimal | None, measure: Measure) -> str:
        # One short line under the field (the form column is narrow); the why in the tooltip.
        recorded = f"{value:g} {UNIT_TEXT[CHARTED_AS.get(self._unit, 'mi')]}"
        if amount is None:
            why = (f"The evaluation recorded {recorded}. How long a distance takes depends "
                   f"on pace, so a plan in {UNIT_WORDS[measure]} cannot use it: enter the "
                   f"amount in {UNIT_WORDS[measure]}.")
            return self._say(f"{recorded} charted: enter {UNIT_WORDS[measure]}", why)
        if CHARTED_AS.get(self._unit) == measure:
            return self._say("", "")
        why = (f"The evaluation recorded {recorded}; converted and rounded down, so the "
               f"plan never starts above what the patient ran.")
        return self._say(f"{recorded} charted → {plain(amount)} {UNIT_TEXT[measure]}", why)

    def _say(self, text: str, why: str) -> str:
        self._why = why
        return text


def plain(amount: Decimal) -> str:
    """5.30 -> "5.3", 12.0 -> "12": the number as a clinician would type it."""
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
