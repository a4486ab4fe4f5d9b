"""How the Evaluation tab shows a refused save: each problem under its field, a summary on top."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from ptdesk.domain.errors import ValidationError
from ptdesk.ui.chart.evaluation.section import EvaluationSection
from ptdesk.ui.chart.evaluation.visit_header import VisitHeader


def clear_refusal(header: VisitHeader, sections: Iterable[EvaluationSection]) -> None:
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
    count = len(problems)
    summary = (f"Not saved: {count} field{'s' if count != 1 else ''} need"
               f"{'' if count != 1 else 's'} attention (see the red notes).")
    header.show_error(" ".join([summary, *unplaced]))
    for section in sections:
        widget = section.focus_widget(problems[0].field)
        if widget is not None:
            scroll.ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            break
