"""Clinic words for the exercise library's codes: categories and sides."""

from __future__ import annotations

CATEGORY_LABELS: dict[str, str] = {
    "strength": "Strength",
    "stretch": "Stretch",
    "mobility": "Mobility",
    "balance": "Balance",
    "running_drill": "Running drill",
    "cross_training": "Cross-training",
}
SIDE_LABELS: dict[str, str] = {
    "each": "Each leg",
    "both": "Both legs",
    "left": "Left",
    "right": "Right",
}


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, code.replace("_", " ").capitalize())


def side_label(code: str) -> str:
    return SIDE_LABELS.get(code, code)
