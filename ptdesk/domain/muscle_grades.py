"""Manual muscle test grades as ordinal pairs ("4 / 5"), flagged a full grade apart; never a ratio."""

from __future__ import annotations

from dataclasses import dataclass

from ptdesk.domain.symmetry import validate_mmt_grade

# MMT grades are ordinal and insensitive above grade 3 (Bohannon 2005; Cuthbert & Goodheart
# 2007), so dividing them into a percentage is not defensible. CLINICAL.md "Hip strength":
# show both sides and flag a difference of one full grade or more, counting "-" and "+"
# as thirds of a grade (4 vs 5, 4- vs 5-, 3+ vs 4+ flag; 4 vs 4+ does not).
FULL_GRADE_THIRDS = 3


def grade_thirds(grade: str) -> int:
    """A grade in thirds of a grade: "4" = 12, "4-" = 11, "4+" = 13, "0" = 0."""
    canonical = validate_mmt_grade(grade)
    base = int(canonical.rstrip("+-")) * 3
    return base + (1 if canonical.endswith("+") else -1 if canonical.endswith("-") else 0)


def grade_text(grade: str) -> str:
    """A grade as printed, with a true minus sign (4−) so it cannot be read as a range."""
    return validate_mmt_grade(grade).replace("-", "\u2212")


@dataclass(frozen=True)
class GradePair:
    """Left and right grades of one muscle group, shown side by side and never divided."""

    left: str | None
    right: str | None
    involved_side: str  # "left", "right" or "both"

    @property
    def text(self) -> str:
        """ "4 / 5" (left / right); a missing side shows as a dash."""
        return " / ".join(grade_text(g) if g else "—" for g in (self.left, self.right))

    @property
    def difference_thirds(self) -> int | None:
        if self.left is None or self.right is None:
            return None
        return abs(grade_thirds(self.left) - grade_thirds(self.right))

    @property
    def flagged(self) -> bool:
        """True when the sides differ by a full grade or more and the weaker side is involved.

        With both legs involved (or the injured side unknown) any full-grade gap counts.
        """
        gap = self.difference_thirds
        if gap is None or gap < FULL_GRADE_THIRDS:
            return False
        assert self.left is not None and self.right is not None
        weaker = "left" if grade_thirds(self.left) < grade_thirds(self.right) else "right"
        return self.involved_side not in ("left", "right") or weaker == self.involved_side

    @property
    def weaker_side(self) -> str | None:
        gap = self.difference_thirds
        if not gap:
            return None
        assert self.left is not None and self.right is not None
        return "left" if grade_thirds(self.left) < grade_thirds(self.right) else "right"


def grades_differ(a: str, b: str) -> bool:
    """True when two grades are a full grade or more apart (in either direction)."""
    return abs(grade_thirds(a) - grade_thirds(b)) >= FULL_GRADE_THIRDS
