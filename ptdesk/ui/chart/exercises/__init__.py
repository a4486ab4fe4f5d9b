"""The Exercises tab of the chart: library picker, prescription editor and its dialogs."""

from __future__ import annotations

from ptdesk.ui.chart.exercises.tab import ExercisesTab

__all__ = ["ExercisesTab"]
