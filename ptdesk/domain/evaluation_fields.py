"""A visit's evaluation as flat {field label: text}, to compare two saves field by field."""

from __future__ import annotations

from ptdesk.domain import evaluation as ev
from ptdesk.domain.conflicts import value_text, words

SUBJECTIVE = {
    "chief_complaint": "Chief complaint", "onset_mechanism": "Onset / mechanism",
    "onset_date": "Onset date", "symptoms": "Symptoms", "pain_locations": "Pain location",
    "nprs_now": "Pain now", "nprs_best": "Pain at best", "nprs_worst": "Pain at worst",
    "aggravating": "Aggravating activities", "runs_per_week": "Runs per week",
    "goal_race": "Goal race", "goal_race_date": "Race date", "shoe_model": "Shoes",
    "surface": "Surface", "red_flags_screened": "Red flags screened",
    "red_flags_notes": "Red flag notes",
}
KNEE = {
    "flexion_deg": "flexion (°)", "extension_deg": "extension (°)", "effusion": "effusion",
    "tenderness": "tenderness", "patellar_mobility": "patellar mobility",
    "patellar_tracking": "patellar tracking", "single_leg_squat": "single-leg squat",
    "step_down": "step-down", "notes": "notes",
}
ANKLE = {
    "knee_to_wall_cm": "knee-to-wall (cm)", "balance_eyes_open_s": "balance, eyes open (s)",
    "balance_eyes_closed_s": "balance, eyes closed (s)", "heel_raise_count": "heel raises",
    "anterior_drawer": "anterior drawer", "talar_tilt": "talar tilt", "swelling": "swelling",
    "tender_atfl": "tender ATFL", "tender_cfl": "tender CFL", "tender_medial": "tender medial",
    "notes": "notes",
}
GAIT = {
    "setting": "Setting", "cadence_spm": "Cadence (steps/min)", "foot_strike": "Foot strike",
    "overstriding": "Overstriding", "pelvic_drop_side": "Pelvic drop",
    "pelvic_drop_severity": "Pelvic drop severity", "knee_valgus": "Knee valgus",
    "pronation": "Pronation", "crossover": "Crossover gait", "trunk_lean": "Trunk lean",
    "footwear": "Footwear", "cadence_target_pct": "Cadence increase (%)",
    "video_path": "Video", "notes": "Gait notes",
}
ASSESSMENT = {
    "problem_list": "Problem list", "working_diagnosis": "Working diagnosis",
    "icd10_code": "ICD-10", "visit_frequency": "Visit frequency", "plan_notes": "Plan",
}
READINESS = {
    "brisk_walk_min": "pain-free brisk walk (min)", "hops_left": "pain-free hops, left",
    "hops_right": "pain-free hops, right", "heel_raises_left": "heel raises, left",
    "heel_raises_right": "heel raises, right", "squat_left": "single-leg squat, left",
    "squat_right": "single-leg squat, right", "single_hop_cm_left": "single hop, left (cm)",
    "single_hop_cm_right": "single hop, right (cm)",
    "triple_hop_cm_left": "triple hop, left (cm)", "triple_hop_cm_right": "triple hop, right (cm)",
    "notes": "notes",
}
SOAP = {
    "soap_subjective": "S — Subjective", "soap_objective": "O — Objective",
    "soap_assessment": "A — Assessment", "soap_plan": "P — Plan",
}
_TESTS = dict(ev.SPECIAL_TESTS)
_GROUPS = dict(ev.STRENGTH_GROUPS)


# Stored choice keys, shown as words; every other text is the clinician's own and kept as typed.
CHOICES = frozenset({
    "symptoms", "pain_locations", "aggravating", "effusion", "tenderness", "patellar_mobility",
    "single_leg_squat", "step_down", "anterior_drawer", "talar_tilt", "swelling", "setting",
    "foot_strike", "pelvic_drop_side", "pelvic_drop_severity", "knee_valgus", "pronation",
    "trunk_lean", "squat_left", "squat_right",
})


def _text(name: str, value: object) -> str:
    if name in CHOICES and isinstance(value, str):
        return words(value)
    if name in CHOICES and isinstance(value, tuple):
        return ", ".join(words(v) for v in value)
    return value_text(value)


def _with_unit(amount: object, unit: str) -> str:
    text = value_text(amount)
    return f"{text} {unit}" if text else ""


def _labelled(record: object, labels: dict[str, str], prefix: str = "") -> list[tuple[str, str]]:
    return [(f"{prefix}{label}", _text(name, getattr(record, name)))
            for name, label in labels.items()]


def _subjective(s: ev.SubjectiveFindings) -> list[tuple[str, str]]:
    pairs = _labelled(s, SUBJECTIVE)
    pairs += [
        ("Distance at onset", _with_unit(s.onset_distance, s.onset_distance_unit)),
        ("Current weekly volume", _with_unit(s.current_weekly_volume, s.volume_unit)),
        ("Pre-injury weekly volume", _with_unit(s.preinjury_weekly_volume, s.volume_unit)),
        ("Longest recent run", _with_unit(s.longest_recent_run, s.onset_distance_unit)),
        ("Heel-to-toe drop", _with_unit(s.shoe_drop_mm, "mm")),
    ]
    for n, injury in enumerate(s.prior_injuries, start=1):
        when = value_text(injury.injury_date)
        pairs.append((f"Prior injury {n}", ", ".join(
            t for t in (injury.description.strip(), injury.side, when) if t)))
    return pairs


def _strength(m: ev.StrengthMeasurement) -> tuple[str, str]:
    label = f"Strength: {_GROUPS.get(m.muscle_group, words(m.muscle_group))}, {m.side}"
    if m.method == "mmt":
        return label, f"grade {m.mmt_grade}" if m.mmt_grade else ""
    return label, _with_unit(m.value, m.unit or "")


def evaluation_fields(evaluation: ev.Evaluation) -> dict[str, str]:
    """Every filled field of the evaluation by a label a clinician recognises, in form order."""
    pairs: list[tuple[str, str]] = []
    if evaluation.episode_facts is not None:  # the rest of the facts show in their sections
        pairs.append(("Affected side", words(evaluation.episode_facts.affected_side)))
    if evaluation.subjective is not None:
        pairs += _subjective(evaluation.subjective)
    for knee in evaluation.knees:
        pairs += _labelled(knee, KNEE, f"Knee, {knee.side}: ")
    for test in evaluation.special_tests:
        pairs.append((f"{_TESTS.get(test.test, words(test.test))}, {test.side}",
                      words(test.result)))
    for ankle in evaluation.ankles:
        pairs += _labelled(ankle, ANKLE, f"Ankle, {ankle.side}: ")
    pairs += [_strength(m) for m in evaluation.strength]
    if evaluation.gait is not None:
        gait = evaluation.gait
        pairs += _labelled(gait, GAIT, "Gait: ")
        pairs.append(("Gait: speed", _with_unit(gait.speed, gait.speed_unit)))
    if evaluation.readiness is not None:
        pairs += _labelled(evaluation.readiness, READINESS, "Readiness: ")
    if evaluation.assessment is not None:
        pairs += _labelled(evaluation.assessment, ASSESSMENT)
    pairs += _labelled(evaluation, SOAP)
    return {label: text for label, text in pairs if text}
