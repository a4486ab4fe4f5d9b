"""Poses for the knee and thigh strength exercises (squats, lunges, steps, quad work)."""

from __future__ import annotations

from common import (
    COUNTER_H,
    HAND_FLOOR,
    LIE,
    WALL_H,
    floor_arms,
    hands_on,
    plant,
    supine,
)
from props import MAT, Box, Chair, Cuff, Roll, Weight, mat
from scene import Exercise, Push, Track
from skeleton import HIP_W, STAND, Arm, Hand, Leg, Pose

_B = -HIP_W  # z of the left (far) foot
_TALL = {"leg_a": plant(0), "leg_b": plant(0, z=_B)}

bodyweight_squat = Exercise(
    "bodyweight_squat",
    start=Pose(**_TALL),
    finish=Pose(pelvis=(-24, 40, 0), lean=40, arm_a=Arm(flex=80), arm_b=Arm(flex=80), **_TALL),
    accent=(),
    arrows=(Track("pelvis", (-14, 0), bend=0.0),),
)

_SPLIT = {"leg_a": plant(28), "leg_b": plant(-30, z=_B, pitch=-35)}
split_squat_lunge = Exercise(
    "split_squat_lunge",
    start=Pose(pelvis=(-2, 64, 0), **_SPLIT),
    finish=Pose(pelvis=(-2, 41, 0), leg_a=plant(28), leg_b=plant(-30, z=_B, pitch=-50)),
    arrows=(Track("pelvis", (-16, 0), bend=0.0),),
)

reverse_lunge = Exercise(
    "reverse_lunge",
    start=Pose(**_TALL),
    finish=Pose(pelvis=(-14, 41, 0), leg_a=plant(0), leg_b=plant(-56, z=_B, pitch=-50)),
    arrows=(Track("toe_b", (0, 12), bend=0.25),),
)

_HOLD_WEIGHT = {"arm_a": Hand((9, 62, 9)), "arm_b": Hand((9, 62, -9))}
romanian_deadlift = Exercise(
    "romanian_deadlift",
    start=Pose(**_TALL, **_HOLD_WEIGHT),
    finish=Pose(pelvis=(-20, 64, 0), lean=72, arm_a=Arm(flex=70, elbow=0),
                arm_b=Arm(flex=70, elbow=0), **_TALL),
    start_props=(Weight("hand_a"),),
    finish_props=(Weight("hand_a"),),
    accent=(),
    arrows=(Track("pelvis", (-10, 8), bend=0.0),),
)

single_leg_deadlift = Exercise(
    "single_leg_deadlift",
    start=Pose(pelvis=(0, STAND - 1, 0), leg_a=plant(0), leg_b=Leg(hip=-8, knee=35)),
    finish=Pose(pelvis=(-12, 66, 0), lean=78, leg_a=plant(0), leg_b=Leg(hip=0, knee=0, ankle=-20),
                arm_a=Arm(flex=75, elbow=5), arm_b=Arm(flex=75, elbow=5)),
    arrows=(Track("ankle_b", (0, -8), bend=0.3),),
)

STEP = 18.0
_STEP_BOX = Box((-42, 0, -22), (10, STEP, 22))
step_down = Exercise(
    "step_down",
    start=Pose(pelvis=(-4, STEP + STAND, 0), leg_a=plant(-4, STEP), leg_b=Leg(hip=28, knee=25)),
    finish=Pose(pelvis=(2, 70, 0), lean=15, leg_a=plant(-4, STEP),
                leg_b=plant(20, z=_B, pitch=15), arm_a=Arm(flex=20, elbow=20),
                arm_b=Arm(flex=20, elbow=20)),
    props=(_STEP_BOX,),
    arrows=(Track("heel_b", (10, 0), bend=-0.2),),
)

_STEP_UP = Box((-4, 0, -22), (44, STEP, 22))
step_up = Exercise(
    "step_up",
    start=Pose(pelvis=(-16, 66, 0), lean=12, leg_a=plant(10, STEP), leg_b=plant(-28, z=_B)),
    finish=Pose(pelvis=(10, STEP + STAND, 0), leg_a=plant(10, STEP), leg_b=plant(10, STEP, _B)),
    props=(_STEP_UP,),
    arrows=(Track("pelvis", (-10, 10), bend=0.2),),
)

straight_leg_raise = Exercise(
    "straight_leg_raise",
    start=supine(leg_a=Leg(hip=-2), leg_b=plant(40, MAT, _B), ground=MAT, **floor_arms()),
    finish=supine(leg_a=Leg(hip=40), leg_b=plant(40, MAT, _B), ground=MAT, **floor_arms()),
    props=(mat(-75, 80),),
    arrows=(Track("ankle_a", (6, 0), bend=0.3),),
)

# Long sitting on the mat, leaning back on the hands, a rolled towel under the knee.
_LONG_SIT = {"pelvis": (0, LIE, 0), "pitch": -15, "ground": MAT,
             "arm_a": Hand((-30, HAND_FLOOR, 16)), "arm_b": Hand((-30, HAND_FLOOR, -16))}
quad_set = Exercise(
    "quad_set",
    start=Pose(leg_a=Leg(hip=88, knee=22), leg_b=Leg(hip=75), **_LONG_SIT),
    finish=Pose(leg_a=Leg(hip=80, knee=0, ankle=12), leg_b=Leg(hip=75), **_LONG_SIT),
    props=(mat(-45, 85), Roll((32.0, 0.0, 0.0), r=6.5, floor=MAT)),
    arrows=(Push("knee_a", (0, -14), gap=7),),
)

_WALL_BACK = Box((-16, 0, -25), (-8, WALL_H, 25))
_WALL_FEET = {"leg_a": plant(28), "leg_b": plant(28, z=_B)}
wall_squat = Exercise(
    "wall_squat",
    start=Pose(pelvis=(0, 65, 0), **_WALL_FEET),
    finish=Pose(pelvis=(0, 50, 0), **_WALL_FEET),
    props=(_WALL_BACK,),
    accent=(),
    arrows=(Track("pelvis", (14, 0), bend=0.0, trim=2),),
)

short_arc_quad = Exercise(
    "short_arc_quad",
    start=supine(leg_a=Leg(hip=25, knee=48), leg_b=Leg(hip=-2), ground=MAT, **floor_arms()),
    finish=supine(leg_a=Leg(hip=25, knee=0, ankle=5), leg_b=Leg(hip=-2), ground=MAT,
                  **floor_arms()),
    props=(mat(-75, 80), Roll(("knee_a", "hip_a", 0.18), r=8, floor=MAT)),
    arrows=(Track("ankle_a", (8, 0), bend=0.3),),
)

_SEAT = 50.0
_SIT_HANDS = {"arm_a": Hand((12, _SEAT + 3, 16)), "arm_b": Hand((12, _SEAT + 3, -16))}
_SIT = {"pelvis": (0, _SEAT + 8, 0), **_SIT_HANDS}
leg_extension = Exercise(
    "leg_extension",
    start=Pose(leg_a=Leg(hip=90, knee=90), leg_b=Leg(hip=90, knee=85), **_SIT),
    finish=Pose(leg_a=Leg(hip=90, knee=5, ankle=10), leg_b=Leg(hip=90, knee=85), **_SIT),
    props=(Chair(18, _SEAT, deep=30, back=42), Cuff()),
    arrows=(Track("ankle_a", (6, -4), bend=-0.3),),
)

_COUNTER = Box((22, 0, -30), (56, COUNTER_H, 30))
hamstring_curl = Exercise(
    "hamstring_curl",
    start=Pose(**_TALL, **hands_on(23, COUNTER_H + 3)),
    finish=Pose(leg_a=Leg(hip=-2, knee=95), leg_b=plant(0, z=_B), **hands_on(23, COUNTER_H + 3)),
    props=(_COUNTER, Cuff()),
    arrows=(Track("ankle_a", (-8, -2), bend=0.3),),
)

EXERCISES = [bodyweight_squat, split_squat_lunge, reverse_lunge, romanian_deadlift,
             single_leg_deadlift, step_down, step_up, straight_leg_raise, quad_set, wall_squat,
             short_arc_quad, leg_extension, hamstring_curl]
