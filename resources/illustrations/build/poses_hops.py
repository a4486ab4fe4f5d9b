"""Poses for the hopping and plyometric progressions and the skipping drill."""

from __future__ import annotations

from common import plant, run_arms, tiptoe_rise, tiptoe_shift
from props import Box
from scene import Exercise, Push, Track, View
from skeleton import HIP_W, STAND, Arm, Leg, Pose

_B = -HIP_W
_UP = -35.0
_RISE, _FWD = tiptoe_rise(_UP), tiptoe_shift(_UP)
_SWING = {"arm_a": Arm(flex=15, elbow=80), "arm_b": Arm(flex=15, elbow=80)}
_LIFT = 9.0  # how high a hop leaves the floor
_POINTED = Leg(ankle=-35)

# Small quick bounces on the balls of both feet, knees nearly straight.
pogo_hops = Exercise(
    "pogo_hops",
    start=Pose(pelvis=(_FWD, STAND + _RISE - 1, 0), leg_a=plant(_FWD, pitch=_UP),
               leg_b=plant(_FWD, z=_B, pitch=_UP), **_SWING),
    finish=Pose(pelvis=(_FWD, STAND + _RISE + _LIFT, 0), leg_a=_POINTED, leg_b=_POINTED, **_SWING),
    accent=(),
    arrows=(Push(("heel_a", (-9.0, -4.0, 0.0)), (0, 14), gap=0),),
    labels=("Land", "Bounce"),
)

_TUCK = Leg(hip=10, knee=75, ankle=-20)
single_leg_hop = Exercise(
    "single_leg_hop",
    start=Pose(pelvis=(_FWD, STAND + _RISE - 3, 0), leg_a=plant(_FWD, pitch=_UP), leg_b=_TUCK,
               **_SWING),
    finish=Pose(pelvis=(_FWD, STAND + _RISE + _LIFT, 0), leg_a=_POINTED, leg_b=_TUCK, **_SWING),
    arrows=(Push(("heel_a", (-9.0, -4.0, 0.0)), (0, 14), gap=0),),
    labels=("Land", "Hop up"),
)

# Hop forward on one leg and hold the landing for a count of two.
_READY = Pose(pelvis=(-30, 62, 0), lean=25, leg_a=plant(-30), leg_b=Leg(hip=20, knee=70),
              arm_a=Arm(flex=-30, elbow=20), arm_b=Arm(flex=-30, elbow=20))
forward_hop_stick = Exercise(
    "forward_hop_stick",
    start=_READY,
    finish=Pose(pelvis=(20, 58, 0), lean=30, leg_a=plant(26), leg_b=Leg(hip=25, knee=75),
                arm_a=Arm(flex=50, elbow=20), arm_b=Arm(flex=50, elbow=20)),
    start_props=(Box((38, 0, -12), (42, 1.5, 12)),),
    finish_props=(Box((38, 0, -12), (42, 1.5, 12)),),
    arrows=(Track("pelvis", (0, 10), bend=0.35),),
    labels=("Start", "Land and hold"),
)

# Seen from the front: hop side to side over a line on the floor, on one leg.
_LINE = Box((-16, 0, -2), (16, 2.5, 2))
_HANDS_OUT = {"arm_a": Arm(abd=25, elbow=20), "arm_b": Arm(abd=25, elbow=20)}
_SIDE_HOP = Leg(hip=5, knee=85, ankle=-15)
lateral_line_hops = Exercise(
    "lateral_line_hops",
    start=Pose(pelvis=(0, STAND - 4, -26), leg_a=plant(0, z=-20), leg_b=_SIDE_HOP,
               **_HANDS_OUT),
    finish=Pose(pelvis=(0, STAND - 4, 14), leg_a=plant(0, z=20), leg_b=_SIDE_HOP,
                **_HANDS_OUT),
    view=View(-88, 0),
    props=(_LINE,),
    arrows=(Track("ankle_a", (0, 16), bend=0.3),),
    labels=("One side", "Other side"),
)

# Jump up from a half squat and land softly back in it.
_HALF = Pose(pelvis=(-18, 48, 0), lean=35, leg_a=plant(0), leg_b=plant(0, z=_B),
             arm_a=Arm(flex=-40, elbow=10), arm_b=Arm(flex=-40, elbow=10))
squat_jump = Exercise(
    "squat_jump",
    start=_HALF,
    finish=Pose(pelvis=(2, STAND + 9, 0), lean=5, leg_a=_POINTED, leg_b=_POINTED,
                arm_a=Arm(flex=95, elbow=10), arm_b=Arm(flex=95, elbow=10)),
    accent=(),
    arrows=(Track("pelvis", (-12, 0), bend=0.0),),
    labels=("Squat", "Jump"),
)

# A-skip: a small skip on one foot while the other knee drives up to hip height.
_HIGH_KNEE = Leg(hip=85, knee=95, ankle=10)
a_skip_drill = Exercise(
    "a_skip_drill",
    start=Pose(pelvis=(0, STAND - 2, 0), lean=3, leg_b=plant(0, z=_B, pitch=-20),
               leg_a=_HIGH_KNEE, **run_arms("b")),
    finish=Pose(pelvis=(6, STAND - 2, 0), lean=3, leg_a=plant(6, pitch=-20),
                leg_b=_HIGH_KNEE, **run_arms("a")),
    arrows=(Track("knee_a", (4, -6), bend=0.3),),
    labels=("Knee up", "Switch"),
)

EXERCISES = [pogo_hops, single_leg_hop, forward_hop_stick, lateral_line_hops, squat_jump,
             a_skip_drill]
