"""Return-to-run readiness section of initial and re-evaluations: walk, hops, heel raises, squat, hop tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain import measure_lsi
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.involved_side import involved_side as involved_side_of
from ptdesk.domain.readiness import (
    SQUAT_QUALITY,
    ReadinessFindings,
    ReadinessThresholds,
    assess,
)
from ptdesk.domain.symmetry import is_flagged
from ptdesk.domain.validation import validate_int_range, validate_number_range
from ptdesk.ui.chart.evaluation.section import (
    EvaluationSection,
    add_row,
    form_layout,
    row_label,
    side_grid,
)
from ptdesk.ui.kit.palette import error_style

SIDES = ("left", "right")
PREFIX = "readiness"
SQUAT_LABELS = (("good", "Good control"), ("knee_valgus", "Knee valgus"),
                ("pelvic_drop", "Pelvic drop"), ("trunk_lean", "Trunk lean"))
assert tuple(key for key, _ in SQUAT_LABELS) == SQUAT_QUALITY
_WIDTH = 64
# (finding stem, label, kind, unit, low, high)
_SIDED: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("hops", "Pain-free single-leg hops", "int", "hops", 0, 500),
    ("heel_raises", "Single-leg heel raises", "int", "reps", 0, 200),
    ("single_hop_cm", "Single hop for distance", "float", "cm", 0, 400),
    ("triple_hop_cm", "Triple hop for distance", "float", "cm", 0, 1500),
)


def _check(kind: str, label: str, unit: str, low: float, high: float) -> Any:
    def check(value: Any) -> None:
        if kind == "int":
            validate_int_range(PREFIX, value, int(low), int(high), label)
        else:
            validate_number_range(PREFIX, value, low, high, label, unit)
    return check


class ReadinessSection(EvaluationSection):
    title = "Return-to-run readiness"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        f = self.fields
        self._involved = "both"
        self._ankle = "both"
        self._had_stored = False
        self._thresholds = ReadinessThresholds()
        form = form_layout()
        add_row(form, "Pain-free brisk walk", f.line(
            f"{PREFIX}.brisk_walk_min", "Pain-free brisk walk", kind="int", unit="min",
            width=_WIDTH, noun="Brisk walk",
            check=_check("int", "Pain-free brisk walk (minutes)", "min", 0, 300)))
        self.body.addLayout(form)
        grid = side_grid()
        grid.addWidget(row_label("LSI"), 0, 3)
        self._lsi: dict[str, QLabel] = {}
        for row, (stem, label, kind, unit, low, high) in enumerate(_SIDED[:2], start=1):
            self._sided_row(grid, row, stem, label, kind, unit, low, high)
        squat_row = 3
        grid.addWidget(row_label("Single-leg squat"), squat_row, 0)
        for column, side in enumerate(SIDES, start=1):
            grid.addWidget(f.choice(f"{PREFIX}.squat_{side}", f"Single-leg squat quality, {side}",
                                    SQUAT_LABELS), squat_row, column)
        optional = row_label("Optional hop tests for distance")
        optional.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        grid.addWidget(optional, squat_row + 1, 0, 1, 3)
        for row, (stem, label, kind, unit, low, high) in enumerate(_SIDED[2:], start=5):
            self._sided_row(grid, row, stem, label, kind, unit, low, high)
        self.body.addLayout(grid)
        # Said once, in plain words: the values appear without being typed here (form_links).
        same = QLabel("Heel raises and single-leg squat fill in from the ankle and knee exams "
                      "(the same tests). Type here to record a different result.")
        same.setObjectName("readinessSameTests")
        same.setWordWrap(True)
        same.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.body.addWidget(same)
        notes = form_layout()
        add_row(notes, "Readiness notes", f.line(f"{PREFIX}.notes", "Readiness notes"))
        self.body.addLayout(notes)
        self.status_label = QLabel("")
        self.status_label.setObjectName("readinessStatus")
        self.status_label.setAccessibleName("Readiness criteria")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(self.status_label)
        self.fields.edited.connect(self._on_fields_edited)
        self._on_fields_edited()

    def _sided_row(self, grid: Any, row: int, stem: str, label: str, kind: str, unit: str,
                   low: float, high: float) -> None:
        grid.addWidget(row_label(label), row, 0)
        for column, side in enumerate(SIDES, start=1):
            grid.addWidget(self.fields.line(
                f"{PREFIX}.{stem}_{side}", f"{label} (readiness), {side}", kind=kind, unit=unit,
                width=_WIDTH, noun=label, check=_check(kind, label, unit, low, high)),
                row, column)
        if stem == "hops":
            return  # a pain-free count to reach on each side; no LSI is claimed for it
        lsi = QLabel("—")
        lsi.setAccessibleName(f"{label} (readiness), LSI")
        lsi.setMinimumWidth(lsi.fontMetrics().horizontalAdvance("100% (weaker ÷ stronger)") + 8)
        self._lsi[stem] = lsi
        grid.addWidget(lsi, row, 3)

    # ---- live LSI and criteria ---------------------------------------------------------

    def set_context(self, involved_side: str | None, thresholds: ReadinessThresholds,
                    ankle_side: str | None = None) -> None:
        """The episode's affected side (hop-test LSI), the injured ankle's side (heel-raise
        LSI, an ankle row: domain/involved_side.py) and the clinic's targets."""
        self._involved = involved_side if involved_side in ("left", "right") else "both"
        self._ankle = involved_side_of("ankle", self._involved, ankle_side).side
        self._thresholds = thresholds
        self._on_fields_edited()

    def _value(self, key: str) -> Any:
        try:
            return self.fields.value(f"{PREFIX}.{key}")
        except ValidationError:
            return None

    def _on_fields_edited(self) -> None:
        for stem, label in self._lsi.items():
            left, right = self._value(f"{stem}_left"), self._value(f"{stem}_right")
            side = self._ankle if stem == "heel_raises" else self._involved
            try:
                value = measure_lsi.side_lsi(side, left, right)
            except ValidationError:
                value = None
            text = measure_lsi.lsi_text(value)
            if value is not None and side == "both":
                text += " (weaker ÷ stronger)"
            flagged = is_flagged(value)
            label.setText(text)
            label.setProperty("flagged", flagged)
            label.setStyleSheet(f"{error_style(label)} font-weight: 600;" if flagged else "")
        try:
            findings = self._findings()
            findings.validate()
        except (ValidationError, TypeError):
            self.status_label.setText("")
            return
        if findings.is_empty:
            self.status_label.setText("Not tested yet. Record what was tested; the Run plan "
                                      "tab shows which criteria are met (it warns, never blocks).")
            return
        readiness = assess(findings, self._involved, self._thresholds)
        lines = [readiness.summary + "."]
        for c in readiness.criteria:
            mark = "✓" if c.met else "✗" if c.met is False else "–"
            lines.append(f"{mark} {c.label}: {c.result or 'not tested'} (target {c.target})")
        self.status_label.setText("\n".join(lines))

    def _findings(self) -> ReadinessFindings:
        values = {key.removeprefix(f"{PREFIX}."): self._value(key.removeprefix(f"{PREFIX}."))
                  for key in self._keys()}
        values["notes"] = values.get("notes") or ""
        return ReadinessFindings(**values)

    def _keys(self) -> list[str]:
        keys: list[str] = self.fields.keys()
        return keys

    # ---- section interface -------------------------------------------------------------

    def load(self, evaluation: ev.Evaluation) -> None:
        findings = evaluation.readiness or ReadinessFindings()
        self._had_stored = not findings.is_empty
        for key in self._keys():
            name = key.removeprefix(f"{PREFIX}.")
            self.fields.set_value(key, getattr(findings, name))
        self._on_fields_edited()

    def to_domain(self) -> dict[str, Any]:
        if self.isHidden():
            return {}  # a daily note: the stored readiness (if any) is left as it is
        values = {key.removeprefix(f"{PREFIX}."): self.fields.value(key)
                  for key in self._keys()}
        values["notes"] = values.get("notes") or ""
        findings = ReadinessFindings(**values)
        if findings.is_empty and not self._had_stored:
            return {}  # nothing recorded, nothing to clear
        return {"readiness": findings}

    def first_input(self) -> QWidget | None:
        return self.fields.widget(f"{PREFIX}.brisk_walk_min")
