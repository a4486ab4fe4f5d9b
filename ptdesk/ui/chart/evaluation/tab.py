"""The Evaluation chart tab: one visit's structured evaluation, with autosaved drafts and carry-forward."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ptdesk.domain import evaluation as ev
from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.evaluation_fields import evaluation_fields
from ptdesk.domain.note_facts import show_in_note, without_facts
from ptdesk.services.changes import ChangeKind
from ptdesk.services.clinic import get_settings
from ptdesk.services.errors import ConflictError, RecordLockedError, ServiceError
from ptdesk.services.evaluations import (
    VisitSummary,
    list_visits,
    load_evaluation,
    save_evaluation,
)
from ptdesk.ui.chart.evaluation.ankle_section import AnkleSection
from ptdesk.ui.chart.evaluation.assessment_section import AssessmentSection
from ptdesk.ui.chart.evaluation.carry_forward import fill_carried, previous_record
from ptdesk.ui.chart.evaluation.carry_marks import CarryMarks
from ptdesk.ui.chart.evaluation.draft_store import draft_payload, form_key, read_draft
from ptdesk.ui.chart.evaluation.episode_facts_form import facts_in_form, form_error, show_facts
from ptdesk.ui.chart.evaluation.episode_sides import EpisodeSides
from ptdesk.ui.chart.evaluation.form_links import FootwearFromShoes, same_tests
from ptdesk.ui.chart.evaluation.gait_section import GaitSection
from ptdesk.ui.chart.evaluation.knee_section import KneeSection
from ptdesk.ui.chart.evaluation.outcome_measures_panel import OutcomeMeasuresPanel
from ptdesk.ui.chart.evaluation.readiness_section import ReadinessSection
from ptdesk.ui.chart.evaluation.refusal import clear_refusal, recheck_refusal, show_refusal
from ptdesk.ui.chart.evaluation.section import EvaluationSection
from ptdesk.ui.chart.evaluation.signing_panel import SigningPanel
from ptdesk.ui.chart.evaluation.soap_draft import SoapDrafter
from ptdesk.ui.chart.evaluation.strength_grid import StrengthGrid
from ptdesk.ui.chart.evaluation.subjective_section import SubjectiveSection
from ptdesk.ui.chart.evaluation.visit_header import VisitHeader
from ptdesk.ui.chart.form_session import FormSession
from ptdesk.ui.chart.tab import ChartTab
from ptdesk.ui.context import AppContext

SIGNED_NOTE = "Signed notes cannot be changed; add an addendum."
CONFLICT_NOTE = ("Not saved: someone else saved this visit since you opened it. Your entries "
                 "are still here and kept as a draft.")
SECTION_TITLES = {"subjective": "Subjective", "knee": "Knee", "ankle": "Ankle",
                  "strength": "Strength", "readiness": "Readiness", "gait": "Gait",
                  "assessment": "Assessment"}
# The draft's entry for the episode version its facts were typed on (not a section).
EPISODE_KEY = "_episode"
# Visits whose note carries the return-to-run readiness section (issue 17).
READINESS_VISITS = ("initial_evaluation", "re_evaluation")


class EvaluationTab(ChartTab):
    title = "Evaluation"
    save_permission = "edit_evaluation"
    refresh_kinds = frozenset({ChangeKind.EVALUATION, ChangeKind.EPISODE, ChangeKind.VISITS})
    opens_visits = True
    prints = "evaluation"
    print_menu_text = "E&valuation and plan of care"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ctx = ctx
        self.edits = FormSession(ctx, self, what="visit note", payload=self._draft_payload)
        self._visit: VisitSummary | None = None
        # The episode's facts as the open note shows them, and the episode version they
        # were read at (a save sends it back: someone else's episode edit is not lost).
        self._facts: EpisodeFacts | None = None
        self._episode_version: int | None = None
        self._units = "mi"
        self._subjective = SubjectiveSection()
        self._strength = StrengthGrid()
        self._ankle = AnkleSection()
        self._readiness = ReadinessSection()
        self._gait = GaitSection()
        self.sections: dict[str, EvaluationSection] = {
            "subjective": self._subjective, "knee": KneeSection(), "ankle": self._ankle,
            "strength": self._strength, "readiness": self._readiness, "gait": self._gait,
            "assessment": AssessmentSection(),
        }
        self.sides = EpisodeSides(ctx, self.edits, self._ankle, self._strength,
                                  self._readiness, lambda text: self.header.show_error(text))
        self.header = VisitHeader([SECTION_TITLES[name] for name in self.sections])
        content = QWidget()
        content.setObjectName("evaluationContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(16, 4, 16, 16)
        self.carry = CarryMarks(ctx, self.sections, lambda: self.edits.is_loading)
        column.addWidget(self.carry.banner)  # "values carried from 12 Nov — not re-measured"
        for section in self.sections.values():
            column.addWidget(section)
        # The clinic's outcome measures for this visit, inside the note (issue 18).
        self.measures = OutcomeMeasuresPanel(ctx)
        column.addWidget(self.measures)
        self.signing = SigningPanel(ctx, before_sign=self._save_before_signing,
                                    unconfirmed=self.carry.labels)
        column.addWidget(self.signing)  # signature and addenda go under the note
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(content)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # After "Reload their version" the kept copy replaces the plain draft (discard_changes).
        self.conflicts = self.edits.watch_conflicts("visit note", reload=self._reopen,
                                                    restore=self._on_conflict_restore)
        layout.addWidget(self.header)
        layout.addWidget(self.conflicts.bar)
        layout.addWidget(self.scroll, 1)
        self.drafter = SoapDrafter(self)  # Draft from exam (S, O, A, P from the fields)
        self.footwear = FootwearFromShoes(self._subjective, self._gait, lambda: self.edits.is_loading)
        self.same_tests = same_tests(self.sections["knee"], self.sections["ankle"],
                                     self.sections["readiness"], lambda: self.edits.is_loading)
        self._connect_signals()
        self._show_no_visit("Select a patient to chart an evaluation.")

    def _connect_signals(self) -> None:
        for section in self.sections.values():
            section.edited.connect(self._on_section_edited)
        self.header.visit_chosen.connect(self._on_header_visit_chosen)
        self.header.save_button.clicked.connect(self._on_save_button_clicked)
        self.header.carry_button.clicked.connect(self._on_header_carry_forward_clicked)
        self.header.section_chosen.connect(self._on_header_section_chosen)
        self.signing.note_signed.connect(self._on_signing_note_signed)
        self.measures.measure_requested.connect(self.measure_requested.emit)
        for n in range(len(self.sections)):
            # Alt+1..6 jump to a section from anywhere in the tab (the tab owns the
            # shortcut, so it works while a field deep in the form has focus).
            shortcut = QShortcut(QKeySequence(f"Alt+{n + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda i=n: self._on_header_section_chosen(i))

    # ---- ChartTab ----------------------------------------------------------------------

    def view_only_keep(self) -> list[QWidget]:
        return [self.header.visit_combo, *self.header.jump_buttons, self.conflicts.bar]

    def print_visit_id(self) -> int | None:
        return self._visit.id if self._visit is not None else None

    def set_patient(self, patient_id: int | None) -> None:
        self.flush_draft()
        self._patient_id = patient_id
        self._visit = None
        if patient_id is None:
            self.header.set_visits([], None)
            self._show_no_visit("Select a patient to chart an evaluation.")
            return
        visits = self._load_patient_context(patient_id)
        if visits:
            self.open_visit(visits[0].id)
        else:
            self._show_no_visit("No visits yet. Start one in the Visits tab "
                                "(for example New initial evaluation).")

    def save(self) -> bool:
        """Validate every field, then save all sections in one service call."""
        if self._visit is None:
            return not self.edits.dirty
        if self._visit.status == "signed":
            self.header.show_error(SIGNED_NOTE)
            return False
        clear_refusal(self.header, self.sections.values())
        problems = [p for section in self.sections.values() for p in section.check_fields()]
        if problems:
            show_refusal(self.header, self.sections.values(), self.scroll, problems)
            return False
        try:
            evaluation = self.build_evaluation()  # the service validates it
            summary = save_evaluation(
                self.ctx.session_factory, actor=self.ctx.actor, visit_id=self._visit.id,
                evaluation=evaluation, expected_version=self.edits.version,
                draft_key=self.edits.key, expected_episode_version=self._episode_version)
        except ValidationError as exc:
            show_refusal(self.header, self.sections.values(), self.scroll, [form_error(exc)])
            return False
        except ConflictError as exc:
            self.header.show_error(CONFLICT_NOTE)
            self.edits.show_conflict(exc, f"Evaluation {self._visit.visit_date:%Y-%m-%d}")
            return False
        except RecordLockedError:
            self.header.show_error(SIGNED_NOTE)
            return False
        except ServiceError as exc:
            self.header.show_error(f"Not saved: {exc}")
            return False
        self._visit = summary
        self._facts, self._episode_version = evaluation.episode_facts, summary.episode_version
        self.sides.confirm()
        self.edits.saved(summary.version)
        self.edits.started_from = evaluation_fields(evaluation)
        self.signing.show_visit(summary)
        self.header.select_visit(summary)
        self.alerts_saved.emit(summary.patient_id, summary.alerts)
        self.announce(ChangeKind.EVALUATION)
        if summary.episode_changed:  # the chart header and patient details show them too
            self.sides.load(summary.patient_id)  # a new affected side moves the LSI's side
            self.announce(ChangeKind.EPISODE)
        self.ctx.signals.status_message.emit("Evaluation saved.")
        return True

    def flush_draft(self, force: bool = False) -> None:
        """Keep the raw form (even invalid text) in the database until it is saved."""
        try:
            self.edits.flush(force)
        except ServiceError:
            self.ctx.signals.status_message.emit("Could not autosave the evaluation draft.")

    def discard_changes(self) -> None:
        """The user chose to discard: drop the draft and show the saved evaluation again."""
        self.edits.discard()
        self._reopen()

    def _reopen(self) -> None:
        if self._visit is not None:
            self._open(self._visit.id, offer_draft=False)

    def reload(self, offer_draft: bool = False) -> None:
        """The open visit as saved now; edits are dropped (the chart flushes a draft first)."""
        self.edits.clean()  # forget the edits; their draft stays
        if self._patient_id is None or self._visit is None:
            self.set_patient(self._patient_id)  # a first visit may have been started elsewhere
            return
        self._load_patient_context(self._patient_id)
        self._open(self._visit.id, offer_draft=offer_draft)

    # ---- visits ------------------------------------------------------------------------

    def open_visit(self, visit_id: int) -> None:
        """Show one visit's evaluation; an autosaved draft of it is offered back."""
        if self._visit is not None and self._visit.id == visit_id and self.edits.dirty:
            return  # already open with edits: keep them
        self.flush_draft()
        self._open(visit_id, offer_draft=True)

    def _open(self, visit_id: int, *, offer_draft: bool) -> None:
        sf, actor = self.ctx.session_factory, self.ctx.actor
        try:
            summary, evaluation = load_evaluation(sf, actor=actor, visit_id=visit_id)
        except ServiceError as exc:
            self._show_no_visit(str(exc))
            return
        if summary.patient_id != self._patient_id:
            self._patient_id = summary.patient_id
            self._load_patient_context(summary.patient_id)
        self._visit = summary
        self._facts, self._episode_version = evaluation.episode_facts, summary.episode_version
        self._readiness.setVisible(summary.visit_type in READINESS_VISITS)
        signed = summary.status == "signed"
        self.edits.open(None if signed else form_key(summary.id), summary.patient_id,
                       f"Evaluation {summary.visit_date:%Y-%m-%d}", summary.version)
        self.edits.started_from = evaluation_fields(evaluation)
        self._fill(evaluation)
        self.carry.open(summary.id, signed)
        self.conflicts.set_form(form_key(summary.id), summary.patient_id)
        self.header.select_visit(summary)
        self._set_read_only(signed)
        self.header.show_info(SIGNED_NOTE if signed else "")
        self.header.show_error("")
        self.header.set_actions(can_save=not signed,
                                can_carry_forward=not signed
                                and summary.visit_type != "initial_evaluation")
        self.signing.show_visit(summary)
        self.measures.show_visit(summary)
        if offer_draft and not signed:
            self._offer_draft(summary)

    def _offer_draft(self, visit: VisitSummary) -> None:
        draft = self.edits.offer()
        if draft is None:
            return
        try:
            restored = read_draft(draft.payload)
        except ValueError:
            self.header.show_error("The saved draft could not be read; it was left unchanged.")
            return
        self._set_raw(restored.sections)
        # Saving checks against the version the draft was typed on, so a newer save by
        # someone else is reported as a conflict instead of silently overwritten.
        self.edits.adopt(restored.version)
        episode = restored.sections.get(EPISODE_KEY)
        if isinstance(episode, dict) and isinstance(episode.get("version"), int):
            self._episode_version = episode["version"]  # the episode's, likewise
        self.ctx.signals.status_message.emit("Unsaved changes restored.")

    def _set_raw(self, sections: dict[str, Any]) -> None:
        """Typed texts back into every section (a draft or a kept copy); the form is edited."""
        with self.edits.loading():
            for name, section in self.sections.items():
                section.set_raw(sections.get(name, {}))
        self.edits.dirty = True

    def _draft_payload(self) -> str:
        visit_id = self._visit.id if self._visit else 0
        sections: dict[str, Any] = {name: s.raw() for name, s in self.sections.items()}
        sections[EPISODE_KEY] = {"version": self._episode_version}
        return draft_payload(visit_id, self.edits.version, sections)

    def build_evaluation(self) -> ev.Evaluation:
        """The typed evaluation from the form; ValidationError(field, ...) on bad input."""
        values: dict[str, Any] = {}
        for section in self.sections.values():
            values.update(section.to_domain())
        evaluation = ev.Evaluation(**values)
        if self._facts is None or self._visit is None or self._visit.status == "signed":
            return evaluation
        # A draft shows its episode's facts: what the form holds now is the episode's. A
        # section holding nothing but them is not a finding of this note.
        return show_in_note(without_facts(evaluation), facts_in_form(self.sections))

    # ---- slots -------------------------------------------------------------------------

    def _on_section_edited(self) -> None:
        self.edits.edited()  # ignored while loading and on signed notes (no draft key)
        recheck_refusal(self.header, self.sections.values())  # a fixed field clears its note

    def _on_save_button_clicked(self) -> None:
        self.save()

    def _save_before_signing(self) -> bool:
        return self.save() if self.edits.dirty else True

    def _on_signing_note_signed(self, visit_id: int) -> None:
        self.carry.discard()  # signing confirmed them (audited with the signature)
        self.edits.discard()
        self._open(visit_id, offer_draft=False)  # now read-only, with the signature shown
        if self._visit is not None:
            self._relist_visits(self._visit.patient_id)
            self.announce(ChangeKind.VISITS)
        self.ctx.signals.status_message.emit("Note signed.")

    def _on_conflict_restore(self, form: str) -> bool:
        """Put the kept text back over the version now shown; saving it replaces that one."""
        try:
            sections = json.loads(form)["sections"]
        except (ValueError, KeyError, TypeError):
            sections = None
        if self._visit is None or self._visit.status == "signed" or sections is None:
            self.header.show_error("Your kept text cannot go back into this note (it is signed "
                                   "or the copy is unreadable); use Copy my text instead.")
            return False
        self._set_raw(sections)
        self.header.show_error("")
        self.flush_draft()
        return True

    def _on_header_visit_chosen(self, visit_id: int) -> None:
        self.open_visit(visit_id)

    def _on_header_section_chosen(self, index: int) -> None:
        section = list(self.sections.values())[index]
        self.scroll.verticalScrollBar().setValue(section.y())
        first = section.first_input()
        if first is not None:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_header_carry_forward_clicked(self) -> None:
        visit = self._visit
        if visit is None or visit.status == "signed":
            return
        carried = previous_record(self, self.ctx, visit, self.sections)
        if carried is None:
            return
        if carried.empty:
            self.header.show_error("There is no earlier visit to carry forward from.")
            return
        with self.edits.loading():
            marks = fill_carried(self.sections, carried)
        self.carry.add(marks)
        self._on_section_edited()
        self.header.show_error("")
        self.ctx.signals.status_message.emit("Earlier values filled in and framed: check them.")

    def on_local_change(self, kind: ChangeKind) -> None:
        if self._patient_id is None:
            return
        if kind == ChangeKind.EPISODE:
            self.sides.load(self._patient_id)
            if self._visit is not None and self._visit.status != "signed" and not self.edits.dirty:
                self._reopen()  # the draft shows the episode's facts as they are now
        else:  # a visit added or signed elsewhere (the tab's own saves do not come back here)
            self._relist_visits(self._patient_id)

    def _relist_visits(self, patient_id: int) -> None:
        visits = list_visits(self.ctx.session_factory, patient_id, actor=self.ctx.actor)
        if self._visit is not None and all(v.id != self._visit.id for v in visits):
            # The note shown was deleted (an unsigned draft): nothing of it is kept.
            self.edits.clean()
            self._visit = None
            if not visits:
                self._show_no_visit("No visits yet. Start one in the Visits tab.")
        self.header.set_visits(visits, self._visit.id if self._visit else None)
        if self._visit is None and visits:
            self.open_visit(visits[0].id)

    # ---- helpers -----------------------------------------------------------------------

    def _load_patient_context(self, patient_id: int) -> list[VisitSummary]:
        """Clinic units, the involved side for the LSI, and the visit list of this patient."""
        sf = self.ctx.session_factory
        self._units = get_settings(sf).default_units
        self.sides.load(patient_id)
        visits = list_visits(sf, patient_id, actor=self.ctx.actor)
        self.header.set_visits(visits, self._visit.id if self._visit else None)
        return visits

    def _fill(self, evaluation: ev.Evaluation) -> None:
        with self.edits.loading():
            # load() sets every input of its section, so no clear() first (half the work).
            for section in self.sections.values():
                section.clear_errors()
                section.forget_fills()
                section.load(evaluation)
            if evaluation.episode_facts is not None:
                show_facts(self.sections, evaluation.episode_facts)
            else:  # a note from before the facts had one home: its own fields only
                self._subjective.fields.set_value("affected_side", None)
            # The clinic's units (km or mi) for sections that have nothing recorded yet.
            if evaluation.subjective is None:
                self._subjective.set_default_unit(self._units)
            if evaluation.gait is None:
                self._gait.set_default_unit(self._units)
        self.edits.dirty = False

    def _set_read_only(self, read_only: bool) -> None:
        for section in self.sections.values():
            section.set_read_only(read_only)
        self.sides.set_note_signed(read_only and self._visit is not None)

    def _show_no_visit(self, message: str) -> None:
        self._visit = None
        self.edits.open(None, self._patient_id)
        self.conflicts.set_form(None, None)
        self.carry.open(None)
        self._fill(ev.Evaluation())
        self._set_read_only(True)
        self.header.status_label.setText("")
        self.header.late_label.hide()
        self.header.show_info(message)
        self.header.show_error("")
        self.header.set_actions(can_save=False, can_carry_forward=False)
        self.signing.show_visit(None)
        self.measures.show_visit(None)

