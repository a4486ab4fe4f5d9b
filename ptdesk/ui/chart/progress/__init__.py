"""The Progress chart tab: pain, outcome, symmetry and running-volume charts, change since last visit."""

from __future__ import annotations

from ptdesk.ui.chart.progress.tab import ProgressTab

__all__ = ["ProgressTab"]
