"""What one illustration is made of: camera view, the two poses, props, arrows and labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shapes import P2, Item
from skeleton import Body, Pose
from vec3 import Vec, add, lerp, mm, mv, rx, ry


@dataclass(frozen=True)
class View:
    """Orthographic camera: azim turns the scene about the vertical (90 = seen from behind the
    figure, -90 = figure facing the viewer); elev > 0 looks down from above."""

    azim: float = 0.0
    elev: float = 0.0


class Projector:
    def __init__(self, view: View) -> None:
        self.m = mm(rx(view.elev), ry(view.azim))

    def xyz(self, p: Vec) -> Vec:
        return mv(self.m, p)

    def __call__(self, p: Vec) -> P2:
        v = mv(self.m, p)
        return (v[0], v[1])

    def depth(self, p: Vec) -> float:
        return mv(self.m, p)[2]


# A place on the body or in the room: a joint name, a point between two joints
# (joint, joint, fraction), a joint plus a world offset, or a fixed world point.
At = str | tuple[str, str, float] | tuple[str, Vec] | Vec


def locate(body: Body, at: At) -> Vec:
    j = body.joints
    if isinstance(at, str):
        return j[at]
    if len(at) == 3 and isinstance(at[0], str):
        return lerp(j[at[0]], j[at[1]], float(at[2]))  # type: ignore[arg-type, misc]
    if len(at) == 2 and isinstance(at[0], str):
        return add(j[at[0]], at[1])  # type: ignore[arg-type]
    return at  # type: ignore[return-value]


class Prop(Protocol):
    def items(self, body: Body, proj: Projector) -> list[Item]: ...


@dataclass(frozen=True)
class Track:
    """Curved arrow from where a point is at the start to where it is at the finish."""

    at: At
    offset: P2 = (0.0, 0.0)
    bend: float = 0.25  # bulge as a fraction of the arrow's length; the sign picks the side
    trim: float = 5.0


@dataclass(frozen=True)
class Push:
    """Straight arrow whose head stops just short of a point; vec runs from tail to head."""

    at: At
    vec: P2
    gap: float = 7.0
    panel: int = 1


@dataclass(frozen=True)
class Spin:
    """Arrow along a circular arc (degrees, counter-clockwise on the page) around a point."""

    at: At
    r: float
    a0: float
    a1: float
    panel: int = 1


Arrow = Track | Push | Spin


@dataclass(frozen=True)
class Exercise:
    id: str
    start: Pose
    finish: Pose
    view: View = View()
    accent: tuple[str, ...] = ("leg_a",)
    props: tuple[Prop, ...] = ()  # drawn in both panels
    start_props: tuple[Prop, ...] = ()
    finish_props: tuple[Prop, ...] = ()
    arrows: tuple[Arrow, ...] = ()
    labels: tuple[str, str] = ("Start", "Finish")
    notes: tuple[str, str] = ("", "")
    floor: bool = True
    grey: tuple[str, ...] = ()  # chains forced to the far-side grey
    ink: tuple[str, ...] = ()  # chains forced to the near-side ink
