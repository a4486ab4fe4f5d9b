"""Draft from exam: fills the SOAP boxes from the charted evaluation, asking before it replaces typed text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.note_draft import SOAP_FIELDS, DraftContext, draft_note
from ptdesk.services.errors import ServiceError
from ptdesk.services.prescriptions import active_prescription, item_text
from ptdesk.ui.chart.evaluation.assessment_section import DRAFT_SHORTCUT

BOX_NAMES = dict(zip(SOAP_FIELDS, ("S", "O", "A", "P"), strict=True))
REPLACE_QUESTION = ("{boxes} already {verb} text you typed.\n\nReplace it with the draft from "
                    "the exam? No keeps your text and fills only the empty boxes.")


class SoapDrafter:
    """Wires the assessment section's Draft from exam button (and its shortcut) to the tab."""

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.section = tab.sections["assessment"]
        self._last: dict[str, str] = {}  # what the last draft wrote: not the clinician's text
        self.section.draft_button.clicked.connect(self._on_draft_button_clicked)
        shortcut = QShortcut(QKeySequence(DRAFT_SHORTCUT), tab)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._on_draft_button_clicked)

    def context(self) -> DraftContext:
        sides = self.tab.sides
        episode = sides.episode
        prescription: tuple[str, ...] = ()
        patient_id = getattr(self.tab, "_patient_id", None)
        if patient_id is not None:
            try:
                info = active_prescription(self.tab.ctx.session_factory, patient_id,
                                           actor=self.tab.ctx.actor)
            except ServiceError:
                info = None  # the note can be drafted without the programme
            if info is not None:
                prescription = tuple(f"{item.exercise_name}: {item_text(item)}"
                                     for item in info.items)
        ankle = self.tab.sections["ankle"]
        return DraftContext(
            affected_side=episode.affected_side if episode else None,
            injured_ankle_side=ankle.ankle_side(),
            goals=tuple((g.description, g.target_date) for g in episode.goals) if episode else (),
            prescription=prescription, ankle_thresholds=ankle.thresholds,
            readiness_thresholds=sides.readiness_targets)

    def draft(self) -> bool:
        """Fill the empty boxes (and, if the clinician agrees, the typed ones); False if refused."""
        if not self.section.draft_button.isEnabled():
            return False
        try:
            evaluation = self.tab.build_evaluation()
        except ValidationError as exc:
            self.tab.header.show_error(f"Draft from exam: fix the marked field first. {exc.message}")
            return False
        drafted = draft_note(evaluation, self.context()).by_field()
        fields = self.section.fields
        current = {key: str(fields.raw()[key]) for key in SOAP_FIELDS}
        typed = [key for key in SOAP_FIELDS if current[key].strip()
                 and current[key].strip() not in (drafted[key].strip(),
                                                  self._last.get(key, "").strip())]
        replace_typed = False
        if typed:
            boxes = ("Box " if len(typed) == 1 else "Boxes ") + ", ".join(
                BOX_NAMES[key] for key in typed)
            verb = "holds" if len(typed) == 1 else "hold"
            answer = QMessageBox.question(
                self.tab, "Draft from exam", REPLACE_QUESTION.format(boxes=boxes, verb=verb),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            replace_typed = answer == QMessageBox.StandardButton.Yes
        for key in SOAP_FIELDS:
            if key in typed and not replace_typed:
                continue
            fields.set_value(key, drafted[key])
            self._last[key] = drafted[key]
        self.tab.header.show_error("")
        self.tab.ctx.signals.status_message.emit("Note drafted from the exam. Read it and add "
                                                 "what the fields do not say.")
        return True

    def _on_draft_button_clicked(self) -> None:
        self.draft()
