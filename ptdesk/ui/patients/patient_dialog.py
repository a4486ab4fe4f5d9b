"""New/edit patient dialog with inline validation and, for a new patient, the first episode of care."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain import validation as v
from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.handout_language import ENGLISH, LANGUAGE_NAMES
from ptdesk.services.changes import ChangeKind
from ptdesk.services.conflicts import patient_fields
from ptdesk.services.episode_facts import update_episode_facts
from ptdesk.services.episodes import EpisodeInfo, active_episode, open_episode
from ptdesk.services.errors import ConflictError, ServiceError
from ptdesk.services.patients import PatientInput, create_patient, get_patient, update_patient
from ptdesk.ui.conflicts.conflict_flow import ConflictFlow
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.date_field import DateField
from ptdesk.ui.kit.form_rows import add_field_row
from ptdesk.ui.kit.palette import error_style
from ptdesk.ui.kit.wheel_guard import guard_wheels_in
from ptdesk.ui.patients.patient_checks import (
    DATE_HINT,
    EPISODE_FACT_KEYS,
    FIELD_LABELS,
    episode_fact_errors,
    icd10_code,
    parse_date,
    patient_errors,
)

DIALOG_SIZE = (980, 700)  # fits a 1280x800 screen with room for the taskbar
SEX_CHOICES = (("Not recorded", "unknown"), ("Female", "female"), ("Male", "male"), ("Other", "other"))
LEG_CHOICES = (("Not recorded", "unknown"), ("Left", "left"), ("Right", "right"))
SIDE_CHOICES = (("Choose side…", ""), ("Left", "left"), ("Right", "right"), ("Both", "both"))
# Each language named in itself, as the patient would say it.
LANGUAGE_CHOICES = tuple((name, code) for code, name in LANGUAGE_NAMES.items())
PATIENT_KEYS = ("mrn", "first_name", "last_name", "preferred_name", "date_of_birth", "sex",
                "dominant_leg", "phone", "email", "address", "referring_physician", "alerts",
                "handout_language")
CONFLICT_NOTE = ("Not saved: someone else changed this patient since you opened it. What you "
                 "typed is still here.")


class PatientDialog(QDialog):
    """Registers a patient (patient_id None) or edits one; `patient_id` holds the result."""

    def __init__(self, ctx: AppContext, patient_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.patient_id = patient_id
        self.episode_id: int | None = None
        self._offer_episode = patient_id is None
        # Editing a patient with an active episode: its facts (diagnosis, side, onset, goal
        # race) are edited here too; the evaluation shows and edits the same ones (issue 18).
        self._episode: EpisodeInfo | None = None
        self._version: int | None = None
        self.inputs: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.setWindowTitle("Edit patient" if patient_id else "New patient")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("formSummary")
        self.summary_label.setStyleSheet(error_style(self))
        self.summary_label.setWordWrap(True)
        self.summary_label.hide()
        # What the form was opened with, to tell what someone else changed meanwhile.
        self._started_from: dict[str, str] | None = None
        self._loaded_texts: dict[str, str] = {}
        self.conflicts = ConflictFlow(ctx, self, "patient's details", reload=self._reload,
                                      restore=self._on_conflict_restore,
                                      has_changes=lambda: self.form_texts() != self._loaded_texts)
        patient_box = QGroupBox("Patient", self)
        form = QFormLayout(patient_box)
        self._add_line(form, "mrn", "MRN", "e.g. PT-10482")
        self._add_line(form, "first_name", "First name")
        self._add_line(form, "last_name", "Last name")
        self._add_line(form, "preferred_name", "Preferred name", "optional")
        self._add_line(form, "date_of_birth", "Date of birth", DATE_HINT)
        self._add_combo(form, "sex", "Sex", SEX_CHOICES)
        self._add_combo(form, "dominant_leg", "Dominant leg", LEG_CHOICES)
        self._add_line(form, "phone", "Phone", "optional")
        self._add_line(form, "email", "Email", "optional")
        self._add_text(form, "address", "Address")
        self._add_line(form, "referring_physician", "Referring physician", "optional")
        self._add_text(form, "alerts", "Alerts", "e.g. latex allergy, pacemaker")
        self._add_combo(form, "handout_language", "Handout language", LANGUAGE_CHOICES)
        self.inputs["handout_language"].setToolTip(
            "The language the patient's exercise sheet and run plan print in. "
            "You can pick another one when you print.")
        self.set_value("handout_language", ENGLISH)
        self.episode_box = QGroupBox("Start an episode of care", self)
        self.episode_box.setObjectName("episodeGroup")
        self.episode_box.setAccessibleName("Start an episode of care")
        self.episode_box.setCheckable(True)
        episode_form = self._episode_form = QFormLayout(self.episode_box)
        self._add_line(episode_form, "diagnosis", "Diagnosis", "e.g. Patellofemoral pain syndrome")
        self._add_line(episode_form, "icd10_code", "ICD-10 code", "e.g. M22.2X1")
        self._add_combo(episode_form, "affected_side", "Affected side", SIDE_CHOICES)
        self._add_line(episode_form, "onset_date", "Onset date", f"{DATE_HINT}, optional")
        self._add_line(episode_form, "goal_race", "Goal race", "e.g. City Half Marathon, optional")
        self._add_line(episode_form, "goal_race_date", "Race date", f"{DATE_HINT}, optional")
        self._add_line(episode_form, "start_date", "Start of care", DATE_HINT)
        self._add_line(episode_form, "goal", "Goal", "e.g. Run 10 km without knee pain")
        self._add_line(episode_form, "goal_date", "Goal target date", f"{DATE_HINT}, optional")
        self.line("start_date").setText(date.today().isoformat())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        # A scroll area because a top-level dialog does not grow for word-wrapped messages;
        # the scroll area does, so an error under a field never overlaps the next one.
        content = QWidget(self)
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 0, 0)
        main_column = QVBoxLayout()
        main_column.addWidget(patient_box)
        main_column.addStretch(1)
        columns.addLayout(main_column, 3)
        self.episode_panel = QWidget(content)
        side = QVBoxLayout(self.episode_panel)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.episode_box)
        side.addStretch(1)
        columns.addWidget(self.episode_panel, 2)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        guard_wheels_in(content)  # scrolling the dialog never changes sex, side or language
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.conflicts.bar)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self._connect_signals()
        if patient_id is not None:
            self._load(patient_id)
        screen = self.screen().availableGeometry()
        with_episode = self._offer_episode or self._episode is not None
        width = DIALOG_SIZE[0] if with_episode else DIALOG_SIZE[0] * 3 // 5
        height = min(DIALOG_SIZE[1], content.sizeHint().height() + 120)
        self.resize(min(width, screen.width() - 40), min(height, screen.height() - 60))

    # ---- building ---------------------------------------------------------------------

    def _add_field(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        self.error_labels[key] = add_field_row(self, form, key, label, widget, spacing=1)
        self.inputs[key] = widget

    def _add_line(self, form: QFormLayout, key: str, label: str, hint: str = "") -> None:
        edit = DateField(self, label=label) if hint.startswith(DATE_HINT) else QLineEdit(self)
        edit.setPlaceholderText(hint)
        self._add_field(form, key, label, edit)

    def _add_combo(self, form: QFormLayout, key: str, label: str,
                   choices: tuple[tuple[str, str], ...]) -> None:
        combo = QComboBox(self)
        for text, value in choices:
            combo.addItem(text, value)
        self._add_field(form, key, label, combo)

    def _add_text(self, form: QFormLayout, key: str, label: str, hint: str = "") -> None:
        edit = QPlainTextEdit(self)
        edit.setPlaceholderText(hint or "optional")
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
        self._add_field(form, key, label, edit)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        for key in ("date_of_birth", "onset_date", "start_date", "goal_date", "goal_race_date"):
            self.line(key).textEdited.connect(lambda _t, k=key: self._check_date_live(k))
        for key in ("mrn", "first_name", "last_name", "email", "diagnosis"):
            self.line(key).textEdited.connect(lambda _t, k=key: self.set_error(k, ""))

    # ---- values -----------------------------------------------------------------------

    def line(self, key: str) -> QLineEdit:
        return self.inputs[key]  # type: ignore[return-value]

    def text(self, key: str) -> str:
        widget = self.inputs[key]
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        return widget.text()  # type: ignore[attr-defined,no-any-return]

    def set_value(self, key: str, value: str) -> None:
        widget = self.inputs[key]
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(widget.findData(value), 0))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        else:
            widget.setText(value)  # type: ignore[attr-defined]

    def set_error(self, key: str, message: str) -> None:
        label = self.error_labels.get(key)
        if label is not None:
            label.setText(message)
            label.setVisible(bool(message))

    def _check_date_live(self, key: str) -> None:
        try:
            parse_date(self.text(key), key, FIELD_LABELS[key])
        except ValidationError as exc:
            # Only complain once the date could be complete; "1990-0" is not wrong yet.
            self.set_error(key, exc.message if len(self.text(key).strip()) >= 10 else "")
        else:
            self.set_error(key, "")

    def _load(self, patient_id: int) -> None:
        patient = get_patient(self.ctx.session_factory, actor=self.ctx.actor, patient_id=patient_id)
        self._version = patient.version
        for key in ("mrn", "first_name", "last_name", "preferred_name", "sex", "dominant_leg",
                    "phone", "email", "address", "referring_physician", "alerts",
                    "handout_language"):
            self.set_value(key, getattr(patient, key))
        self.set_value("date_of_birth", patient.date_of_birth.isoformat())
        episode = active_episode(self.ctx.session_factory, patient_id, actor=self.ctx.actor)
        self._offer_episode = episode is None
        self.episode_box.setChecked(False)
        if episode is not None:
            self._show_episode(episode)
        self._started_from = patient_fields(patient)
        self._loaded_texts = self.form_texts()
        self.conflicts.set_form(f"patient:{patient_id}", patient_id)

    def _show_episode(self, episode: EpisodeInfo) -> None:
        """The active episode's facts, editable (start of care and goals are not edited here)."""
        self._episode = episode
        self.episode_box.setTitle("Episode of care")
        self.episode_box.setAccessibleName("Episode of care")
        self.episode_box.setCheckable(False)
        for key in ("start_date", "goal", "goal_date"):
            self._episode_form.setRowVisible(self.inputs[key].parentWidget(), False)
        for key in ("diagnosis", "icd10_code", "affected_side", "goal_race"):
            self.set_value(key, str(getattr(episode, key)))
        for key in ("onset_date", "goal_race_date"):
            when = getattr(episode, key)
            self.set_value(key, when.isoformat() if when else "")

    def episode_facts(self) -> tuple[EpisodeFacts | None, dict[str, str]]:
        """The edited facts of the active episode, checked like the service will."""
        assert self._episode is not None
        return episode_fact_errors({key: self.text(key) for key in EPISODE_FACT_KEYS},
                                   self._episode.start_date)

    def form_texts(self) -> dict[str, str]:
        """The patient fields as typed (kept as a copy when a save conflicts)."""
        return {key: self.text(key) for key in PATIENT_KEYS}

    def _reload(self) -> None:
        if self.patient_id is not None:
            self._load(self.patient_id)
            self.show_errors({})

    def _on_conflict_restore(self, form: str) -> bool:
        """The kept text back over the version now shown; saving it replaces that one."""
        try:
            texts = json.loads(form)
            for key in PATIENT_KEYS:
                self.set_value(key, str(texts.get(key, "")))
        except (ValueError, AttributeError):
            return False
        return True

    def patient_input(self) -> tuple[PatientInput, dict[str, str]]:
        errors: dict[str, str] = {}
        try:
            born = parse_date(self.text("date_of_birth"), "date_of_birth", "Date of birth",
                              required=True)
        except ValidationError as exc:
            born, errors[exc.field] = None, exc.message
        data = PatientInput(
            mrn=self.text("mrn"), first_name=self.text("first_name"),
            last_name=self.text("last_name"), date_of_birth=born, sex=self.text("sex"),
            preferred_name=self.text("preferred_name"), phone=self.text("phone"),
            email=self.text("email"), address=self.text("address"),
            referring_physician=self.text("referring_physician"),
            dominant_leg=self.text("dominant_leg"), alerts=self.text("alerts"),
            handout_language=self.text("handout_language"),
        )
        found = patient_errors(data if born else replace(data, date_of_birth=date(2000, 1, 1)))
        return data, {**found, **errors}

    def episode_values(self, born: date | None) -> tuple[dict[str, object], dict[str, str]]:
        """The episode section checked like open_episode will, so nothing is half-saved."""
        errors: dict[str, str] = {}
        values: dict[str, object] = {}

        def check(key: str, fn: object) -> None:
            try:
                values[key] = fn()  # type: ignore[operator]
            except ValidationError as exc:
                errors[key] = exc.message

        check("diagnosis", lambda: v.require_text("diagnosis", self.text("diagnosis"), "Diagnosis", 300))
        check("icd10_code", lambda: icd10_code(self.text("icd10_code")))
        if self.text("affected_side") not in v.AFFECTED_SIDES:
            errors["affected_side"] = "Choose the affected side: left, right or both."
        for key in ("onset_date", "start_date", "goal_date", "goal_race_date"):
            check(key, lambda k=key: parse_date(self.text(k), k, FIELD_LABELS[k],
                                                required=k == "start_date"))
        check("goal", lambda: v.optional_text("goal", self.text("goal"), "Goal", 500))
        onset, start = values.get("onset_date"), values.get("start_date")
        if isinstance(onset, date) and isinstance(start, date) and onset > start:
            errors["onset_date"] = "Onset cannot be after the start of care."
        if isinstance(start, date) and born and start < born:
            errors["start_date"] = "Start of care cannot be before the date of birth."
        if values.get("goal_date") and not values.get("goal"):
            errors["goal"] = "Write the goal that the target date belongs to."
        return values, errors

    # ---- saving -----------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> None:
        for key in self.error_labels:
            self.set_error(key, errors.get(key, ""))
        if errors:
            names = ", ".join(FIELD_LABELS.get(k, k) for k in self.error_labels if k in errors)
            extra = [m for k, m in errors.items() if k not in self.error_labels]
            self.summary_label.setText("Not saved yet. Please check: " + (names or "")
                                       + ("; " if names and extra else "") + " ".join(extra))
            first = next((k for k in self.inputs if k in errors), None)
            if first is not None:
                self.inputs[first].setFocus()
        self.summary_label.setVisible(bool(errors))

    def save(self) -> bool:
        """Validate everything, then write; on any problem the form keeps what was typed."""
        data, errors = self.patient_input()
        want_episode = self._offer_episode and self.episode_box.isChecked()
        episode, episode_errors = self.episode_values(data.date_of_birth) if want_episode else ({}, {})
        errors.update(episode_errors)
        facts, fact_errors = self.episode_facts() if self._episode is not None else (None, {})
        errors.update(fact_errors)
        if errors:
            self.show_errors(errors)
            return False
        sf, actor = self.ctx.session_factory, self.ctx.actor
        try:
            if self.patient_id is None:
                created = create_patient(sf, actor=actor, data=data)
                # From here on the form edits this patient, so a failed episode never
                # registers the patient twice.
                self.patient_id, self._version = created.id, created.version
            else:
                saved = update_patient(sf, actor=actor, patient_id=self.patient_id, data=data,
                                       expected_version=self._version)
                self._version = saved.version
            if want_episode and self.episode_id is None:
                goal = str(episode.get("goal") or "")
                self.episode_id = open_episode(
                    sf, actor=actor, patient_id=self.patient_id,
                    diagnosis=str(episode["diagnosis"]), affected_side=self.text("affected_side"),
                    start_date=episode["start_date"], icd10_code=str(episode["icd10_code"]),  # type: ignore[arg-type]
                    onset_date=episode["onset_date"],  # type: ignore[arg-type]
                    goals=((goal, episode["goal_date"]),) if goal else (),  # type: ignore[arg-type]
                    goal_race=self.text("goal_race"), goal_race_date=episode["goal_race_date"],  # type: ignore[arg-type]
                ).id
            if facts is not None and self._episode is not None:
                version = update_episode_facts(
                    sf, actor=actor, episode_id=self._episode.id, facts=facts,
                    expected_version=self._episode.version)
                self._episode = replace(self._episode, version=version, **{
                    name: getattr(facts, name) for name in (
                        "diagnosis", "icd10_code", "affected_side", "onset_date", "goal_race",
                        "goal_race_date")})
                self.episode_id = self._episode.id
        except ValidationError as exc:
            key = "start_date" if exc.field == "visit_date" else exc.field
            self.show_errors({key: exc.message})
            return False
        except ConflictError as exc:
            self.summary_label.setText(CONFLICT_NOTE)
            self.summary_label.show()
            self.conflicts.show_conflict(exc, self._started_from, form=json.dumps(
                self.form_texts()), title="Patient details")
            return False
        except ServiceError as exc:
            QMessageBox.warning(self, "Not saved", str(exc))
            return False
        self.show_errors({})
        self.ctx.signals.patient_changed.emit(self.patient_id)
        if self.episode_id is not None:
            self.ctx.signals.data_changed.emit(ChangeKind.EPISODE, self.patient_id)
        return True

    def _on_buttons_accepted(self) -> None:
        if self.save():
            self.accept()
