"""Larger props (exercise bike, rowing machine, water, metronome) and symbols (eye, letters)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from props import BACK, FRONT, box3
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


def _pl(proj: Projector, pts: list[Vec], width: float, color: str = PROP) -> Poly:
    return Poly(tuple(proj(p) for p in pts), Style(color, width))


def crank_point(centre: tuple[float, float], deg: float, z: float, r: float = 13.0) -> Vec:
    a = math.radians(deg)
    return (centre[0] + r * math.cos(a), centre[1] + r * math.sin(a), z)


@dataclass(frozen=True)
class Bike:
    """Upright exercise bike seen from the side; crank_deg is the near pedal's angle."""

    crank: tuple[float, float]
    saddle: tuple[float, float]
    bars: tuple[float, float]
    crank_deg: float

    def items(self, body: Body, proj: Projector) -> list[Item]:
        cx, cy = self.crank
        sx, sy = self.saddle
        bx, by = self.bars
        frame = [
            *box3(proj, (sx - 22, 0.0, -16), (sx - 10, 3.0, 16), PROP_DARK),
            *box3(proj, (bx - 8, 0.0, -16), (bx + 6, 3.0, 16), PROP_DARK),
            _pl(proj, [(sx - 16, 3, 0), (sx - 2, sy - 4, 0)], 5.0),
            _pl(proj, [(sx - 10, 22, 0), (cx, cy, 0), (bx + 2, 3, 0)], 5.0),
            _pl(proj, [(bx + 2, 3, 0), (bx - 2, by - 2, 0)], 5.0),
            _pl(proj, [(bx - 2, by, 0), (bx - 11, by + 1, 0)], 5.0),
            Circle(proj((bx + 3, 26, 0)), 13.0, Style(PROP, 2.0, PROP_FILL)),
            _pl(proj, [(sx - 9, sy, 0), (sx + 7, sy, 0)], 5.5, INK),
            Circle(proj((cx, cy, 0)), 5.0, Style(PROP, 1.6, PROP_FILL)),
        ]
        items = [Item(-4.0, tuple(frame))]
        for z, deg, depth in ((9.0, self.crank_deg, 9.0), (-9.0, self.crank_deg + 180, -8.0)):
            pedal = crank_point(self.crank, deg, z)
            arm = _pl(proj, [(cx, cy, z), pedal], 3.5, PROP_DARK)
            foot = _pl(proj, [(pedal[0] - 4, pedal[1], z), (pedal[0] + 4, pedal[1], z)], 3.5, INK)
            items.append(Item(depth, (arm, foot)))
        return items


@dataclass(frozen=True)
class Rower:
    """Rowing machine: rail, sliding seat under the pelvis, foot plate, fan and handle cord."""

    rail: tuple[float, float]  # x from, x to
    plate: tuple[Vec, Vec]  # heel end and toe end of the foot plate
    fan: tuple[float, float]

    def items(self, body: Body, proj: Projector) -> list[Item]:
        x0, x1 = self.rail
        fx, fy = self.fan
        hands = locate(body, ("hand_a", "hand_b", 0.5))
        p = body.joints["pelvis"]
        back = [
            *box3(proj, (x0, 0.0, -6), (x0 + 6, 10.0, 6), PROP_DARK),
            *box3(proj, (x0, 10.0, -5), (x1, 14.0, 5)),
            *box3(proj, (fx - 8, 0.0, -14), (fx + 8, 12.0, 14), PROP_DARK),
            Circle(proj((fx, fy, 0)), 15.0, Style(PROP, 2.0, PROP_FILL)),
            Circle(proj((fx, fy, 0)), 4.0, Style(PROP, 1.6, PROP_DARK)),
            _pl(proj, [(fx - 10, 14, 0), self.plate[0], self.plate[1]], 4.0),
            *box3(proj, (p[0] - 11, 14.0, -9), (p[0] + 9, 17.0, 9), PROP_DARK),
            _pl(proj, [(fx - 2, fy, 0), (hands[0], hands[1], 0)], 1.8, PROP),
        ]
        handle = _pl(proj, [(hands[0], hands[1], -12), (hands[0], hands[1], 12)], 4.0, INK)
        return [Item(BACK, tuple(back)), Item(FRONT, (handle,))]


WATER = "#e9f1f6"
WAVE = "#6f9bb8"


@dataclass(frozen=True)
class Water:
    """Pool water: pale fill and a wavy surface line at height y."""

    y: float
    x0: float = -100.0
    x1: float = 100.0
    bottom: float = -60.0

    def items(self, body: Body, proj: Projector) -> list[Item]:
        n = 10
        step = (self.x1 - self.x0) / n
        cmds: list[tuple[str, tuple[P2, ...]]] = [("M", (proj((self.x0, self.y, 0)),))]
        for i in range(n):
            xm, xe = self.x0 + (i + 0.5) * step, self.x0 + (i + 1) * step
            cmds.append(("Q", (proj((xm, self.y + (2.5 if i % 2 else -2.5), 0)),
                               proj((xe, self.y, 0)))))
        fill = Poly((proj((self.x0, self.y, 0)), proj((self.x1, self.y, 0)),
                     proj((self.x1, self.bottom, 0)), proj((self.x0, self.bottom, 0))),
                    Style(None, 0, WATER), True)
        return [Item(BACK, (fill,)), Item(FRONT, (Path(tuple(cmds), Style(WAVE, 1.8)),))]


@dataclass(frozen=True)
class Metronome:
    """Metronome on the floor at x with its pendulum swung by swing degrees (+ = to the right)."""

    x: float
    swing: float
    z: float = 0.0

    def items(self, body: Body, proj: Projector) -> list[Item]:
        x, z = self.x, self.z
        case = Poly(tuple(proj(p) for p in ((x - 11, 0, z), (x + 11, 0, z), (x + 4, 30, z),
                                              (x - 4, 30, z))), Style(PROP, 1.8, PROP_FILL), True)
        a = math.radians(self.swing)
        pivot = (x, 6.0, z)
        tip = (x + 27 * math.sin(a), 6 + 27 * math.cos(a), z)
        bob = (x + 17 * math.sin(a), 6 + 17 * math.cos(a), z)
        sound = []
        side = 1.0 if self.swing >= 0 else -1.0
        for r in (6.0, 10.0):
            c = proj((tip[0] + side * 3, tip[1], z))
            sound.append(Path((("M", ((c[0] + side * r * 0.5, c[1] + r * 0.8),)),
                               ("Q", ((c[0] + side * r * 1.1, c[1]), (c[0] + side * r * 0.5,
                                                                      c[1] - r * 0.8)))),
                              Style(ACCENT, 1.6)))
        shapes = (case, Poly((proj(pivot), proj(tip)), Style(INK, 2.0)),
                  Circle(proj(bob), 3.0, Style(INK, 1.0, INK)), *sound)
        return [Item(BACK + 5, shapes)]


@dataclass(frozen=True)
class Eye:
    """Open or closed eye symbol beside the head, for the eyes-closed balance exercise."""

    at: At
    closed: bool
    size: float = 9.0

    def items(self, body: Body, proj: Projector) -> list[Item]:
        cx, cy = proj(locate(body, self.at))
        s = self.size
        left, right = (cx - s, cy), (cx + s, cy)
        lower = Path((("M", (left,)), ("Q", ((cx, cy - s * 0.9), right))), Style(INK, 1.8))
        if self.closed:
            lashes = tuple(
                Poly(((cx + dx * s * 0.55, cy - 0.42 * s), (cx + dx * s * 0.8, cy - 0.8 * s)),
                     Style(INK, 1.5)) for dx in (-0.9, 0.0, 0.9))
            shapes = (Circle((cx, cy), s + 3, Style(PROP, 1.2, WHITE)), lower, *lashes)
        else:
            upper = Path((("M", (left,)), ("Q", ((cx, cy + s * 0.9), right))), Style(INK, 1.8))
            pupil = Circle((cx, cy), s * 0.3, Style(None, 0, INK))
            shapes = (Circle((cx, cy), s + 3, Style(PROP, 1.2, WHITE)), lower, upper, pupil)
        return [Item(FRONT, shapes)]


@dataclass(frozen=True)
class LetterA:
    """Dashed capital A traced by the big toe, for the ankle alphabet."""

    at: At
    size: float = 16.0

    def items(self, body: Body, proj: Projector) -> list[Item]:
        x, y = proj(locate(body, self.at))
        s = self.size
        st = Style(ACCENT, 1.8, None, "3 2.5")
        legs = Poly(((x, y), (x + s * 0.35, y + s), (x + s * 0.7, y)), st)
        bar = Poly(((x + s * 0.16, y + s * 0.45), (x + s * 0.54, y + s * 0.45)), st)
        return [Item(FRONT, (legs, bar))]


