"""Forms with missing items: prorate within each instrument's cited limit, else no total at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MissingRule:
    """How many items an instrument may miss and still have a (prorated) total."""

    max_missing: int
    source: str


MISSING_RULES: dict[str, MissingRule] = {
    # LEFS scoring guidance as commonly cited with Binkley et al. 1999 (Phys Ther 79:371-383):
    # with up to 4 of the 20 items missing, the total is prorated as the mean answered item
    # score × 20; with more missing the form is not scored. The limit is the widely quoted
    # user-guide rule; it was not checked against the primary text here, so confirm it
    # against the LEFS user manual before release (it is one constant).
    "lefs": MissingRule(4, "LEFS: up to 4 of 20 items may be missing and the total "
                           "prorated (Binkley 1999 scoring guidance)"),
    # Kujala 1993 gives no rule for missing items. PT Desk rule, chosen to be conservative:
    # at most 1 of 13 items; the total is then prorated over the points still possible,
    # total scored ÷ total possible × 100, the way the Oswestry index handles a skipped
    # section (Fairbank & Pynsent 2000, Spine 25:2940-2952).
    "kujala": MissingRule(1, "Kujala: at most 1 of 13 items may be missing and the total "
                             "prorated over the points still possible (PT Desk rule; "
                             "method as Fairbank 2000)"),
}


@dataclass(frozen=True)
class FormTotal:
    """A stored form read by the rule: the total to show and chart, or why there is none."""

    total: float | None  # None: too many items missing, no total
    prorated: bool
    missing: int
    reason: str  # "" when complete; otherwise the rule in plain words

    @property
    def has_total(self) -> bool:
        return self.total is not None


def form_total(measure: str, raw_sum: float, max_total: float, missing_maxima: Sequence[float],
               item_count: int) -> FormTotal:
    """Read a form from its raw sum of answered items.

    `missing_maxima` holds each missing item's maximum points (4 for every LEFS item; the
    item's own maximum for Kujala). Complete forms and measures without a rule (NPRS, PSFS)
    keep their sum.
    """
    missing = len(missing_maxima)
    rule = MISSING_RULES.get(measure)
    if missing == 0 or rule is None:
        return FormTotal(float(raw_sum), False, missing, "")
    noun = "item" if missing == 1 else "items"
    if missing > rule.max_missing or missing >= item_count:
        return FormTotal(None, False, missing,
                         f"{missing} {noun} missing, more than the {rule.max_missing} "
                         f"allowed ({rule.source}), so the form has no total")
    possible = max_total - sum(missing_maxima)
    total = round(raw_sum * max_total / possible, 1) if possible > 0 else None
    if total is None:
        return FormTotal(None, False, missing, "no answered items, so no total")
    return FormTotal(total, True, missing, f"prorated: {missing} {noun} missing ({rule.source})")
