"""Display helpers shared by the chart tabs: clinic words for codes, dates, the readable error red."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from ptdesk.domain.errors import ValidationError
from ptdesk.ui.kit.palette import error_colour

CATEGORY_LABELS: dict[str, str] = {
    "strength": "Strength",
    "stretch": "Stretch",
    "mobility": "Mobility",
    "balance": "Balance",
    "running_drill": "Running drill",
    "cross_training": "Cross-training",
}
SIDE_LABELS: dict[str, str] = {
    "each": "Each leg",
    "both": "Both legs",
    "left": "Left",
    "right": "Right",
}


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, code.replace("_", " ").capitalize())


def side_label(code: str) -> str:
    return SIDE_LABELS.get(code, code)


def make_error_label(parent: QWidget | None = None) -> QLabel:
    """A hidden, word-wrapped red label that sits under the field it explains."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setObjectName("error_label")
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, error_colour(palette))
    label.setPalette(palette)
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def plain_message(exc: ValidationError) -> str:
    """The clinician-facing part of a library check ("In items[2]: Give ..." -> "Give ...")."""
    return re.sub(r"^In [^:]+: ", "", exc.message)


def day_text(day: date) -> str:
    """A date the way a clinician writes it: "1 Oct 2026"."""
    return f"{day.day} {day:%b %Y}"
