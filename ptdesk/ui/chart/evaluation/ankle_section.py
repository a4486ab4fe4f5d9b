"""Ankle section: both ankles side by side (dorsiflexion, balance, heel raises, ligament tests)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain.ankle_flags import AnkleThresholds, ankle_flags
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.involved_side import involved_side
from ptdesk.domain.validation import validate_int_range, validate_number_range
from ptdesk.ui.chart.evaluation.quick_fill import ankle_fills
from ptdesk.ui.chart.evaluation.section import (
    EvaluationSection,
    add_row,
    check_row,
    form_layout,
    row_label,
    side_grid,
)
from ptdesk.ui.kit.check_group import CheckGroup
from ptdesk.ui.kit.palette import error_style

SIDES = ("left", "right")
LIGAMENT_LABELS = (("not_tested", "Not tested"), ("negative", "Negative"),
                   ("positive", "Positive"))
SWELLING_LABELS = tuple((key, key.capitalize()) for key in ev.SWELLING_GRADES)
_TENDER = (("tender_atfl", "ATFL"), ("tender_cfl", "CFL"), ("tender_medial", "Medial (deltoid)"))
_WIDTH = 64
ANKLE_SIDE_KEY = "injured_ankle_side"
ANKLE_SIDE_LABELS = (("left", "Left"), ("right", "Right"), ("both", "Both"))
_NUMBERS = ("knee_to_wall_cm", "balance_eyes_open_s", "balance_eyes_closed_s", "heel_raise_count")


def _range(low: float, high: float, label: str, unit: str) -> Any:
    def check(value: Any) -> None:
        validate_number_range("ankle", value, low, high, label, unit)
    return check


def _heel_raise_check(value: Any) -> None:
    validate_int_range("ankle", value, 0, 200, "Heel raises")


class AnkleSection(EvaluationSection):
    title = "Ankle (both sides — include the sprained side)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        f = self.fields
        self._thresholds = AnkleThresholds()
        self.add_quick_fills(ankle_fills())
        # The episode's sprained ankle (not part of the note): ankle rows of the strength
        # grid and the flags below compare on it; saved with the evaluation's Save.
        top = form_layout()
        side_row = QHBoxLayout()
        side_row.setContentsMargins(0, 0, 0, 0)
        side_row.addWidget(f.choice(ANKLE_SIDE_KEY, "Injured (sprained) ankle", ANKLE_SIDE_LABELS,
                                    blank="Not known"))
        self.ankle_hint = QLabel("")
        self.ankle_hint.setObjectName("injuredAnkleHint")
        self.ankle_hint.setWordWrap(True)
        self.ankle_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        side_row.addWidget(self.ankle_hint, 1)
        add_row(top, "Injured (sprained) ankle", side_row)
        self.body.addLayout(top)
        grid = side_grid()
        rows: list[tuple[str, Any]] = [
            ("Knee-to-wall", lambda k, n: f.line(
                k + ".knee_to_wall_cm", n, kind="float", unit="cm", width=_WIDTH,
                noun="Knee-to-wall", check=_range(0, 30, "Knee-to-wall", "cm"))),
            ("Balance, eyes open", lambda k, n: f.line(
                k + ".balance_eyes_open_s", n, kind="float", unit="s", width=_WIDTH,
                noun="Balance (eyes open)", check=_range(0, 600, "Balance (eyes open)", "s"))),
            ("Balance, eyes closed", lambda k, n: f.line(
                k + ".balance_eyes_closed_s", n, kind="float", unit="s", width=_WIDTH,
                noun="Balance (eyes closed)",
                check=_range(0, 600, "Balance (eyes closed)", "s"))),
            ("Single-leg heel raises", lambda k, n: f.line(
                k + ".heel_raise_count", n, kind="int", unit="reps", width=_WIDTH,
                noun="Heel raises", check=_heel_raise_check)),
            ("Anterior drawer", lambda k, n: f.choice(k + ".anterior_drawer", n, LIGAMENT_LABELS,
                                                      blank=None)),
            ("Talar tilt", lambda k, n: f.choice(k + ".talar_tilt", n, LIGAMENT_LABELS,
                                                 blank=None)),
            ("Swelling", lambda k, n: f.choice(k + ".swelling", n, SWELLING_LABELS)),
            ("Tender", self._tender_box),
            ("Ankle notes", lambda k, n: f.line(k + ".notes", n)),
        ]
        for row, (label, make) in enumerate(rows, start=1):
            grid.addWidget(row_label(label), row, 0)
            for column, side in enumerate(SIDES, start=1):
                grid.addWidget(make(f"ankle_{side}", f"{label}, {side}"), row, column)
        self.body.addLayout(grid)
        self.flags_label = QLabel("")
        self.flags_label.setObjectName("ankleFlags")
        self.flags_label.setAccessibleName("Ankle asymmetry")
        self.flags_label.setWordWrap(True)
        self.flags_label.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(self.flags_label)
        self._affected: str | None = None
        self.fields.edited.connect(self._on_fields_edited)

    # ---- injured ankle and asymmetry flags -------------------------------------------------

    def set_episode_sides(self, affected: str | None, ankle_side: str | None,
                          suggested: str | None) -> None:
        """The episode's sides; an unrecorded ankle side is pre-filled from the suggestion."""
        self._affected = affected
        shown = ankle_side or suggested
        self.fields.set_value(ANKLE_SIDE_KEY, shown)
        if ankle_side:
            self.ankle_hint.setText("Recorded for this episode.")
        elif suggested:
            self.ankle_hint.setText(f"Suggested from the prior injuries ({suggested}): "
                                    "check it; Save confirms it for the episode.")
        else:
            self.ankle_hint.setText("Not recorded: ankle rows compare weaker with stronger.")
        self._on_fields_edited()

    def ankle_side(self) -> str | None:
        return self.fields.value(ANKLE_SIDE_KEY) or None

    @property
    def thresholds(self) -> AnkleThresholds:
        return self._thresholds

    def set_thresholds(self, thresholds: AnkleThresholds) -> None:
        self._thresholds = thresholds
        self._on_fields_edited()

    def _pair(self, name: str) -> tuple[float | None, float | None]:
        values = []
        for side in SIDES:
            try:
                values.append(self.fields.value(f"ankle_{side}.{name}"))
            except ValidationError:
                values.append(None)
        return values[0], values[1]

    def _on_fields_edited(self) -> None:
        involved = involved_side("ankle", self._affected or "both", self.ankle_side())
        try:
            flags = ankle_flags(involved, knee_to_wall_cm=self._pair("knee_to_wall_cm"),
                                balance_eyes_closed_s=self._pair("balance_eyes_closed_s"),
                                heel_raises=self._pair("heel_raise_count"),
                                thresholds=self._thresholds)
        except ValidationError:
            flags = ()
        lines = [("⚑ " if flag.flagged else "") + flag.text for flag in flags]
        if lines and involved.note:
            lines.append(f"({involved.note})")
        self.flags_label.setText("\n".join(lines))
        flagged = any(flag.flagged for flag in flags)
        self.flags_label.setProperty("flagged", flagged)
        self.flags_label.setStyleSheet(error_style(self.flags_label) if flagged else "")

    def _tender_box(self, prefix: str, _name: str) -> QWidget:
        side = prefix.removeprefix("ankle_")
        boxes = [self.fields.check_box(f"{prefix}.{key}", f"Tender {label}, {side}", label)
                 for key, label in _TENDER]
        CheckGroup(boxes)  # one Tab stop per side; the arrow keys move between the sites
        return check_row(boxes)  # wraps when the side's column is narrow

    def load(self, evaluation: ev.Evaluation) -> None:
        ankles = {a.side: a for a in evaluation.ankles}
        for side in SIDES:
            ankle = ankles.get(side, ev.AnkleFindings(side))
            for name in (*_NUMBERS, "anterior_drawer", "talar_tilt", "swelling", "notes",
                         *(key for key, _ in _TENDER)):
                self.fields.set_value(f"ankle_{side}.{name}", getattr(ankle, name))

    def to_domain(self) -> dict[str, Any]:
        f = self.fields
        ankles = []
        for side in SIDES:
            prefix = f"ankle_{side}"
            values = {name: f.value(f"{prefix}.{name}")
                      for name in (*_NUMBERS, "swelling", "notes", *(key for key, _ in _TENDER))}
            ankle = ev.AnkleFindings(
                side=side,
                anterior_drawer=f.value(f"{prefix}.anterior_drawer") or "not_tested",
                talar_tilt=f.value(f"{prefix}.talar_tilt") or "not_tested",
                **values,
            )
            if ankle != ev.AnkleFindings(side):
                ankles.append(ankle)
        return {"ankles": tuple(ankles)}

    def first_input(self) -> QWidget | None:
        return self.fields.widget(ANKLE_SIDE_KEY)
