"""Subjective section: complaint, pain, aggravating activities, running history, prior injuries."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import evaluation as ev
from ptdesk.domain.validation import validate_nprs
from ptdesk.ui.chart.evaluation.choice_delegate import ChoiceDelegate
from ptdesk.ui.chart.evaluation.fields import ErrorLabel
from ptdesk.ui.chart.evaluation.prior_injury_model import (
    INJURY_SIDES,
    SIDE_COLUMN,
    PriorInjuryModel,
)
from ptdesk.ui.chart.evaluation.quick_fill import subjective_fills
from ptdesk.ui.chart.evaluation.section import (
    EvaluationSection,
    add_row,
    check_row,
    columns,
    form_layout,
    inline_label,
    subheading,
)
from ptdesk.ui.kit.check_group import CheckGroup
from ptdesk.ui.kit.date_field import DateDelegate

SYMPTOM_LABELS = {
    "pain": "Pain", "weakness": "Weakness / fatigue", "giving_way": "Giving way",
    "grinding": "Grinding", "popping": "Popping", "swelling": "Swelling (reported)",
}
LOCATION_LABELS = {
    "front": "Front of knee", "outer": "Outer knee", "inner": "Inner knee",
    "back": "Back of knee", "below_kneecap": "Below kneecap",
}
AGGRAVATOR_LABELS = {
    "stairs": "Stairs", "squatting": "Squatting", "sitting": "Prolonged sitting",
    "downhill": "Downhill", "running": "Running",
}
_GROUPS = (
    ("symptoms", "Symptoms", ev.SYMPTOMS, SYMPTOM_LABELS),
    ("pain_locations", "Pain location", ev.PAIN_LOCATIONS, LOCATION_LABELS),
    ("aggravating", "Aggravated by", ev.AGGRAVATORS, AGGRAVATOR_LABELS),
)
_NPRS = (("nprs_now", "Pain now"), ("nprs_best", "Pain at best"), ("nprs_worst", "Pain at worst"))
_AFFECTED_SIDES = (("left", "Left"), ("right", "Right"), ("both", "Both"))
EPISODE_NOTE = ("Side, onset, goal race and the diagnosis belong to the episode: changing them "
                "here changes them for the episode.")
_NUMBER_WIDTH = 72


def _nprs_check(value: Any) -> None:
    validate_nprs("nprs", value, "Pain")


class SubjectiveSection(EvaluationSection):
    title = "Subjective and running history"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._volume_unit_labels: list[QLabel] = []
        self.injuries = PriorInjuryModel(self)
        self.add_quick_fills(subjective_fills())
        self._build_complaint()
        self._build_running_history()
        self._build_injuries()
        self._connect_signals()

    # ---- layout ------------------------------------------------------------------------

    def _build_complaint(self) -> None:
        f = self.fields
        form = form_layout()
        add_row(form, "Chief complaint", f.line("chief_complaint", "Chief complaint",
                                              placeholder="In the patient's words"))
        onset = QHBoxLayout()
        onset.addWidget(f.line("onset_mechanism", "Onset / mechanism",
                               placeholder="e.g. gradual after mileage increase"), 1)
        onset.addWidget(inline_label("Onset date"))
        onset.addWidget(f.line("onset_date", "Onset date", kind="date"))
        add_row(form, "Onset / mechanism", onset)
        # The episode's side (with onset, goal race and the assessment's diagnosis: one
        # home, the episode; a draft's save changes them there, issue 18).
        side = QHBoxLayout()
        side.addWidget(f.choice("affected_side", "Affected side", _AFFECTED_SIDES))
        self.episode_note = QLabel(EPISODE_NOTE)
        self.episode_note.setObjectName("episodeFactsNote")
        self.episode_note.setWordWrap(True)
        side.addWidget(self.episode_note, 1)
        add_row(form, "Affected side", side)
        for group, label, keys, labels in _GROUPS:
            boxes = [f.check_box(f"{group}:{key}", labels[key]) for key in keys]
            CheckGroup(boxes)  # one Tab stop; the arrow keys move along the row
            add_row(form, label, check_row(boxes))
        pain = QHBoxLayout()
        pain.setSpacing(6)
        for index, (key, label) in enumerate(_NPRS):
            if index:
                pain.addWidget(inline_label(label))
            pain.addWidget(f.line(key, label, kind="int", unit="/ 10", noun="Pain",
                                  check=_nprs_check, width=48))
        pain.addStretch(1)
        add_row(form, "Pain now", pain)
        onset_distance = QHBoxLayout()
        onset_distance.addWidget(f.line("onset_distance", "Distance at onset", kind="float",
                                        width=_NUMBER_WIDTH, placeholder="e.g. 5.5"))
        onset_distance.addWidget(f.choice("onset_distance_unit", "Distance at onset unit",
                                          (("mi", "mi"), ("km", "km")), blank=None))
        onset_distance.addStretch(1)
        add_row(form, "Distance at onset", onset_distance)
        self.body.addLayout(form)

    def _build_running_history(self) -> None:
        f = self.fields
        self.body.addWidget(subheading("Running history"))
        left, right = form_layout(), form_layout()
        volume = QHBoxLayout()
        volume.addWidget(f.line("current_weekly_volume", "Current weekly volume", kind="float",
                                width=_NUMBER_WIDTH))
        volume.addWidget(f.choice("volume_unit", "Weekly volume unit",
                                  (("mi", "mi / week"), ("km", "km / week"),
                                   ("min", "min / week")), blank=None))
        volume.addStretch(1)
        add_row(left, "Current weekly volume", volume)
        add_row(left, "Pre-injury weekly volume", self._volume_field(
            "preinjury_weekly_volume", "Pre-injury weekly volume", " / week"))
        add_row(left, "Longest recent run", self._volume_field(
            "longest_recent_run", "Longest recent run", ""))
        add_row(left, "Runs per week", f.line("runs_per_week", "Runs per week", kind="int",
                                              width=48, unit="runs / week"))
        race = QHBoxLayout()
        race.addWidget(f.line("goal_race", "Goal race", placeholder="e.g. City Half Marathon"), 1)
        race.addWidget(inline_label("Race date"))
        race.addWidget(f.line("goal_race_date", "Race date", kind="date"))
        add_row(right, "Goal race", race)
        shoes = QHBoxLayout()
        shoes.addWidget(f.line("shoe_model", "Shoes", placeholder="Model"), 1)
        shoes.addWidget(inline_label("Heel-to-toe drop"))
        shoes.addWidget(f.line("shoe_drop_mm", "Heel-to-toe drop", kind="float", unit="mm",
                               width=48))
        add_row(right, "Shoes", shoes)
        add_row(right, "Surface", f.line("surface", "Surface",
                                         placeholder="e.g. road, trail, treadmill"))
        # Side by side on a wide screen; the right column goes under the left when narrow
        # (both use the form's label width, so the fields line up when stacked).
        self.body.addWidget(columns((left, False), (right, True)))

    def _volume_field(self, key: str, label: str, suffix: str) -> QWidget:
        box = self.fields.line(key, label, kind="float", width=_NUMBER_WIDTH, unit=f"mi{suffix}")
        unit = box.findChild(QLabel, f"{key}_unit")
        assert unit is not None
        unit.setProperty("suffix", suffix)
        self._volume_unit_labels.append(unit)
        return box

    def _build_injuries(self) -> None:
        f = self.fields
        self.body.addWidget(subheading("Prior injuries and red flags"))
        self.injury_view = QTableView()
        self.injury_view.setObjectName("prior_injuries")
        self.injury_view.setAccessibleName("Prior injuries")
        self.injury_view.setModel(self.injuries)
        self.injury_view.setItemDelegateForColumn(SIDE_COLUMN, ChoiceDelegate(INJURY_SIDES, self))
        self.injury_view.setItemDelegateForColumn(SIDE_COLUMN + 1, DateDelegate(self))
        self.injury_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.injury_view.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        header = self.injury_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 110), (2, 130)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        row_height = self.injury_view.fontMetrics().height() + 12
        self.injury_view.verticalHeader().setDefaultSectionSize(row_height)
        # Room for three injuries before it scrolls; most runners list one or two.
        self.injury_view.setFixedHeight(row_height * 4 + 6)
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addWidget(self.injury_view)
        buttons = QHBoxLayout()
        self.add_injury_button = QPushButton("Add injury")
        self.add_injury_button.setAccessibleName("Add injury")
        self.remove_injury_button = QPushButton("Remove injury")
        self.remove_injury_button.setAccessibleName("Remove injury")
        buttons.addWidget(self.add_injury_button)
        buttons.addWidget(self.remove_injury_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.injury_error = ErrorLabel()
        column.addWidget(self.injury_error)
        f.share_error("prior_injuries", self.injury_error)
        form = form_layout()
        add_row(form, "Prior injuries", column)
        red_flags = QHBoxLayout()
        red_flags.addWidget(f.check_box("red_flags_screened", "Red flags screened", "Screened"))
        red_flags.addWidget(inline_label("Notes"))
        red_flags.addWidget(f.line("red_flags_notes", "Red flag notes",
                                   placeholder="e.g. no night pain, no fever, no numbness"), 1)
        add_row(form, "Red flags", red_flags)
        self.body.addLayout(form)

    def _connect_signals(self) -> None:
        self.injuries.edited.connect(self.edited.emit)
        self.add_injury_button.clicked.connect(self._on_add_injury_clicked)
        self.remove_injury_button.clicked.connect(self._on_remove_injury_clicked)
        unit = self.fields.widget("volume_unit")
        unit.currentIndexChanged.connect(self._on_volume_unit_changed)  # type: ignore[attr-defined]

    # ---- slots -------------------------------------------------------------------------

    def _on_add_injury_clicked(self) -> None:
        row = self.injuries.add_row()
        index = self.injuries.index(row, 0)
        self.injury_view.setCurrentIndex(index)
        self.injury_view.edit(index)

    def _on_remove_injury_clicked(self) -> None:
        current = self.injury_view.currentIndex()
        if current.isValid():
            self.injuries.remove_row(current.row())

    def _on_volume_unit_changed(self, *_args: object) -> None:
        unit = self.fields.value("volume_unit") or "mi"
        for label in self._volume_unit_labels:
            suffix = str(label.property("suffix") or "")
            label.setText(f"{unit}{suffix}")

    # ---- domain mapping ----------------------------------------------------------------

    def set_default_unit(self, unit: str) -> None:
        """Clinic default (km or mi) for an empty form."""
        self.fields.set_value("onset_distance_unit", unit)
        self.fields.set_value("volume_unit", unit)

    def clear(self) -> None:
        super().clear()
        self.injuries.set_raw([])

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.injuries.set_read_only(read_only)
        self.add_injury_button.setEnabled(not read_only)
        self.remove_injury_button.setEnabled(not read_only)

    def raw(self) -> dict[str, Any]:
        return {**super().raw(), "prior_injuries": self.injuries.raw()}

    def set_raw(self, raw: dict[str, Any]) -> None:
        super().set_raw(raw)
        self.injuries.set_raw(raw.get("prior_injuries", []))

    def load(self, evaluation: ev.Evaluation) -> None:
        s = evaluation.subjective or ev.SubjectiveFindings()
        f = self.fields
        for key in ("chief_complaint", "onset_mechanism", "onset_date", "nprs_now", "nprs_best",
                    "nprs_worst", "onset_distance", "onset_distance_unit",
                    "current_weekly_volume", "preinjury_weekly_volume", "volume_unit",
                    "longest_recent_run", "runs_per_week", "goal_race", "goal_race_date",
                    "shoe_model", "shoe_drop_mm", "surface", "red_flags_screened",
                    "red_flags_notes"):
            f.set_value(key, getattr(s, key))
        for group, _label, keys, _labels in _GROUPS:
            chosen = getattr(s, group)
            for key in keys:
                f.set_value(f"{group}:{key}", key in chosen)
        self.injuries.load(s.prior_injuries)

    def to_domain(self) -> dict[str, Any]:
        f = self.fields
        values: dict[str, Any] = {
            key: f.value(key)
            for key in ("chief_complaint", "onset_mechanism", "onset_date", "nprs_now",
                        "nprs_best", "nprs_worst", "onset_distance", "current_weekly_volume",
                        "preinjury_weekly_volume", "longest_recent_run", "runs_per_week",
                        "goal_race", "goal_race_date", "shoe_model", "shoe_drop_mm", "surface",
                        "red_flags_screened", "red_flags_notes")
        }
        values["onset_distance_unit"] = f.value("onset_distance_unit") or "mi"
        values["volume_unit"] = f.value("volume_unit") or "mi"
        for group, _label, keys, _labels in _GROUPS:
            values[group] = tuple(k for k in keys if f.value(f"{group}:{k}"))
        values["prior_injuries"] = self.injuries.injuries()
        findings = ev.SubjectiveFindings(**values)
        # Units alone are not a finding: an untouched section is left out of the record.
        untouched = replace(findings, onset_distance_unit="mi", volume_unit="mi")
        return {"subjective": None if untouched == ev.SubjectiveFindings() else findings}

    def first_input(self) -> QWidget | None:
        return self.fields.widget("chief_complaint")

