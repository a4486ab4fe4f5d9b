"""Small parts of the Run plan preview: summary sentence, warnings frame, padded row delegate."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from ptdesk.domain.runplan import Plan
from ptdesk.ui.kit.palette import warning_border_style
from ptdesk.ui.kit.text import day_text


class PaddedDelegate(QStyledItemDelegate):
    """Rows that fit their wrapped text get a little air above and below it."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                 ) -> QSize:
        return super().sizeHint(option, index) + QSize(0, 10)


def summary_text(plan: Plan, race: dt.date | None) -> str:
    """One or two sentences a clinician reads at a glance."""
    if plan.goal_week is not None and plan.goal_date is not None:
        text = (f"The weekly goal is reached in week {plan.goal_week} "
                f"(week of {day_text(plan.goal_date)}), {len(plan.weeks)} weeks in all.")
    else:
        text = f"The weekly goal is not reached within these {len(plan.weeks)} weeks."
    if race is not None and plan.race_ready:
        text += f" That is before the race on {day_text(race)}."
    return text


def warning_frame(warnings: QLabel, style: QStyle) -> QFrame:
    """The plan's warnings beside a warning icon, in an amber frame."""
    frame = QFrame()
    frame.setObjectName("warning_frame")
    # An amber border reads as "attention" on light and dark palettes alike.
    frame.setStyleSheet(warning_border_style("warning_frame"))
    icon = QLabel()
    icon.setPixmap(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(24, 24))
    icon.setAlignment(Qt.AlignmentFlag.AlignTop)
    row = QHBoxLayout(frame)
    row.addWidget(icon)
    row.addWidget(warnings, 1)
    return frame
