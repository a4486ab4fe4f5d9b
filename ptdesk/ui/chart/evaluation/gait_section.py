"""Running gait section: speed, cadence with a live metronome target, running faults, video file."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.units import cadence_target_range
from ptdesk.domain.validation import validate_int_range, validate_number_range
from ptdesk.ui.chart.evaluation.quick_fill import gait_fills
from ptdesk.ui.chart.evaluation.section import (
    EvaluationSection,
    add_row,
    columns,
    form_layout,
    inline_label,
)

SETTING_LABELS = (("treadmill", "Treadmill"), ("overground", "Overground"))
SPEED_UNITS = (("km/h", "km/h"), ("mph", "mph"))
SIDE_LABELS = (("none", "None"), ("left", "Left"), ("right", "Right"), ("both", "Both"))
PRONATION_LABELS = (("normal", "Normal"), ("over", "Overpronation"), ("under", "Underpronation"))
VIDEO_FILTER = "Video files (*.mp4 *.mov *.m4v *.avi *.mkv *.wmv);;All files (*)"


def _check(kind: str, low: float, high: float, label: str, unit: str = "") -> Any:
    def check(value: Any) -> None:
        if kind == "int":
            validate_int_range("gait", value, int(low), int(high), label)
        else:
            validate_number_range("gait", value, low, high, label, unit)
    return check


class GaitSection(EvaluationSection):
    title = "Running gait"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_quick_fills(gait_fills())
        self._build()
        self._connect_signals()
        self._on_fields_edited()

    def _build(self) -> None:
        f = self.fields
        left, right = form_layout(), form_layout()
        add_row(left, "Setting", f.choice("gait.setting", "Setting", SETTING_LABELS, blank=None))
        speed = QHBoxLayout()
        speed.addWidget(f.line("gait.speed", "Speed", kind="float", width=64,
                               check=_check("float", 1, 30, "Speed")))
        speed.addWidget(f.choice("gait.speed_unit", "Speed unit", SPEED_UNITS, blank=None))
        speed.addStretch(1)
        add_row(left, "Speed", speed)
        add_row(left, "Cadence", f.line(
            "gait.cadence_spm", "Cadence", kind="int", unit="steps/min", width=64,
            noun="Cadence", check=_check("int", 100, 240, "Cadence (steps/min)")))
        add_row(left, "Cadence increase", f.line(
            "gait.cadence_target_pct", "Cadence increase", kind="float", width=64,
            unit="%   (usual cue +5 to +10%)", placeholder="5",
            check=_check("float", 0, 15, "Cadence increase", "%")))
        self.target_label = QLabel()
        self.target_label.setObjectName("gait_cadence_target")
        self.target_label.setAccessibleName("Target cadence")
        self.target_label.setWordWrap(True)
        font = self.target_label.font()
        font.setBold(True)
        self.target_label.setFont(font)
        add_row(left, "", self.target_label)
        add_row(left, "Foot strike", f.choice("gait.foot_strike", "Foot strike", ev.FOOT_STRIKES))
        add_row(left, "Footwear", f.line("gait.footwear", "Footwear",
                                       placeholder="Shoe worn for the assessment"))
        video = QHBoxLayout()
        video.addWidget(f.line("gait.video_path", "Video file",
                               placeholder="Path to the filmed run (stored as a reference)"), 1)
        self.browse_button = QPushButton("Choose…")
        self.browse_button.setAccessibleName("Choose video file")
        video.addWidget(self.browse_button, 0)
        add_row(left, "Video file", video)
        # The notes sit under the video in the left column, so Tab from the video reaches
        # them before the faults on the right: typed notes once landed on the Overstriding
        # check box (spaces ticked it, letters vanished; issue 19).
        add_row(left, "Gait notes", f.text_area("gait.notes", "Gait notes", rows=3,
                                              placeholder="Views filmed, cues tried, response"))

        add_row(right, "Overstriding", f.check_box(
            "gait.overstriding", "Overstriding", "Foot lands ahead of the knee"))
        pelvic = QHBoxLayout()
        pelvic.addWidget(f.choice("gait.pelvic_drop_side", "Pelvic drop", SIDE_LABELS,
                                  blank=None))
        pelvic.addWidget(inline_label("Severity"))
        pelvic.addWidget(f.choice("gait.pelvic_drop_severity", "Pelvic drop severity",
                                  ev.SEVERITIES))
        pelvic.addStretch(1)
        add_row(right, "Pelvic drop", pelvic)
        add_row(right, "Knee valgus", f.choice("gait.knee_valgus", "Knee valgus", SIDE_LABELS,
                                               blank=None))
        add_row(right, "Pronation", f.choice("gait.pronation", "Pronation", PRONATION_LABELS,
                                             blank=None))
        add_row(right, "Crossover gait", f.check_box("gait.crossover", "Crossover gait",
                                                     "Feet cross the midline"))
        add_row(right, "Trunk lean", f.choice("gait.trunk_lean", "Trunk lean", ev.TRUNK_LEAN,
                                              blank=None))
        # The faults sit beside the measures on a wide screen and under them when narrow.
        self.body.addWidget(columns((left, True), (right, True), spacing=40))

    def _connect_signals(self) -> None:
        self.fields.edited.connect(self._on_fields_edited)
        self.browse_button.clicked.connect(self._on_browse_clicked)

    # ---- slots -------------------------------------------------------------------------

    def _on_fields_edited(self) -> None:
        self.target_label.setText(self.target_text())

    def _on_browse_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose gait video", "", VIDEO_FILTER)
        if path:
            # Only the path is kept: the video stays where the clinic stores its files.
            self.fields.set_value("gait.video_path", path)

    def target_text(self) -> str:
        """The live cue line, e.g. "Target cadence: 172 steps/min (metronome 172 bpm)"."""
        try:
            cadence = self.fields.value("gait.cadence_spm")
            pct = self.fields.value("gait.cadence_target_pct")
        except ValidationError:
            return ""
        if cadence is None:
            return "Enter the measured cadence to see the target."
        if pct is None:
            try:
                low, high = cadence_target_range(cadence)
            except ValidationError:
                return ""
            return f"Suggested target: {low}–{high} steps/min (+5 to +10%)"
        target = ev.GaitFindings(cadence_spm=cadence, cadence_target_pct=pct).cadence_target_spm
        return f"Target cadence: {target} steps/min (metronome {target} bpm)"

    # ---- section interface -------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.browse_button.setEnabled(not read_only)

    def set_default_unit(self, unit: str) -> None:
        self.fields.set_value("gait.speed_unit", "mph" if unit == "mi" else "km/h")

    def load(self, evaluation: ev.Evaluation) -> None:
        gait = evaluation.gait or ev.GaitFindings()
        for name in ("setting", "speed", "speed_unit", "cadence_spm", "foot_strike",
                     "overstriding", "pelvic_drop_side", "pelvic_drop_severity", "knee_valgus",
                     "pronation", "crossover", "trunk_lean", "footwear", "cadence_target_pct",
                     "video_path", "notes"):
            self.fields.set_value(f"gait.{name}", getattr(gait, name))
        self._on_fields_edited()

    def to_domain(self) -> dict[str, Any]:
        f = self.fields
        values = {name: f.value(f"gait.{name}")
                  for name in ("speed", "cadence_spm", "foot_strike", "overstriding",
                               "pelvic_drop_severity", "crossover", "footwear",
                               "cadence_target_pct", "video_path", "notes")}
        gait = ev.GaitFindings(
            setting=f.value("gait.setting") or "treadmill",
            speed_unit=f.value("gait.speed_unit") or "km/h",
            pelvic_drop_side=f.value("gait.pelvic_drop_side") or "none",
            knee_valgus=f.value("gait.knee_valgus") or "none",
            pronation=f.value("gait.pronation") or "normal",
            trunk_lean=f.value("gait.trunk_lean") or "none",
            **values,
        )
        # The speed unit alone is not an assessment: an untouched section is left out.
        untouched = replace(gait, speed_unit="km/h") == ev.GaitFindings()
        return {"gait": None if untouched else gait}

    def first_input(self) -> QWidget | None:
        return self.fields.widget("gait.setting")
