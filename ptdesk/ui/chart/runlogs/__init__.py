"""The Run log chart tab: runs from the patient's diary, weekly pain-rule decisions, re-planning."""

from __future__ import annotations

from ptdesk.ui.chart.runlogs.tab import RunLogTab

__all__ = ["RunLogTab"]
