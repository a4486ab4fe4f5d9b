"""Clinic settings group: the unsigned-note reminder age and the measures each visit asks for."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from ptdesk.domain.visit_rules import (
    MEASURE_KEYS,
    MEASURE_LABELS,
    STALE_DRAFT_DAYS_RANGE,
    VisitRules,
)
from ptdesk.services.visit_rules import get_visit_rules, set_visit_rules
from ptdesk.ui.admin.settings_group import SettingsGroup
from ptdesk.ui.context import AppContext

# (VisitRules field, row caption)
GROUPS = (("every_visit", "Every visit"),
          ("evaluations", "Evaluations, re-evaluations, discharges"),
          ("patellofemoral", "…and for patellofemoral pain"))


class VisitRulesGroup(SettingsGroup[VisitRules]):
    """Which outcome measures a visit asks for, and when unsigned notes are called old."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Visit notes", ctx, parent)
        self.days = QSpinBox(self)
        self.days.setObjectName("stale_draft_days")
        self.days.setAccessibleName("Remind about unsigned notes older than, in days")
        self.days.setRange(*STALE_DRAFT_DAYS_RANGE)
        self.days.setSuffix(" days")
        days_label = QLabel("Remind clinicians of unsigned notes older than", self)
        days_label.setBuddy(self.days)
        self.checks: dict[tuple[str, str], QCheckBox] = {}
        grid = QGridLayout(self)
        grid.addWidget(days_label, 0, 0)
        grid.addWidget(self.days, 0, 1, 1, len(MEASURE_KEYS))
        grid.addWidget(QLabel("Outcome measures asked for at:", self), 1, 0)
        for column, key in enumerate(MEASURE_KEYS, start=1):
            grid.addWidget(QLabel(MEASURE_LABELS[key], self), 1, column)
        for row, (group, caption) in enumerate(GROUPS, start=2):
            grid.addWidget(QLabel(caption, self), row, 0)
            for column, key in enumerate(MEASURE_KEYS, start=1):
                box = QCheckBox(self)
                box.setObjectName(f"measure_{group}_{key}")
                box.setAccessibleName(f"{MEASURE_LABELS[key]}: {caption}")
                self.checks[(group, key)] = box
                grid.addWidget(box, row, column)
        grid.addWidget(self.error, len(GROUPS) + 2, 0, 1, len(MEASURE_KEYS) + 1)
        self.finish((self.days, *self.checks.values()))

    def read(self) -> VisitRules:
        return get_visit_rules(self.ctx.session_factory, actor=self.ctx.actor)

    def show_rules(self, rules: VisitRules) -> None:
        self.days.setValue(rules.stale_draft_days)
        for (group, key), box in self.checks.items():
            box.setChecked(key in getattr(rules, group))

    def wanted(self) -> VisitRules:
        chosen = {group: tuple(k for k in MEASURE_KEYS if self.checks[(group, k)].isChecked())
                  for group, _caption in GROUPS}
        return VisitRules(stale_draft_days=self.days.value(), **chosen)

    def store(self, rules: VisitRules) -> VisitRules:
        return set_visit_rules(self.ctx.session_factory, actor=self.ctx.actor, rules=rules)
