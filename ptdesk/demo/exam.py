"""Evaluation rows of a synthetic evaluation visit: history, knee, ankle, tests, gait, plan."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ptdesk.db.models import (
    AnkleExam,
    AssessmentPlanRecord,
    GaitAssessment,
    KneeExam,
    SpecialTest,
)
from ptdesk.demo.conditions import FREQUENCIES, RACES, SHOES, SURFACES
from ptdesk.demo.synthetic import EpisodePlan, PatientPlan, VisitPlan

Row = dict[str, Any]
_ONSETS = ("Gradual after a jump in weekly mileage.", "Came on during a race.",
           "Started after adding hill sessions.", "Began after a change of shoes.",
           "No clear cause; built up over weeks.")
_PRIOR_INJURIES = ("Ankle sprain", "Hamstring strain", "Shin splints", "Achilles tendon pain",
                   "Plantar heel pain", "Stress fracture of the foot")


@dataclass
class ExamRows:
    """Rows collected for one batch, inserted table by table."""

    strength: list[Row] = field(default_factory=list)
    knees: list[Row] = field(default_factory=list)
    special_tests: list[Row] = field(default_factory=list)
    ankles: list[Row] = field(default_factory=list)
    gait: list[Row] = field(default_factory=list)
    assessments: list[Row] = field(default_factory=list)
    outcomes: list[tuple[Row, list[Row]]] = field(default_factory=list)

    def sections(self) -> tuple[tuple[type, list[Row]], ...]:
        return ((KneeExam, self.knees), (SpecialTest, self.special_tests),
                (AnkleExam, self.ankles), (GaitAssessment, self.gait),
                (AssessmentPlanRecord, self.assessments))


def _meta(day: date) -> Row:
    stamp = datetime.combine(day, time(17), tzinfo=UTC)
    return {"version": 1, "created_at": stamp, "updated_at": stamp}


def _sides(ep: EpisodePlan) -> tuple[str, ...]:
    return ("left", "right") if ep.side == "both" else (ep.side,)


def initial_subjective(
    rng: random.Random, plan: PatientPlan, ep: EpisodePlan, v: VisitPlan, vid: int
) -> tuple[Row, list[Row]]:
    """The intake history (and prior injuries, without their parent id yet)."""
    c = ep.condition
    race = rng.choice(RACES)
    shoe, drop = rng.choice(SHOES)
    sided = "both sides" if ep.side == "both" else f"{ep.side} side"
    onset = ("Rolled the ankle on uneven ground." if c.key == "ankle_sprain"
             else rng.choice(_ONSETS))
    row = {
        "visit_id": vid, "chief_complaint": f"{c.complaint} ({sided})", "onset_mechanism": onset,
        "onset_date": ep.onset, "symptoms": list(c.symptoms),
        "pain_locations": list(c.pain_locations), "aggravating": list(c.aggravating),
        "nprs_now": ep.intake_nprs, "nprs_best": max(0, ep.intake_nprs - rng.randint(2, 4)),
        "nprs_worst": min(10, ep.intake_nprs + rng.randint(1, 2)),
        "onset_distance": round(rng.uniform(1, 10), 1) if c.key != "ankle_sprain" else None,
        "onset_distance_unit": plan.units, "current_weekly_volume": v.weekly_volume,
        "preinjury_weekly_volume": plan.preinjury_volume, "volume_unit": plan.units,
        "longest_recent_run": round(v.weekly_volume / rng.uniform(2.5, 4), 1),
        "runs_per_week": rng.randint(2, 6), "goal_race": race,
        "goal_race_date": ep.start + timedelta(days=rng.randint(60, 240)) if race else None,
        "shoe_model": shoe, "shoe_drop_mm": drop, "surface": rng.choice(SURFACES),
        "red_flags_screened": True, "red_flags_notes": "None reported.", **_meta(v.visit_date),
    }
    injuries = []
    if rng.random() < 0.3:
        years_back = rng.randint(1, 8)
        injuries.append({
            "description": rng.choice(_PRIOR_INJURIES), "side": rng.choice(("left", "right")),
            "injury_date": ep.start - timedelta(days=365 * years_back + rng.randint(0, 300)),
            **_meta(v.visit_date),
        })
    return row, injuries


def write_exam_rows(
    rows: ExamRows, rng: random.Random, plan: PatientPlan, ep: EpisodePlan, v: VisitPlan,
    vid: int, *, first: bool,
) -> None:
    """Knee, special tests, gait and plan at intake; the ankle exam at every evaluation."""
    c = ep.condition
    sore = _sides(ep)
    meta = _meta(v.visit_date)
    if c.ankle_exam:
        other = rng.uniform(9.5, 13)
        for side in ("left", "right"):
            gap = (1 - v.progress) if side in sore else 0.0
            rows.ankles.append({
                "visit_id": vid, "side": side,
                "knee_to_wall_cm": round(other - gap * rng.uniform(2, 5), 1),
                "balance_eyes_open_s": round(30 - gap * rng.uniform(10, 20)),
                "balance_eyes_closed_s": round(10 - gap * rng.uniform(3, 7)),
                "heel_raise_count": round(25 - gap * rng.uniform(5, 12)),
                "anterior_drawer":
                "positive" if gap > 0.6 and c.key == "ankle_sprain" else "negative",
                "talar_tilt": "negative", "swelling": "mild" if gap > 0.5 else "none",
                "tender_atfl": gap > 0.4 and c.key == "ankle_sprain",
                "tender_medial": gap > 0.4 and c.key == "mtss", **meta,
            })
    if not first:
        return
    if c.knee_exam:
        for side in ("left", "right"):
            hurt = side in sore
            rows.knees.append({
                "visit_id": vid, "side": side,
                "flexion_deg": float(rng.randint(128, 142) if hurt else rng.randint(138, 150)),
                "extension_deg": float(rng.choice((-2, 0, 0)) if hurt else 0),
                "effusion": rng.choice(("none", "none", "trace")) if hurt else "none",
                "tenderness": list(c.tenderness) if hurt else [],
                "patellar_mobility": "normal", "single_leg_squat":
                rng.choice(("knee_valgus", "pelvic_drop", "trunk_lean")) if hurt else "good",
                "step_down": rng.choice(("knee_valgus", "pelvic_drop")) if hurt else "good", **meta,
            })
        for test in c.positive_tests or ("patellar_grind",):
            for side in ("left", "right"):
                positive = test in c.positive_tests and side in sore and rng.random() < 0.8
                rows.special_tests.append({"visit_id": vid, "test": test, "side": side,
                                           "result": "positive" if positive else "negative",
                                           **meta})
    cadence = rng.randint(150, 180)
    strike = rng.choices(("rearfoot", "midfoot", "forefoot"), cum_weights=(70, 92, 100))[0]
    hip_weak = "hip_abduction" in c.weak_groups and rng.random() < 0.6
    opposite = {"left": "right", "right": "left", "both": "both"}[ep.side]
    rows.gait.append({
        "visit_id": vid, "setting": rng.choice(("treadmill", "treadmill", "overground")),
        "speed": round(rng.uniform(8, 14), 1), "speed_unit": "km/h", "cadence_spm": cadence,
        "foot_strike": strike, "overstriding": strike == "rearfoot" and cadence < 165,
        "pelvic_drop_side": opposite if hip_weak else "none",
        "pelvic_drop_severity": rng.choice(("mild", "moderate")) if hip_weak else None,
        "knee_valgus": ep.side if c.knee_exam and rng.random() < 0.4 else "none",
        "pronation": rng.choices(("normal", "over", "under"), cum_weights=(60, 90, 100))[0],
        "crossover": c.key == "itbs" and rng.random() < 0.5, "trunk_lean": "none",
        "footwear": rng.choice(SHOES)[0],
        "cadence_target_pct": rng.choice((5.0, 7.5, 10.0)) if cadence < 172 else None, **meta,
    })
    weak = ", ".join(g.replace("_", " ") for g in c.weak_groups)
    rows.assessments.append({
        "visit_id": vid, "problem_list": f"1. {c.complaint}\n2. Weak {weak}.",
        "working_diagnosis": c.diagnosis, "icd10_code": ep.icd10_code,
        "visit_frequency": rng.choice(FREQUENCIES), "plan_notes": c.plan, **meta,
    })
