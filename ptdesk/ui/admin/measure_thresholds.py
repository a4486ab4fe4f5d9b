"""Clinic settings group: the ankle-asymmetry flags and readiness targets (administrators only)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ptdesk.domain import ankle_flags as af
from ptdesk.domain import readiness as rd
from ptdesk.services.measure_settings import (
    MeasureThresholds,
    get_measure_thresholds,
    set_measure_thresholds,
)
from ptdesk.ui.admin.settings_group import SettingsGroup
from ptdesk.ui.context import AppContext

# (key, label, unit, low, high, decimals, cited default, source in a few words). The limits
# match the domain's validation; the sources are the ones cited in ankle_flags.py/readiness.py.
FIELDS: tuple[tuple[str, str, str, float, float, int, float, str], ...] = (
    ("knee_to_wall_diff_cm", "Knee-to-wall gap flag", " cm", 0.5, 10, 1,
     af.KNEE_TO_WALL_DIFF_CM, "Powden 2015, Chisholm 2012"),
    ("balance_eyes_closed_min_s", "Balance eyes closed, at least", " s", 1, 120, 0,
     af.BALANCE_EYES_CLOSED_MIN_S, "Trojian & McKeag 2006"),
    ("heel_raise_lsi_min_pct", "Heel-raise LSI flag below", " %", 50, 100, 0,
     af.HEEL_RAISE_LSI_MIN_PCT, "Hébert-Losier 2017"),
    ("walk_minutes", "Readiness: brisk walk", " min", 5, 120, 0,
     rd.WALK_MINUTES, "Warden 2014"),
    ("hops_per_side", "Readiness: hops each side", "", 1, 100, 0,
     rd.HOPS_PER_SIDE, "George 2024; Warden 2014"),
    ("heel_raises_per_side", "Readiness: heel raises each side", "", 1, 100, 0,
     rd.HEEL_RAISES_PER_SIDE, "Hébert-Losier 2017"),
    ("hop_lsi_min_pct", "Readiness: hop test LSI at least", " %", 50, 100, 0,
     rd.HOP_LSI_MIN_PCT, "Grindem 2016; van Melick 2016"),
)
_ANKLE_KEYS = ("knee_to_wall_diff_cm", "balance_eyes_closed_min_s", "heel_raise_lsi_min_pct")


class MeasureThresholdsGroup(SettingsGroup[MeasureThresholds]):
    """Spin boxes for the clinic's limits; read-only unless the user may edit settings."""

    NOT_SAVED = "Thresholds not saved: "

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Measure thresholds (ankle flags and readiness to run)", ctx, parent,
                         error_name="thresholds_error")
        self.boxes: dict[str, QAbstractSpinBox] = {}
        form = QFormLayout(self)
        for key, label, unit, low, high, decimals, default, source in FIELDS:
            box: QAbstractSpinBox
            if decimals:
                box = QDoubleSpinBox(self)
                box.setDecimals(decimals)
                box.setSingleStep(0.5)
                box.setRange(low, high)
            else:
                box = QSpinBox(self)
                box.setRange(int(low), int(high))
            box.setSuffix(unit)  # type: ignore[attr-defined]
            box.setObjectName(f"threshold_{key}")
            box.setAccessibleName(label)
            box.setToolTip(f"Published default {default:g}{unit.strip() and unit} ({source}).")
            self.boxes[key] = box
            caption = QLabel(f"{label}:", self)
            caption.setBuddy(box)
            form.addRow(caption, box)
        self.defaults_button = QPushButton("Use the published &defaults", self)
        self.defaults_button.clicked.connect(self.use_defaults)
        form.addRow(self.defaults_button)
        form.addRow(self.error)
        self.finish((*self.boxes.values(), self.defaults_button))

    def read(self) -> MeasureThresholds:
        return get_measure_thresholds(self.ctx.session_factory, actor=self.ctx.actor)

    def show_rules(self, rules: MeasureThresholds) -> None:
        values = {**vars(rules.ankle), **vars(rules.readiness)}
        for key, box in self.boxes.items():
            box.setValue(values[key])  # type: ignore[attr-defined]

    def use_defaults(self) -> None:
        for key, *_rest, default, _source in FIELDS:
            self.boxes[key].setValue(default)  # type: ignore[attr-defined]

    def wanted(self) -> MeasureThresholds:
        """The thresholds shown; ValidationError when the domain refuses one."""
        values = {key: box.value() for key, box in self.boxes.items()}  # type: ignore[attr-defined]
        ankle = af.AnkleThresholds(**{k: float(values[k]) for k in _ANKLE_KEYS})
        readiness = rd.ReadinessThresholds(
            walk_minutes=int(values["walk_minutes"]), hops_per_side=int(values["hops_per_side"]),
            heel_raises_per_side=int(values["heel_raises_per_side"]),
            hop_lsi_min_pct=float(values["hop_lsi_min_pct"]))
        return MeasureThresholds(ankle, readiness)

    def store(self, rules: MeasureThresholds) -> MeasureThresholds:
        return set_measure_thresholds(self.ctx.session_factory, actor=self.ctx.actor,
                                      ankle=rules.ankle, readiness=rules.readiness)
