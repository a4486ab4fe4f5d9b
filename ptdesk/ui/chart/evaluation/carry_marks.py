"""Marks on carried-forward values ("carried from 12 Nov — not re-measured"), kept beside the draft until edited or confirmed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from ptdesk.services import drafts
from ptdesk.services.carry import confirm_carried
from ptdesk.services.errors import ServiceError
from ptdesk.ui.chart.evaluation.carry_forward import INJURIES, Marks
from ptdesk.ui.chart.evaluation.section import EvaluationSection
from ptdesk.ui.context import AppContext
from ptdesk.ui.kit.palette import warning_border_style

MARKS_FORMAT = 1


def marks_key(visit_id: int) -> str:
    """The draft-store key the marks live under (never in the note's own rows)."""
    return f"evaluation:carried:{visit_id}"


def short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def mark_text(day: date) -> str:
    return f"carried from {short_day(day)} — not re-measured"


def sign_question_text(labels: list[str]) -> str:
    """What the Sign dialog adds when carried values were never confirmed (empty if none)."""
    if not labels:
        return ""
    shown = labels[:12] + ([f"… and {len(labels) - 12} more"] if len(labels) > 12 else [])
    return ("\n\nThese values were carried forward and not re-measured or confirmed:\n  "
            + "\n  ".join(shown)
            + "\n\nSigning confirms them as current findings (recorded in the audit log).")


class CarryMarks:
    """The carried values of the open visit: shown on their fields and in a banner."""

    def __init__(self, ctx: AppContext, sections: Mapping[str, EvaluationSection],
                 is_loading: Any) -> None:
        self.ctx, self.sections, self._is_loading = ctx, sections, is_loading
        self.marks: Marks = {}
        self.visit_id: int | None = None
        self._hooked: set[int] = set()
        self._blank: dict[str, dict[str, Any]] = {}
        self.banner = QWidget()
        self.banner.setObjectName("carryBanner")
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(0, 4, 0, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setObjectName("carryBannerText")
        self.confirm_button = QPushButton("Confirm carried values")
        self.confirm_button.setAccessibleName("Confirm carried values as current")
        self.confirm_button.setToolTip("They were checked today: remove the marks (recorded in "
                                       "the audit log)")
        row.addWidget(self.label, 1)
        row.addWidget(self.confirm_button)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.banner.hide()

    # ---- the marks ---------------------------------------------------------------------

    def widget(self, section: str, key: str) -> QWidget | None:
        part = self.sections.get(section)
        if part is None:
            return None
        if key == INJURIES:
            view = getattr(part, "injury_view", None)
            return view if isinstance(view, QWidget) else None
        known: list[str] = part.fields.keys()
        return part.fields.widget(key) if key in known else None

    def labels(self) -> list[str]:
        """The unconfirmed carried values by field name and date, in form order."""
        out = []
        for (section, key), day in self.marks.items():
            widget = self.widget(section, key)
            name = widget.accessibleName() if widget is not None else key
            out.append(f"{name} ({short_day(day)})")
        return out

    def open(self, visit_id: int | None, signed: bool = False) -> None:
        """Show the marks kept for this visit (none on a signed note: signing confirmed them)."""
        self._show({})
        self.visit_id = visit_id
        if visit_id is None or signed:
            return
        try:
            draft = drafts.get_draft(self.ctx.session_factory, actor=self.ctx.actor,
                                     form_key=marks_key(visit_id))
        except ServiceError:
            return
        if draft is None:
            return
        kept = _read(draft.payload)
        # Carried values discarded unsaved leave empty fields behind: no mark on nothing.
        held = {k: d for k, d in kept.items() if self._holds_value(*k)}
        self._show(held)
        if held != kept:
            self._store()

    def _holds_value(self, section: str, key: str) -> bool:
        part = self.sections.get(section)
        if part is None:
            return False
        if section not in self._blank:
            self._blank[section] = type(part)().raw()  # what an untouched section shows
        value = part.raw().get(key)
        return value not in ("", None, False, []) and value != self._blank[section].get(key)

    def add(self, marks: Marks) -> None:
        """Newly carried values (replacing earlier marks on the same fields)."""
        self._show({**self.marks, **marks})
        self._store()

    def discard(self) -> None:
        """The note was signed (confirming them) or the marks are no longer wanted."""
        visit_id = self.visit_id
        self._show({})
        if visit_id is not None:
            try:
                drafts.discard_draft(self.ctx.session_factory, actor=self.ctx.actor,
                                     form_key=marks_key(visit_id))
            except ServiceError:
                self.ctx.signals.status_message.emit("Could not clear the carried-value marks.")

    # ---- display -----------------------------------------------------------------------

    def _show(self, marks: Marks) -> None:
        for section, key in self.marks:
            widget = self.widget(section, key)
            if widget is not None and (section, key) not in marks:
                _unstyle(widget)
        self.marks = {k: d for k, d in marks.items() if self.widget(*k) is not None}
        for (section, key), day in self.marks.items():
            widget = self.widget(section, key)
            assert widget is not None
            widget.setProperty("carried", True)
            text = mark_text(day)
            widget.setToolTip(text[0].upper() + text[1:] + ". Edit it, or confirm it above.")
            widget.setAccessibleDescription(mark_text(day))
            widget.setStyleSheet(warning_border_style(widget.objectName()))
            self._hook(section, key, widget)
        days = sorted(set(self.marks.values()))
        if days:
            when = ", ".join(short_day(d) for d in days)
            self.label.setText(f"{len(self.marks)} values carried from {when} — not re-measured "
                               "(framed). Edit them, or confirm them once checked.")
        self.banner.setVisible(bool(self.marks))

    def _hook(self, section: str, key: str, widget: QWidget) -> None:
        """Editing a carried value by hand removes its mark (signals the user alone fires)."""
        if id(widget) in self._hooked:
            return
        self._hooked.add(id(widget))

        def edited(*_args: object) -> None:
            if not self._is_loading() and (section, key) in self.marks:
                self._show({k: d for k, d in self.marks.items() if k != (section, key)})
                self._store()

        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(edited)
        elif isinstance(widget, QComboBox):
            widget.activated.connect(edited)
        elif isinstance(widget, QCheckBox):
            widget.clicked.connect(edited)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(edited)
        elif key == INJURIES:
            self.sections[section].injuries.edited.connect(edited)  # type: ignore[attr-defined]

    def _store(self) -> None:
        if self.visit_id is None:
            return
        try:
            if self.marks:
                drafts.save_draft(self.ctx.session_factory, actor=self.ctx.actor,
                                  form_key=marks_key(self.visit_id), payload=_write(self.marks),
                                  label="Carried-forward marks")
            else:
                drafts.discard_draft(self.ctx.session_factory, actor=self.ctx.actor,
                                     form_key=marks_key(self.visit_id))
        except ServiceError:
            self.ctx.signals.status_message.emit("Could not keep the carried-value marks.")

    def _on_confirm_button_clicked(self) -> None:
        if self.visit_id is None or not self.marks:
            return
        try:
            confirm_carried(self.ctx.session_factory, actor=self.ctx.actor,
                            visit_id=self.visit_id, labels=tuple(self.labels()))
        except ServiceError as exc:
            self.label.setText(f"Not confirmed: {exc}")
            return
        self.discard()
        self.ctx.signals.status_message.emit("Carried values confirmed as current.")


def _unstyle(widget: QWidget) -> None:
    widget.setProperty("carried", False)
    widget.setToolTip("")
    widget.setAccessibleDescription("")
    widget.setStyleSheet("")


def _write(marks: Marks) -> str:
    return json.dumps({"format": MARKS_FORMAT,
                       "marks": [[s, k, d.isoformat()] for (s, k), d in marks.items()]})


def _read(payload: str) -> Marks:
    """Unreadable marks are dropped: they are a reminder, never part of the record."""
    try:
        rows = json.loads(payload)["marks"]
        return {(str(s), str(k)): date.fromisoformat(str(d)) for s, k, d in rows}
    except (ValueError, KeyError, TypeError):
        return {}
