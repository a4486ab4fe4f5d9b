"""How the Evaluation tab shows a refused save: each problem under its field, a summary on top."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from ptdesk.domain.errors import ValidationError
from ptdesk.ui.chart.evaluation.section import EvaluationSection
from ptdesk.ui.chart.evaluation.visit_header import VisitHeader


@dataclass
class _Shown:
    """A refused save's problems still on screen, and the inputs as they were refused."""

    problems: list[ValidationError]
    unplaced: list[str]
    raw: dict[str, Any] = field(default_factory=dict)


_SHOWN: WeakKeyDictionary[VisitHeader, _Shown] = WeakKeyDictionary()


def _summary(count: int) -> str:
    return (f"Not saved: {count} field{'s' if count != 1 else ''} need"
            f"{'' if count != 1 else 's'} attention (see the red notes).")


def _raw(sections: Iterable[EvaluationSection]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for section in sections:
        found.update(section.raw())
    return found


def _inputs_of(problem: ValidationError, raw: dict[str, Any]) -> list[str]:
    """The inputs a problem is about: its own, or those under it ("prior_injuries[0]")."""
    key = problem.field
    return [k for k in raw if k == key or k.startswith((f"{key}.", f"{key}[", f"{key}:"))]


def _fixed(problem: ValidationError, sections: list[EvaluationSection],
           now: dict[str, Any], then: dict[str, Any]) -> bool:
    """Edited since the refusal, and the input now reads (a rule across fields is checked
    again on the next save)."""
    keys = _inputs_of(problem, now)
    if not keys or all(now.get(k) == then.get(k) for k in keys):
        return False
    for section in sections:
        known = set(section.fields.keys())
        for key in keys:
            if key in known:
                try:
                    section.fields.value(key)
                except ValidationError:
                    return False
    return True


def recheck_refusal(header: VisitHeader, sections: Iterable[EvaluationSection]) -> None:
    """After an edit: each fixed field loses its red note, and the summary on top counts
    what is left (gone when nothing is), instead of "1 field needs attention" staying."""
    shown = _SHOWN.get(header)
    if shown is None:
        return
    sections = list(sections)
    now = _raw(sections)
    left = []
    for problem in shown.problems:
        if _fixed(problem, sections, now, shown.raw):
            for section in sections:
                section.show_error(problem.field, "")
        else:
            left.append(problem)
    if len(left) == len(shown.problems):
        return
    shown.problems = left
    if left or shown.unplaced:
        header.show_error(" ".join([_summary(len(left)) if left else "Not saved.",
                                    *shown.unplaced]))
    else:
        header.show_error("")
        del _SHOWN[header]


def clear_refusal(header: VisitHeader, sections: Iterable[EvaluationSection]) -> None:
    _SHOWN.pop(header, None)
    header.show_error("")
    for section in sections:
        section.clear_errors()


def show_refusal(header: VisitHeader, sections: Iterable[EvaluationSection], scroll: QScrollArea,
                 problems: list[ValidationError]) -> None:
    """Show each problem by its field, say at the top why nothing was saved, focus the first."""
    sections = list(sections)
    unplaced = []
    for problem in problems:
        if not any(s.show_error(problem.field, problem.message) for s in sections):
            unplaced.append(problem.message)
    placed = [p for p in problems if p.message not in unplaced]
    _SHOWN[header] = _Shown(placed, unplaced, _raw(sections))
    header.show_error(" ".join([_summary(len(problems)), *unplaced]))
    for section in sections:
        widget = section.focus_widget(problems[0].field)
        if widget is not None:
            scroll.ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            break
