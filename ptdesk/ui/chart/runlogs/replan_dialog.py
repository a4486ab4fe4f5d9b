"""Re-plan preview: the weeks now planned next to the re-planned ones, before accepting."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.runplan import PlanWeek
from ptdesk.domain.runplan.amounts import Measure, format_amount
from ptdesk.services.runlogs import ReplanPreview

COLUMNS = ("Week", "Starts", "Total", "Longest run")


def weeks_table(name: str, weeks: tuple[PlanWeek, ...], measure: Measure) -> QTableWidget:
    table = QTableWidget(len(weeks), len(COLUMNS))
    table.setObjectName(name)
    table.setAccessibleName(name.replace("_", " "))
    table.setHorizontalHeaderLabels(COLUMNS)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for row, week in enumerate(weeks):
        label = str(week.week) + (" (race)" if any(s.race for s in week.sessions) else "")
        values = (label, f"{week.start:%d %b %Y}", format_amount(week.total, measure),
                  format_amount(week.longest, measure))
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    return table


class ReplanDialog(QDialog):
    """Accept saves the re-planned weeks as a new version; weeks already run stay as planned."""

    def __init__(self, preview: ReplanPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Re-plan from the run log")
        self.preview = preview
        measure = preview.stored.inputs.measure
        intro = QLabel(f"Weeks 1 to {preview.from_week - 1} keep the plan they had. From week "
                       f"{preview.from_week}, the plan grows from what was actually run, still "
                       f"under the weekly cap.")
        intro.setWordWrap(True)
        self.old_table = weeks_table("planned_now", preview.old_weeks, measure)
        self.new_table = weeks_table("replanned", preview.new_weeks, measure)
        sides = QHBoxLayout()
        for title, table in (("Planned now", self.old_table), ("Re-planned", self.new_table)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            sides.addWidget(box)
        self.warnings = QLabel("\n".join(preview.version.plan.warnings))
        self.warnings.setObjectName("replan_warnings")
        self.warnings.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.accept_button = buttons.addButton("Save the re-planned weeks",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(sides, 1)
        layout.addWidget(self.warnings)
        layout.addWidget(buttons)
        self.resize(820, 520)
