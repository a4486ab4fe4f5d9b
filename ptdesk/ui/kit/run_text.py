"""Words and numbers the run log shows: amounts with units, decisions, next-morning answers."""

from __future__ import annotations

from decimal import Decimal

from ptdesk.domain.runplan.amounts import UNIT_TEXT

KIND_LABELS: dict[str, str] = {"walk_run": "Walk-run", "continuous": "Continuous"}
MORNING_LABELS: dict[str, str] = {"better": "Better", "same": "Same",
                                  "stiff-settled": "Stiff, then settled", "worse": "Worse"}
MEASURE_LABELS: dict[str, str] = {"minutes": "minutes of running", "km": "km", "mi": "miles"}
DECISION_LABELS: dict[str, str] = {"progress": "Progress", "hold": "Hold", "regress": "Regress"}
DECISION_ADVICE: dict[str, str] = {
    "progress": "Pain stayed within the rules: go on to the next week.",
    "hold": "Repeat this week before building up.",
    "regress": "Go back one week and review the pain, swelling or limping.",
}


def amount_text(value: float | Decimal, measure: str) -> str:
    """ "20 min", "2.5 km", "3.25 mi": as many decimals as the number has (at most 2)."""
    number = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{number} {UNIT_TEXT[measure]}"  # type: ignore[index]
