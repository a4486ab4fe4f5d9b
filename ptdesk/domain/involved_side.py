"""Which leg is the involved one for a body region: the knee/hip side or the injured ankle's side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Region = Literal["knee_hip", "ankle"]
ANKLE_SIDES: tuple[str, ...] = ("left", "right", "both")

# CLINICAL.md "Hip strength": knee and hip rows use the episode's affected side, ankle rows
# the injured (sprained) ankle's side. Ankle rows are the calf/plantarflexion and eversion
# strength groups and the ankle exam's heel raises, knee-to-wall lunge and balance.
ANKLE_MUSCLE_GROUP_PREFIX = "ankle_"

# Words in a prior injury's description that name an ankle injury ("Ankle sprain",
# "Rolled ankle (lateral sprain)", "inversion sprain of the ankle").
_ANKLE_WORDS = ("ankle",)


def region_of(muscle_group: str) -> Region:
    """The body region a strength row belongs to."""
    return "ankle" if muscle_group.startswith(ANKLE_MUSCLE_GROUP_PREFIX) else "knee_hip"


@dataclass(frozen=True)
class InvolvedSide:
    """The side compared as involved, and the words that say how it was chosen."""

    side: str  # "left", "right" or "both" (weaker compared with stronger)
    note: str  # "" for a plain one-side comparison

    @property
    def weaker_vs_stronger(self) -> bool:
        return self.side == "both"


def involved_side(region: Region, affected_side: str, ankle_side: str | None) -> InvolvedSide:
    """The involved side for `region`.

    Knee and hip rows use the episode's affected side. Ankle rows use the injured ankle's
    side; when no ankle side is recorded the sides are compared weaker with stronger (never
    silently against the knee's side, which may be the other leg).
    """
    side = affected_side if region == "knee_hip" else ankle_side
    if side in ("left", "right"):
        return InvolvedSide(side, "")
    if side == "both":
        return InvolvedSide("both", "both sides involved: weaker compared with stronger")
    return InvolvedSide("both", "injured ankle side not recorded: weaker compared with stronger")


def ankle_side_from_injuries(injuries: Sequence[tuple[str, str]]) -> str | None:
    """Pre-fill for the injured ankle's side from prior injuries given as (description, side).

    Only when exactly one prior injury's description names the ankle ("ankle sprain",
    "rolled ankle"); otherwise None, and the clinician chooses.
    """
    ankle = [side for description, side in injuries
             if any(word in description.casefold() for word in _ANKLE_WORDS)]
    if len(ankle) != 1 or ankle[0] not in ANKLE_SIDES:
        return None
    return ankle[0]
