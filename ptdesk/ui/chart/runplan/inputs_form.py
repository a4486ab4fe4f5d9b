"""The plan inputs: measure, runs, current and goal amounts, dates, cap, lighter weeks, pain rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import GapRules, PainRules, PlanInputs, WeekLog
from ptdesk.domain.runplan.amounts import UNIT_TEXT, Measure
from ptdesk.domain.runplan.inputs import CAP_MAX_PCT, LIGHTER_PCT_DEFAULT, LIGHTER_PCT_RANGE
from ptdesk.ui.chart.runplan.carried import CARRIED_FIELDS, CarriedAmounts
from ptdesk.ui.kit.date_field import DateField
from ptdesk.ui.kit.error_label import make_error_label, show_error
from ptdesk.ui.kit.layout_cell import layout_cell

MEASURE_CHOICES = (("Minutes of running", "minutes"), ("Kilometres", "km"), ("Miles", "mi"))
AMOUNT_FIELDS = ("current_run", "current_weekly", "restart_weekly", "goal_weekly",
                 "goal_long_run")
# Every field a ValidationError can name; "history" and "measure" errors go under the measure.
# Whole-number settings with their label, range, default and unit (CLINICAL.md defaults).
EXTRA_SPINS: dict[str, tuple[str, int, int, int, str]] = {
    "taper_weeks": ("Taper weeks before the race", 0, 2, 1, " weeks"),
    "long_run_max_pct": ("Long run at most", 33, 50, 40, " % of the week"),
    "short_gap_pct": ("After 2-3 missed weeks", 10, 100, 75, " % of the last week run"),
    "long_gap_pct": ("After 4+ missed weeks", 10, 100, 50, " % of the last week run"),
}
ERROR_FIELDS = (*EXTRA_SPINS, "measure", "runs_per_week", "current_run", "current_weekly", "restart_weekly",
                "goal_weekly", "goal_long_run",
                "start", "race_date", "cap_pct", "lighter_every", "lighter_pct",
                "progress_max_pain", "hold_max_pain")


def _named(widget: QWidget, name: str, label: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(label)
    return widget


def _row(*widgets: QWidget, stretch_last: bool = False) -> QWidget:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    if not stretch_last:
        row.addStretch(1)
    return layout_cell(row)  # never addRow(label, layout): see layout_cell


class PlanInputsForm(QWidget):
    """Raw field texts in, (PlanInputs, PainRules) out; `changed` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.measure = QComboBox()
        self.measure.setMaximumWidth(200)
        for text, code in MEASURE_CHOICES:
            self.measure.addItem(text, code)
        self.runs_per_week = QSpinBox()
        self.runs_per_week.setRange(2, 6)
        self.runs_per_week.setValue(3)
        self.amounts = {name: QLineEdit() for name in AMOUNT_FIELDS}
        self.units = {name: QLabel() for name in AMOUNT_FIELDS}
        self.amounts["goal_long_run"].setPlaceholderText("optional")
        self.amounts["restart_weekly"].setPlaceholderText("only for a restart")
        # Pre-filled from the evaluation, last week's running is confirmed by the clinician.
        self.weekly_confirmed = QCheckBox("Confirmed with the patient")
        self.weekly_confirmed.setChecked(True)
        self._gap_weeks = GapRules().long_gap_weeks  # where a long gap starts (clinic setting)
        # What the evaluation charted, in its unit, for the fields not yet touched: they follow
        # the measure (km <-> mi converted; distance <-> minutes left for the clinician).
        self._carried = CarriedAmounts(self.amounts)
        self.carried_notes = self._carried.notes
        self.start = DateField(required=True, label="Start")
        self.has_race = QCheckBox("Race planned")
        self.race_date = DateField(required=True, label="Race date")
        self.cap_pct = QDoubleSpinBox()
        # The widget itself cannot go above the clinical cap of 10%.
        self.cap_pct.setRange(0.5, float(CAP_MAX_PCT))
        self.cap_pct.setDecimals(1)
        self.cap_pct.setSingleStep(0.5)
        self.cap_pct.setSuffix(" %")
        self.cap_pct.setValue(float(CAP_MAX_PCT))
        self.has_lighter = QCheckBox("Plan lighter weeks")
        self.lighter_every = QSpinBox()
        self.lighter_every.setRange(2, 52)
        self.lighter_every.setValue(4)
        self.lighter_every.setSuffix(" weeks")
        self.lighter_pct = QSpinBox()
        self.lighter_pct.setRange(*LIGHTER_PCT_RANGE)
        self.lighter_pct.setValue(LIGHTER_PCT_DEFAULT)
        self.lighter_pct.setSuffix(" % of week before")
        self.extra = {name: QSpinBox() for name in EXTRA_SPINS}
        for name, (_label, low, high, value, suffix) in EXTRA_SPINS.items():
            self.extra[name].setRange(low, high)
            self.extra[name].setValue(value)
            self.extra[name].setSuffix(suffix)
        self.progress_max_pain = QSpinBox()
        self.hold_max_pain = QSpinBox()
        for spin, value in ((self.progress_max_pain, 3), (self.hold_max_pain, 5)):
            spin.setRange(0, 9)
            spin.setValue(value)
            spin.setSuffix(" / 10")
        for edit in (self.start, self.race_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.errors = {name: make_error_label() for name in ERROR_FIELDS}
        self._build_layout()
        self._connect_signals()
        self.reset(dt.date.today(), "mi")

    def _build_layout(self) -> None:
        labels = {
            "measure": "Measure", "runs_per_week": "Runs per week",
            "current_run": "Current continuous run", "goal_weekly": "Weekly goal",
            "current_weekly": "Running in the last 7 days", "restart_weekly": "Restart dose",
            "goal_long_run": "Goal long run", "start": "Start date", "race_date": "Race date",
            "cap_pct": "Weekly increase cap", "lighter_every": "Lighter week every",
            "lighter_pct": "Lighter week size",
            "progress_max_pain": "Progress if pain ≤",
            "hold_max_pain": "Repeat week if pain ≤",
            **{name: spec[0] for name, spec in EXTRA_SPINS.items()},
        }
        widgets: dict[str, QWidget] = {
            "measure": self.measure, "runs_per_week": self.runs_per_week, **self.amounts,
            "start": self.start, "race_date": self.race_date, "cap_pct": self.cap_pct,
            "lighter_every": self.lighter_every, "lighter_pct": self.lighter_pct,
            "progress_max_pain": self.progress_max_pain, "hold_max_pain": self.hold_max_pain,
            **self.extra,
        }
        for name, widget in widgets.items():
            _named(widget, name, labels[name])
        _named(self.has_race, "has_race", "Race planned")
        _named(self.has_lighter, "has_lighter", "Plan lighter weeks")
        _named(self.weekly_confirmed, "weekly_confirmed", "Running in the last 7 days confirmed")
        form = QFormLayout(self)
        self._form = form
        self._rows: dict[str, object] = {}
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        def add(name: str, field: object) -> None:
            self._rows[name] = field
            form.addRow(labels[name], field)  # type: ignore[arg-type]
            form.addRow("", self.errors[name])

        add("measure", self.measure)
        add("runs_per_week", _row(self.runs_per_week))
        for name in AMOUNT_FIELDS:
            self.amounts[name].setMaximumWidth(110)
            add(name, _row(self.amounts[name], self.units[name]))
            if name in self.carried_notes:
                form.addRow("", self.carried_notes[name])
            if name == "current_weekly":
                form.addRow("", self.weekly_confirmed)
        add("start", _row(self.start))
        add("race_date", _row(self.has_race, self.race_date))
        add("taper_weeks", _row(self.extra["taper_weeks"]))
        add("long_run_max_pct", _row(self.extra["long_run_max_pct"]))
        add("cap_pct", _row(self.cap_pct, QLabel("at most 10 %")))
        form.addRow("Lighter weeks", self.has_lighter)
        add("lighter_every", _row(self.lighter_every))
        add("lighter_pct", _row(self.lighter_pct))
        add("progress_max_pain", _row(self.progress_max_pain))
        add("hold_max_pain", _row(self.hold_max_pain))
        add("short_gap_pct", _row(self.extra["short_gap_pct"]))
        add("long_gap_pct", _row(self.extra["long_gap_pct"]))

    def _connect_signals(self) -> None:
        self.measure.currentIndexChanged.connect(self._on_measure_changed)
        self.has_race.toggled.connect(self._on_toggles_changed)
        self.has_lighter.toggled.connect(self._on_toggles_changed)
        for edit in self.amounts.values():
            edit.textEdited.connect(self._on_any_changed)
        self.amounts["current_weekly"].textEdited.connect(self._on_weekly_edited)
        for name in CARRIED_FIELDS:
            self.amounts[name].textEdited.connect(partial(self._on_carried_edited, name))
        self.weekly_confirmed.toggled.connect(self._on_any_changed)
        for spin in (self.runs_per_week, self.lighter_every, self.lighter_pct,
                     self.progress_max_pain, self.hold_max_pain, *self.extra.values()):
            spin.valueChanged.connect(self._on_any_changed)
        self.cap_pct.valueChanged.connect(self._on_any_changed)
        self.start.dateChanged.connect(self._on_any_changed)
        self.race_date.dateChanged.connect(self._on_any_changed)

    # --- filling -------------------------------------------------------------------------
    def reset(self, start: dt.date, measure: str) -> None:
        """Blank form for a new plan (no `changed`: loading is not editing)."""
        self.set_raw_texts({
            "measure": measure, "runs_per_week": "3", "current_run": "", "goal_weekly": "",
            "current_weekly": "", "restart_weekly": "",
            **{name: str(spec[3]) for name, spec in EXTRA_SPINS.items()},
            "goal_long_run": "", "start": start.isoformat(), "race_date": "",
            "cap_pct": str(CAP_MAX_PCT), "lighter_every": "", "lighter_pct": "",
            "progress_max_pain": "3", "hold_max_pain": "5",
        })

    def set_inputs(self, inputs: PlanInputs, rules: PainRules) -> None:
        self.set_raw_texts({
            "measure": inputs.measure, "runs_per_week": str(inputs.runs_per_week),
            "current_run": str(inputs.current_run), "goal_weekly": str(inputs.goal_weekly),
            "current_weekly": "" if inputs.current_weekly is None else str(inputs.current_weekly),
            "restart_weekly": "" if inputs.restart_weekly is None else str(inputs.restart_weekly),
            "goal_long_run": "" if inputs.goal_long_run is None else str(inputs.goal_long_run),
            "start": inputs.start.isoformat(),
            "race_date": inputs.race_date.isoformat() if inputs.race_date else "",
            "cap_pct": str(inputs.cap_pct),
            "lighter_every": "" if inputs.lighter_every is None else str(inputs.lighter_every),
            "lighter_pct": "" if inputs.lighter_pct is None else str(inputs.lighter_pct),
            "progress_max_pain": str(rules.progress_max_pain),
            "hold_max_pain": str(rules.hold_max_pain),
            "taper_weeks": str(inputs.taper_weeks if inputs.taper_weeks is not None else 1),
            "long_run_max_pct": str(inputs.long_run_max_pct),
        })

    def raw_texts(self) -> dict[str, str]:
        """Every field as typed, even when invalid (for drafts)."""
        return {
            "measure": self.measure.currentData(),
            "runs_per_week": str(self.runs_per_week.value()),
            **{name: edit.text() for name, edit in self.amounts.items()},
            "start": self.start.date().toPython().isoformat(),
            "race_date": (self.race_date.date().toPython().isoformat()
                          if self.has_race.isChecked() else ""),
            "cap_pct": f"{self.cap_pct.value():g}",
            "lighter_every": str(self.lighter_every.value()) if self.has_lighter.isChecked()
            else "",
            "lighter_pct": str(self.lighter_pct.value()) if self.has_lighter.isChecked() else "",
            "progress_max_pain": str(self.progress_max_pain.value()),
            "hold_max_pain": str(self.hold_max_pain.value()),
            "weekly_confirmed": "1" if self.weekly_confirmed.isChecked() else "0",
            **{name: str(spin.value()) for name, spin in self.extra.items()},
        }

    def set_raw_texts(self, texts: dict[str, str]) -> None:
        self._carried.forget()  # texts typed or restored are the clinician's own
        self.blockSignals(True)
        try:
            index = self.measure.findData(texts.get("measure", "mi"))
            self.measure.setCurrentIndex(max(index, 0))
            for name, edit in self.amounts.items():
                edit.setText(texts.get(name, ""))
            self.weekly_confirmed.setChecked(texts.get("weekly_confirmed", "1") != "0")
            spins = (("runs_per_week", self.runs_per_week), ("lighter_pct", self.lighter_pct),
                     ("progress_max_pain", self.progress_max_pain),
                     ("hold_max_pain", self.hold_max_pain), ("lighter_every", self.lighter_every))
            spins += tuple(self.extra.items())
            for name, spin in spins:
                if texts.get(name, "").strip().isdigit():
                    spin.setValue(int(texts[name]))
            self.has_lighter.setChecked(bool(texts.get("lighter_every")))
            try:
                self.cap_pct.setValue(float(texts.get("cap_pct") or CAP_MAX_PCT))
            except ValueError:
                self.cap_pct.setValue(float(CAP_MAX_PCT))
            start = _parse_date(texts.get("start", "")) or dt.date.today()
            self.start.setDate(QDate(start))
            race = _parse_date(texts.get("race_date", ""))
            self.has_race.setChecked(race is not None)
            self.race_date.setDate(QDate(race or start + dt.timedelta(weeks=16)))
        finally:
            self.blockSignals(False)
        self._update_units()
        self._update_enabled()

    # --- building ------------------------------------------------------------------------
    def build(self, history: tuple[WeekLog, ...] = ()) -> tuple[PlanInputs, PainRules]:
        """The validated inputs (with any logged weeks); raises ValidationError naming the field."""
        texts = self.raw_texts()
        if texts["current_weekly"].strip() and not self.weekly_confirmed.isChecked():
            raise ValidationError("current_weekly", "This comes from the evaluation: check it "
                                                    "with the patient, then tick Confirmed.")
        required = {"current_run": "Enter the run the patient manages now without stopping.",
                    "current_weekly": "Enter the running done in the last 7 days (0 if none).",
                    "goal_weekly": "Enter the weekly amount the patient is building up to."}
        for name, message in required.items():
            if not texts[name].strip():
                raise ValidationError(name, message)
        rules = PainRules(progress_max_pain=int(texts["progress_max_pain"]),
                          hold_max_pain=int(texts["hold_max_pain"]))
        inputs = PlanInputs(
            texts["measure"], int(texts["runs_per_week"]), _number(texts["current_run"]),
            _number(texts["goal_weekly"]), start=self.start.date().toPython(),
            goal_long_run=_number(texts["goal_long_run"]) or None,
            race_date=_parse_date(texts["race_date"]), cap_pct=texts["cap_pct"],
            taper_weeks=int(texts["taper_weeks"]) if texts["race_date"] else None,
            long_run_max_pct=int(texts["long_run_max_pct"]),
            lighter_every=int(texts["lighter_every"]) if texts["lighter_every"] else None,
            lighter_pct=int(texts["lighter_pct"]) if texts["lighter_pct"] else None,
            history=history, current_weekly=_number(texts["current_weekly"]),
            restart_weekly=_number(texts["restart_weekly"]) or None,
        )
        return inputs, rules

    def gaps(self) -> GapRules:
        """The missed-week step back for this plan (raises ValidationError)."""
        return GapRules(short_gap_pct=self.extra["short_gap_pct"].value(),
                        long_gap_pct=self.extra["long_gap_pct"].value(),
                        long_gap_weeks=self._gap_weeks)

    def set_gaps(self, gaps: GapRules) -> None:
        """Show a plan's rule, or for a new plan the clinic's (Clinic settings)."""
        blocked = self.blockSignals(True)
        self.extra["short_gap_pct"].setValue(gaps.short_gap_pct)
        self.extra["long_gap_pct"].setValue(gaps.long_gap_pct)
        self._gap_weeks = gaps.long_gap_weeks
        self.blockSignals(blocked)
        # Where the long gap starts is the clinic's call: the captions say where it is.
        weeks = gaps.long_gap_weeks
        short = {2: "Short gap (not used)", 3: "After 2 missed weeks"}.get(
            weeks, f"After 2-{weeks - 1} missed weeks")
        for name, text in (("short_gap_pct", short),
                           ("long_gap_pct", f"After {weeks}+ missed weeks")):
            caption = self._form.labelForField(self._rows[name])
            if isinstance(caption, QLabel):
                caption.setText(text)

    # --- carried from the evaluation ------------------------------------------------------
    def carry_from_evaluation(self, amounts: dict[str, float], unit: str) -> None:
        """Fill the running amounts the evaluation charted (in `unit`: km, mi or min).

        They are converted into the plan's measure where the units allow (km <-> mi) and
        left blank with a note where they do not (distance <-> minutes). Until the
        clinician edits one, switching the measure converts it again from the charted value.
        Running in the last 7 days then waits for the clinician's confirmation.
        """
        self._fill_carried(lambda measure: self._carried.start(amounts, unit, measure))
        if self.amounts["current_weekly"].text().strip():
            self.ask_to_confirm_weekly()

    def carried_fields(self) -> tuple[str, ...]:
        """The fields still showing the evaluation's value (untouched by the clinician)."""
        return self._carried.fields()

    def _fill_carried(self, fill: Callable[[Measure], None]) -> None:
        blocked = self.blockSignals(True)  # following the measure is not an edit
        try:
            fill(self.measure.currentData())
        finally:
            self.blockSignals(blocked)

    def ask_to_confirm_weekly(self) -> None:
        """Pre-filled running in the last 7 days: the clinician confirms it before saving."""
        blocked = self.blockSignals(True)
        self.weekly_confirmed.setChecked(False)
        self.blockSignals(blocked)

    def switch_to_minutes(self) -> None:
        """Walk-run is planned in minutes: the distances typed so far do not carry over."""
        self.measure.setCurrentIndex(self.measure.findData("minutes"))
        for edit in self.amounts.values():
            edit.clear()
        self.changed.emit()

    def amounts_blank(self) -> bool:
        return not any(self.amounts[name].text().strip() for name in ("current_run", "goal_weekly"))

    def show_errors(self, error: ValidationError | None) -> None:
        """Show one message under its field and clear the others."""
        target = None
        if error is not None:
            target = error.field if error.field in self.errors else "measure"
        for name, label in self.errors.items():
            show_error(label, error.message if error is not None and name == target else "")

    # --- slots ---------------------------------------------------------------------------
    def _update_units(self) -> None:
        unit = UNIT_TEXT[self.measure.currentData()]
        self.units["current_run"].setText(f"{unit} in one go")
        self.units["current_weekly"].setText(f"{unit} (confirm with the patient)")
        self.units["restart_weekly"].setText(f"{unit} in week 1")
        self.units["goal_weekly"].setText(f"{unit} a week")
        self.units["goal_long_run"].setText(f"{unit} in one run")

    def _update_enabled(self) -> None:
        self.race_date.setEnabled(self.has_race.isChecked())
        self.extra["taper_weeks"].setEnabled(self.has_race.isChecked())
        for spin in (self.lighter_every, self.lighter_pct):
            spin.setEnabled(self.has_lighter.isChecked())

    def _on_weekly_edited(self, _text: str) -> None:
        self.weekly_confirmed.setChecked(True)  # typed by the clinician: confirmed

    def _on_measure_changed(self, _index: int) -> None:
        self._update_units()
        self._fill_carried(self._carried.fill)  # untouched evaluation values follow it
        self._on_any_changed()

    def _on_carried_edited(self, name: str, _text: str) -> None:
        self._carried.forget(name)  # the clinician's own number from now on

    def _on_toggles_changed(self, _checked: bool) -> None:
        self._update_enabled()
        self._on_any_changed()

    def _on_any_changed(self, *_args: object) -> None:
        if not self.signalsBlocked():
            self.changed.emit()


def _number(text: str) -> str:
    """Accept a decimal comma too (4,5 km); the domain turns the text into an exact Decimal."""
    return text.strip().replace(",", ".")


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
