"""Shared pose helpers for the pose tables: planted feet, lying bodies, solved hip positions."""

from __future__ import annotations

import math

from props import MAT
from skeleton import (
    ANKLE_H,
    HIP_W,
    SHANK,
    THIGH,
    TOE,
    TORSO_W,
    TRUNK,
    Arm,
    Foot,
    Hand,
    Pose,
)
from vec3 import Vec

LIE = MAT + TORSO_W / 2  # pelvis height when lying on the mat
SUPINE = -90.0
HAND_FLOOR = MAT + 3.0
UP = (1.0, 0.0, 0.3)  # elbow pole toward the body's front: a supine body's elbows lift
SIDE_LYING = {"pitch": 90.0, "roll": -90.0, "ground": MAT}  # on the left side, head right
COUNTER_H = 69.0
WALL_H = 128.0  # walls stop below the panel labels


def plant(x: float, y: float = 0.0, z: float = HIP_W, **kw: object) -> Foot:
    """Foot resting on a surface at height y with the ankle at (x, z)."""
    return Foot((x, y, z), **kw)  # type: ignore[arg-type]


def tiptoe_shift(pitch: float) -> float:
    """How far the ankle moves forward when the heel lifts by pitch with the toes kept still."""
    p = math.radians(pitch)
    return TOE - (TOE * math.cos(p) + ANKLE_H * math.sin(p))


def tiptoe_rise(pitch: float) -> float:
    """How far the ankle (and so the body) rises when the heel lifts by pitch (negative)."""
    p = math.radians(pitch)
    return -(TOE * math.sin(p) - ANKLE_H * math.cos(p)) - ANKLE_H


def pelvis_below_neck(neck: tuple[float, float], pitch: float) -> Vec:
    """Pelvis position that keeps the base of the neck at a given point (bridges)."""
    ux, uy = math.sin(math.radians(pitch)), math.cos(math.radians(pitch))
    return (neck[0] - ux * TRUNK, neck[1] - uy * TRUNK, 0.0)


def pitch_through(shoulder: tuple[float, float], knee: tuple[float, float]) -> float:
    """Supine body pitch that puts the trunk on the line from the shoulders to the knees."""
    dx, dy = knee[0] - shoulder[0], knee[1] - shoulder[1]
    return -90.0 - math.degrees(math.atan2(dy, dx))


def hip_over_shank(ankle: tuple[float, float], shank_deg: float, thigh_deg: float) -> Vec:
    """Hip position for a planted foot with the shank tipped forward by shank_deg and the thigh
    tipped back from vertical by thigh_deg; used when the knee must land on a given spot."""
    kx = ankle[0] + SHANK * math.sin(math.radians(shank_deg))
    ky = ankle[1] + SHANK * math.cos(math.radians(shank_deg))
    return (kx - THIGH * math.sin(math.radians(thigh_deg)),
            ky + THIGH * math.cos(math.radians(thigh_deg)), 0.0)


def supine(**kw: object) -> Pose:
    return Pose(pelvis=(0.0, LIE, 0.0), pitch=SUPINE, **kw)  # type: ignore[arg-type]


def floor_arms(x: float = 10.0) -> dict[str, Hand]:
    """Both hands resting on the floor beside a supine body."""
    return {"arm_a": Hand((x, HAND_FLOOR, 14.0), pole=UP),
            "arm_b": Hand((x, HAND_FLOOR, -14.0), pole=UP)}


def hands_on(x: float, y: float, spread: float = 11.0, pole: Vec = (-0.4, -1.0, 0.8)
             ) -> dict[str, Hand]:
    """Both hands resting on a counter top or a wall at (x, y)."""
    return {"arm_a": Hand((x, y, spread), pole=pole), "arm_b": Hand((x, y, -spread), pole=pole)}


def run_arms(forward: str) -> dict[str, Arm]:
    """Bent running arms; the arm on the side named by forward swings to the front."""
    front, back = Arm(flex=45, elbow=95), Arm(flex=-35, elbow=80)
    return {"arm_a": front, "arm_b": back} if forward == "a" else {"arm_a": back, "arm_b": front}

