"""Sample chart content shared by the tests and the benchmark: a full initial evaluation and weekly notes."""

from __future__ import annotations

from datetime import date

from ptdesk.domain import evaluation as ev

# Muscle groups a clinician re-tests at a weekly visit for knee pain in a runner.
WEEKLY_GROUPS = ("hip_abduction", "hip_extension", "knee_extension", "knee_flexion")


def full_evaluation() -> ev.Evaluation:
    """An initial evaluation with every section filled.

    The tests round-trip it through save and load, and the benchmark saves it, so both measure
    and check the same content.
    """
    return ev.Evaluation(
        subjective=ev.SubjectiveFindings(
            chief_complaint="Knee feels weak after 5.5 miles", onset_mechanism="Gradual",
            onset_date=date(2026, 8, 1), symptoms=("weakness", "grinding"),
            pain_locations=("front",), nprs_now=2, nprs_best=0, nprs_worst=5,
            aggravating=("stairs", "downhill"), onset_distance=5.5, onset_distance_unit="mi",
            current_weekly_volume=3, preinjury_weekly_volume=25, volume_unit="mi",
            longest_recent_run=1, runs_per_week=2, goal_race="City Half Marathon",
            goal_race_date=date(2027, 5, 2), shoe_model="Trainer 12", shoe_drop_mm=8,
            surface="road",
            prior_injuries=(ev.PriorInjury("Ankle sprain (rolled)", "left", date(2026, 7, 10)),),
            red_flags_screened=True, red_flags_notes="None",
        ),
        knees=(
            ev.KneeFindings("left", 140, 0, "none", (), "normal", "", "good", "good"),
            ev.KneeFindings("right", 135, -2, "trace", ("lateral_retinaculum",), "hypomobile",
                            "lateral tilt", "knee_valgus", "pelvic_drop", "note"),
        ),
        special_tests=(
            ev.SpecialTestResult("patellar_grind", "right", "positive"),
            ev.SpecialTestResult("ober", "right", "negative"),
            ev.SpecialTestResult("lachman", "left", "not_tested"),
        ),
        ankles=(
            ev.AnkleFindings("left", 7.5, 12, 3, 14, "positive", "negative", "mild", True, False,
                             False, "sprained"),
            ev.AnkleFindings("right", 11.0, 30, 9, 25),
        ),
        strength=(
            ev.StrengthMeasurement("hip_abduction", "left", "dynamometer", value=18.0, unit="kg"),
            ev.StrengthMeasurement("hip_abduction", "right", "dynamometer", value=13.0, unit="kg"),
            ev.StrengthMeasurement("hip_extension", "left", "mmt", mmt_grade="5"),
            ev.StrengthMeasurement("hip_extension", "right", "mmt", mmt_grade="4-"),
            ev.StrengthMeasurement("knee_extension", "right", "dynamometer", value=300, unit="N"),
        ),
        gait=ev.GaitFindings(
            setting="treadmill", speed=10.0, speed_unit="km/h", cadence_spm=160,
            foot_strike="rearfoot", overstriding=True, pelvic_drop_side="right",
            pelvic_drop_severity="moderate", knee_valgus="right", pronation="over",
            crossover=False, trunk_lean="none", footwear="Trainer 12", cadence_target_pct=7.5,
            video_path="clips/run1.mp4", notes="Filmed side and back",
        ),
        assessment=ev.AssessmentPlan(
            problem_list="Hip abductor weakness; overstriding",
            working_diagnosis="Patellofemoral pain", icd10_code="M22.2X1",
            visit_frequency="1x/week for 6 weeks", plan_notes="Hip strength; cadence +7.5%",
        ),
        soap_subjective="S", soap_objective="O", soap_assessment="A", soap_plan="P",
    )


def weekly_evaluation(week: int, weeks: int) -> ev.Evaluation:
    """A weekly visit: pain, knee range, strength of both legs, cadence and a short SOAP note."""
    progress = week / max(weeks - 1, 1)
    strength = []
    for n, group in enumerate(WEEKLY_GROUPS):
        strong = 18.0 + 4 * n
        strength.append(ev.StrengthMeasurement(group, "left", "dynamometer",
                                               value=round(strong, 1), unit="kg"))
        strength.append(ev.StrengthMeasurement(group, "right", "dynamometer",
                                               value=round(strong * (0.7 + 0.28 * progress), 1),
                                               unit="kg"))
    return ev.Evaluation(
        subjective=ev.SubjectiveFindings(
            chief_complaint="Knee pain on stairs", nprs_now=max(0, 6 - week // 25),
            nprs_worst=min(10, 7 - week // 40 + 1)),
        knees=(ev.KneeFindings("left", 140, 0),
               ev.KneeFindings("right", round(120 + 18 * progress), -2)),
        strength=tuple(strength),
        gait=ev.GaitFindings(cadence_spm=160 + int(10 * progress)),
        soap_subjective=f"Week {week + 1}: pain settling, home exercises most days.",
        soap_plan="Continue programme; progress load as pain allows (0-3/10).",
    )
