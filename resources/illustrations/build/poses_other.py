"""Poses for the standing thigh stretches, running drills and cross-training."""

from __future__ import annotations

from common import COUNTER_H, plant, run_arms
from props import Box, Chair, Guide
from props_more import Bike, Metronome, Rower, Water, crank_point
from scene import Exercise, Spin, Track, View
from skeleton import HIP_W, STAND, Arm, Foot, Hand, Leg, Pose, Rel

_B = -HIP_W

# A counter in front; the far hand holds it for balance.
_SIDE_COUNTER = Box((22, 0, -30), (56, COUNTER_H, 30))
_HOLD_SIDE = Hand((23, COUNTER_H + 3, -11), pole=(-0.4, -1, -0.8))
quadriceps_stretch = Exercise(
    "quadriceps_stretch",
    start=Pose(leg_a=plant(0), leg_b=plant(0, z=_B), arm_b=_HOLD_SIDE),
    finish=Pose(pelvis=(0, STAND - 1, 0), leg_a=Leg(hip=-5, knee=145, ankle=-25),
                leg_b=plant(0, z=_B), arm_b=_HOLD_SIDE,
                arm_a=Hand(Rel("ankle_a", (0, 1, 3)), pole=(-1, -0.5, 0.3))),
    props=(_SIDE_COUNTER,),
    arrows=(Track("ankle_a", (-9, -6), bend=0.35),),
    labels=("Start", "Hold"),
)

# Sitting on the front edge of a chair, one leg straight with the heel down.
_SEAT = 38.0
_SIT_EDGE = {"pelvis": (0, _SEAT + 8, 0), "leg_a": plant(50, pitch=22), "leg_b": plant(20, z=_B)}


def _hands(joint: str, off: tuple[float, float]) -> dict[str, Hand]:
    return {"arm_a": Hand(Rel(joint, (off[0], off[1], 4))),
            "arm_b": Hand(Rel(joint, (off[0], off[1], -4)))}


hamstring_stretch = Exercise(
    "hamstring_stretch",
    start=Pose(**_SIT_EDGE, **_hands("hip_a", (18, 5))),
    finish=Pose(lean=35, **_SIT_EDGE, **_hands("knee_a", (-6, 6))),
    props=(Chair(8, _SEAT, deep=30, back=40),),
    arrows=(Track("head", (4, 10), bend=-0.25, trim=3),),
    labels=("Start", "Hold"),
)

# Lean from the ankles with the body straight, then let the foot land under the hips.
forward_lean_drill = Exercise(
    "forward_lean_drill",
    start=Pose(leg_a=plant(0), leg_b=plant(0, z=_B), arm_a=Arm(flex=10, elbow=80),
               arm_b=Arm(flex=10, elbow=80)),
    finish=Pose(pelvis=(13, 70.5, 0), pitch=12, leg_b=plant(-2, z=_B, pitch=-25),
                leg_a=plant(14, pitch=0), **run_arms("b")),
    finish_props=(Guide("ankle_b", "head"),),
    arrows=(Spin("ankle_b", 100, 110, 93),),  # behind the back: the whole body tips forward
    labels=("Stand tall", "Lean and step"),
)

_RUN_A = Pose(pelvis=(0, 69, 0), lean=8, leg_a=plant(3), leg_b=Leg(hip=50, knee=100, ankle=-15),
              **run_arms("a"))
_RUN_B = Pose(pelvis=(0, 69, 0), lean=8, leg_b=plant(3, z=_B), leg_a=Leg(hip=50, knee=100,
                                                                       ankle=-15),
              **run_arms("b"))
cadence_drill_metronome = Exercise(
    "cadence_drill_metronome",
    start=_RUN_A,
    finish=_RUN_B,
    start_props=(Metronome(62, -20, 0),),
    finish_props=(Metronome(62, 20, 0),),
    labels=("One beat", "Next beat"),
)

# Exercise bike: feet follow the pedals, hands on the bars.
_CRANK = (12.0, 24.0)
_BIKE = {"crank": _CRANK, "saddle": (-12.0, 66.0), "bars": (38.0, 88.0)}


def _ride(deg: float) -> Pose:
    def foot(d: float, z: float) -> Foot:
        p = crank_point(_CRANK, d, z)
        return Foot((p[0] - 7, p[1] + 6, z), pitch=-10, planted=False)

    return Pose(pelvis=(-10, 74, 0), lean=42, leg_a=foot(deg, HIP_W), leg_b=foot(deg + 180, _B),
                arm_a=Hand((29, 89, 12)), arm_b=Hand((29, 89, -12)))


cycling = Exercise(
    "cycling",
    start=_ride(90),
    finish=_ride(270),
    start_props=(Bike(crank_deg=90, **_BIKE),),
    finish_props=(Bike(crank_deg=270, **_BIKE),),
    accent=(),
    arrows=(Spin(_CRANK + (0.0,), 21, 80, -60),),
)

_FLUTTER = -60.0  # pointed toes
swimming = Exercise(
    "swimming",
    start=Pose(pelvis=(0, 55, 0), pitch=90, neck=-10,
               arm_a=Arm(flex=175, elbow=5), arm_b=Arm(flex=70, elbow=35),
               leg_a=Leg(hip=8, knee=15, ankle=_FLUTTER), leg_b=Leg(hip=-8, ankle=_FLUTTER)),
    finish=Pose(pelvis=(0, 55, 0), pitch=90, neck=-10,
                arm_a=Arm(flex=70, elbow=35), arm_b=Arm(flex=175, elbow=5),
                leg_a=Leg(hip=-8, ankle=_FLUTTER), leg_b=Leg(hip=8, knee=15, ankle=_FLUTTER)),
    props=(Water(63, -104, 104, -4),),
    view=View(-40, 0),  # turned a little, so the long reaching body fits the panel
    floor=False,
    ink=("arm_a", "leg_a"),
    accent=(),
    arrows=(Track("hand_a", (0, -8), bend=0.35),),
    labels=("Reach", "Pull"),
)

_PLATE = ((24.0, 14.0, 0.0), (34.0, 34.0, 0.0))
_ROW_FEET = {"leg_a": Foot((26, 24, HIP_W), pitch=60, planted=False),
             "leg_b": Foot((26, 24, _B), pitch=60, planted=False)}
rowing = Exercise(
    "rowing",
    start=Pose(pelvis=(-6, 25, 0), lean=28, arm_a=Hand((46, 40, 10)), arm_b=Hand((46, 40, -10)),
               **_ROW_FEET),
    finish=Pose(pelvis=(-34, 25, 0), lean=-18, arm_a=Hand((-18, 50, 10), pole=(-1, -0.2, 0.5)),
                arm_b=Hand((-18, 50, -10), pole=(-1, -0.2, 0.5)), **_ROW_FEET),
    props=(Rower(rail=(-78.0, 30.0), plate=_PLATE, fan=(56.0, 28.0)),),
    floor=True,
    accent=(),
    arrows=(Track("pelvis", (0, -14), bend=0.0),),
)

EXERCISES = [quadriceps_stretch, hamstring_stretch, forward_lean_drill, cadence_drill_metronome,
             cycling, swimming, rowing]
