"""Props for the tendon and hopping drawings: a slant board, a post with a band, a floor line."""

from __future__ import annotations

from dataclasses import dataclass

from props import BACK, BAND, FRONT
from scene import At, Projector, locate
from shapes import PROP, PROP_FILL, WHITE, Item, Poly, Style
from skeleton import Body


@dataclass(frozen=True)
class Wedge:
    """Slant (decline) board seen from the side: high end at x_high, sloping down to x_low."""

    x_high: float
    x_low: float
    h: float
    z0: float = -22.0
    z1: float = 22.0

    def items(self, body: Body, proj: Projector) -> list[Item]:
        near = max(self.z0, self.z1)
        pts = ((self.x_high, 0.0, near), (self.x_low, 0.0, near), (self.x_high, self.h, near))
        return [Item(BACK, (Poly(tuple(proj(p) for p in pts), Style(PROP, 1.6, PROP_FILL), True),))]


@dataclass(frozen=True)
class Tether:
    """Exercise band pulled from a limb to a fixed anchor: two straight strands."""

    at: At
    anchor: At
    spread: float = 2.5
    depth: float = FRONT

    def items(self, body: Body, proj: Projector) -> list[Item]:
        a, b = proj(locate(body, self.at)), proj(locate(body, self.anchor))
        s = self.spread
        lines = [((a[0], a[1] + d), (b[0], b[1] + d / 2)) for d in (-s, s)]
        halos = [Poly(line, Style(WHITE, 5.0)) for line in lines]
        bands = [Poly(line, Style(BAND, 2.4)) for line in lines]
        return [Item(self.depth, (*halos, *bands))]
