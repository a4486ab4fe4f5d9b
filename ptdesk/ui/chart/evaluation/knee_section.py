"""Knee section: both knees side by side (range, effusion, tenderness, patella, movement) and special tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain.validation import validate_knee_extension, validate_knee_flexion
from ptdesk.ui.chart.evaluation.quick_fill import knee_fills
from ptdesk.ui.chart.evaluation.section import (
    H_SPACING,
    LABEL_WIDTH,
    EvaluationSection,
    row_label,
    side_grid,
    subheading,
)
from ptdesk.ui.kit.check_group import CheckGroup
from ptdesk.ui.kit.flow_layout import flow_box

SIDES = ("left", "right")
# Tenderness sites a runner's knee is palpated at; stored as these keys. Anything else saved
# earlier (free text) shows in "Other sites" so it is never dropped.
TENDERNESS_SITES = (
    ("inferior_pole_patella", "Inferior pole of patella"),
    ("patellar_tendon", "Patellar tendon"),
    ("quadriceps_tendon", "Quadriceps tendon"),
    ("medial_patellar_facet", "Medial patellar facet"),
    ("lateral_patellar_facet", "Lateral patellar facet"),
    ("lateral_retinaculum", "Lateral retinaculum"),
    ("medial_joint_line", "Medial joint line"),
    ("lateral_joint_line", "Lateral joint line"),
    ("lateral_epicondyle", "Lateral epicondyle (IT band)"),
    ("pes_anserine", "Pes anserine"),
)
_SITE_KEYS = tuple(key for key, _ in TENDERNESS_SITES)
EFFUSION_LABELS = (("none", "None"), ("trace", "Trace"), ("1+", "1+"), ("2+", "2+"), ("3+", "3+"))
MOVEMENT_LABELS = (("good", "Good"), ("knee_valgus", "Knee valgus"),
                   ("pelvic_drop", "Pelvic drop"), ("trunk_lean", "Trunk lean"))
TEST_RESULT_LABELS = (("positive", "Positive"), ("negative", "Negative"),
                      ("not_tested", "Not tested"))
_DEGREE_WIDTH = 64


def _flexion_check(value: Any) -> None:
    validate_knee_flexion("knee.flexion_deg", value)


def _extension_check(value: Any) -> None:
    validate_knee_extension("knee.extension_deg", value)


class KneeSection(EvaluationSection):
    title = "Knee (both sides)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_quick_fills(knee_fills())
        self._build_exam()
        self._build_special_tests()

    def _build_exam(self) -> None:
        f = self.fields
        grid = side_grid()
        rows: list[tuple[str, Any]] = [
            ("Knee flexion", lambda k, n: f.line(
                k + ".flexion_deg", n, kind="float", unit="°", noun="Knee flexion",
                check=_flexion_check, width=_DEGREE_WIDTH)),
            ("Knee extension", lambda k, n: f.line(
                k + ".extension_deg", n, kind="float", unit="°  (− = lacks extension)",
                noun="Knee extension", check=_extension_check, width=_DEGREE_WIDTH)),
            ("Effusion", lambda k, n: f.choice(k + ".effusion", n, EFFUSION_LABELS)),
            ("Tenderness", self._tenderness_box),
            ("Other tender sites", lambda k, n: f.line(
                k + ".tenderness_other", n, placeholder="comma-separated")),
            ("Patellar mobility", lambda k, n: f.choice(
                k + ".patellar_mobility", n, ev.PATELLAR_MOBILITY)),
            ("Patellar tracking", lambda k, n: f.line(
                k + ".patellar_tracking", n, placeholder="e.g. normal, lateral tilt, J-sign")),
            ("Single-leg squat", lambda k, n: f.choice(k + ".single_leg_squat", n,
                                                       MOVEMENT_LABELS)),
            ("Step-down", lambda k, n: f.choice(k + ".step_down", n, MOVEMENT_LABELS)),
            ("Knee notes", lambda k, n: f.line(k + ".notes", n)),
        ]
        for row, (label, make) in enumerate(rows, start=1):
            cells = [make(f"knee_{side}", f"{label}, {side}") for side in SIDES]
            if label == "Tenderness":  # a tall block of sites: its label sits at the top
                caption = row_label(label)
                caption.setContentsMargins(0, 2, 0, 0)
                grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            else:
                grid.addWidget(row_label(label), row, 0)
            for column, cell in enumerate(cells, start=1):
                grid.addWidget(cell, row, column)
        self.body.addLayout(grid)

    def _tenderness_box(self, prefix: str, _name: str) -> QWidget:
        side = prefix.removeprefix("knee_")
        boxes = [self.fields.check_box(f"{prefix}.tenderness:{key}", f"{label}, {side}", label)
                 for key, label in TENDERNESS_SITES]
        CheckGroup(boxes)  # one Tab stop per side; the arrow keys move between the sites
        # Equal-width cells: as many columns of sites as the side's width holds (one when
        # the window is narrow), lined up like a table.
        return flow_box(boxes, h_spacing=H_SPACING, v_spacing=2, uniform=True)

    def _build_special_tests(self) -> None:
        self.body.addWidget(subheading("Special tests"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(H_SPACING)
        grid.setVerticalSpacing(4)
        grid.setColumnMinimumWidth(0, LABEL_WIDTH)
        grid.setColumnStretch(3, 1)
        for column, text in ((1, "Left"), (2, "Right")):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        for row, (key, label) in enumerate(ev.SPECIAL_TESTS, start=1):
            grid.addWidget(row_label(label), row, 0)
            for column, side in enumerate(SIDES, start=1):
                cell = self.fields.choice(f"special_tests.{key}.{side}", f"{label}, {side}",
                                          TEST_RESULT_LABELS)
                grid.addWidget(cell, row, column)
        self.body.addLayout(grid)

    # ---- domain mapping ----------------------------------------------------------------

    def load(self, evaluation: ev.Evaluation) -> None:
        f = self.fields
        knees = {k.side: k for k in evaluation.knees}
        for side in SIDES:
            knee = knees.get(side, ev.KneeFindings(side))
            prefix = f"knee_{side}"
            for name in ("flexion_deg", "extension_deg", "effusion", "patellar_mobility",
                         "patellar_tracking", "single_leg_squat", "step_down", "notes"):
                f.set_value(f"{prefix}.{name}", getattr(knee, name))
            for key in _SITE_KEYS:
                f.set_value(f"{prefix}.tenderness:{key}", key in knee.tenderness)
            others = [site for site in knee.tenderness if site not in _SITE_KEYS]
            f.set_value(f"{prefix}.tenderness_other", ", ".join(others))
        results = {(t.test, t.side): t.result for t in evaluation.special_tests}
        for key in ev.SPECIAL_TEST_KEYS:
            for side in SIDES:
                f.set_value(f"special_tests.{key}.{side}", results.get((key, side)))

    def to_domain(self) -> dict[str, Any]:
        f = self.fields
        knees = []
        for side in SIDES:
            prefix = f"knee_{side}"
            tenderness = [key for key in _SITE_KEYS if f.value(f"{prefix}.tenderness:{key}")]
            other = f.value(f"{prefix}.tenderness_other")
            tenderness += [site.strip() for site in other.split(",") if site.strip()]
            knee = ev.KneeFindings(
                side=side,
                flexion_deg=f.value(f"{prefix}.flexion_deg"),
                extension_deg=f.value(f"{prefix}.extension_deg"),
                effusion=f.value(f"{prefix}.effusion"),
                tenderness=tuple(tenderness),
                patellar_mobility=f.value(f"{prefix}.patellar_mobility"),
                patellar_tracking=f.value(f"{prefix}.patellar_tracking"),
                single_leg_squat=f.value(f"{prefix}.single_leg_squat"),
                step_down=f.value(f"{prefix}.step_down"),
                notes=f.value(f"{prefix}.notes"),
            )
            if knee != ev.KneeFindings(side):
                knees.append(knee)
        tests = []
        for key in ev.SPECIAL_TEST_KEYS:
            for side in SIDES:
                result = f.value(f"special_tests.{key}.{side}")
                if result:
                    tests.append(ev.SpecialTestResult(key, side, result))
        return {"knees": tuple(knees), "special_tests": tuple(tests)}

    def first_input(self) -> QWidget | None:
        return self.fields.widget("knee_left.flexion_deg")
