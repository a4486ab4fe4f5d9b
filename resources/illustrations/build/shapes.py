"""Drawing primitives in view space (y up) and their SVG Tiny text, bounding boxes and colours."""

from __future__ import annotations

from dataclasses import dataclass

INK = "#262626"  # near side of the body
FAR = "#a8a8a8"  # far-side limbs, so the two legs never merge into one
ACCENT = "#d4572a"  # working limb and movement arrows; prints as a mid grey
PROP = "#5c5c5c"  # outline of furniture and equipment
PROP_FILL = "#ebebeb"
PROP_DARK = "#8c8c8c"
WHITE = "#ffffff"
FONT = "DejaVu Sans"

P2 = tuple[float, float]


@dataclass(frozen=True)
class Style:
    stroke: str | None = None
    width: float = 0.0
    fill: str | None = None
    dash: str | None = None


@dataclass(frozen=True)
class Poly:
    pts: tuple[P2, ...]
    style: Style
    closed: bool = False


@dataclass(frozen=True)
class Circle:
    c: P2
    r: float
    style: Style


@dataclass(frozen=True)
class Path:
    """Commands M, L, Q, C, Z with their points, e.g. (("M", (p,)), ("Q", (c, p)))."""

    cmds: tuple[tuple[str, tuple[P2, ...]], ...]
    style: Style


Shape = Poly | Circle | Path


@dataclass(frozen=True)
class Item:
    """Shapes drawn together at one depth (larger depth = nearer the viewer, drawn later)."""

    depth: float
    shapes: tuple[Shape, ...]


def num(v: float) -> str:
    s = f"{v:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def _style_attrs(st: Style, k: float) -> str:
    parts = [f'fill="{st.fill or "none"}"']
    if st.stroke:
        parts += [
            f'stroke="{st.stroke}"',
            f'stroke-width="{num(st.width * k)}"',
            'stroke-linecap="round"',
            'stroke-linejoin="round"',
        ]
        if st.dash:
            parts.append(f'stroke-dasharray="{st.dash}"')
    return " ".join(parts)


def to_svg(sh: Shape, ox: float, oy: float, k: float = 1.0) -> str:
    """One SVG element at scale k and origin (ox, oy); view-space y is flipped so that up on the
    figure is up on the page. Stroke widths scale too, so every drawing keeps the same look."""

    def xy(p: P2) -> str:
        return f"{num(ox + k * p[0])},{num(oy - k * p[1])}"

    if isinstance(sh, Poly):
        tag = "polygon" if sh.closed else "polyline"
        pts = " ".join(xy(p) for p in sh.pts)
        return f'<{tag} points="{pts}" {_style_attrs(sh.style, k)}/>'
    if isinstance(sh, Circle):
        return (f'<circle cx="{num(ox + k * sh.c[0])}" cy="{num(oy - k * sh.c[1])}" '
                f'r="{num(k * sh.r)}" {_style_attrs(sh.style, k)}/>')
    d = " ".join(f"{c} " + " ".join(xy(p) for p in pts) if pts else c for c, pts in sh.cmds)
    return f'<path d="{d}" {_style_attrs(sh.style, k)}/>'


def bbox(sh: Shape) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) in view space, stroke included."""
    if isinstance(sh, Circle):
        pad = sh.r + sh.style.width / 2
        return (sh.c[0] - pad, sh.c[1] - pad, sh.c[0] + pad, sh.c[1] + pad)
    pts = sh.pts if isinstance(sh, Poly) else [p for _, ps in sh.cmds for p in ps]
    w = sh.style.width / 2
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs) - w, min(ys) - w, max(xs) + w, max(ys) + w)


def union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def line(a: P2, b: P2, stroke: str = PROP, width: float = 2.0, dash: str | None = None) -> Poly:
    return Poly((a, b), Style(stroke, width, None, dash))


def box(x0: float, y0: float, x1: float, y1: float, fill: str = PROP_FILL,
        stroke: str = PROP, width: float = 1.8) -> Poly:
    return Poly(((x0, y0), (x1, y0), (x1, y1), (x0, y1)), Style(stroke, width, fill), True)
