"""The hand-written demo patients DEMO-0001 and DEMO-0002 from CLINICAL.md's patient stories."""

from __future__ import annotations

from datetime import date, timedelta

from ptdesk.demo.kit import (
    NO_RED_FLAGS,
    OutcomeEntry,
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
from ptdesk.domain.readiness import ReadinessFindings
from ptdesk.services.patients import PatientInput


def half_marathoner(today: date) -> Story:
    """DEMO-0001: right knee 'feels weak' after 5.5-6 miles; rolled the LEFT ankle on a break."""
    start = today - timedelta(days=44)
    onset = start - timedelta(days=120)
    sprain = start - timedelta(days=70)
    race = next_date(today, 4, 11)
    table = {
        "hip_abduction": (18.0, 14.2), "hip_extension": (24.0, 21.4),
        "hip_external_rotation": (13.0, 11.6), "hip_internal_rotation": (12.9, 12.4),
        "hip_flexion": (23.1, 22.0), "knee_extension": (38.5, 31.0), "knee_flexion": (20.5, 19.0),
    }

    def exam(pr: Progress) -> ev.Evaluation:
        # The untreated left calf lags the knee work: still a full grade down at re-evaluation.
        calf = "4" if pr.p < 0.9 else "4+"
        return pr.soap(ev.Evaluation(
            subjective=ev.SubjectiveFindings(
                chief_complaint="Right knee feels weak, not painful, after 5.5 to 6 miles. "
                "Since a two-month break she can barely finish a mile.",
                onset_mechanism="Gradual during half-marathon training; worse after a two-month "
                "break and rolling the left ankle.",
                onset_date=onset, symptoms=("weakness",), pain_locations=(),
                nprs_now=pr.now, nprs_best=pr.best, nprs_worst=pr.worst,
                aggravating=("running", "downhill"), onset_distance=5.5, onset_distance_unit="mi",
                current_weekly_volume=pr.volume, preinjury_weekly_volume=22, volume_unit="mi",
                longest_recent_run=pr.longest, runs_per_week=pr.runs,
                goal_race="Riverfront Half Marathon", goal_race_date=race,
                shoe_model="Neutral daily trainer", shoe_drop_mm=10, surface="Road and paved trail",
                prior_injuries=(ev.PriorInjury("Rolled ankle (lateral sprain), not treated",
                                               "left", sprain),),
                red_flags_screened=True, red_flags_notes=NO_RED_FLAGS,
            ),
            knees=(
                ev.KneeFindings("left", 142, 0, "none", (), "normal", "Central", "good", "good"),
                ev.KneeFindings("right", 140, 0, "none", (), "normal", "Central",
                                "knee_valgus" if pr.p < 0.7 else "good",
                                "pelvic_drop" if pr.p < 0.5 else "good",
                                "No pain; tires after 15 step-downs."),
            ),
            special_tests=special_tests(()),
            ankles=(
                ev.AnkleFindings("left", pr.lerp(7.0, 9.5), pr.lerp(14, 28), pr.lerp(4, 10),
                                 round(pr.lerp(16, 21, 0)), "negative", "negative",
                                 "mild" if pr.p < 0.5 else "none", pr.p < 0.5, False, False,
                                 "The sprained side; stiff and wobbly on one leg."),
                ev.AnkleFindings("right", 11.5, 30, 12, 25, "negative", "negative", "none"),
            ),
            strength=strength_grid(table, "right", pr.p,
                                   mmt={"ankle_plantarflexion": (calf, "5")}),
            # Readiness to run: the left ankle holds back hops and heel raises.
            readiness=ReadinessFindings(
                brisk_walk_min=round(pr.lerp(20, 40, 0)), hops_left=round(pr.lerp(4, 12, 0)),
                hops_right=15, heel_raises_left=round(pr.lerp(16, 21, 0)), heel_raises_right=25,
                squat_left="good", squat_right="knee_valgus" if pr.p < 0.7 else "good",
                single_hop_cm_left=None if pr.p < 0.5 else 121.0,
                single_hop_cm_right=None if pr.p < 0.5 else 112.0),
            gait=ev.GaitFindings(
                setting="treadmill", speed=9.7, cadence_spm=round(pr.lerp(162, 172, 0)),
                foot_strike="rearfoot", overstriding=pr.p < 0.5,
                pelvic_drop_side="left" if pr.p < 0.7 else "none",
                pelvic_drop_severity="mild" if pr.p < 0.7 else None,
                knee_valgus="right" if pr.p < 0.7 else "none", pronation="normal",
                footwear="Neutral daily trainer, 10 mm drop", cadence_target_pct=7.5,
                notes="Filmed from the side and behind. Left pelvis drops while standing on "
                "the right leg late in the run.",
            ),
            assessment=ev.AssessmentPlan(
                problem_list="1. Right hip abductor and quadriceps weakness (symmetry below 90%).\n"
                "2. Left ankle: less bend and balance after an untreated sprain.\n"
                "3. Out of condition after a two-month break; runs about 1 mile.",
                working_diagnosis="Right knee weakness from hip and quadriceps deficits; "
                "healing left ankle sprain",
                icd10_code="M62.81", visit_frequency="Once a week for 6 weeks",
                plan_notes="Clamshells, side-lying hip abduction, bridges, step-downs. Left ankle "
                "balance and knee-to-wall mobility. Walk-run restart from what she tolerates now; "
                "weekly volume up no more than 10%. Cadence +7.5% with a metronome. "
                "Low back screen clear. Also coded S93.402D (left ankle sprain, later visit).",
            ),
        ))

    def activities(a: int, b: int, c: int) -> OutcomeEntry:
        return psfs(("Run 3 miles without stopping", a), ("Run downhill", b),
                    ("Single-leg squat on the right", c))

    steps = (
        (0, "initial_evaluation", Progress(0.0, 0, 0, 1, 3.0, 1.0, 3, (
            "Knee weak after 5.5-6 mi before the break; now barely 1 mi. "
            "Left ankle rolled 10 weeks ago.",
            "Right hip abduction and quad clearly weaker; left ankle stiff with poor balance. "
            "Lumbar screen: full pain-free range.",
            "Weakness pattern, not a structural knee injury.", "Strength, ankle work, walk-run.")),
         (lefs(58), activities(2, 4, 5))),
        (7, "follow_up", Progress(0.2, 0, 0, 1, 3.3, 1.1, 3, (
            "Did exercises 5 of 7 days. Walk-run felt easy.", "Step-down steadier.",
            "On track.", "Add single-leg bridge.")), ()),
        (14, "follow_up", Progress(0.35, 0, 0, 1, 3.6, 1.2, 3, (
            "Ran 1.2 mi without stopping.", "Balance on left 20 s eyes open.",
            "Improving.", "Progress clamshells to 30 reps.")), ()),
        (21, "follow_up", Progress(0.5, 0, 0, 0, 4.0, 1.4, 3, (
            "Knee did not feel weak at all this week.", "Less pelvic drop on step-down.",
            "Improving.", "Keep the 10% weekly cap.")), (lefs(64),)),
        (28, "follow_up", Progress(0.6, 0, 0, 0, 4.4, 1.5, 3, (
            "Ran 1.5 mi twice.", "Hip abduction stronger.", "Improving.", "Forward-lean drill.")),
         ()),
        (42, "re_evaluation", Progress(0.85, 0, 0, 0, 5.3, 1.8, 3, (
            "Runs 1.8 mi with no weakness.", "Hip and quad symmetry above 90%; left calf still "
            "a grade down (4 / 5), ankle bend and balance behind the right.",
            "Good progress toward the half.", "Continue plan; re-check in 4 weeks.")),
         (lefs(71), activities(6, 7, 8))),
    )
    return Story(
        patient=PatientInput(
            mrn="DEMO-0001", first_name="Rachel", last_name="Whitaker",
            date_of_birth=date(1988, 6, 14), sex="female", phone="(503) 555-0101",
            email="rachel.whitaker@example.com", address="1420 Alder Street, Portland, OR 97205",
            referring_physician="Dr. Helen Marsh", dominant_leg="right",
        ),
        diagnosis="Right knee weakness after deconditioning; left ankle sprain on the opposite leg",
        icd10_code="M62.81", affected_side="right", onset=onset, start=start,
        injured_ankle_side="left",
        goals=(("Run 3 miles without the knee feeling weak", start + timedelta(days=42)),
               ("Right hip abduction at least 90% of the left", start + timedelta(days=56)),
               ("Finish the half marathon", race)),
        visits=story_visits(exam, steps, keep_ankles=True),
    )


def first_10k(today: date) -> Story:
    """DEMO-0002: novice, both knees sore after a first 10k, hip dips, minimalist heel striker."""
    start = today - timedelta(days=30)
    onset = start - timedelta(days=12)
    race = next_date(today, 5, 16)
    table = {
        "hip_abduction": (10.6, 12.4), "hip_extension": (17.5, 18.2),
        "hip_external_rotation": (9.8, 10.4), "hip_internal_rotation": (10.5, 10.9),
        "hip_flexion": (17.0, 17.6), "knee_extension": (26.0, 27.5), "knee_flexion": (14.5, 15.0),
    }

    def exam(pr: Progress) -> ev.Evaluation:
        new_shoes = pr.p >= 0.3
        shoe = ("Cushioned stability shoe, 8 mm drop" if new_shoes
                else "Minimalist road shoe, 0 mm drop")
        knee = {"flexion_deg": 145, "extension_deg": 2, "effusion": "none",
                "tenderness": ("medial patellar facet",) if pr.p < 0.6 else (),
                "patellar_mobility": "normal", "patellar_tracking": "Slight lateral glide",
                "single_leg_squat": "pelvic_drop" if pr.p < 0.6 else "good",
                "step_down": "knee_valgus" if pr.p < 0.6 else "good"}
        return pr.soap(ev.Evaluation(
            subjective=ev.SubjectiveFindings(
                chief_complaint="Both knees sore for one to two weeks after my first 10k. "
                "Wants to run a half marathon in May.",
                onset_mechanism="First 10k race after 8 weeks of training; aching from about 8 km.",
                onset_date=onset, symptoms=("pain",), pain_locations=("front", "inner"),
                nprs_now=pr.now, nprs_best=pr.best, nprs_worst=pr.worst,
                aggravating=("stairs", "squatting", "running"), onset_distance=8,
                onset_distance_unit="km", current_weekly_volume=pr.volume,
                preinjury_weekly_volume=15, volume_unit="km", longest_recent_run=pr.longest,
                runs_per_week=pr.runs, goal_race="Spring Half Marathon", goal_race_date=race,
                shoe_model=shoe.split(",")[0], shoe_drop_mm=8 if new_shoes else 0,
                surface="Pavement and treadmill",
                prior_injuries=(ev.PriorInjury("Shin splints in school cross-country", "both",
                                               date(2014, 9, 15)),),
                red_flags_screened=True, red_flags_notes=NO_RED_FLAGS,
            ),
            knees=(ev.KneeFindings("left", **knee), ev.KneeFindings("right", **knee)),
            special_tests=special_tests((("patellar_grind", "left"),) if pr.p < 0.5 else ()),
            ankles=tuple(
                ev.AnkleFindings(side, k2w, pr.lerp(24, 30), pr.lerp(7, 10), 20, "negative",
                                 "negative", "none", notes="No ankle injury; checked because "
                                 "the feet roll in a lot.")
                for side, k2w in (("left", 10.0), ("right", 10.5))
            ),
            strength=strength_grid(table, "both", pr.p),
            readiness=ReadinessFindings(
                brisk_walk_min=round(pr.lerp(30, 45, 0)), hops_left=round(pr.lerp(6, 15, 0)),
                hops_right=round(pr.lerp(8, 16, 0)), heel_raises_left=round(pr.lerp(18, 24, 0)),
                heel_raises_right=round(pr.lerp(20, 25, 0)),
                squat_left="pelvic_drop" if pr.p < 0.6 else "good",
                squat_right="pelvic_drop" if pr.p < 0.6 else "good",
                notes="Hops sore at the front of both knees at intake."
                if pr.p < 0.3 else ""),
            gait=ev.GaitFindings(
                setting="treadmill", speed=8.5, cadence_spm=round(pr.lerp(156, 168, 0)),
                foot_strike="rearfoot" if pr.p < 0.6 else "midfoot", overstriding=pr.p < 0.6,
                pelvic_drop_side="both" if pr.p < 0.8 else "none",
                pelvic_drop_severity=("moderate" if pr.p < 0.5 else "mild") if pr.p < 0.8 else None,
                knee_valgus="both" if pr.p < 0.6 else "none",
                pronation="normal" if new_shoes else "over", footwear=shoe,
                cadence_target_pct=10,
                notes="Filmed treadmill gait analysis from the side and behind. Hips dip on both "
                "sides (weak gluteus minimus); heel strikes hard in minimalist shoes.",
            ),
            assessment=ev.AssessmentPlan(
                problem_list="1. Sore front of both knees after a jump to 10 km.\n"
                "2. Weak hip abductors (gluteus minimus), left more than right.\n"
                "3. Feet roll in; heel striking in zero-drop minimalist shoes.",
                working_diagnosis="Bilateral patellofemoral overload after a first 10k",
                icd10_code="M22.2X3", visit_frequency="Twice a week for 2 weeks, then weekly",
                plan_notes="Hip strengthening (side-lying abduction, clamshells, bridges). Shoe "
                "change after the filmed gait analysis. Squats on non-running days. Walk-run "
                "restart, then build toward the May half marathon no faster than 10% a week.",
            ),
        ))

    steps = (
        (0, "initial_evaluation", Progress(0.0, 3, 0, 5, 0.0, 0.0, 0, (
            "Both knees ache on stairs since the 10k; has not run for 10 days.",
            "Hips dip both sides on step-down; feet roll in; heel strikes in minimalist shoes.",
            "Overload with hip weakness.", "Hip work, shoe change, walk-run restart.")),
         (lefs(60), nprs(3), kujala(stairs=1, squatting=1, running=2, jumping=1,
                                          prolonged_sitting=1, pain=1))),
        (4, "follow_up", Progress(0.15, 2, 0, 4, 4.0, 2.0, 3, (
            "Bought stability shoes.", "Gait re-filmed: less rolling in.", "Good start.",
            "Walk-run 3 times a week.")), ()),
        (11, "follow_up", Progress(0.35, 1, 0, 3, 4.4, 2.2, 3, (
            "Stairs easier.", "Cadence 162 with metronome.", "Improving.", "Add squats.")),
         (nprs(1),)),
        (18, "follow_up", Progress(0.5, 1, 0, 2, 4.8, 2.4, 3, (
            "No pain after runs.", "Less hip dip.", "Improving.", "Keep the 10% cap.")), ()),
        (28, "re_evaluation", Progress(0.8, 0, 0, 1, 5.3, 2.6, 3, (
            "Runs 2.6 km without pain.", "Hip strength up; symmetry above 90%.",
            "On track for May.", "Continue; re-check monthly.")),
         (lefs(74), nprs(0), kujala(running=1))),
    )
    return Story(
        patient=PatientInput(
            mrn="DEMO-0002", first_name="Aisha", last_name="Thompson",
            date_of_birth=date(1999, 2, 3), sex="female", phone="(503) 555-0102",
            email="aisha.thompson@example.com", address="88 Birch Lane, Beaverton, OR 97005",
            referring_physician="Dr. Samuel Ortiz", dominant_leg="right",
        ),
        diagnosis="Bilateral anterior knee pain (patellofemoral overload) after a first 10k",
        icd10_code="M22.2X3", affected_side="both", onset=onset, start=start,
        goals=(("Stairs without knee pain", start + timedelta(days=21)),
               ("Run 5 km continuously, pain 0-3/10", start + timedelta(days=56)),
               ("Run the half marathon in May", race)),
        visits=story_visits(exam, steps),
    )
