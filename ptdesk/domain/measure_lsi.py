"""The one place this branch's measures (heel raises, hops, balance, dynamometry) get an LSI."""

from __future__ import annotations

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
    """ "72%" or "—", by the domain's one display rule (a flagged value never reads 90%+)."""
    return sym.lsi_text(value)
