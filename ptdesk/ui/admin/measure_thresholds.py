"""Clinic settings group: the ankle-asymmetry flags and readiness targets (administrators only)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ptdesk.domain import ankle_flags as af
from ptdesk.domain import readiness as rd
from ptdesk.domain.errors import ValidationError
from ptdesk.services.errors import ServiceError
from ptdesk.services.measure_settings import (
    MeasureThresholds,
    get_measure_thresholds,
    set_measure_thresholds,
)
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


class MeasureThresholdsGroup(QGroupBox):
    """Spin boxes for the clinic's limits; read-only unless the user may edit settings."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Measure thresholds (ankle flags and readiness to run)", parent)
        self.ctx = ctx
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
        self.error = QLabel("", self)
        self.error.setObjectName("thresholds_error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        form.addRow(self.defaults_button)
        form.addRow(self.error)
        self.editable = ctx.can("edit_settings")
        for widget in (*self.boxes.values(), self.defaults_button):
            widget.setEnabled(self.editable)
        self._loaded: MeasureThresholds | None = None
        self.load()

    def load(self) -> None:
        self._loaded = get_measure_thresholds(self.ctx.session_factory, actor=self.ctx.actor)
        values = {**vars(self._loaded.ankle), **vars(self._loaded.readiness)}
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

    def save(self) -> bool:
        """Store changed limits (administrators); True when nothing needed saving or it saved."""
        self.error.setVisible(False)
        if not self.editable:
            return True
        try:
            wanted = self.wanted()
            if wanted == self._loaded:
                return True
            self._loaded = set_measure_thresholds(
                self.ctx.session_factory, actor=self.ctx.actor, ankle=wanted.ankle,
                readiness=wanted.readiness)
        except (ValidationError, ServiceError) as exc:
            self.error.setText(f"Thresholds not saved: {getattr(exc, 'message', exc)}")
            self.error.setVisible(True)
            return False
        return True
