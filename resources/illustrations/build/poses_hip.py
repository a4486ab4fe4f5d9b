"""Poses for the hip and glute exercises and the hip stretches."""

from __future__ import annotations

from common import (
    LIE,
    SIDE_LYING,
    WALL_H,
    floor_arms,
    pelvis_below_neck,
    pitch_through,
    plant,
    supine,
)
from props import MAT, Band, Box, mat
from scene import Exercise, Track, View
from skeleton import Arm, Foot, Hand, Leg, Pose, Rel

# Side-lying: the head rests on the lower arm and the top hand rests on the mat in front.
_SIDE_ARMS = {"arm_b": Arm(flex=175, elbow=135),
              "arm_a": Hand(Rel("shoulder_b", (-12, 3, 24)), pole=(0, -1, 1))}
_ABOVE_KNEES = (("knee_a", "hip_a", 0.2), ("knee_b", "hip_b", 0.2))

clamshell = Exercise(
    "clamshell",
    start=Pose(leg_a=Leg(hip=55, knee=95), leg_b=Leg(hip=55, knee=95), **SIDE_LYING, **_SIDE_ARMS),
    finish=Pose(leg_a=Leg(hip=55, knee=95, open=55), leg_b=Leg(hip=55, knee=95),
                **SIDE_LYING, **_SIDE_ARMS),
    view=View(0, 15),
    props=(mat(-75, 65, -15, 45), Band(*_ABOVE_KNEES)),
    arrows=(Track("knee_a", (-13, 2), trim=3, bend=-0.3),),
)

side_lying_hip_abduction = Exercise(
    "side_lying_hip_abduction",
    start=Pose(leg_a=Leg(hip=-5, abd=-6), leg_b=Leg(hip=40, knee=80), **SIDE_LYING, **_SIDE_ARMS),
    finish=Pose(leg_a=Leg(hip=-5, abd=30), leg_b=Leg(hip=40, knee=80), **SIDE_LYING,
                **_SIDE_ARMS),
    view=View(0, 15),
    props=(mat(-85, 65, -15, 45),),
    arrows=(Track("ankle_a", (-12, 0), bend=0.3),),
)

# Bridge: the shoulders stay put and the hips rise until shoulders, hips and knees line up.
_NECK = (-38.0, LIE)
_BRIDGE_PITCH = pitch_through((-35.0, LIE), (32.0, 44.0))
_BRIDGE = {"pelvis": pelvis_below_neck(_NECK, _BRIDGE_PITCH), "pitch": _BRIDGE_PITCH}

glute_bridge = Exercise(
    "glute_bridge",
    start=supine(leg_a=plant(42, MAT), leg_b=plant(42, MAT, -6.5), **floor_arms()),
    finish=Pose(leg_a=plant(42, MAT), leg_b=plant(42, MAT, -6.5), **_BRIDGE, **floor_arms()),
    props=(mat(-75, 70),),
    accent=(),
    arrows=(Track("pelvis", (0, -13), bend=0.0),),
)

single_leg_bridge = Exercise(
    "single_leg_bridge",
    start=supine(leg_a=plant(42, MAT), leg_b=Leg(hip=52, knee=0, ankle=-10), **floor_arms()),
    finish=Pose(leg_a=plant(42, MAT), leg_b=Leg(hip=0, knee=0, ankle=-10), **_BRIDGE,
                **floor_arms()),
    props=(mat(-75, 70),),
    arrows=(Track("pelvis", (0, -13), bend=0.0),),
)

_HIPS = {"arm_a": Hand(Rel("hip_a", (1, 7, 6)), pole=(-0.6, -0.2, 1)),
         "arm_b": Hand(Rel("hip_b", (1, 7, -6)), pole=(-0.6, -0.2, 1))}

lateral_band_walk = Exercise(
    "lateral_band_walk",
    start=Pose(pelvis=(-8, 60, 0), lean=22, leg_a=plant(0, z=10), leg_b=plant(0, z=-10), **_HIPS),
    finish=Pose(pelvis=(-8, 60, -9), lean=22, leg_a=plant(0, z=7), leg_b=plant(0, z=-32),
                **_HIPS),
    view=View(-85, 0),
    accent=("leg_b",),
    props=(Band(("knee_a", "hip_a", 0.12), ("knee_b", "hip_b", 0.12)),),
    arrows=(Track("ankle_b", (0, 14), bend=0.0),),
)

# The supporting upper arm stays upright: its angle to the trunk is 90 minus the body's tilt.
# At the start the legs lie flat while the trunk rises on the elbow (legs angled to the trunk).
_TOP_HAND = Hand(Rel("hip_a", (2, 4, 3)))
_PLANK_REST = {**SIDE_LYING, "rest": ("elbow_b", "heel_b")}

side_plank = Exercise(
    "side_plank",
    start=Pose(leg_a=Leg(abd=36), leg_b=Leg(abd=-36), arm_b=Arm(abd=54, elbow=90),
               arm_a=_TOP_HAND, **{**SIDE_LYING, "rest": ("hip_b", "heel_b")}),
    finish=Pose(arm_b=Arm(abd=76, elbow=90), arm_a=_TOP_HAND, **_PLANK_REST),
    view=View(0, 12),
    accent=(),
    props=(mat(-85, 65, -15, 40),),
    arrows=(Track("pelvis", (0, -16), bend=0.0, trim=1),),
)

# Figure-4: the ankle of the crossed leg rests just above the other knee.
_FIG4 = Foot(Rel("knee_b", (-3, 6, 4)), planted=False, pole=(0.4, 0.0, 1.0))
_HOLD_THIGH = {"arm_a": Hand(Rel("knee_b", (-9, -4, 4)), pole=(0, 0, 1)),
               "arm_b": Hand(Rel("knee_b", (-9, -4, -4)), pole=(0, 0, 1))}

piriformis_stretch = Exercise(
    "piriformis_stretch",
    start=supine(leg_b=plant(40, MAT, -6.5), leg_a=_FIG4, **floor_arms()),
    finish=supine(leg_b=Leg(hip=105, knee=95), leg_a=_FIG4, ground=MAT, **_HOLD_THIGH),
    view=View(0, 35),
    ink=("leg_b",),
    props=(mat(-75, 65, -15, 30),),
    arrows=(Track("knee_b", (6, 4)),),
    labels=("Start", "Hold"),
)

_CUSHION = Box((-16, 0, -12), (14, 5, 12))
_KNEEL_ARMS = {"arm_a": Hand(Rel("hip_a", (2, 7, 5)), pole=(-1, -0.3, 1)),
               "arm_b": Hand(Rel("hip_b", (2, 7, -5)), pole=(-1, -0.3, 1))}

hip_flexor_stretch = Exercise(
    "hip_flexor_stretch",
    start=Pose(pelvis=(0, 41.5, 0), leg_a=Leg(hip=0, knee=95, ankle=-75), leg_b=plant(30, z=-6.5),
               **_KNEEL_ARMS),
    finish=Pose(pelvis=(12, 40, 0), leg_a=Leg(hip=-22, knee=73, ankle=-75),
                leg_b=plant(30, z=-6.5), **_KNEEL_ARMS),
    props=(_CUSHION,),
    arrows=(Track("pelvis", (0, 14), bend=0.0, trim=2),),
    labels=("Start", "Hold"),
)

# Front view: the wall is on the figure's right, the stretched (right) leg crosses behind.
_WALL_R = Box((-30, 0, 28), (30, WALL_H, 34))
tfl_it_band_stretch = Exercise(
    "tfl_it_band_stretch",
    start=Pose(pelvis=(0, 68, 0), leg_a=plant(-6, z=-4), leg_b=plant(4, z=-2),
               arm_a=Hand((0, 98, 27)), arm_b=Hand(Rel("hip_b", (3, 5, -9)))),
    finish=Pose(pelvis=(0, 64, 12), side=-16, leg_a=plant(-6, z=-4), leg_b=plant(4, z=-2),
                arm_a=Hand((0, 98, 27)), arm_b=Hand(Rel("hip_b", (3, 5, -9)))),
    view=View(-65, 0),
    props=(_WALL_R,),
    arrows=(Track("pelvis", (0, -10), bend=0.0, trim=2),),
    labels=("Start", "Hold"),
)

EXERCISES = [clamshell, side_lying_hip_abduction, glute_bridge, single_leg_bridge,
             lateral_band_walk, side_plank, piriformis_stretch, hip_flexor_stretch,
             tfl_it_band_stretch]
