"""The Evaluation chart tab and its sections (subjective, knee, ankle, strength, gait, plan)."""

from __future__ import annotations

from ptdesk.ui.chart.evaluation.tab import EvaluationTab

__all__ = ["EvaluationTab"]
