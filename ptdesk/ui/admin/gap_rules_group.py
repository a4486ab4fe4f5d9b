"""Clinic settings group: the missed-week step back that new run plans start with (administrators)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QSpinBox, QWidget

from ptdesk.domain.runplan.painrules import GapRules
from ptdesk.services.clinic import get_gap_rules, set_gap_rules
from ptdesk.ui.admin.settings_group import SettingsGroup
from ptdesk.ui.context import AppContext

# (field, caption, suffix, low, high); the limits are GapRules' own checks.
FIELDS: tuple[tuple[str, str, str, int, int], ...] = (
    ("short_gap_pct", "After 2 or more missed weeks, resume at", " % of the last week run",
     10, 100),
    ("long_gap_weeks", "A long gap starts at", " missed weeks", 2, 12),
    ("long_gap_pct", "After a long gap, resume at", " % of the last week run", 10, 100),
)


class GapRulesGroup(SettingsGroup[GapRules]):
    """Spin boxes for the clinic's missed-week rule; read-only unless the user may edit settings.

    CLINICAL.md: 1 missed week repeats the last completed week; 2-3 weeks resume at no
    more than 75% of it; 4 or more at no more than 50%. A clinic rule, not a validated
    one, so the clinic may change it; each plan can still be set on its own.
    """

    NOT_SAVED = "Missed-week rule not saved: "

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Return-to-run plans: missed weeks", ctx, parent,
                         error_name="gap_rules_error")
        self.boxes: dict[str, QSpinBox] = {}
        form = QFormLayout(self)
        for key, caption, suffix, low, high in FIELDS:
            box = QSpinBox(self)
            box.setRange(low, high)
            box.setSuffix(suffix)
            box.setObjectName(f"gap_{key}")
            box.setAccessibleName(caption)
            box.setToolTip("New plans start with this; each plan can still be changed.")
            self.boxes[key] = box
            label = QLabel(f"{caption}:", self)
            label.setBuddy(box)
            form.addRow(label, box)
        form.addRow(self.error)
        self.finish(tuple(self.boxes.values()))

    def read(self) -> GapRules:
        return get_gap_rules(self.ctx.session_factory)

    def show_rules(self, rules: GapRules) -> None:
        for key, box in self.boxes.items():
            box.setValue(getattr(rules, key))

    def wanted(self) -> GapRules:
        """The rule shown; ValidationError when GapRules refuses it (e.g. long above short)."""
        return GapRules(**{key: box.value() for key, box in self.boxes.items()})

    def store(self, rules: GapRules) -> GapRules:
        return set_gap_rules(self.ctx.session_factory, actor=self.ctx.actor, gaps=rules)
