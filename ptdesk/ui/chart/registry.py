"""The chart tabs, in the order they appear: register a new tab here (module path and class)."""

from __future__ import annotations

import importlib
from functools import cache

from ptdesk.ui.chart.tab import ChartTab

# Loaded by name, so the chart package never imports its features at start-up; the app
# imports them on a worker thread while the clinician signs in (see app._warm_chart_tabs).
CHART_TABS = (
    "ptdesk.ui.chart.overview:OverviewTab",
    "ptdesk.ui.chart.visits.tab:VisitsTab",
    "ptdesk.ui.chart.evaluation.tab:EvaluationTab",
    "ptdesk.ui.chart.exercises.tab:ExercisesTab",
    "ptdesk.ui.chart.runplan.tab:RunPlanTab",
    "ptdesk.ui.chart.outcomes.tab:OutcomesTab",
    "ptdesk.ui.chart.runlogs.tab:RunLogTab",
    "ptdesk.ui.chart.progress.tab:ProgressTab",
)


@cache
def tab_classes() -> tuple[type[ChartTab], ...]:
    """Every registered tab class (importing a module never builds a tab)."""
    classes = []
    for entry in CHART_TABS:
        module_name, _, class_name = entry.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        if not (isinstance(cls, type) and issubclass(cls, ChartTab)):
            raise TypeError(f"{entry} is not a ChartTab")
        classes.append(cls)
    return tuple(classes)
