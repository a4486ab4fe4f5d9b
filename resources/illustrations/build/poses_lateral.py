"""Poses for lateral-chain and hip work: hip hikes, side planks, band walks, piriformis."""

from __future__ import annotations

from common import COUNTER_H, HAND_FLOOR, MAT, SIDE_LYING, WALL_H, plant
from props import Band, Box, Chair, mat
from props_extra import Tether
from scene import Exercise, Push, Track, View
from skeleton import HIP_W, STAND, Arm, Foot, Hand, Leg, Pose, Rel

_B = -HIP_W
_FRONT = View(-85, 0)  # the figure faces the viewer, so side-to-side movement shows
_HIPS = {"arm_a": Hand(Rel("hip_a", (1, 7, 6)), pole=(-0.6, -0.2, 1)),
         "arm_b": Hand(Rel("hip_b", (1, 7, -6)), pole=(-0.6, -0.2, 1))}
STEP = 16.0

# Hip hike: stand on one leg on a step, the other foot hanging; drop that hip, then lift it.
_ON_STEP = Box((-20, 0, -1), (20, STEP, 24))
_HANG = Leg(hip=0, knee=8)
hip_hike = Exercise(
    "hip_hike",
    start=Pose(pelvis=(0, STEP + STAND - 3, 0), roll=9, leg_a=plant(0, STEP, HIP_W + 1),
               leg_b=_HANG, **_HIPS),
    finish=Pose(pelvis=(0, STEP + STAND - 1, 0), roll=-9, leg_a=plant(0, STEP, HIP_W + 1),
                leg_b=_HANG, **_HIPS),
    view=_FRONT,
    props=(_ON_STEP,),
    accent=("leg_a",),
    arrows=(Push(("hip_b", (0.0, -6.0, -14.0)), (0, 12), gap=0),),
    labels=("Drop", "Lift"),
)

# Side plank on the elbow with the top leg lifted.
_TOP_HAND = Hand(Rel("hip_a", (2, 4, 3)))
_PLANK = {**SIDE_LYING, "rest": ("elbow_b", "heel_b")}
side_plank_hip_abduction = Exercise(
    "side_plank_hip_abduction",
    start=Pose(arm_b=Arm(abd=76, elbow=90), arm_a=_TOP_HAND, **_PLANK),
    finish=Pose(arm_b=Arm(abd=76, elbow=90), arm_a=_TOP_HAND, leg_a=Leg(abd=32), **_PLANK),
    view=View(0, 12),
    props=(mat(-85, 65, -15, 40),),
    arrows=(Track("ankle_a", (-10, 0), bend=0.3),),
)

# Lateral step-down: stand side-on at the edge of a step and lower the free heel to the floor.
_EDGE = Box((-18, 0, 1), (18, STEP, 26))
lateral_step_down = Exercise(
    "lateral_step_down",
    start=Pose(pelvis=(0, STEP + STAND - 1, 0), leg_a=plant(0, STEP, HIP_W + 1),
               leg_b=Leg(hip=5, knee=10, ankle=10), **_HIPS),
    finish=Pose(pelvis=(-8, STEP + 48, 2), lean=18, leg_a=plant(0, STEP, HIP_W + 1),
                leg_b=plant(2, 0, -9, pitch=20), arm_a=Arm(flex=40, elbow=20),
                arm_b=Arm(flex=40, elbow=20)),
    view=View(-70, 0),
    props=(_EDGE,),
    arrows=(Track("heel_b", (0, -8), bend=0.2),),
)

# Monster walk: band round the ankles, knees soft, step forward and out.
_ANKLE_BAND = Band(("ankle_a", "knee_a", 0.12), ("ankle_b", "knee_b", 0.12), r=5)
_SOFT = 64.0
monster_walk = Exercise(
    "monster_walk",
    start=Pose(pelvis=(-4, _SOFT, 0), lean=15, leg_a=plant(0, z=12), leg_b=plant(0, z=-12),
               **_HIPS),
    finish=Pose(pelvis=(10, _SOFT, 4), lean=15, leg_a=plant(30, z=22), leg_b=plant(0, z=-12),
                **_HIPS),
    view=View(-40, 0),
    props=(_ANKLE_BAND,),
    arrows=(Track("ankle_a", (0, 12), bend=0.2),),
)

# Single-leg squat: sit back on one leg with the other leg held out in front.
single_leg_squat = Exercise(
    "single_leg_squat",
    start=Pose(pelvis=(0, STAND - 1, 0), leg_a=plant(0), leg_b=Leg(hip=25, knee=10, ankle=5),
               arm_a=Arm(flex=70, elbow=5), arm_b=Arm(flex=70, elbow=5)),
    finish=Pose(pelvis=(-18, 46, 0), lean=32, leg_a=plant(0), leg_b=Leg(hip=100, knee=5, ankle=5),
                arm_a=Arm(flex=85, elbow=5), arm_b=Arm(flex=85, elbow=5)),
    arrows=(Track("pelvis", (-12, 0), bend=0.0),),
)

# Standing hip abduction with a band round the ankles, one hand on a counter.
_SIDE_HOLD = {"arm_b": Hand((0, COUNTER_H + 3, -24), pole=(0, -1, -1)),
              "arm_a": Hand(Rel("hip_a", (1, 7, 6)), pole=(-0.6, -0.2, 1))}
_SIDE_COUNTER = Box((-18, 0, -52), (18, COUNTER_H, -26))
standing_hip_abduction_band = Exercise(
    "standing_hip_abduction_band",
    start=Pose(leg_a=plant(0, z=HIP_W), leg_b=plant(0, z=_B), **_SIDE_HOLD),
    finish=Pose(leg_a=Leg(abd=28), leg_b=plant(0, z=_B), **_SIDE_HOLD),
    view=_FRONT,
    props=(_SIDE_COUNTER, Band(("ankle_a", "knee_a", 0.12), ("ankle_b", "knee_b", 0.12), r=5)),
    arrows=(Track("ankle_a", (0, 10), bend=0.3),),
)

# Bird dog: on hands and knees, reach one arm forward and the other leg back.
_QUAD = {"pitch": 72.0, "pelvis": (0.0, 40.0, 0.0), "ground": MAT}
_KNEEL = Leg(hip=72, knee=95, ankle=-70)
_PALM = {"arm_a": Hand((37, HAND_FLOOR, 12), pole=(-1, 0, 0)),
         "arm_b": Hand((37, HAND_FLOOR, -12), pole=(-1, 0, 0))}
bird_dog = Exercise(
    "bird_dog",
    start=Pose(leg_a=_KNEEL, leg_b=_KNEEL, **_PALM, **_QUAD),
    finish=Pose(leg_a=_KNEEL, leg_b=Leg(hip=-12, knee=0, ankle=-30),
                arm_a=Hand((37, HAND_FLOOR, 12), pole=(-1, 0, 0)),
                arm_b=Arm(flex=170, elbow=0), **_QUAD),
    view=View(-20, 0),
    props=(mat(-60, 70),),
    accent=("leg_b",),
    arrows=(Track("ankle_b", (0, 10), bend=-0.3),),
)

# Sitting on a chair, one ankle on the other knee; lean forward with a straight back.
_SEAT = 42.0
_CROSS = Foot(Rel("knee_b", (-2, 7, 5)), planted=False, pole=(0.3, 0.0, 1.0))
seated_piriformis_stretch = Exercise(
    "seated_piriformis_stretch",
    start=Pose(pelvis=(0, _SEAT + 8, 0), leg_b=plant(30, z=_B), leg_a=_CROSS,
               arm_a=Hand(Rel("knee_a", (-4, 4, 2))), arm_b=Hand(Rel("ankle_a", (0, 4, -2)))),
    finish=Pose(pelvis=(0, _SEAT + 8, 0), lean=32, leg_b=plant(30, z=_B), leg_a=_CROSS,
                arm_a=Hand(Rel("knee_a", (-2, 4, 2))), arm_b=Hand(Rel("ankle_a", (0, 4, -2)))),
    view=View(-25, 10),
    props=(Chair(10, _SEAT, deep=30, back=40),),
    arrows=(Track("head", (6, 10), bend=-0.25, trim=3),),
    labels=("Start", "Hold"),
)

# Hip turn-in against a band, sitting; seen from the front, the foot swings out to the side.
_SIT_FRONT = {"pelvis": (0.0, _SEAT + 8, 0.0), "arm_a": Hand(Rel("hip_a", (8, -2, 8))),
              "arm_b": Hand(Rel("hip_b", (8, -2, -8)))}
_ANCHOR = (20.0, 6.0, 34.0)
hip_external_rotation_band = Exercise(
    "hip_external_rotation_band",
    start=Pose(leg_a=Leg(hip=90, knee=90), leg_b=Leg(hip=90, knee=90), **_SIT_FRONT),
    finish=Pose(leg_a=Leg(hip=90, knee=90, rot=32), leg_b=Leg(hip=90, knee=90), **_SIT_FRONT),
    view=_FRONT,
    props=(Chair(10, _SEAT, deep=30, back=40),),
    start_props=(Tether(("ankle_a", (0.0, 2.0, 0.0)), _ANCHOR),),
    finish_props=(Tether(("ankle_a", (0.0, 2.0, 0.0)), _ANCHOR),),
    arrows=(Track("ankle_a", (0, -8), bend=0.2, trim=1),),
)

# Standing side-on to a wall, the wall-side knee lifted and pressing out into the wall.
_WALL_R = Box((-30, 0, 27), (30, WALL_H, 33))
isometric_hip_abduction_wall = Exercise(
    "isometric_hip_abduction_wall",
    start=Pose(leg_a=plant(0, z=HIP_W + 1), leg_b=plant(0, z=_B), **_HIPS),
    finish=Pose(pelvis=(0, STAND - 1, 2), leg_a=Leg(hip=70, knee=90, abd=12),
                leg_b=plant(0, z=_B), **_HIPS),
    view=_FRONT,
    props=(_WALL_R,),
    arrows=(Push("knee_a", (-12, 0), gap=6),),
    labels=("Start", "Press and hold"),
)

EXERCISES = [hip_hike, side_plank_hip_abduction, lateral_step_down, monster_walk,
             single_leg_squat, standing_hip_abduction_band, bird_dog, seated_piriformis_stretch,
             hip_external_rotation_band, isometric_hip_abduction_wall]
