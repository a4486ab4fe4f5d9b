"""The Exercises tab: pick from the library, edit the dosed list, save a dated version, print."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.conflicts import STARTED_EMPTY
from ptdesk.domain.errors import ValidationError
from ptdesk.services.changes import ChangeKind
from ptdesk.services.episodes import ACTIVE_EPISODE
from ptdesk.services.exercises import ExerciseInfo
from ptdesk.services.prescriptions import (
    DosedItem,
    info_fields,
    prescription_history,
    save_prescription,
)
from ptdesk.ui.chart.exercises.history_model import HistoryModel
from ptdesk.ui.chart.exercises.library_panel import LibraryPanel
from ptdesk.ui.chart.exercises.prescription_panel import PrescriptionPanel
from ptdesk.ui.chart.exercises.preview_panel import ExercisePreview
from ptdesk.ui.chart.form_session import FormSession
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.activation import on_open
from ptdesk.ui.kit.date_field import DateField
from ptdesk.ui.kit.text import day_text


def _group(title: str, child: QWidget, name: str) -> QGroupBox:
    box = QGroupBox(title)
    box.setObjectName(name)
    layout = QVBoxLayout(box)
    layout.addWidget(child)
    return box


class ExercisesTab(ChartTab):
    """ChartTab for the home-exercise prescription (see `ptdesk.ui.chart.tab.ChartTab`)."""

    title = "Exercises"
    save_permission = "prescribe"
    refresh_kinds = frozenset({ChangeKind.EXERCISES})
    prints = "exercises"
    print_menu_text = "&Exercise sheet"
    print_question = "The sheet prints the saved prescription. Save your changes first?"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._ctx = ctx
        self.edits = FormSession(ctx, self, what="exercise prescription", payload=self._payload)
        # The saved version the editor started from: a save replaces only that version.
        # A kept copy goes back over the version now shown: saving it replaces that one.
        self.conflicts = self.edits.watch_conflicts(
            "exercise programme", reload=self._load_saved,
            restore=lambda form: self._restore(form, adopt_base=False))
        self.library = LibraryPanel(ctx)
        self.editor = PrescriptionPanel(ctx)
        self.preview = ExercisePreview(ctx)
        self.history_model = HistoryModel(self)
        self.history = QListView()
        self.history.setObjectName("prescription_history")
        self.history.setAccessibleName("Earlier versions")
        self.history.setModel(self.history_model)
        self.copy_button = QPushButton("Copy into editor")
        self.copy_button.setObjectName("copy_version")
        self.copy_button.setToolTip("Start from the selected version; saving makes a new one")
        self.effective = DateField(required=True, label="Starts on")
        self.effective.setObjectName("effective_date")
        self.effective.setAccessibleName("Starts on")
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("d MMM yyyy")
        self.note = QLineEdit()
        self.note.setObjectName("prescription_note")
        self.note.setAccessibleName("Note for this version")
        self.note.setPlaceholderText("Why it changed (optional)")
        self.save_button = QPushButton("Save prescription")
        self.save_button.setObjectName("save_prescription")
        self.save_button.setToolTip("Ctrl+S — saves a new dated version; the old one stays in "
                                    "the history")
        self.print_button = QPushButton("Print exercise sheet…")
        self.print_button.setObjectName("print_exercises")
        self.state = QLabel()
        self.state.setObjectName("prescription_state")
        self.state.setWordWrap(True)  # wraps rather than push Print off a 1024 px window
        self._build_layout()
        self._connect_signals()
        self.library.reload()
        self.set_patient(None)

    def _build_layout(self) -> None:
        # Two columns, so the chart still fits beside the patient list (about 960 px wide):
        # pick and look on the left, prescribe on the right.
        version_row = QHBoxLayout()
        version_row.addWidget(QLabel("Starts on"))
        version_row.addWidget(self.effective)
        version_row.addSpacing(12)
        version_row.addWidget(QLabel("Note for this version"))
        version_row.addWidget(self.note, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.state, 1)
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.print_button)
        history_box = QWidget()
        history_layout = QHBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history, 1)
        history_layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        history_group = _group("Earlier versions", history_box, "history_group")
        self.history.setMinimumHeight(48)
        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(_group("Prescription", self.editor, "prescription_group"), 1)
        top_layout.addLayout(version_row)
        top_layout.addLayout(save_row)
        right.addWidget(top)
        right.addWidget(history_group)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 0)
        right.setSizes([700, 90])
        left = QSplitter(Qt.Orientation.Vertical)
        left.setChildrenCollapsible(False)
        left.addWidget(_group("Exercise library", self.library, "library_group"))
        left.addWidget(_group("Selected exercise", self.preview, "preview_group"))
        left.setSizes([380, 420])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)  # the two columns fit a 1024 px window
        layout.addWidget(self.conflicts.bar)
        layout.addWidget(splitter)

    def _connect_signals(self) -> None:
        self.library.add_requested.connect(self._on_library_add_requested)
        self.library.set_add_check(self._add_refusal)
        self.library.current_changed.connect(self._on_library_current_changed)
        self.editor.current_exercise_changed.connect(self._on_editor_current_exercise_changed)
        self.editor.model.edited.connect(self._on_form_edited)
        self.preview.exercise_updated.connect(self._on_preview_exercise_updated)
        self.effective.dateChanged.connect(self._on_form_edited)
        self.note.textEdited.connect(self._on_form_edited)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        on_open(self.history, self._on_history_activated)

    # --- ChartTab ------------------------------------------------------------------------
    def view_only_keep(self) -> list[QWidget]:
        return [self.print_button, self.library.search, self.library.category, self.library.muscle, self.conflicts.bar]

    def set_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        self.editor.patient_id = patient_id
        if self.library.model.rowCount() == 0:
            self.library.reload()
        self._load_saved()
        for widget in (self.editor, self.effective, self.note, self.save_button,
                       self.print_button, self.copy_button):
            widget.setEnabled(patient_id is not None)
        if patient_id is None:
            return
        draft = self.edits.offer()
        if draft is not None:
            self._restore(draft.payload)

    def save(self) -> bool:
        if self._patient_id is None:
            return False
        sf, pid = self._ctx.session_factory, self._patient_id
        saved = self.edits.save(
            lambda key: save_prescription(
                sf, actor=self._ctx.actor, patient_id=pid, items=self.editor.model.items(),
                effective_date=self.effective.date().toPython(), note=self.note.text(),
                episode_id=ACTIVE_EPISODE, based_on_id=self.edits.version,
                draft_key=key),
            title="Exercise programme", failed_title="Save prescription",
            invalid=self._on_save_invalid, note=self.state.setText,
            conflict_note="Not saved: someone else saved a newer version. Your list is "
                          "still here.")
        if saved is None:
            return False
        self._load_saved()
        self.announce(ChangeKind.EXERCISES)
        self._ctx.signals.status_message.emit(
            f"Prescription saved ({len(saved.items)} exercises).")
        return True

    def reload(self, offer_draft: bool = False) -> None:
        """Show the prescription as saved now (another workstation saved); edits are dropped.

        The chart calls flush_draft() first to keep them; `offer_draft` offers them back.
        """
        row = max(self.editor.view.currentIndex().row(), 0)
        if offer_draft:
            self.set_patient(self._patient_id)
        else:
            self._load_saved()
        self.editor.view.select_row(min(row, self.editor.model.rowCount() - 1))

    # --- loading and drafts --------------------------------------------------------------
    def _load_saved(self) -> None:
        """Show the patient's current version (or an empty list) and the history."""
        key = f"prescription:patient:{self._patient_id}" if self._patient_id else None
        self.edits.open(key, self._patient_id, "Exercise prescription")
        with self.edits.loading():
            self._fill_saved()
        if self._patient_id is None:
            self.state.setText("Select a patient to prescribe exercises.")
        elif self._active is None:
            self.state.setText("No exercises prescribed yet.")
        else:
            self.state.setText(f"Current version from {day_text(self._active.effective_date)}.")

    def _fill_saved(self) -> None:
        versions = (prescription_history(self._ctx.session_factory, self._patient_id,
                                         actor=self._ctx.actor)
                    if self._patient_id is not None else [])
        active = next((v for v in versions if v.status == "active"), None)
        self.edits.version = active.id if active else STARTED_EMPTY
        self.edits.started_from = info_fields(active)
        self._active = active
        self.conflicts.set_form(self.edits.key, self._patient_id)
        self.history_model.set_versions(versions)
        self.editor.model.set_items(list(active.items) if active else [])
        self.effective.setDate(QDate(date.today()))
        self.note.setText("")
        self.editor.error.setVisible(False)
        self.editor.view.select_row(0)

    def _payload(self) -> str:
        return json.dumps({
            "items": [asdict(item) for item in self.editor.model.items()],
            "effective_date": self.effective.date().toPython().isoformat(),
            "note": self.note.text(), "based_on_id": self.edits.version,
        })

    def _restore(self, payload: str, *, adopt_base: bool = True) -> bool:
        try:
            data = json.loads(payload)
            items = [DosedItem(**item) for item in data.get("items", [])]
        except (ValueError, TypeError, AttributeError):
            return False  # a draft from an older version of the form: nothing safe to restore
        if adopt_base:
            self.edits.adopt(data.get("based_on_id"))
        with self.edits.loading():
            self.editor.model.set_items(items)
            if data.get("effective_date"):
                self.effective.setDate(QDate(date.fromisoformat(data["effective_date"])))
            self.note.setText(str(data.get("note", "")))
            self.editor.view.select_row(0)
        self._mark_dirty()
        return True

    def _on_save_invalid(self, exc: ValidationError) -> None:
        self.editor.show_save_error(exc)
        self.state.setText("Not saved yet — see the message above the buttons.")

    def _mark_dirty(self) -> None:
        if self.edits.edited():
            self.state.setText("Unsaved changes (kept as a draft while you work).")

    # --- slots ---------------------------------------------------------------------------
    def _on_form_edited(self, *_args: object) -> None:
        self._mark_dirty()

    def _add_refusal(self, info: ExerciseInfo) -> str:
        """Why the picker may not add `info` ("" = it may): one line per exercise (issue 19)."""
        if self._patient_id is None:
            return "Open a patient's chart to add exercises."
        if not self._ctx.can("prescribe"):
            return "View only: you can look at the library but not change the programme."
        if any(item.exercise_id == info.id for item in self.editor.model.items()):
            return (f"{info.name} is already in the programme. Change its dosage there "
                    f"instead of adding it twice.")
        return ""

    def _on_library_add_requested(self, info: ExerciseInfo) -> None:
        if self._patient_id is not None and self._ctx.can("prescribe"):  # not view-only
            self.editor.add_exercise(info)

    def _on_library_current_changed(self, info: ExerciseInfo | None) -> None:
        self.preview.show_exercise(info)

    def _on_editor_current_exercise_changed(self, exercise_id: int) -> None:
        self.preview.show_exercise_id(exercise_id)

    def _on_preview_exercise_updated(self, _info: ExerciseInfo) -> None:
        self.library.refresh()

    def _on_save_button_clicked(self) -> None:
        self.save()

    def _on_print_button_clicked(self) -> None:
        self.print_handout()


    def _on_copy_button_clicked(self) -> None:
        self._on_history_activated(self.history.currentIndex())

    def _on_history_activated(self, index: QModelIndex) -> None:
        version = self.history_model.version_at(index.row()) if index.isValid() else None
        if version is None or self._patient_id is None or not self._ctx.can("prescribe"):
            return
        self.editor.model.set_items(list(version.items))
        self.editor.view.select_row(0)
        self.note.setText(version.note)
        self._mark_dirty()

    def on_local_change(self, kind: ChangeKind) -> None:
        if not self.edits.dirty:
            self._load_saved()
