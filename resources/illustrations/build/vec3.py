"""Small 3-D vector, rotation and two-link inverse-kinematics helpers for the figure model."""

from __future__ import annotations

import math

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # row-major 3x3 rotation


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def length(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def unit(a: Vec) -> Vec:
    n = length(a)
    if n < 1e-9:
        raise ValueError("cannot normalise a zero vector")
    return mul(a, 1.0 / n)


def lerp(a: Vec, b: Vec, t: float) -> Vec:
    return add(a, mul(sub(b, a), t))


def _rot(axis: int, deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    if axis == 0:
        return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))
    if axis == 1:
        return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def rx(deg: float) -> Mat:
    """Rotation about x: +deg turns +y toward +z."""
    return _rot(0, deg)


def ry(deg: float) -> Mat:
    """Rotation about y: +deg turns +z toward +x."""
    return _rot(1, deg)


def rz(deg: float) -> Mat:
    """Rotation about z: +deg turns +x toward +y."""
    return _rot(2, deg)


def mm(*ms: Mat) -> Mat:
    """Matrix product of the given matrices, left to right."""
    out = ms[0]
    for m in ms[1:]:
        cols = list(zip(*m, strict=True))
        out = tuple(tuple(dot(row, col) for col in cols) for row in out)  # type: ignore[assignment]
    return out


def mv(m: Mat, v: Vec) -> Vec:
    return (dot(m[0], v), dot(m[1], v), dot(m[2], v))


def rotate_about(p: Vec, origin: Vec, axis: Vec, deg: float) -> Vec:
    """Rodrigues rotation of point p about the line through origin along axis."""
    k = unit(axis)
    v = sub(p, origin)
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    term = add(add(mul(v, c), mul(cross(k, v), s)), mul(k, dot(k, v) * (1 - c)))
    return add(origin, term)


def two_link(root: Vec, target: Vec, l1: float, l2: float, pole: Vec, name: str) -> Vec:
    """Middle joint (knee or elbow) for a two-segment limb reaching target, bending toward pole.

    Raises ValueError when the target is out of reach, so an impossible pose in the table is
    caught when the drawings are built instead of being silently stretched.
    """
    d = sub(target, root)
    dist = length(d)
    if dist > l1 + l2 + 0.5:
        raise ValueError(f"{name}: target {dist:.1f} away but the limb is only {l1 + l2:.1f} long")
    dist = min(max(dist, abs(l1 - l2) + 1e-3), l1 + l2 - 1e-6)
    dh = unit(d)
    a = (dist * dist + l1 * l1 - l2 * l2) / (2 * dist)
    h = math.sqrt(max(0.0, l1 * l1 - a * a))
    side = sub(pole, mul(dh, dot(dh, pole)))
    n = unit(side) if length(side) > 1e-6 else unit(cross(dh, (0.0, 0.0, 1.0)))
    return add(add(root, mul(dh, a)), mul(n, h))
