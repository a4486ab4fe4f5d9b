"""Poses for the calf, ankle and balance exercises and the lower-leg stretches."""

from __future__ import annotations

from common import (
    COUNTER_H,
    HAND_FLOOR,
    LIE,
    WALL_H,
    hands_on,
    hip_over_shank,
    plant,
    tiptoe_rise,
    tiptoe_shift,
)
from props import BACK, FRONT, MAT, Ball, Band, Box, Roll, mat
from props_more import Eye, LetterA
from scene import Exercise, Push, Track, View
from skeleton import HIP_W, STAND, Arm, Foot, Hand, Leg, Pose

_B = -HIP_W
_COUNTER = Box((22, 0, -30), (56, COUNTER_H, 30))
_HOLD = hands_on(23, COUNTER_H + 3)
_UP = -35.0  # foot angle when up on the balls of the feet
_RISE = tiptoe_rise(_UP)
_FWD = tiptoe_shift(_UP)


_HEEL_UP = Push(("heel_a", (-8.0, 0.0, 0.0)), (0.0, 13.0), gap=-2)


def _toes(z: float) -> Foot:
    return plant(_FWD, z=z, pitch=_UP)


calf_raise = Exercise(
    "calf_raise",
    start=Pose(leg_a=plant(0), leg_b=plant(0, z=_B), **_HOLD),
    finish=Pose(pelvis=(_FWD, STAND + _RISE, 0), leg_a=_toes(HIP_W), leg_b=_toes(_B), **_HOLD),
    props=(_COUNTER,),
    accent=(),
    arrows=(_HEEL_UP,),
)

_FREE = Leg(hip=5, knee=70, ankle=-20)
single_leg_calf_raise = Exercise(
    "single_leg_calf_raise",
    start=Pose(leg_a=plant(0), leg_b=_FREE, **_HOLD),
    finish=Pose(pelvis=(_FWD, STAND + _RISE, 0), leg_a=_toes(HIP_W), leg_b=_FREE, **_HOLD),
    props=(_COUNTER,),
    arrows=(_HEEL_UP,),
)

# Seen from behind and to the right, so the ball between the ankles shows.
_WIDE = 10.5
heel_raise_with_ball = Exercise(
    "heel_raise_with_ball",
    start=Pose(leg_a=plant(0, z=_WIDE), leg_b=plant(0, z=-_WIDE), **_HOLD),
    finish=Pose(pelvis=(_FWD, STAND + _RISE, 0), leg_a=_toes(_WIDE), leg_b=_toes(-_WIDE), **_HOLD),
    view=View(80, 0),
    props=(_COUNTER, Ball(("ankle_a", "ankle_b", 0.5), r=6.5, depth=FRONT)),
    accent=(),
    arrows=(Track("heel_a", (10, 0), bend=0.0, trim=0),),
)

# Facing a wall with the hands on it; the stretched leg (near, accent) is the back leg.
_WALL = Box((52, 0, -30), (59, WALL_H, 30))
_ON_WALL = hands_on(49, 100, 11, pole=(-0.3, -1.0, 0.8))
_STAGGER = {"leg_a": plant(-18), "leg_b": plant(18, z=_B)}
_UPRIGHT = Pose(pelvis=(4, 67, 0), **_STAGGER, **_ON_WALL)

calf_stretch = Exercise(
    "calf_stretch",
    start=_UPRIGHT,
    finish=Pose(pelvis=(16, 62, 0), lean=22, **_STAGGER, **_ON_WALL),
    props=(_WALL,),
    arrows=(Track("pelvis", (0, 14), bend=0.0, trim=2),),
    labels=("Start", "Hold"),
)

soleus_stretch = Exercise(
    "soleus_stretch",
    start=_UPRIGHT,
    finish=Pose(pelvis=(4, 55, 0), lean=8, **_STAGGER, **_ON_WALL),
    props=(_WALL,),
    arrows=(Track("knee_a", (-6, -8), bend=0.0, trim=1),),
    labels=("Start", "Hold"),
)

tibialis_posterior_stretch = Exercise(
    "tibialis_posterior_stretch",
    start=_UPRIGHT,
    finish=Pose(pelvis=(12, 60, 0), lean=15, **_STAGGER, **_ON_WALL),
    props=(_WALL,),
    arrows=(Track("pelvis", (0, 14), bend=0.0, trim=2),),
    labels=("Start", "Hold"),
    notes=("", "let the arch sink"),
)

# Short lunge facing a wall: the front shin tips forward until the knee touches the wall.
_KNEE_WALL = 19.7 + 4.25  # shin at 38 degrees puts the knee's front here
_KW_FEET = {"leg_a": plant(0), "leg_b": plant(-24, z=_B, pitch=-20)}
_KW_HANDS = hands_on(_KNEE_WALL - 3, 96, 11, pole=(-0.3, -1.0, 0.8))
knee_to_wall_dorsiflexion = Exercise(
    "knee_to_wall_dorsiflexion",
    start=Pose(pelvis=hip_over_shank((0, 8), 10, 20), **_KW_FEET, **_KW_HANDS),
    finish=Pose(pelvis=hip_over_shank((0, 8), 38, 30), **_KW_FEET, **_KW_HANDS),
    props=(Box((_KNEE_WALL, 0, -30), (_KNEE_WALL + 7, WALL_H, 30)),),
    arrows=(Track("knee_a", (0, 9), bend=-0.2, trim=2),),
)

# Long sitting, leaning back on the hands.
_LONG_SIT = {"pelvis": (0, LIE, 0), "pitch": -15, "ground": MAT,
             "arm_a": Hand((-30, HAND_FLOOR, 16)), "arm_b": Hand((-30, HAND_FLOOR, -16))}
ankle_alphabet = Exercise(
    "ankle_alphabet",
    start=Pose(leg_a=Leg(hip=92), leg_b=Leg(hip=75), **_LONG_SIT),
    finish=Pose(leg_a=Leg(hip=92, ankle=-28), leg_b=Leg(hip=75), **_LONG_SIT),
    props=(mat(-45, 80), Roll(("knee_a", "ankle_a", 0.55), r=8.7, floor=MAT)),
    finish_props=(LetterA(("toe_a", (6, 3, 0))),),
    arrows=(Track("toe_a", (-4, 10), bend=-0.3, trim=1),),
    notes=("", "write A to Z"),
)

resisted_ankle_eversion = Exercise(
    "resisted_ankle_eversion",
    start=Pose(leg_a=Leg(hip=75, abd=8), leg_b=Leg(hip=75, abd=8), **_LONG_SIT),
    finish=Pose(leg_a=Leg(hip=75, abd=8, turn=45), leg_b=Leg(hip=75, abd=8), **_LONG_SIT),
    view=View(-60, 30),  # from above and beyond the feet, where the turn of the foot shows
    props=(mat(-45, 80, -30, 30),
           Band(("toe_a", "ankle_a", 0.2), ("toe_b", "ankle_b", 0.2), r=6.0, width=2.6,
                depth=BACK + 2)),
    arrows=(Track("toe_a", (-2, 8), bend=0.3, trim=1),),
)

_RELAXED = {"arm_a": Arm(abd=12, elbow=15), "arm_b": Arm(abd=12, elbow=15)}
_ONE_LEG = Pose(pelvis=(0, STAND - 1, 0), leg_a=plant(0), leg_b=Leg(hip=35, knee=75, ankle=-15),
                **_RELAXED)

single_leg_balance = Exercise(
    "single_leg_balance",
    start=Pose(leg_a=plant(0), leg_b=plant(0, z=_B), **_RELAXED),
    finish=_ONE_LEG,
    view=View(-30, 0),
    arrows=(Track("knee_b", (12, 0), bend=-0.3, trim=2),),
    labels=("Start", "Hold"),
)

_EYE = ("head", (-26.0, 4.0, 0.0))
single_leg_balance_eyes_closed = Exercise(
    "single_leg_balance_eyes_closed",
    start=_ONE_LEG,
    finish=_ONE_LEG,
    view=View(-30, 0),
    start_props=(Eye(_EYE, closed=False),),
    finish_props=(Eye(_EYE, closed=True),),
    labels=("Start", "Hold"),
    notes=("eyes open", "eyes closed"),
)

EXERCISES = [calf_raise, single_leg_calf_raise, heel_raise_with_ball, tibialis_posterior_stretch,
             calf_stretch, soleus_stretch, knee_to_wall_dorsiflexion, ankle_alphabet,
             resisted_ankle_eversion, single_leg_balance, single_leg_balance_eyes_closed]
