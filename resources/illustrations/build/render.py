"""Turns an Exercise into SVG text: two panels, depth-sorted body and props, labels, arrows."""

from __future__ import annotations

import math
from collections.abc import Mapping

from scene import Exercise, Projector, Push, Spin, Track, locate
from shapes import (
    ACCENT,
    FAR,
    FONT,
    INK,
    P2,
    PROP_DARK,
    WHITE,
    Circle,
    Item,
    Path,
    Poly,
    Shape,
    Style,
    bbox,
    to_svg,
    union,
)
from skeleton import Body, build

PANEL = 200.0
HEIGHT = 200.0
FLOOR_Y = 186.0  # page y of the floor in side views
SCALE = 1.15  # model units to page units, the same for every drawing
HALO = 2.0  # white outline that keeps a limb readable where it crosses another


def _depths(body: Body, proj: Projector) -> tuple[float, dict[str, float]]:
    """Mean depth of the torso and of every chain."""
    depth = {}
    for ch in body.chains:
        pts3 = [p for pts, _ in ch.lines for p in pts]
        depth[ch.name] = sum(proj.depth(p) for p in pts3) / len(pts3)
    return depth["torso"], depth


def far_limbs(body: Body, proj: Projector, ex: Exercise) -> set[str]:
    """Limbs drawn in the far-side grey: behind the torso, unless the exercise says otherwise.
    Decided once from the start pose, so a limb keeps its colour in both panels."""
    tdepth, depth = _depths(body, proj)
    far = {n for n, d in depth.items() if n.startswith(("leg", "arm")) and d < tdepth - 2.5}
    return (far | set(ex.grey)) - set(ex.ink) - set(ex.accent)


def _body_items(body: Body, proj: Projector, ex: Exercise, far: set[str]) -> list[Item]:
    tdepth, depths = _depths(body, proj)
    items = []
    for ch in body.chains:
        depth = depths[ch.name]
        color = ACCENT if ch.name in ex.accent else FAR if ch.name in far else INK
        order = {"torso": tdepth - 3.0, "head": tdepth - 2.5}.get(ch.name, depth)
        halo: list[Shape] = []
        ink: list[Shape] = []
        for n, (pts, width) in enumerate(ch.lines):
            flat = tuple(proj(p) for p in pts)
            filled = ch.closed and n == 0  # the outline of a closed chain is also filled
            halo.append(Poly(flat, Style(WHITE, width + 2 * HALO, WHITE if filled else None)))
            ink.append(Poly(flat, Style(color, width, color if filled else None)))
        if ch.circle:
            c, r = proj(ch.circle[0]), ch.circle[1]
            halo.append(Circle(c, r + HALO, Style(None, 0, WHITE)))
            ink.append(Circle(c, r, Style(None, 0, color)))
        items.append(Item(order, tuple(halo + ink)))
    return items


def _arrow_head(tip: P2, frm: P2, size: float = 8.0) -> tuple[Shape, P2]:
    dx, dy = tip[0] - frm[0], tip[1] - frm[1]
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    base = (tip[0] - ux * size, tip[1] - uy * size)
    w = size * 0.6
    pts = (tip, (base[0] - uy * w, base[1] + ux * w), (base[0] + uy * w, base[1] - ux * w))
    return Poly(pts, Style(ACCENT, 1.0, ACCENT), True), base


def _curve_arrow(p0: P2, ctrl: P2, p1: P2) -> list[Shape]:
    head, base = _arrow_head(p1, ctrl)
    shaft = Path((("M", (p0,)), ("Q", (ctrl, base))), Style(ACCENT, 2.4))
    halo = Path((("M", (p0,)), ("Q", (ctrl, p1))), Style(WHITE, 6.0))
    return [halo, shaft, head]


def _track(a: P2, b: P2, t: Track) -> list[Shape]:
    a = (a[0] + t.offset[0], a[1] + t.offset[1])
    b = (b[0] + t.offset[0], b[1] + t.offset[1])
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = math.hypot(dx, dy)
    if n < 2 * t.trim + 4:
        raise ValueError(f"arrow for {t.at!r} is too short ({n:.1f})")
    ux, uy = dx / n, dy / n
    p0, p1 = (a[0] + ux * t.trim, a[1] + uy * t.trim), (b[0] - ux * t.trim, b[1] - uy * t.trim)
    m = ((p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2)
    ctrl = (m[0] - uy * t.bend * n, m[1] + ux * t.bend * n)
    return _curve_arrow(p0, ctrl, p1)


def _spin(c: P2, s: Spin) -> list[Shape]:
    def pt(deg: float) -> P2:
        return (c[0] + s.r * math.cos(math.radians(deg)), c[1] + s.r * math.sin(math.radians(deg)))

    steps = max(2, int(abs(s.a1 - s.a0) / 30) + 1)
    cmds: list[tuple[str, tuple[P2, ...]]] = [("M", (pt(s.a0),))]
    da = (s.a1 - s.a0) / steps
    for i in range(steps):
        a, b = s.a0 + i * da, s.a0 + (i + 1) * da
        k = s.r / math.cos(math.radians(da / 2))  # control point of a quadratic arc piece
        mid = math.radians((a + b) / 2)
        ctrl = (c[0] + k * math.cos(mid), c[1] + k * math.sin(mid))
        cmds.append(("Q", (ctrl, pt(b))))
    last_ctrl = cmds[-1][1][0]
    head, _ = _arrow_head(pt(s.a1), last_ctrl)
    return [Path(tuple(cmds), Style(WHITE, 6.0)), Path(tuple(cmds), Style(ACCENT, 2.4)), head]


def _push(p: P2, s: Push) -> list[Shape]:
    n = math.hypot(*s.vec) or 1.0
    ux, uy = s.vec[0] / n, s.vec[1] / n
    tip = (p[0] - ux * s.gap, p[1] - uy * s.gap)
    tail = (tip[0] - s.vec[0], tip[1] - s.vec[1])
    head, base = _arrow_head(tip, tail)
    return [Poly((tail, tip), Style(WHITE, 6.0)), Poly((tail, base), Style(ACCENT, 2.4)), head]


def _arrows(ex: Exercise, bodies: tuple[Body, Body], proj: Projector) -> list[list[Shape]]:
    out: list[list[Shape]] = [[], []]
    for a in ex.arrows:
        if isinstance(a, Track):
            out[1] += _track(proj(locate(bodies[0], a.at)), proj(locate(bodies[1], a.at)), a)
        elif isinstance(a, Spin):
            out[a.panel] += _spin(proj(locate(bodies[a.panel], a.at)), a)
        elif isinstance(a, Push):
            out[a.panel] += _push(proj(locate(bodies[a.panel], a.at)), a)
    return out


def _label(n: int, word: str, note: str) -> list[str]:
    out = [
        f'<circle cx="16" cy="17" r="9" fill="{INK}"/>',
        f'<text x="16" y="21" font-family="{FONT}" font-size="12" font-weight="bold" '
        f'fill="{WHITE}" text-anchor="middle">{n}</text>',
        f'<text x="30" y="21.5" font-family="{FONT}" font-size="12.5" fill="{INK}">{word}</text>',
    ]
    if note:
        out.append(f'<text x="190" y="21.5" font-family="{FONT}" font-size="10.5" '
                   f'fill="{PROP_DARK}" text-anchor="end">{note}</text>')
    return out


def _words(text: str, words: Mapping[str, str] | None) -> str:
    """The label or note in the drawing's language; every printed word needs a translation."""
    if not text or words is None:
        return text
    if text not in words:
        raise ValueError(f"no translation for drawing text {text!r}")
    return words[text]


def compose(ex: Exercise, words: Mapping[str, str] | None = None) -> str:
    """The drawing as SVG text; `words` translates its labels and notes (None: English)."""
    proj = Projector(ex.view)
    try:
        bodies = (build(ex.start), build(ex.finish))
    except ValueError as err:
        raise ValueError(f"{ex.id}: {err}") from err
    extra = (ex.start_props, ex.finish_props)
    layers: list[list[Item]] = []
    far = far_limbs(bodies[0], proj, ex)
    for i, body in enumerate(bodies):
        items = _body_items(body, proj, ex, far)
        for prop in ex.props + extra[i]:
            items += prop.items(body, proj)
        layers.append(sorted(items, key=lambda it: it.depth))
    try:
        arrows = _arrows(ex, bodies, proj)
    except ValueError as err:
        raise ValueError(f"{ex.id}: {err}") from err
    boxes = [b for layer in layers for it in layer for s in it.shapes if (b := bbox(s))]
    boxes += [b for shapes in arrows for s in shapes if (b := bbox(s))]
    x0, y0, x1, y1 = (SCALE * v for v in union(boxes))
    ox = PANEL / 2 - (x0 + x1) / 2
    side_view = ex.view.elev == 0
    oy = FLOOR_Y if side_view else HEIGHT - 8 + y0
    if x1 - x0 > PANEL - 8 or oy - y1 < 4 or oy - y0 > HEIGHT - 4:
        raise ValueError(f"{ex.id}: drawing does not fit its panel ({x0:.0f},{y0:.0f},{x1:.0f},{y1:.0f})")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
        f'width="{int(2 * PANEL)}" height="{int(HEIGHT)}" viewBox="0 0 {int(2 * PANEL)} {int(HEIGHT)}">',
        f'<rect x="0" y="0" width="{int(2 * PANEL)}" height="{int(HEIGHT)}" fill="{WHITE}"/>',
    ]
    names = ("start", "finish")
    for i, layer in enumerate(layers):
        out.append(f'<g class="panel" id="{names[i]}" transform="translate({int(i * PANEL)},0)">')
        out.append(f'<rect x="3" y="3" width="{int(PANEL - 6)}" height="{int(HEIGHT - 6)}" rx="8" '
                   f'ry="8" fill="none" stroke="#c8c8c8" stroke-width="1.2"/>')
        if side_view and ex.floor:
            out.append(f'<line x1="10" y1="{FLOOR_Y + 1:.0f}" x2="{PANEL - 10:.0f}" '
                       f'y2="{FLOOR_Y + 1:.0f}" stroke="#7a7a7a" stroke-width="2" '
                       f'stroke-linecap="round"/>')
        out += [to_svg(s, ox, oy, SCALE) for it in layer for s in it.shapes]
        out += [to_svg(s, ox, oy, SCALE) for s in arrows[i]]
        out += _label(i + 1, _words(ex.labels[i], words), _words(ex.notes[i], words))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
