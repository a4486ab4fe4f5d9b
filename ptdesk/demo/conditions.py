"""The diagnoses synthetic demo patients are treated for, with codes and charting patterns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    """One running injury: how it is coded, what the patient reports and what the exam shows."""

    key: str
    diagnosis: str
    codes: dict[str, str]  # affected side -> ICD-10-CM code
    weight: int  # share of the synthetic case mix
    complaint: str
    symptoms: tuple[str, ...]
    pain_locations: tuple[str, ...]
    aggravating: tuple[str, ...]
    positive_tests: tuple[str, ...]  # knee special tests expected positive on the sore side
    weak_groups: tuple[str, ...]  # where the strength deficit shows
    knee_exam: bool
    ankle_exam: bool
    kujala: bool  # anterior knee pain, so the Kujala scale is charted
    tenderness: tuple[str, ...]
    plan: str
    goals: tuple[str, ...]


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "pfps", "Patellofemoral pain syndrome",
        {"right": "M22.2X1", "left": "M22.2X2", "both": "M22.2X3"}, 30,
        "Pain at the front of the knee on stairs, squatting and long runs.",
        ("pain", "grinding"), ("front",), ("stairs", "squatting", "sitting", "running"),
        ("patellar_grind",), ("hip_abduction", "knee_extension"), True, False, True,
        ("lateral patellar facet",),
        "Quad and glute strengthening in the pain-free range; cadence cue; rebuild under 10%.",
        ("Stairs without knee pain", "Squat to a chair without pain", "Run 5 miles pain-free"),
    ),
    Condition(
        "itbs", "Iliotibial band syndrome", {"right": "M76.31", "left": "M76.32"}, 18,
        "Sharp pain on the outside of the knee partway into runs, worse downhill.",
        ("pain",), ("outer",), ("running", "downhill"), ("ober", "noble_compression"),
        ("hip_abduction", "hip_external_rotation"), True, False, False,
        ("lateral femoral epicondyle",),
        "Hip abductor strengthening, TFL stretch, wider step, flat routes first.",
        ("Run 5 miles without outer-knee pain", "Run downhill without pain",
         "Hip abduction at least 90% of the other side"),
    ),
    Condition(
        "patellar_tendinopathy", "Patellar tendinopathy", {"right": "M76.51", "left": "M76.52"},
        14, "Pain just below the kneecap with jumping, hills and stairs.",
        ("pain",), ("below_kneecap",), ("stairs", "squatting", "running"), (),
        ("knee_extension", "hip_extension"), True, False, False, ("inferior pole of patella",),
        "Isometric then slow heavy quad loading; pause jumping and hill sprints.",
        ("Jump and land without tendon pain", "Decline squat pain 2/10 or less",
         "Return to hill sessions"),
    ),
    Condition(
        "mtss", "Medial tibial stress syndrome (shin splints)",
        {"right": "S86.891A", "left": "S86.892A"}, 14,
        "Aching along the inner shin during and after runs.",
        ("pain",), (), ("running",), (), ("ankle_plantarflexion", "hip_abduction"),
        False, True, False, (),
        "Calf and tibialis posterior strengthening, softer surfaces, cadence cue, gradual build.",
        ("Run 30 minutes without shin pain", "25 single-leg heel raises each side",
         "Hop 20 times without pain"),
    ),
    Condition(
        "ankle_sprain", "Lateral ankle sprain", {"right": "S93.401A", "left": "S93.402A"}, 14,
        "Rolled the ankle on a run; swelling and the ankle feels wobbly.",
        ("pain", "swelling", "giving_way"), (), ("running",), (),
        ("ankle_plantarflexion", "hip_abduction"), False, True, False, (),
        "Balance and ankle mobility, eversion strength, walk-run restart on flat ground.",
        ("Single-leg balance 30 seconds eyes open", "Knee-to-wall within 2 cm of the other side",
         "Run on trails without giving way"),
    ),
    Condition(
        "piriformis", "Piriformis syndrome", {"right": "G57.01", "left": "G57.02"}, 10,
        "Deep ache in the buttock, worse sitting and running uphill.",
        ("pain",), (), ("sitting", "running"), (),
        ("hip_external_rotation", "hip_abduction", "hip_extension"), False, False, False, (),
        "Glute strengthening, piriformis stretch, shorter strides on hills.",
        ("Sit one hour without buttock pain", "Run hills without pain",
         "Hip rotation strength within 10% of the other side"),
    ),
)

# Groups measured at every evaluation; a condition's weak groups are added to these.
CORE_GROUPS = ("hip_abduction", "hip_extension", "hip_external_rotation", "knee_extension",
               "knee_flexion")
# Typical handheld-dynamometer values (kg) for an adult woman; men are scaled up.
NORMS_KG = {
    "hip_abduction": 16.0, "hip_extension": 20.0, "hip_external_rotation": 12.0,
    "hip_internal_rotation": 12.0, "hip_flexion": 20.0, "knee_extension": 32.0,
    "knee_flexion": 18.0, "ankle_plantarflexion": 45.0,
}
SHOES = (("Neutral daily trainer", 10.0), ("Stability trainer", 8.0), ("Max-cushion trainer", 5.0),
         ("Lightweight racer", 6.0), ("Minimalist shoe", 0.0), ("Trail shoe", 6.0))
SURFACES = ("Road", "Road and treadmill", "Trails", "Track", "Mixed road and trail", "Treadmill")
RACES = ("5K", "10K", "Half marathon", "Marathon", "Trail 25K", "")
FREQUENCIES = ("Twice a week for 4 weeks", "Once a week for 6 weeks",
               "Twice a week for 2 weeks, then weekly", "Once every two weeks")
