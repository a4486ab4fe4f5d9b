"""Simple props drawn around the figure: boxes (walls, steps, counters), chairs, balls, bands."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scene import At, Projector, locate
from shapes import (
    ACCENT,
    INK,
    P2,
    PROP,
    PROP_DARK,
    PROP_FILL,
    WHITE,
    Circle,
    Item,
    Path,
    Poly,
    Style,
)
from skeleton import Body
from vec3 import Vec

BACK = -1000.0  # depth for furniture the body rests on or in front of
FRONT = 1000.0  # depth for things wrapped around the body (bands)
BAND = "#3f86b0"  # exercise bands; a separate hue so a band never looks like a limb
MAT = 3.0  # mat thickness; a body lying on it uses ground=MAT
MAT_FILL = "#ececec"

_FACES = (  # corner indices and outward normal of each face of a box
    ((0, 1, 3, 2), (-1.0, 0.0, 0.0)), ((4, 6, 7, 5), (1.0, 0.0, 0.0)),
    ((0, 4, 5, 1), (0.0, -1.0, 0.0)), ((2, 3, 7, 6), (0.0, 1.0, 0.0)),
    ((0, 2, 6, 4), (0.0, 0.0, -1.0)), ((1, 5, 7, 3), (0.0, 0.0, 1.0)),
)


def box3(proj: Projector, lo: Vec, hi: Vec, fill: str = PROP_FILL, width: float = 1.6) -> list:
    """The faces of an axis-aligned box that face the camera."""
    corners = [(x, y, z) for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])]
    out = []
    for idx, normal in _FACES:
        if proj.xyz(normal)[2] > 1e-6:
            pts = tuple(proj(corners[i]) for i in idx)
            out.append(Poly(pts, Style(PROP, width, fill), True))
    return out


@dataclass(frozen=True)
class Box:
    """Wall, step, counter, cushion or mat: a box between two corners (world units)."""

    lo: Vec
    hi: Vec
    fill: str = PROP_FILL
    depth: float = BACK

    def items(self, body: Body, proj: Projector) -> list[Item]:
        return [Item(self.depth, tuple(box3(proj, self.lo, self.hi, self.fill)))]


@dataclass(frozen=True)
class Mat:
    """Exercise mat on the floor; a figure lying on it uses ground=MAT. Seen from above only
    its top is drawn, so it reads as a flat mat rather than a block."""

    x0: float
    x1: float
    z0: float = -22.0
    z1: float = 22.0

    def items(self, body: Body, proj: Projector) -> list[Item]:
        if proj.xyz((0.0, 1.0, 0.0))[2] > 1e-6:
            corners = ((self.x0, MAT, self.z0), (self.x1, MAT, self.z0),
                       (self.x1, MAT, self.z1), (self.x0, MAT, self.z1))
            top = Poly(tuple(proj(c) for c in corners), Style(PROP_DARK, 1.4, MAT_FILL), True)
            return [Item(BACK - 1, (top,))]
        return Box((self.x0, 0.0, self.z0), (self.x1, MAT, self.z1), MAT_FILL, BACK - 1).items(
            body, proj)


def mat(x0: float, x1: float, z0: float = -22.0, z1: float = 22.0) -> Mat:
    return Mat(x0, x1, z0, z1)




@dataclass(frozen=True)
class Chair:
    """Plain chair: seat front edge at x, seat height h, back on the -x side unless facing=-1."""

    x: float
    h: float = 46.0
    deep: float = 30.0
    back: float = 40.0
    facing: float = 1.0
    z: float = 0.0
    depth: float = BACK

    def items(self, body: Body, proj: Projector) -> list[Item]:
        f, x, h, z = self.facing, self.x, self.h, self.z
        xb = x - f * self.deep
        lo_x, hi_x = min(x, xb), max(x, xb)
        parts = []
        for lx in (x - f * 2.5, xb + f * 2.5):  # two legs seen from the side
            parts += box3(proj, (lx - 1.5, 0.0, z - 15), (lx + 1.5, h - 3, z + 15), PROP_DARK)
        parts += box3(proj, (lo_x, h - 4.0, z - 16), (hi_x, h, z + 16))
        bx = xb + f * 1.5
        parts += box3(proj, (bx - 2.0, h, z - 16), (bx + 2.0, h + self.back, z + 16))
        return [Item(self.depth, tuple(parts))]


@dataclass(frozen=True)
class Ball:
    """Small ball (e.g. a tennis ball) centred at a point, drawn in depth order."""

    at: At
    r: float = 6.0
    depth: float | None = None  # None: at its own depth; FRONT: squeezed between, drawn over

    def items(self, body: Body, proj: Projector) -> list[Item]:
        c3 = locate(body, self.at)
        c = proj(c3)
        r = self.r
        seam = Path((("M", ((c[0] - r * 0.7, c[1] + r * 0.7),)),
                     ("Q", ((c[0] + r * 0.1, c[1] + r * 0.1), (c[0] - r * 0.1, c[1] - r * 0.95))),),
                    Style(PROP, 1.1))
        shapes = (Circle(c, r + 1.5, Style(None, 0, WHITE)),
                  Circle(c, r, Style(INK, 1.8, "#f5f5f5")), seam)
        return [Item(proj.depth(c3) if self.depth is None else self.depth, shapes)]


def _band_loop(a: P2, b: P2, r: float) -> tuple[P2, ...]:
    """A closed capsule around two points: the band hugs each limb with a round end."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    base = math.atan2(dy, dx) if math.hypot(dx, dy) > 1e-6 else 0.0
    pts: list[P2] = []
    for c, start in ((b, base - math.pi / 2), (a, base + math.pi / 2)):
        for k in range(7):
            t = start + math.pi * k / 6
            pts.append((c[0] + r * math.cos(t), c[1] + r * math.sin(t)))
    return tuple(pts)


@dataclass(frozen=True)
class Band:
    """Loop band around two limbs (e.g. just above both knees), drawn over the legs."""

    a: At
    b: At
    r: float = 6.0
    width: float = 3.0
    depth: float = FRONT  # BACK keeps small feet visible in front of the loop

    def items(self, body: Body, proj: Projector) -> list[Item]:
        pts = _band_loop(proj(locate(body, self.a)), proj(locate(body, self.b)), self.r)
        return [Item(self.depth, (Poly(pts, Style(WHITE, self.width + 3), True),
                             Poly(pts, Style(BAND, self.width), True)))]


@dataclass(frozen=True)
class Cuff:
    """Ankle weight: a short thick cuff across the shank just above the ankle."""

    ankle: str = "ankle_a"
    knee: str = "knee_a"

    def items(self, body: Body, proj: Projector) -> list[Item]:
        a, k = proj(body.joints[self.ankle]), proj(body.joints[self.knee])
        dx, dy = k[0] - a[0], k[1] - a[1]
        n = math.hypot(dx, dy) or 1.0
        ux, uy = dx / n, dy / n
        c = (a[0] + ux * 7, a[1] + uy * 7)
        p, q = (c[0] - ux * 4.5, c[1] - uy * 4.5), (c[0] + ux * 4.5, c[1] + uy * 4.5)
        return [Item(FRONT, (Poly((p, q), Style(WHITE, 15.0)), Poly((p, q), Style(PROP, 12.0))))]


@dataclass(frozen=True)
class Weight:
    """Hand weight seen end-on (dumbbell or jug) held at a point."""

    at: At
    r: float = 6.5

    def items(self, body: Body, proj: Projector) -> list[Item]:
        c3 = locate(body, self.at)
        c = proj(c3)
        return [Item(proj.depth(c3) + 10, (Circle(c, self.r + 1.5, Style(None, 0, WHITE)),
                                             Circle(c, self.r, Style(INK, 1.6, PROP_DARK))))]


@dataclass(frozen=True)
class Roll:
    """Rolled towel, can or cushion seen end-on, resting on the floor or mat."""

    at: At
    r: float = 6.0
    floor: float = 0.0
    depth: float = 0.0  # between the two legs: under the near knee, in front of the far leg

    def items(self, body: Body, proj: Projector) -> list[Item]:
        c3 = locate(body, self.at)
        c = proj((c3[0], self.floor + self.r, c3[2]))
        spiral = Path((("M", ((c[0] + self.r * 0.45, c[1]),)),
                       ("Q", ((c[0] + self.r * 0.4, c[1] + self.r * 0.5), (c[0], c[1] + self.r * 0.45))),
                       ("Q", ((c[0] - self.r * 0.5, c[1] + self.r * 0.35), (c[0] - self.r * 0.45, c[1]))),
                       ), Style(PROP, 1.2))
        return [Item(self.depth, (Circle(c, self.r, Style(PROP, 1.6, PROP_FILL)), spiral))]


@dataclass(frozen=True)
class Guide:
    """Dashed straight line through two points, a little beyond both (e.g. body like a board)."""

    a: At
    b: At
    extend: float = 8.0

    def items(self, body: Body, proj: Projector) -> list[Item]:
        p, q = proj(locate(body, self.a)), proj(locate(body, self.b))
        dx, dy = q[0] - p[0], q[1] - p[1]
        n = math.hypot(dx, dy) or 1.0
        e = self.extend / n
        p2 = (p[0] - dx * e, p[1] - dy * e)
        q2 = (q[0] + dx * e, q[1] + dy * e)
        return [Item(FRONT, (Poly((p2, q2), Style(ACCENT, 1.6, None, "5 4")),))]
