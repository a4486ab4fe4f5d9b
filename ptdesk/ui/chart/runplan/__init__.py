"""The Run plan tab of the chart: plan inputs, live capped preview, saved plans."""

from __future__ import annotations

from ptdesk.ui.chart.runplan.tab import RunPlanTab

__all__ = ["RunPlanTab"]
