"""The Outcomes chart tab: NPRS, LEFS, Kujala and PSFS entry forms attached to a visit."""

from __future__ import annotations

from ptdesk.ui.chart.outcomes.tab import OutcomesTab

__all__ = ["OutcomesTab"]
