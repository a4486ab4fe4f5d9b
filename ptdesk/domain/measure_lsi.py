"""The one place this branch's measures (heel raises, hops, balance, dynamometry) get an LSI."""

from __future__ import annotations

import math

from ptdesk.domain import symmetry as sym


def lsi(involved: float | None, uninvolved: float | None) -> float | None:
    """Involved ÷ uninvolved × 100 by the domain's one LSI function (None without a ratio)."""
    return sym.lsi(involved, uninvolved)


def weaker_lsi(left: float | None, right: float | None) -> float | None:
    """Weaker ÷ stronger × 100, for both sides involved (or the involved side unknown)."""
    if left is None or right is None:
        return None
    return sym.lsi(min(left, right), max(left, right))


def side_lsi(involved_side: str, left: float | None, right: float | None) -> float | None:
    """LSI with the involved side as numerator; "both" compares weaker with stronger."""
    if involved_side == "left":
        return lsi(left, right)
    if involved_side == "right":
        return lsi(right, left)
    return weaker_lsi(left, right)


def lsi_text(value: float | None) -> str:
    """ "72%" or "—". Switch to `symmetry.lsi_text` once the spine branch's display rule lands.

    Until then: a value flagged below 90% is rounded down, so it never reads 90% or more.
    """
    if value is None:
        return "—"
    shown = math.floor(value) if sym.is_flagged(value) else round(value)
    return f"{shown}%"
