"""Poses for tendon loading (isometrics, decline and slow heavy squats) and soleus work."""

from __future__ import annotations

from common import COUNTER_H, WALL_H, hands_on, plant, tiptoe_rise, tiptoe_shift
from props import Box, Chair, Weight
from props_extra import Tether, Wedge
from scene import Exercise, Push, Track
from skeleton import HIP_W, STAND, Arm, Foot, Hand, Leg, Pose, Rel

_B = -HIP_W
_TALL = {"leg_a": plant(0), "leg_b": plant(0, z=_B)}
_REACH = {"arm_a": Arm(flex=80, elbow=5), "arm_b": Arm(flex=80, elbow=5)}

# Spanish squat: a band behind both knees is tied to a post in front; sit back, shins upright.
_POST = Box((50, 0, -5), (56, 80, 5))
spanish_squat_isometric = Exercise(
    "spanish_squat_isometric",
    start=Pose(pelvis=(-3, STAND - 2, 0), **_TALL),
    finish=Pose(pelvis=(-30, 46, 0), lean=28, **_TALL, **_REACH),
    props=(_POST, Tether(("knee_a", (3.0, 0.0, 0.0)), (50.0, 42.0, 0.0))),
    accent=(),
    arrows=(Track("pelvis", (-12, 4), bend=0.0),),
    labels=("Start", "Hold"),
)

# Sitting tall; the shin pushes forward into a band tied to the chair leg and holds still.
_SEAT = 46.0
_SIT = {"pelvis": (0.0, _SEAT + 8, 0.0), "arm_a": Hand((12, _SEAT + 3, 16)),
        "arm_b": Hand((12, _SEAT + 3, -16))}
_CHAIR = Chair(18, _SEAT, deep=30, back=42)
isometric_knee_extension = Exercise(
    "isometric_knee_extension",
    start=Pose(leg_a=Leg(hip=90, knee=90), leg_b=Leg(hip=90, knee=85), **_SIT),
    finish=Pose(leg_a=Leg(hip=90, knee=55, ankle=10), leg_b=Leg(hip=90, knee=85), **_SIT),
    props=(_CHAIR,),
    start_props=(Tether(("ankle_a", (0.0, 2.0, 0.0)), (11.0, 4.0, 0.0)),),
    finish_props=(Tether(("ankle_a", (0.0, 2.0, 0.0)), (11.0, 4.0, 0.0)),),
    arrows=(Push("ankle_a", (12, 0), gap=8),),
    labels=("Start", "Push and hold"),
)

# Single-leg squat on a board sloping down toward the toes (about 25 degrees).
_BOARD = Wedge(-14, 26, 18.5)
_ON_BOARD = Foot((0, 14.5, HIP_W), pitch=-25, planted=False)
decline_squat = Exercise(
    "decline_squat",
    start=Pose(pelvis=(-6, 14.5 + 62, 0), leg_a=_ON_BOARD, leg_b=Leg(hip=25, knee=30),
               arm_a=Arm(flex=30), arm_b=Arm(flex=30)),
    finish=Pose(pelvis=(-18, 14.5 + 38, 0), lean=22, leg_a=_ON_BOARD, leg_b=Leg(hip=100, knee=15),
                **_REACH),
    props=(_BOARD,),
    arrows=(Track("pelvis", (-12, 2), bend=0.0),),
)

# Slow heavy squat holding a weight at the chest: three seconds down, three seconds up.
_GOBLET = {"arm_a": Hand(Rel("neck", (11, -13, 3)), pole=(0, -1, 1)),
           "arm_b": Hand(Rel("neck", (11, -13, -3)), pole=(0, -1, -1))}
slow_heavy_squat = Exercise(
    "slow_heavy_squat",
    start=Pose(pelvis=(0, STAND - 1, 0), **_TALL, **_GOBLET),
    finish=Pose(pelvis=(-24, 42, 0), lean=35, **_TALL, **_GOBLET),
    start_props=(Weight("hand_a", r=7.5),),
    finish_props=(Weight("hand_a", r=7.5),),
    accent=(),
    arrows=(Track("pelvis", (-14, 0), bend=0.0),),
    notes=("", "3 s down, 3 s up"),
)

# Calf raises with the knees kept bent, which shifts the work to the soleus.
_COUNTER = Box((22, 0, -30), (56, COUNTER_H, 30))
_HOLD = hands_on(23, COUNTER_H + 3)
_UP = -35.0
_RISE, _FWD = tiptoe_rise(_UP), tiptoe_shift(_UP)
_BENT = 62.0
bent_knee_calf_raise = Exercise(
    "bent_knee_calf_raise",
    start=Pose(pelvis=(-6, _BENT, 0), **_TALL, **_HOLD),
    finish=Pose(pelvis=(-6 + _FWD, _BENT + _RISE, 0), leg_a=plant(_FWD, pitch=_UP),
                leg_b=plant(_FWD, z=_B, pitch=_UP), **_HOLD),
    props=(_COUNTER,),
    accent=(),
    arrows=(Push(("heel_a", (-8.0, 0.0, 0.0)), (0.0, 13.0), gap=-2),),
    notes=("knees bent", ""),
)

# Sitting with a weight on the knees; lift the heels.
_LOW_SEAT = 38.0
_LOW_SIT = {"pelvis": (0.0, _LOW_SEAT + 8, 0.0)}
_ON_KNEES = {"arm_a": Hand(Rel("knee_a", (-4, 8, 3))), "arm_b": Hand(Rel("knee_b", (-4, 8, -3)))}
seated_soleus_raise = Exercise(
    "seated_soleus_raise",
    start=Pose(leg_a=plant(30), leg_b=plant(30, z=_B), **_LOW_SIT, **_ON_KNEES),
    finish=Pose(leg_a=plant(30 + _FWD, pitch=_UP), leg_b=plant(30 + _FWD, z=_B, pitch=_UP),
                **_LOW_SIT, **_ON_KNEES),
    props=(Chair(8, _LOW_SEAT, deep=30, back=40),),
    start_props=(Weight(("knee_a", (0.0, 8.0, 0.0)), r=7.0),),
    finish_props=(Weight(("knee_a", (0.0, 8.0, 0.0)), r=7.0),),
    accent=(),
    arrows=(Push(("heel_a", (-8.0, 0.0, 0.0)), (0.0, 11.0), gap=-2),),
)

# One foot on the edge of a step: start high on the toes, lower the heel below the step.
_STEP = 12.0
_STEP_BOX = Box((3, 0, -22), (32, _STEP, 22))
_FREE = Leg(hip=5, knee=70, ankle=-20)
_STEP_HOLD = hands_on(37, 108, 11, pole=(-0.3, -1.0, 0.8))
eccentric_heel_drop = Exercise(
    "eccentric_heel_drop",
    start=Pose(pelvis=(4, _STEP + 78.5, 0), leg_a=Foot((4.6, _STEP + 15.7, HIP_W), pitch=_UP,
                                                        planted=False),
               leg_b=_FREE, **_STEP_HOLD),
    finish=Pose(pelvis=(-2, _STEP + 65, 0), leg_a=Foot((-2, _STEP + 2.6, HIP_W), pitch=20,
                                                        planted=False),
                leg_b=_FREE, **_STEP_HOLD),
    props=(_STEP_BOX, Box((40, 0, -30), (47, WALL_H, 30))),
    arrows=(Push(("heel_a", (-8.0, 0.0, 0.0)), (0.0, -12.0), gap=-4),),
    notes=("", "lower slowly"),
)

EXERCISES = [spanish_squat_isometric, isometric_knee_extension, decline_squat, slow_heavy_squat,
             bent_knee_calf_raise, seated_soleus_raise, eccentric_heel_drop]
