"""The hand-written demo patients DEMO-0003..0005: runner's knee, IT band, patellar tendon."""

from __future__ import annotations

from datetime import date, timedelta

from ptdesk.demo.kit import (
    NO_RED_FLAGS,
    Progress,
    Story,
    kujala,
    lefs,
    next_date,
    nprs,
    psfs,
    special_tests,
    story_visits,
    strength_grid,
)
from ptdesk.domain import evaluation as ev
from ptdesk.services.patients import PatientInput


def runners_knee(today: date) -> Story:
    """DEMO-0003: patellofemoral pain after a volume jump, overstriding, stiff ankles."""
    start = today - timedelta(days=50)
    onset = start - timedelta(days=24)
    race = next_date(today, 4, 25)
    table = {
        "hip_abduction": (17.5, 15.0), "hip_extension": (26.0, 22.5),
        "hip_external_rotation": (14.2, 12.8), "hip_internal_rotation": (14.5, 14.0),
        "hip_flexion": (25.0, 24.0), "knee_extension": (41.0, 32.0), "knee_flexion": (22.0, 21.0),
    }

    def exam(pr: Progress) -> ev.Evaluation:
        return pr.soap(ev.Evaluation(
            subjective=ev.SubjectiveFindings(
                chief_complaint="Pain at the front of the right knee on stairs, squatting and "
                "after runs; grinding under the kneecap.",
                onset_mechanism="Came on over three weeks after going from 20 to 35 miles a week.",
                onset_date=onset, symptoms=("pain", "grinding"), pain_locations=("front",),
                nprs_now=pr.now, nprs_best=pr.best, nprs_worst=pr.worst,
                aggravating=("stairs", "squatting", "sitting", "downhill", "running"),
                onset_distance=4, onset_distance_unit="mi", current_weekly_volume=pr.volume,
                preinjury_weekly_volume=32, volume_unit="mi", longest_recent_run=pr.longest,
                runs_per_week=pr.runs, goal_race="City 10 Miler", goal_race_date=race,
                shoe_model="Max-cushion trainer", shoe_drop_mm=8, surface="Hilly roads",
                prior_injuries=(ev.PriorInjury("Hamstring strain", "right", date(2021, 5, 10)),),
                red_flags_screened=True, red_flags_notes=NO_RED_FLAGS,
            ),
            knees=(
                ev.KneeFindings("left", 145, 0, "none", (), "normal", "Central", "good", "good"),
                ev.KneeFindings(
                    "right", pr.lerp(135, 143, 0), 0, "trace" if pr.p < 0.4 else "none",
                    ("lateral patellar facet", "medial retinaculum") if pr.p < 0.7 else (),
                    "hypomobile" if pr.p < 0.5 else "normal", "Lateral tilt; J-sign",
                    "knee_valgus" if pr.p < 0.7 else "good",
                    "knee_valgus" if pr.p < 0.7 else "good", "Crepitus on squat."),
            ),
            special_tests=special_tests((("patellar_grind", "right"),) if pr.p < 0.7 else ()),
            ankles=(
                ev.AnkleFindings("left", pr.lerp(8.5, 10.5), 28, 10, 25, "negative", "negative",
                                 "none", notes="Stiff ankle limits squat depth."),
                ev.AnkleFindings("right", pr.lerp(7.5, 10.0), 25, 9, 22, "negative", "negative",
                                 "none", notes="Stiff ankle limits squat depth."),
            ),
            strength=strength_grid(table, "right", pr.p),
            gait=ev.GaitFindings(
                setting="treadmill", speed=11.0, cadence_spm=round(pr.lerp(158, 170, 0)),
                foot_strike="rearfoot", overstriding=pr.p < 0.7,
                knee_valgus="right" if pr.p < 0.6 else "none",
                trunk_lean="backward" if pr.p < 0.5 else "none",
                footwear="Max-cushion trainer, 8 mm drop", cadence_target_pct=7.5,
                notes="Foot lands well ahead of the knee (overstriding) with an upright, "
                "leaning-back trunk. Forward-lean drill and cadence cue given.",
            ),
            assessment=ev.AssessmentPlan(
                problem_list="1. Right patellofemoral pain after a 75% jump in weekly miles.\n"
                "2. Overstriding, low cadence.\n3. Stiff ankles both sides.\n"
                "4. Right quadriceps and gluteal weakness.",
                working_diagnosis="Right patellofemoral pain syndrome (runner's knee)",
                icd10_code="M22.2X1", visit_frequency="Twice a week for 3 weeks, then weekly",
                plan_notes="Straight leg raises and wall sits in the pain-free range, then "
                "step-downs and squats. Ankle knee-to-wall mobility. Cadence +7.5% and the "
                "forward-lean drill. Cut running to what stays at 0-3/10, then build no faster "
                "than 10% a week.",
            ),
        ))

    steps = (
        (0, "initial_evaluation", Progress(0.0, 4, 1, 7, 10.0, 4.0, 3, (
            "Front-of-knee pain on stairs and after 4 mi; grinding.",
            "Positive grind test right; overstriding on video; stiff ankles.",
            "Runner's knee from a volume jump.", "Load the quads, fix the stride, cut volume.")),
         (lefs(55), nprs(7), kujala(stairs=2, squatting=2, running=2, jumping=2,
                                    prolonged_sitting=3, pain=3, swelling=1,
                                    kneecap_movements=1, thigh_atrophy=1))),
        (4, "follow_up", Progress(0.1, 4, 1, 6, 8.0, 3.0, 3, (
            "Cut to 8 miles this week.", "Wall sit 30 s pain-free.", "Settling.",
            "Metronome at 170.")), ()),
        (9, "follow_up", Progress(0.25, 3, 1, 5, 8.8, 3.0, 3, (
            "Stairs less painful.", "Cadence 164.", "Improving.", "Add step-downs.")), ()),
        (16, "follow_up", Progress(0.4, 2, 0, 4, 9.6, 3.3, 3, (
            "Sitting at work no longer hurts.", "Less grinding.", "Improving.",
            "Progress squats.")), (nprs(4), kujala(stairs=1, squatting=1, running=1, jumping=1,
                                                   prolonged_sitting=1, pain=1,
                                                   kneecap_movements=1, thigh_atrophy=1))),
        (23, "follow_up", Progress(0.55, 2, 0, 3, 10.5, 3.6, 3, (
            "Ran 3.6 mi, pain 2/10.", "Overstride smaller on video.", "Improving.",
            "Keep the 10% cap.")), ()),
        (30, "re_evaluation", Progress(0.75, 1, 0, 2, 11.5, 4.0, 4, (
            "Stairs pain-free.", "Grind test negative; quad symmetry near 90%.",
            "Good progress.", "Continue plan; weekly visits.")),
         (lefs(68), nprs(2), kujala(running=1, kneecap_movements=1))),
        (44, "follow_up", Progress(0.85, 1, 0, 2, 13.5, 4.8, 4, (
            "Back to 13 miles a week.", "Squat to full depth.", "Nearly there.",
            "Plan 10-miler build.")), ()),
    )
    return Story(
        patient=PatientInput(
            mrn="DEMO-0003", first_name="Marcus", last_name="Bennett",
            date_of_birth=date(1991, 9, 27), sex="male", phone="(503) 555-0103",
            email="marcus.bennett@example.com", address="305 Cedar Court, Lake Oswego, OR 97034",
            referring_physician="Dr. Helen Marsh", dominant_leg="right",
        ),
        diagnosis="Right patellofemoral pain syndrome (runner's knee)", icd10_code="M22.2X1",
        affected_side="right", onset=onset, start=start,
        goals=(("Stairs and squats without pain", start + timedelta(days=35)),
               ("Run 6 miles at cadence 170, pain 0-3/10", start + timedelta(days=70)),
               ("Race the 10-miler", race)),
        visits=story_visits(exam, steps),
    )


def it_band(today: date) -> Story:
    """DEMO-0004: left IT band syndrome with weak hip abductors and a crossover gait."""
    start = today - timedelta(days=38)
    onset = start - timedelta(days=30)
    race = next_date(today, 6, 6)
    table = {
        "hip_abduction": (13.0, 17.0), "hip_extension": (22.0, 24.5),
        "hip_external_rotation": (11.5, 13.0), "hip_internal_rotation": (13.0, 13.4),
        "hip_flexion": (24.0, 24.5), "knee_extension": (38.0, 39.0), "knee_flexion": (21.0, 21.5),
    }

    def exam(pr: Progress) -> ev.Evaluation:
        positive = []
        if pr.p < 0.8:
            positive.append(("ober", "left"))
        if pr.p < 0.6:
            positive.append(("noble_compression", "left"))
        return pr.soap(ev.Evaluation(
            subjective=ev.SubjectiveFindings(
                chief_complaint="Sharp pain on the outside of the left knee from about 4 miles "
                "into a run; has to stop. Worse downhill.",
                onset_mechanism="Started after adding a weekly long run on cambered trail roads.",
                onset_date=onset, symptoms=("pain",), pain_locations=("outer",),
                nprs_now=pr.now, nprs_best=pr.best, nprs_worst=pr.worst,
                aggravating=("running", "downhill", "stairs"), onset_distance=4,
                onset_distance_unit="mi", current_weekly_volume=pr.volume,
                preinjury_weekly_volume=25, volume_unit="mi", longest_recent_run=pr.longest,
                runs_per_week=pr.runs, goal_race="Ridge Trail 25K", goal_race_date=race,
                shoe_model="Trail shoe", shoe_drop_mm=6, surface="Trails and cambered roads",
                prior_injuries=(ev.PriorInjury("Achilles tendon pain", "right", date(2022, 3, 1)),),
                red_flags_screened=True, red_flags_notes=NO_RED_FLAGS,
            ),
            knees=(
                ev.KneeFindings("left", 145, 0, "none",
                                ("lateral femoral epicondyle",) if pr.p < 0.7 else (), "normal",
                                "Central", "pelvic_drop" if pr.p < 0.6 else "good",
                                "knee_valgus" if pr.p < 0.6 else "good",
                                "Tender over the outer knee bone at 30 degrees of bend."),
                ev.KneeFindings("right", 146, 0, "none", (), "normal", "Central", "good", "good"),
            ),
            special_tests=special_tests(tuple(positive)),
            ankles=tuple(
                ev.AnkleFindings(side, k2w, 30, 11, 25, "negative", "negative", "none",
                                 notes="Screened: normal.")
                for side, k2w in (("left", 11.0), ("right", 11.5))
            ),
            strength=strength_grid(table, "left", pr.p),
            gait=ev.GaitFindings(
                setting="treadmill", speed=11.5, cadence_spm=round(pr.lerp(164, 172, 0)),
                foot_strike="midfoot",
                pelvic_drop_side="right" if pr.p < 0.7 else "none",
                pelvic_drop_severity=("moderate" if pr.p < 0.4 else "mild") if pr.p < 0.7 else None,
                crossover=pr.p < 0.6, footwear="Trail shoe, 6 mm drop", cadence_target_pct=5,
                notes="Feet land across the midline (crossover). Right pelvis drops while "
                "standing on the left leg.",
            ),
            assessment=ev.AssessmentPlan(
                problem_list="1. Left outer knee pain at 4 miles.\n2. Weak left hip abductors "
                "(TFL doing the work).\n3. Crossover gait.",
                working_diagnosis="Left iliotibial band syndrome", icd10_code="M76.32",
                visit_frequency="Once a week for 6 weeks",
                plan_notes="Side-lying hip abduction, clamshells, single-leg bridges. TFL/IT band "
                "and hip flexor stretches. Run with a slightly wider step; cadence +5%. Flat "
                "routes only for now, no cambered roads or long downhills; build under 10% a week.",
            ),
        ))

    steps = (
        (0, "initial_evaluation", Progress(0.0, 1, 0, 7, 6.0, 3.0, 3, (
            "Outer left knee pain at 4 mi; fine at rest.", "Ober and Noble positive on the left.",
            "IT band syndrome with hip weakness.", "Hip strength, gait cue, flat routes.")),
         (lefs(62), nprs(7))),
        (7, "follow_up", Progress(0.2, 1, 0, 6, 6.5, 3.3, 3, (
            "Pain came on at 3.5 mi.", "Clamshells 2 x 20.", "Slowly better.",
            "Add single-leg bridges.")), ()),
        (14, "follow_up", Progress(0.4, 0, 0, 4, 7.2, 3.6, 3, (
            "No pain on flat 3.6 mi.", "Less crossover.", "Improving.", "Keep flat routes.")),
         (lefs(66), nprs(4))),
        (21, "follow_up", Progress(0.55, 0, 0, 3, 7.9, 4.0, 3, (
            "Ran 4 mi pain-free.", "Noble negative.", "Improving.", "Try a gentle hill.")), ()),
        (35, "re_evaluation", Progress(0.85, 0, 0, 1, 9.5, 4.8, 3, (
            "Runs 4.8 mi without outer-knee pain.", "Hip abduction symmetry above 90%.",
            "Nearly resolved.", "Trail running next month.")), (lefs(75), nprs(1))),
    )
    return Story(
        patient=PatientInput(
            mrn="DEMO-0004", first_name="Daniel", last_name="Okafor",
            date_of_birth=date(1984, 11, 5), sex="male", phone="(503) 555-0104",
            email="daniel.okafor@example.com", address="12 Fern Hill Road, Tigard, OR 97223",
            referring_physician="Dr. Samuel Ortiz", dominant_leg="left",
        ),
        diagnosis="Left iliotibial band syndrome", icd10_code="M76.32", affected_side="left",
        onset=onset, start=start,
        goals=(("Run 5 miles without outer-knee pain", start + timedelta(days=42)),
               ("Left hip abduction at least 90% of the right", start + timedelta(days=42)),
               ("Finish the 25K trail race", race)),
        visits=story_visits(exam, steps),
    )


def patellar_tendon(today: date) -> Story:
    """DEMO-0005: right patellar tendinopathy from hill sprints and jumping (non-ASCII name)."""
    start = today - timedelta(days=35)
    onset = start - timedelta(days=42)
    race = next_date(today, 3, 21)
    table = {
        "hip_abduction": (15.0, 13.8), "hip_extension": (21.0, 19.5),
        "hip_external_rotation": (10.5, 10.2), "hip_internal_rotation": (11.0, 10.8),
        "hip_flexion": (19.0, 18.6), "knee_extension": (36.0, 30.0), "knee_flexion": (17.5, 17.0),
    }

    def exam(pr: Progress) -> ev.Evaluation:
        return pr.soap(ev.Evaluation(
            subjective=ev.SubjectiveFindings(
                chief_complaint="Pain just below the right kneecap when landing from jumps and "
                "on hill sprints.",
                onset_mechanism="Added hill sprints and box jumps to volleyball and running.",
                onset_date=onset, symptoms=("pain",), pain_locations=("below_kneecap",),
                nprs_now=pr.now, nprs_best=pr.best, nprs_worst=pr.worst,
                aggravating=("stairs", "squatting", "running"), onset_distance=3,
                onset_distance_unit="km", current_weekly_volume=pr.volume,
                preinjury_weekly_volume=30, volume_unit="km", longest_recent_run=pr.longest,
                runs_per_week=pr.runs, goal_race="Harbour 10K", goal_race_date=race,
                shoe_model="Lightweight racing flat", shoe_drop_mm=4, surface="Track and hills",
                prior_injuries=(ev.PriorInjury("Ankle sprain playing volleyball", "left",
                                               date(2019, 10, 3)),),
                red_flags_screened=True, red_flags_notes=NO_RED_FLAGS,
            ),
            knees=(
                ev.KneeFindings("left", 148, 3, "none", (), "normal", "Central", "good", "good"),
                ev.KneeFindings("right", 148, 3, "none",
                                ("inferior pole of patella",) if pr.p < 0.8 else (), "normal",
                                "Central", "trunk_lean" if pr.p < 0.6 else "good",
                                "knee_valgus" if pr.p < 0.5 else "good",
                                "Single-leg decline squat painful at 60 degrees."),
            ),
            special_tests=special_tests(()),
            ankles=(
                ev.AnkleFindings("left", 10.0, pr.lerp(25, 30), 8, 24, "negative", "negative",
                                 "none", notes="Old volleyball sprain; stable."),
                ev.AnkleFindings("right", 11.0, 30, 10, 26, "negative", "negative", "none"),
            ),
            strength=strength_grid(table, "right", pr.p),
            gait=ev.GaitFindings(
                setting="treadmill", speed=10.5, cadence_spm=round(pr.lerp(170, 176, 0)),
                foot_strike="forefoot", knee_valgus="right" if pr.p < 0.5 else "none",
                trunk_lean="forward", footwear="Lightweight racing flat, 4 mm drop",
                cadence_target_pct=5,
                notes="Stiff-kneed landing on the right during hill repeats.",
            ),
            assessment=ev.AssessmentPlan(
                problem_list="1. Right patellar tendon pain with jumping and hills.\n"
                "2. Right quadriceps weaker than the left.\n3. Sudden rise in jumping load.",
                working_diagnosis="Right patellar tendinopathy", icd10_code="M76.51",
                visit_frequency="Once a week for 8 weeks",
                plan_notes="Wall-sit holds for pain relief, then slow heavy leg extensions and "
                "decline squats (pain up to 3/10 is fine). Pause hill sprints and jumping; keep "
                "easy flat running at 0-3/10. Jumping returns once decline squats are pain-free.",
            ),
        ))

    def activities(a: int, b: int, c: int) -> tuple[tuple[str, int], ...]:
        return (("Jump and land at volleyball", a), ("Run hill repeats", b),
                ("Walk down stairs", c))

    steps = (
        (0, "initial_evaluation", Progress(0.0, 3, 1, 6, 12.0, 8.0, 3, (
            "Pain below the kneecap landing jumps and on hills.",
            "Tender at the lower kneecap; decline squat painful; quad weaker on the right.",
            "Patellar tendon overload.", "Load the tendon, pause jumping and hills.")),
         (lefs(61), nprs(6), psfs(*activities(3, 2, 6)))),
        (7, "follow_up", Progress(0.2, 2, 1, 5, 12.0, 8.0, 3, (
            "Wall sits ease the pain.", "Hold 45 s x 5.", "Settling.", "Start leg extensions.")),
         ()),
        (14, "follow_up", Progress(0.4, 2, 0, 4, 13.0, 8.0, 3, (
            "Stairs fine.", "Decline squat pain 3/10.", "Improving.", "Heavier loads.")),
         (nprs(4),)),
        (21, "follow_up", Progress(0.55, 1, 0, 3, 14.0, 9.0, 3, (
            "Easy runs pain-free.", "Leg extension 3 x 8 slow.", "Improving.",
            "Keep hills on hold.")), ()),
        (32, "re_evaluation", Progress(0.8, 1, 0, 2, 15.5, 10.0, 3, (
            "Only mild pain after volleyball.", "Quad symmetry near 95%.", "Good progress.",
            "Start low hops next visit.")), (lefs(72), nprs(2), psfs(*activities(6, 6, 9)))),
    )
    return Story(
        patient=PatientInput(
            mrn="DEMO-0005", first_name="Zoë", last_name="Ødegård-Núñez", preferred_name="Zoë",
            date_of_birth=date(2001, 3, 9), sex="female", phone="(503) 555-0105",
            email="zoe.odegard@example.com", address="7 Mølle Street, Portland, OR 97209",
            referring_physician="Dr. Inés Caldera", dominant_leg="right",
            alerts="Latex allergy: use vinyl gloves and non-latex tape.",
        ),
        diagnosis="Right patellar tendinopathy", icd10_code="M76.51", affected_side="right",
        onset=onset, start=start,
        goals=(("Jump and land without tendon pain", start + timedelta(days=56)),
               ("Right quadriceps at least 90% of the left", start + timedelta(days=42)),
               ("Race the 10K", race)),
        visits=story_visits(exam, steps),
    )
