"""Comparing two PSFS forms: only on the activities the patient rated both times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PsfsComparison:
    """Average score before and after, over the activities rated on both forms."""

    before: float
    after: float
    shared: int        # how many activities were compared
    compared_all: bool  # False when either form rated activities the other did not


def activity_key(label: str) -> str:
    """Activities are the patient's own words: "Running " and "running" are the same one."""
    return label.strip().casefold()


def compare_psfs(before: Iterable[tuple[str, float]],
                 after: Iterable[tuple[str, float]]) -> PsfsComparison | None:
    """The PSFS is scored per activity (Stratford 1995), so two forms are compared on the
    activities they share; None when they share none. Averages are rounded to 6 places so
    the same forms compare alike whatever order the scores were added in."""
    first = {activity_key(label): value for label, value in before}
    last = {activity_key(label): value for label, value in after}
    shared = sorted(set(first) & set(last))
    if not shared:
        return None
    return PsfsComparison(
        round(sum(first[k] for k in shared) / len(shared), 6),
        round(sum(last[k] for k in shared) / len(shared), 6),
        len(shared), len(shared) == max(len(first), len(last)))
