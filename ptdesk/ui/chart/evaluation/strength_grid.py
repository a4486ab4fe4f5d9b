"""Strength grid: each muscle group left and right, a live LSI (dynamometer) or grade pair (MMT)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QStackedWidget, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain import measure_lsi
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.involved_side import InvolvedSide, involved_side, region_of
from ptdesk.domain.muscle_grades import GradePair
from ptdesk.domain.symmetry import MMT_GRADES, convert_force, is_flagged
from ptdesk.domain.validation import validate_number_range
from ptdesk.ui.chart.evaluation.section import EvaluationSection
from ptdesk.ui.kit.palette import error_style
from ptdesk.ui.kit.wrap_label import WrapLabel

SIDES = ("left", "right")
METHOD_LABELS = (("dynamometer", "Dynamometer"), ("mmt", "MMT grade"))
UNIT_LABELS = (("kg", "kg"), ("N", "N"))
_PAGE = {"mmt": 0, "dynamometer": 1}
_WIDTH = 72
# The narrowest the muscle names and the LSI column go (they wrap below these widths).
_NAME_MIN = "Hip abduction (gluteus"  # two lines at most for the longest name
_LSI_MIN = "100% · below 90%"
_LSI_HEADER_LINES = ("LSI: knee/hip R ÷ L,", "ankle L ÷ R / grades")


def _dynamometer_check(value: Any) -> None:
    validate_number_range("strength", value, 0.1, 1500, "Dynamometer value")


def lsi_text(left: float | None, right: float | None, involved: str | None
             ) -> tuple[str, bool]:
    """(display text, flagged) for a measured row (dynamometer); the one LSI display rule.

    One involved side: involved ÷ other. "both" or unknown: weaker ÷ stronger, and says so.
    """
    try:
        if involved in SIDES:
            value = measure_lsi.side_lsi(str(involved), left, right)
            if value is None:
                return "—", False
            flagged = is_flagged(value)
            text = measure_lsi.lsi_text(value)
            return (f"{text} · below 90%" if flagged else text), flagged
        value = measure_lsi.weaker_lsi(left, right)
        if value is None or left is None or right is None:
            return "—", False
        weaker = "left weaker" if left < right else "right weaker" if right < left else "equal"
        flagged = is_flagged(value)
        text = f"{measure_lsi.lsi_text(value)} weaker ÷ stronger · {weaker}"
        return (f"{text}, below 90%" if flagged else text), flagged
    except ValidationError:
        return "—", False


def grade_text(left: str | None, right: str | None, involved: str | None) -> tuple[str, bool]:
    """(display text, flagged) for an MMT row: the grades side by side, never a percentage."""
    if not left and not right:
        return "—", False
    try:
        pair = GradePair(left or None, right or None, involved if involved in SIDES else "both")
        flagged = pair.flagged
    except ValidationError:
        return "—", False
    if not flagged:
        return f"{pair.text} (L / R)", False
    who = "" if involved in SIDES else f"{pair.weaker_side} "
    return f"{pair.text} (L / R) · {who}a full grade down", True


def _ratio_words(side: InvolvedSide) -> str:
    if side.side == "right":
        return "R ÷ L"
    if side.side == "left":
        return "L ÷ R"
    return "weaker ÷ stronger"


class StrengthGrid(EvaluationSection):
    title = "Strength and limb symmetry"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._affected: str | None = None
        self._ankle: str | None = None
        self._stacks: dict[tuple[str, str], QStackedWidget] = {}
        self._lsi_labels: dict[str, QLabel] = {}
        self._build()
        self._connect_signals()
        self._on_fields_edited()

    def _build(self) -> None:
        f = self.fields
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)  # six columns: a little closer than the forms' 14
        grid.setVerticalSpacing(4)
        bold = QFont(self.font())
        bold.setBold(True)
        # Narrow windows (1024x700) get the grid in the viewport by wrapping the long
        # muscle names and the LSI column's words, never by scrolling sideways (issue 19).
        for column, text in enumerate(("Muscle group", "Method", "Left", "Right", "Unit")):
            header = QLabel(text)
            header.setFont(bold)
            grid.addWidget(header, 0, column)
        self.lsi_header = QLabel()
        self.lsi_header.setFont(bold)
        self.lsi_header.setWordWrap(True)
        # Two lines at every window width, broken between the two ratios ("LSI: knee/hip
        # R ÷ L," / "ankle L ÷ R / grades"), never inside one ("ankle L" / "÷ R").
        self.lsi_header.setFixedWidth(max(
            self.lsi_header.fontMetrics().horizontalAdvance(line) for line in _LSI_HEADER_LINES) + 8)
        grid.addWidget(self.lsi_header, 0, 5)
        for row, (group, label) in enumerate(ev.STRENGTH_GROUPS, start=1):
            prefix = f"strength.{group}"
            grid.addWidget(WrapLabel(label, _NAME_MIN), row, 0)
            grid.addWidget(f.choice(f"{prefix}.method", f"{label}, method", METHOD_LABELS,
                                    blank=None), row, 1)
            for column, side in enumerate(SIDES, start=2):
                stack = QStackedWidget()
                stack.addWidget(f.choice(f"{prefix}.{side}.grade", f"{label}, {side} grade",
                                         MMT_GRADES))
                stack.addWidget(f.line(f"{prefix}.{side}", f"{label}, {side}", kind="float",
                                       width=_WIDTH, noun="Dynamometer value",
                                       check=_dynamometer_check))
                self._stacks[(group, side)] = stack
                grid.addWidget(stack, row, column)
            grid.addWidget(f.choice(f"{prefix}.unit", f"{label}, unit", UNIT_LABELS, blank=None),
                           row, 4)
            lsi_label = WrapLabel("—", _LSI_MIN)
            lsi_label.setObjectName(f"strength_{group}_lsi")
            lsi_label.setAccessibleName(f"{label}, LSI")
            self._lsi_labels[group] = lsi_label
            grid.addWidget(lsi_label, row, 5)
        grid.setColumnStretch(6, 1)  # a wide screen's spare width, after the LSI column
        self.body.addLayout(grid)
        note = QLabel(
            "LSI = involved ÷ uninvolved × 100, flagged below 90%; knee and hip rows use the "
            "episode's side, ankle rows the injured ankle's side. MMT grades are shown as "
            "grades (left / right) and flagged a full grade apart, never as a percentage. "
            "Dynamometer changes under about 10% are within measurement error."
        )
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # a hint, not data
        self.body.addWidget(note)

    def _connect_signals(self) -> None:
        self.fields.edited.connect(self._on_fields_edited)
        for group in ev.STRENGTH_GROUP_KEYS:
            method = self.fields.widget(f"strength.{group}.method")
            assert isinstance(method, QComboBox)
            method.currentIndexChanged.connect(
                lambda _i, g=group: self._on_method_changed(g))

    # ---- live LSI ----------------------------------------------------------------------

    def set_involved_side(self, side: str | None, ankle_side: str | None = None) -> None:
        """The episode's affected side (knee and hip rows) and the injured ankle's side
        (ankle rows); "both" or unknown compares weaker with stronger (involved_side.py)."""
        self._affected = side if side in ("left", "right", "both") else None
        self._ankle = ankle_side if ankle_side in ("left", "right", "both") else None
        knee = self.involved("hip_abduction")
        ankle = self.involved("ankle_plantarflexion")
        if knee.side == ankle.side:
            self.lsi_header.setText(f"LSI ({_ratio_words(knee)}) / grades")
        else:
            self.lsi_header.setText(f"LSI: knee/hip {_ratio_words(knee)}, "
                                    f"ankle {_ratio_words(ankle)} / grades")
        self._on_fields_edited()

    def involved(self, group: str) -> InvolvedSide:
        """The side this row is judged on: the ankle's for ankle rows, else the episode's."""
        return involved_side(region_of(group), self._affected or "both", self._ankle)

    def _side_method(self, group: str, side: str) -> str:
        return "mmt" if self._stacks[(group, side)].currentIndex() == 0 else "dynamometer"

    def _side_value(self, group: str, side: str) -> Any:
        """The grade (MMT) or the number (dynamometer) of one side; None when blank or bad."""
        try:
            if self._side_method(group, side) == "mmt":
                return self.fields.value(f"strength.{group}.{side}.grade") or None
            return self.fields.value(f"strength.{group}.{side}")
        except ValidationError:
            return None

    def _on_fields_edited(self) -> None:
        for group, label in self._lsi_labels.items():
            methods = {self._side_method(group, side) for side in SIDES}
            if len(methods) > 1:
                text, flagged = "— (methods differ)", False
            else:
                side = self.involved(group).side
                left, right = (self._side_value(group, s) for s in SIDES)
                text, flagged = (grade_text(left, right, side) if methods == {"mmt"}
                                 else lsi_text(left, right, side))
            label.setText(text)
            colour = f"{error_style(label)} font-weight: 600;" if flagged else ""
            label.setStyleSheet(colour)
            label.setProperty("flagged", flagged)

    def _on_method_changed(self, group: str) -> None:
        method = self.fields.value(f"strength.{group}.method") or "dynamometer"
        for side in SIDES:
            self._stacks[(group, side)].setCurrentIndex(_PAGE[method])
        self._sync_unit(group)
        self._on_fields_edited()

    def _sync_unit(self, group: str) -> None:
        uses_force = any(self._side_method(group, side) == "dynamometer" for side in SIDES)
        self.fields.widget(f"strength.{group}.unit").setEnabled(
            uses_force and not self._read_only_state())

    def _read_only_state(self) -> bool:
        return bool(self.property("readOnly"))

    def changeEvent(self, event: Any) -> None:
        if event.type() == event.Type.PaletteChange:
            self._on_fields_edited()  # the flag red differs between light and dark palettes
        super().changeEvent(event)

    def lsi_label(self, group: str) -> QLabel:
        return self._lsi_labels[group]

    # ---- section interface -------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        self.setProperty("readOnly", read_only)
        super().set_read_only(read_only)
        for group in ev.STRENGTH_GROUP_KEYS:
            self._sync_unit(group)

    def clear(self) -> None:
        super().clear()
        for group in ev.STRENGTH_GROUP_KEYS:
            self._on_method_changed(group)

    def raw(self) -> dict[str, Any]:
        out = super().raw()
        for (group, side) in self._stacks:
            out[f"strength.{group}.{side}.method"] = self._side_method(group, side)
        return out

    def set_raw(self, raw: dict[str, Any]) -> None:
        super().set_raw(raw)
        for (group, side), stack in self._stacks.items():
            method = raw.get(f"strength.{group}.{side}.method")
            if method in _PAGE:
                stack.setCurrentIndex(_PAGE[method])
        for group in ev.STRENGTH_GROUP_KEYS:
            self._sync_unit(group)
        self._on_fields_edited()

    def check_fields(self) -> list[ValidationError]:
        # Only the visible input of each side counts: text left in a hidden dynamometer
        # box after switching to MMT is kept but does not block saving.
        problems = []
        for (group, side) in self._stacks:
            key = f"strength.{group}.{side}"
            if self._side_method(group, side) == "mmt":
                key += ".grade"
            try:
                self.fields.value(key)
            except ValidationError as exc:
                problems.append(exc)
                self.fields.show_error(exc.field, exc.message)
        return problems

    def load(self, evaluation: ev.Evaluation) -> None:
        f = self.fields
        by_key = {(m.muscle_group, m.side): m for m in evaluation.strength}
        for group in ev.STRENGTH_GROUP_KEYS:
            prefix = f"strength.{group}"
            measured = [by_key[(group, s)] for s in SIDES if (group, s) in by_key]
            method = measured[0].method if measured else "dynamometer"
            unit = next((m.unit for m in measured if m.method == "dynamometer" and m.unit), "kg")
            f.set_value(f"{prefix}.method", method)
            f.set_value(f"{prefix}.unit", unit)
            self._on_method_changed(group)
            for side in SIDES:
                m = by_key.get((group, side))
                f.set_value(f"{prefix}.{side}.grade", m.mmt_grade if m else None)
                value = None
                if m is not None and m.method == "dynamometer" and m.value is not None:
                    # One unit per row; a reading saved in the other unit is converted.
                    same = m.unit == unit or m.unit is None
                    value = m.value if same else convert_force(m.value, m.unit, unit)  # type: ignore[arg-type]
                f.set_value(f"{prefix}.{side}", value)
                if m is not None:
                    self._stacks[(group, side)].setCurrentIndex(_PAGE[m.method])
            self._sync_unit(group)
        self._on_fields_edited()

    def to_domain(self) -> dict[str, Any]:
        f = self.fields
        out = []
        for group in ev.STRENGTH_GROUP_KEYS:
            prefix = f"strength.{group}"
            for side in SIDES:
                if self._side_method(group, side) == "mmt":
                    grade = f.value(f"{prefix}.{side}.grade")
                    if grade:
                        out.append(ev.StrengthMeasurement(group, side, "mmt", mmt_grade=grade))
                    continue
                value = f.value(f"{prefix}.{side}")
                if value is not None:
                    out.append(ev.StrengthMeasurement(group, side, "dynamometer", value=value,
                                                      unit=f.value(f"{prefix}.unit")))
        return {"strength": tuple(out)}

    def first_input(self) -> QWidget | None:
        return self.fields.widget(f"strength.{ev.STRENGTH_GROUP_KEYS[0]}.method")

