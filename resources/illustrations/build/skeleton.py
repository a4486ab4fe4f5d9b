"""Parametric stick figure: body proportions, pose description and joint positions in 3-D."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from vec3 import (
    Mat,
    Vec,
    add,
    dot,
    lerp,
    mm,
    mul,
    mv,
    rotate_about,
    rx,
    ry,
    rz,
    sub,
    two_link,
    unit,
)

# Proportions in drawing units (1 unit = 1 px at the SVG's native size); one figure is
# about 130 units tall, and every drawing uses the same numbers so the figures match.
TRUNK = 38.0  # pelvis centre to base of neck
NECK = 14.5  # base of neck to centre of head
HEAD_R = 9.5
HEAD_FWD = 2.5  # the head sits a little in front of the spine, so a supine head rests flat
SHOULDER_W = 12.0  # half the shoulder width
SHOULDER_DROP = 3.0
HIP_W = 6.5  # half the hip width
THIGH = 32.0
SHANK = 32.0
ANKLE_H = 5.0
HEEL = 4.0  # heel behind the ankle
TOE = 15.0  # toe in front of the ankle
UPPER_ARM = 24.0
FOREARM = 23.0

TORSO_W = 16.0
LEG_W = 8.5
FOOT_W = 6.0
ARM_W = 6.0
NECK_W = 7.0

# Standing tall on the floor: hip height above the floor.
STAND = THIGH + SHANK + ANKLE_H + FOOT_W / 2

SIDES = {"a": 1.0, "b": -1.0}  # a = the figure's right (toward the viewer in side view)


@dataclass(frozen=True)
class Rel:
    """A point given relative to a joint already placed (world offset)."""

    joint: str
    offset: Vec = (0.0, 0.0, 0.0)


Target = Vec | Rel


@dataclass(frozen=True)
class Leg:
    """Leg by joint angles (degrees): flexion +, knee bend +, ankle dorsiflexion +."""

    hip: float = 0.0
    knee: float = 0.0
    ankle: float = 0.0
    abd: float = 0.0  # abduction +, adduction -
    rot: float = 0.0  # external rotation +
    turn: float = 0.0  # foot turned out (eversion) +
    open: float = 0.0  # clamshell: whole leg turned about the hip-to-ankle line, knee up


@dataclass(frozen=True)
class Foot:
    """Leg by where the foot goes; the knee is solved and bends toward pole (body frame).

    With planted=True, at = (ankle x, surface height, ankle z) and the sole rests on the surface.
    """

    at: Target
    pitch: float = 0.0  # foot angle to the horizontal, toes up +
    turn: float = 0.0
    planted: bool = True
    pole: Vec = (1.0, 0.0, 0.15)
    toe_dir: Vec = (1.0, 0.0, 0.0)  # world direction the toes point, before pitch and turn


@dataclass(frozen=True)
class Arm:
    """Arm by joint angles (degrees): shoulder flexion +, abduction +, elbow bend +."""

    flex: float = 0.0
    abd: float = 0.0
    elbow: float = 10.0


@dataclass(frozen=True)
class Hand:
    """Arm by where the hand goes; the elbow is solved and bends toward pole (body frame)."""

    at: Target
    pole: Vec = (-0.6, -1.0, 0.5)


@dataclass(frozen=True)
class Pose:
    pelvis: Vec = (0.0, STAND, 0.0)
    pitch: float = 0.0  # whole body tipped forward + (supine -90, prone +90)
    roll: float = 0.0  # whole body rolled about the world x axis (side-lying -90)
    lean: float = 0.0  # trunk forward + relative to the pelvis frame
    side: float = 0.0  # trunk side bend toward the figure's right +
    twist: float = 0.0
    neck: float = 0.0  # head nodded forward +
    leg_a: Leg | Foot = field(default_factory=Leg)
    leg_b: Leg | Foot = field(default_factory=Leg)
    arm_a: Arm | Hand = field(default_factory=Arm)
    arm_b: Arm | Hand = field(default_factory=Arm)
    ground: float | None = None  # if set, shift so the lowest body point rests at this height
    rest: tuple[str, str] | None = None  # tip the body (about z) until both joints touch down


@dataclass(frozen=True)
class Chain:
    """One drawable body part: polylines (points, stroke width) drawn together."""

    name: str
    lines: tuple[tuple[tuple[Vec, ...], float], ...]
    closed: bool = False
    circle: tuple[Vec, float] | None = None


@dataclass(frozen=True)
class Body:
    joints: dict[str, Vec]
    chains: tuple[Chain, ...]
    radius: dict[str, float]


def _radius(name: str) -> float:
    if name == "head":
        return HEAD_R
    if name.startswith(("hip", "shoulder", "pelvis", "neck")):
        return TORSO_W / 2
    if name.startswith(("heel", "toe")):
        return FOOT_W / 2
    if name.startswith(("elbow", "hand")):
        return ARM_W / 2
    return LEG_W / 2


def _resolve(t: Target, j: dict[str, Vec]) -> Vec:
    return add(j[t.joint], t.offset) if isinstance(t, Rel) else t


def _foot_frame(toe_dir: Vec, pitch: float, turn: float, s: float) -> tuple[Vec, Vec]:
    """Unit forward and up vectors of a planted foot."""
    t = unit((toe_dir[0], 0.0, toe_dir[2]))
    t = mv(ry(-s * turn), t)
    c, sn = math.cos(math.radians(pitch)), math.sin(math.radians(pitch))
    up = (0.0, 1.0, 0.0)
    return add(mul(t, c), mul(up, sn)), add(mul(t, -sn), mul(up, c))


def _foot_points(ankle: Vec, fwd: Vec, up: Vec) -> tuple[Vec, Vec]:
    heel = add(ankle, add(mul(fwd, -HEEL), mul(up, -ANKLE_H)))
    toe = add(ankle, add(mul(fwd, TOE), mul(up, -ANKLE_H)))
    return heel, toe


def _leg_fk(leg: Leg, hip: Vec, r_tr: Mat, s: float, right: Vec) -> dict[str, Vec]:
    r_th = mm(r_tr, rz(leg.hip), rx(-s * leg.abd), ry(-s * leg.rot))
    knee = add(hip, mv(r_th, (0.0, -THIGH, 0.0)))
    r_sh = mm(r_th, rz(-leg.knee))
    ankle = add(knee, mv(r_sh, (0.0, -SHANK, 0.0)))
    r_ft = mm(r_sh, ry(-s * leg.turn), rz(leg.ankle))
    heel, toe = _foot_points(ankle, mv(r_ft, (1.0, 0.0, 0.0)), mv(r_ft, (0.0, 1.0, 0.0)))
    pts = {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe}
    if leg.open:
        axis = sub(ankle, hip)
        # Turn whichever way lifts the knee away from the other leg.
        trial = rotate_about(knee, hip, axis, leg.open)
        sign = 1.0 if dot(sub(trial, knee), right) > 0 else -1.0
        pts = {k: rotate_about(p, hip, axis, sign * leg.open) for k, p in pts.items()}
    return pts


def _leg_ik(
    foot: Foot, hip: Vec, r_root: Mat, s: float, j: dict[str, Vec], name: str
) -> dict[str, Vec]:
    fwd, up = _foot_frame(foot.toe_dir, foot.pitch, foot.turn, s)
    at = _resolve(foot.at, j)
    if foot.planted:
        heel, toe = _foot_points((0.0, 0.0, 0.0), fwd, up)
        lift = FOOT_W / 2 - min(heel[1], toe[1])
        ankle = (at[0], at[1] + lift, at[2])
    else:
        ankle = at
    pole = mv(r_root, (foot.pole[0], foot.pole[1], s * foot.pole[2]))
    knee = two_link(hip, ankle, THIGH, SHANK, pole, name)
    heel, toe = _foot_points(ankle, fwd, up)
    return {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe}


def _arm(
    arm: Arm | Hand, shoulder: Vec, r_tr: Mat, s: float, j: dict[str, Vec], name: str
) -> dict[str, Vec]:
    if isinstance(arm, Arm):
        r_up = mm(r_tr, rz(arm.flex), rx(-s * arm.abd))
        elbow = add(shoulder, mv(r_up, (0.0, -UPPER_ARM, 0.0)))
        hand = add(elbow, mv(mm(r_up, rz(arm.elbow)), (0.0, -FOREARM, 0.0)))
        return {"elbow": elbow, "hand": hand}
    hand = _resolve(arm.at, j)
    pole = mv(r_tr, (arm.pole[0], arm.pole[1], s * arm.pole[2]))
    return {"elbow": two_link(shoulder, hand, UPPER_ARM, FOREARM, pole, name), "hand": hand}


def _place(pose: Pose) -> dict[str, Vec]:
    r_root = mm(rx(pose.roll), rz(-pose.pitch))
    r_tr = mm(r_root, rz(-pose.lean), rx(pose.side), ry(pose.twist))
    up, right = mv(r_tr, (0.0, 1.0, 0.0)), mv(r_tr, (0.0, 0.0, 1.0))
    j: dict[str, Vec] = {"pelvis": pose.pelvis}
    j["neck"] = add(pose.pelvis, mul(up, TRUNK))
    j["head"] = add(j["neck"], mv(mm(r_tr, rz(-pose.neck)), (HEAD_FWD, NECK, 0.0)))
    for k, s in SIDES.items():
        j[f"hip_{k}"] = add(pose.pelvis, mul(right, s * HIP_W))
        j[f"shoulder_{k}"] = add(add(j["neck"], mul(up, -SHOULDER_DROP)), mul(right, s * SHOULDER_W))
    # Legs placed by angles first, so a foot may be placed relative to the other leg's joints.
    def order(k: str) -> int:
        leg = getattr(pose, f"leg_{k}")
        return 0 if isinstance(leg, Leg) else (2 if isinstance(leg.at, Rel) else 1)

    legs = sorted(SIDES, key=order)
    for k in legs:
        leg, s, hip = getattr(pose, f"leg_{k}"), SIDES[k], j[f"hip_{k}"]
        if isinstance(leg, Leg):
            pts = _leg_fk(leg, hip, r_tr, s, mul(right, s))
        else:
            pts = _leg_ik(leg, hip, r_root, s, j, f"leg_{k}")
        j.update({f"{n}_{k}": p for n, p in pts.items()})
    for k, s in SIDES.items():
        arm = getattr(pose, f"arm_{k}")
        pts = _arm(arm, j[f"shoulder_{k}"], r_tr, s, j, f"arm_{k}")
        j.update({f"{n}_{k}": p for n, p in pts.items()})
    return j


def _lowest(j: dict[str, Vec], name: str) -> float:
    return j[name][1] - _radius(name)


def _tip(j: dict[str, Vec], deg: float) -> dict[str, Vec]:
    piv = j["pelvis"]
    return {n: rotate_about(p, piv, (0.0, 0.0, 1.0), deg) for n, p in j.items()}


def _solve_rest(j: dict[str, Vec], a: str, b: str) -> dict[str, Vec]:
    """Tip the body about the pelvis until joints a and b are at the same height."""
    def gap(deg: float) -> float:
        t = _tip(j, deg)
        return _lowest(t, a) - _lowest(t, b)

    lo, hi = -60.0, 60.0
    if gap(lo) * gap(hi) > 0:
        raise ValueError(f"cannot rest both {a} and {b} on the floor")
    for _ in range(60):
        mid = (lo + hi) / 2
        if gap(lo) * gap(mid) <= 0:
            hi = mid
        else:
            lo = mid
    return _tip(j, (lo + hi) / 2)


def build(pose: Pose) -> Body:
    j = _place(pose)
    if pose.rest:
        j = _solve_rest(j, *pose.rest)
    if pose.ground is not None:
        low = min(_lowest(j, n) for n in j if n != "pelvis")
        j = {n: (p[0], p[1] - low + pose.ground, p[2]) for n, p in j.items()}
    chains = [
        # The outline is a closed polyline plus the spine, so it still strokes when the side
        # view flattens it to a line (Qt draws nothing for a zero-area polygon).
        Chain("torso", (((j["hip_a"], j["hip_b"], j["shoulder_b"], j["shoulder_a"], j["hip_a"]),
                         TORSO_W), ((j["pelvis"], j["neck"]), TORSO_W)), True),
        Chain("head", (((j["neck"], lerp(j["neck"], j["head"], 0.7)), NECK_W),), False,
              (j["head"], HEAD_R)),
    ]
    for k in SIDES:
        leg = (j[f"hip_{k}"], j[f"knee_{k}"], j[f"ankle_{k}"])
        foot = (j[f"ankle_{k}"], j[f"heel_{k}"], j[f"toe_{k}"])
        chains.append(Chain(f"leg_{k}", ((leg, LEG_W), (foot, FOOT_W))))
        arm = (j[f"shoulder_{k}"], j[f"elbow_{k}"], j[f"hand_{k}"])
        chains.append(Chain(f"arm_{k}", ((arm, ARM_W),)))
    return Body(j, tuple(chains), {n: _radius(n) for n in j})
