"""Poses for the extra knee, ankle and balance exercises and pool running."""

from __future__ import annotations

from common import COUNTER_H, HAND_FLOOR, LIE, WALL_H, hands_on, plant, run_arms
from props import BACK, MAT, Box, mat
from props_extra import Tether
from props_more import Water
from scene import Exercise, Push, Track, View
from skeleton import HIP_W, STAND, Arm, Foot, Hand, Leg, Pose

_B = -HIP_W
_TALL = {"leg_a": plant(0), "leg_b": plant(0, z=_B)}

# Terminal knee extension: a band behind the knee tied to a post in front; straighten the knee.
_POST = Box((46, 0, -5), (52, 80, 5))
terminal_knee_extension = Exercise(
    "terminal_knee_extension",
    start=Pose(pelvis=(-4, STAND - 4, 0), leg_a=plant(0), leg_b=plant(-22, z=_B, pitch=-25)),
    finish=Pose(pelvis=(0, STAND - 1, 0), leg_a=plant(0), leg_b=plant(-22, z=_B, pitch=-25)),
    props=(_POST, Tether(("knee_a", (-3.0, 0.0, 0.0)), (46.0, 44.0, 0.0))),
    arrows=(Push(("knee_a", (-4.0, 0.0, 0.0)), (-10, 0), gap=8),),
    labels=("Knee bent", "Knee straight"),
)

# Mini squat: bend the knees a little (about a quarter of the way), holding a counter.
_COUNTER = Box((22, 0, -30), (56, COUNTER_H, 30))
mini_squat = Exercise(
    "mini_squat",
    start=Pose(**_TALL, **hands_on(23, COUNTER_H + 3)),
    finish=Pose(pelvis=(-9, 61, 0), lean=12, **_TALL, **hands_on(23, COUNTER_H + 3)),
    props=(_COUNTER,),
    accent=(),
    arrows=(Track("pelvis", (-12, 0), bend=0.0),),
)

# Rear foot on a bench behind; lower straight down on the front leg.
_BENCH = Box((-68, 0, -18), (-40, 34, 18))
_REAR = Foot((-46, 42, _B), pitch=-65, planted=False)
bulgarian_split_squat = Exercise(
    "bulgarian_split_squat",
    start=Pose(pelvis=(-6, 66, 0), leg_a=plant(22), leg_b=_REAR),
    finish=Pose(pelvis=(-10, 44, 0), lean=10, leg_a=plant(22), leg_b=_REAR),
    props=(_BENCH,),
    arrows=(Track("pelvis", (-14, 0), bend=0.0),),
)

# Long sitting; a band round the forefoot pulls outward; turn the sole in against it.
_LONG_SIT = {"pelvis": (0, LIE, 0), "pitch": -15, "ground": MAT,
             "arm_a": Hand((-30, HAND_FLOOR, 16)), "arm_b": Hand((-30, HAND_FLOOR, -16))}
_ANCHOR = (50.0, 5.0, 62.0)
resisted_ankle_inversion = Exercise(
    "resisted_ankle_inversion",
    start=Pose(leg_a=Leg(hip=75, abd=8), leg_b=Leg(hip=75, abd=8), **_LONG_SIT),
    finish=Pose(leg_a=Leg(hip=75, abd=8, turn=-40), leg_b=Leg(hip=75, abd=8), **_LONG_SIT),
    view=View(-60, 30),
    props=(mat(-45, 80, -30, 30),),
    start_props=(Tether(("toe_a", "ankle_a", 0.3), _ANCHOR, depth=BACK + 2),),
    finish_props=(Tether(("toe_a", "ankle_a", 0.3), _ANCHOR, depth=BACK + 2),),
    arrows=(Track("toe_a", (-2, 8), bend=-0.3, trim=1),),
)

# Balance on one leg and reach the other foot forward to tap the floor, then come back.
single_leg_balance_reach = Exercise(
    "single_leg_balance_reach",
    start=Pose(pelvis=(0, STAND - 2, 0), leg_a=plant(0), leg_b=Leg(hip=20, knee=50),
               arm_a=Arm(abd=20, elbow=15), arm_b=Arm(abd=20, elbow=15)),
    finish=Pose(pelvis=(-12, 54, 0), lean=28, leg_a=plant(0),
                leg_b=Foot((30, 0, _B), pitch=10), arm_a=Arm(flex=60, elbow=10),
                arm_b=Arm(flex=60, elbow=10)),
    accent=("leg_a",),
    arrows=(Track("toe_b", (0, 10), bend=0.2),),
    labels=("Start", "Reach and tap"),
)

# Back against a wall, heels a foot's length out; lift the toes and the front of the feet.
_WALL_BACK = Box((-30, 0, -25), (-22, WALL_H, 25))
toe_raise = Exercise(
    "toe_raise",
    start=Pose(pelvis=(-13, STAND - 2, 0), lean=-6, leg_a=plant(2), leg_b=plant(2, z=_B)),
    finish=Pose(pelvis=(-13, STAND - 2, 0), lean=-6, leg_a=plant(2, pitch=25),
                leg_b=plant(2, z=_B, pitch=25)),
    props=(_WALL_BACK,),
    accent=(),
    arrows=(Push(("toe_a", (2.0, 0.0, 0.0)), (0, 12), gap=2),),
)

# Running in deep water without touching the bottom, with or without a float belt.
_SWIM_A = Pose(pelvis=(0, 70, 0), lean=6, leg_a=Leg(hip=-15, knee=40, ankle=-20),
               leg_b=Leg(hip=60, knee=95, ankle=-10), **run_arms("a"))
_SWIM_B = Pose(pelvis=(0, 70, 0), lean=6, leg_b=Leg(hip=-15, knee=40, ankle=-20),
               leg_a=Leg(hip=60, knee=95, ankle=-10), **run_arms("b"))
pool_running = Exercise(
    "pool_running",
    start=_SWIM_A,
    finish=_SWIM_B,
    props=(Water(118, -60, 60, -4),),
    floor=False,
    accent=(),
    ink=("leg_a", "arm_a"),
    arrows=(Track("knee_a", (6, 0), bend=0.3),),
    labels=("One stride", "Next stride"),
)

EXERCISES = [terminal_knee_extension, mini_squat, bulgarian_split_squat, resisted_ankle_inversion,
             single_leg_balance_reach, toe_raise, pool_running]
