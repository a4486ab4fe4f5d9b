"""The objective findings of an evaluation as sentences: what is abnormal (with numbers), and what is not."""

from __future__ import annotations

from dataclasses import dataclass, field

from ptdesk.domain import evaluation as ev
from ptdesk.domain import measure_lsi
from ptdesk.domain.ankle_flags import AnkleThresholds, ankle_flags
from ptdesk.domain.involved_side import involved_side, region_of
from ptdesk.domain.muscle_grades import GradePair
from ptdesk.domain.readiness import ReadinessThresholds, assess
from ptdesk.domain.symmetry import is_flagged

# Normal active knee flexion is 0-135 degrees (AAOS, in Norkin & White, Measurement of Joint
# Motion, 5th ed., 2016); less is reported as a finding.
KNEE_FLEXION_NORMAL_DEG = 135.0
# Goniometric knee measurements by one clinician repeat within about 5 degrees (Watkins et
# al., Phys Ther 1991;71:90-96), so a side-to-side gap of 5 degrees or more is a finding.
KNEE_SIDE_GAP_DEG = 5.0
SIDE_WORD = {"left": "L", "right": "R"}
_SHORT_GROUPS = {
    "hip_abduction": "hip abduction", "hip_extension": "hip extension",
    "hip_external_rotation": "hip external rotation",
    "hip_internal_rotation": "hip internal rotation", "hip_flexion": "hip flexion",
    "knee_extension": "knee extension (quadriceps)", "knee_flexion": "knee flexion (hamstrings)",
    "ankle_plantarflexion": "ankle plantarflexion (calf)",
}
_MOVEMENT = {"knee_valgus": "knee valgus", "pelvic_drop": "pelvic drop", "trunk_lean": "trunk lean"}
_TEST_NAMES = dict(ev.SPECIAL_TESTS)


def num(value: float) -> str:
    """140 not 140.0, 7.5 stays 7.5 (one decimal at most)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def words(keys: list[str] | tuple[str, ...]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = [k for k in keys if k]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text if text[-1] in ".!?" else text + "."


@dataclass
class Findings:
    """Abnormal findings (each a sentence with its numbers), normal ones (short phrases)."""

    abnormal: list[str] = field(default_factory=list)
    normal: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # LSI and ankle flags, for the assessment


@dataclass(frozen=True)
class Sides:
    affected: str | None = None  # the episode's side: knee and hip rows
    ankle: str | None = None  # the injured (sprained) ankle: ankle rows


def knee_findings(evaluation: ev.Evaluation, out: Findings) -> None:
    knees = {k.side: k for k in evaluation.knees}
    left, right = knees.get("left"), knees.get("right")
    flexion = {s: k.flexion_deg for s, k in knees.items() if k.flexion_deg is not None}
    extension = {s: k.extension_deg for s, k in knees.items() if k.extension_deg is not None}
    if flexion or extension:
        parts = []
        if flexion:
            parts.append("flexion " + " / ".join(f"{SIDE_WORD[s]} {num(v)}°"
                                                  for s, v in sorted(flexion.items())))
        if extension:
            parts.append("extension " + " / ".join(f"{SIDE_WORD[s]} {num(v)}°"
                                                    for s, v in sorted(extension.items())))
        gap = (abs(flexion["left"] - flexion["right"]) if len(flexion) == 2 else 0.0)
        short = (any(v < KNEE_FLEXION_NORMAL_DEG for v in flexion.values())
                 or any(v < 0 for v in extension.values()) or gap >= KNEE_SIDE_GAP_DEG)
        text = "knee range " + ", ".join(parts)
        if short:
            out.abnormal.append(sentence(text[0].upper() + text[1:]))
        else:
            out.normal.append(f"full knee range ({', '.join(parts)})")
    for knee in (left, right):
        if knee is None:
            continue
        side = SIDE_WORD[knee.side]
        issues = []
        if knee.effusion and knee.effusion != "none":
            issues.append(f"effusion {knee.effusion}")
        if knee.tenderness:
            issues.append("tender at " + words([t.replace("_", " ") for t in knee.tenderness]))
        if knee.patellar_mobility and knee.patellar_mobility != "normal":
            issues.append(f"patella {knee.patellar_mobility}")
        tracking = knee.patellar_tracking.strip()
        if tracking and tracking.casefold() not in _NORMAL_TRACKING:
            issues.append(f"patellar tracking: {tracking}")
        for label, value in (("single-leg squat", knee.single_leg_squat),
                             ("step-down", knee.step_down)):
            if value and value != "good":
                issues.append(f"{label} with {_MOVEMENT.get(value, value)}")
        if issues:
            out.abnormal.append(sentence(f"{side} knee: " + "; ".join(issues)))
        if knee.notes.strip():
            out.abnormal.append(sentence(f"{side} knee: {knee.notes.strip()}"))
    effusions = [k.effusion for k in evaluation.knees]
    if effusions and all(e == "none" for e in effusions):
        out.normal.append("no knee effusion")
    if evaluation.knees and not any(k.tenderness for k in evaluation.knees):
        out.normal.append("no knee tenderness")
    moves = [v for k in evaluation.knees for v in (k.single_leg_squat, k.step_down) if v]
    if moves and all(v == "good" for v in moves):
        out.normal.append("good single-leg squat and step-down control")


_NORMAL_TRACKING = {word.casefold() for word in ev.NORMAL_PATELLAR_TRACKING}


def special_test_findings(evaluation: ev.Evaluation, out: Findings) -> None:
    positive = [t for t in evaluation.special_tests if t.result == "positive"]
    for test in positive:
        out.abnormal.append(f"Positive {_TEST_NAMES.get(test.test, test.test)} "
                            f"({SIDE_WORD.get(test.side, test.side)}).")
    negative = [t for t in evaluation.special_tests if t.result == "negative"]
    if negative and len(negative) == len(evaluation.special_tests):
        out.normal.append(f"knee special tests negative ({len(negative)} of "
                          f"{len(evaluation.special_tests)}, both sides)")
    elif negative:
        names = sorted({_TEST_NAMES.get(t.test, t.test) for t in negative})
        out.normal.append("negative " + words(names))


def ankle_findings(evaluation: ev.Evaluation, sides: Sides, out: Findings,
                   thresholds: AnkleThresholds | None) -> None:
    ankles = {a.side: a for a in evaluation.ankles}
    if not ankles:
        return
    involved = involved_side("ankle", sides.affected or "both", sides.ankle)

    def pair(name: str) -> tuple[float | None, float | None]:
        return tuple(getattr(ankles[s], name) if s in ankles else None  # type: ignore[return-value]
                     for s in ("left", "right"))

    for flag in ankle_flags(involved, knee_to_wall_cm=pair("knee_to_wall_cm"),
                            balance_eyes_closed_s=pair("balance_eyes_closed_s"),
                            heel_raises=pair("heel_raise_count"), thresholds=thresholds):
        if flag.flagged:
            out.abnormal.append(sentence(flag.text))
            out.flags.append(flag.label.lower())
        else:
            out.normal.append(flag.label.lower() + " symmetric")
    opens = [a.balance_eyes_open_s for a in ankles.values()]
    if all(v is not None for v in opens) and len(opens) == 2:
        left, right = pair("balance_eyes_open_s")
        assert left is not None and right is not None
        # A measurement without a published cut-off: reported as measured, not judged.
        out.abnormal.append(f"Balance eyes open L {num(left)} s vs R {num(right)} s.")
    for ankle in ankles.values():
        side = SIDE_WORD[ankle.side]
        issues = [f"{name} positive" for name, value in
                  (("anterior drawer", ankle.anterior_drawer), ("talar tilt", ankle.talar_tilt))
                  if value == "positive"]
        if ankle.swelling and ankle.swelling != "none":
            issues.append(f"{ankle.swelling} swelling")
        tender = [label for label, on in (("ATFL", ankle.tender_atfl), ("CFL", ankle.tender_cfl),
                                          ("medial (deltoid)", ankle.tender_medial)) if on]
        if tender:
            issues.append("tender at " + words(tender))
        if issues:
            out.abnormal.append(sentence(f"{side} ankle: " + "; ".join(issues)))
        if ankle.notes.strip():
            out.abnormal.append(sentence(f"{side} ankle: {ankle.notes.strip()}"))
    tests = [v for a in ankles.values() for v in (a.anterior_drawer, a.talar_tilt)]
    if tests and all(v == "negative" for v in tests):
        out.normal.append("ankle anterior drawer and talar tilt negative")


def strength_findings(evaluation: ev.Evaluation, sides: Sides, out: Findings) -> None:
    rows: dict[str, dict[str, ev.StrengthMeasurement]] = {}
    for m in evaluation.strength:
        rows.setdefault(m.muscle_group, {})[m.side] = m
    symmetric = []
    for group, _label in ev.STRENGTH_GROUPS:
        pair = rows.get(group, {})
        left, right = pair.get("left"), pair.get("right")
        if left is None or right is None or left.method != right.method:
            continue
        name = _SHORT_GROUPS.get(group, group)
        side = involved_side(region_of(group), sides.affected or "both", sides.ankle).side
        if left.method == "mmt":
            grades = GradePair(left.mmt_grade, right.mmt_grade, side)
            if grades.flagged:
                out.abnormal.append(f"{name[0].upper()}{name[1:]} MMT L {left.mmt_grade} / "
                                    f"R {right.mmt_grade}: a full grade or more apart.")
                out.flags.append(f"{name} a full grade down")
            else:
                symmetric.append(name)
            continue
        value = measure_lsi.side_lsi(side, left.value, right.value)
        unit = left.unit or ""
        if is_flagged(value):
            ratio = {"left": "L ÷ R", "right": "R ÷ L"}.get(side, "weaker ÷ stronger")
            out.abnormal.append(
                f"{name[0].upper()}{name[1:]} L {num(left.value or 0)} {unit} vs "
                f"R {num(right.value or 0)} {unit}: LSI {measure_lsi.lsi_text(value)} "
                f"({ratio}, below 90%).")
            out.flags.append(f"{name} LSI {measure_lsi.lsi_text(value)}")
        else:
            symmetric.append(name)
    if symmetric:
        out.normal.append("strength symmetric (LSI 90% or more, or grades within a grade) for "
                          + words(symmetric))


def readiness_findings(evaluation: ev.Evaluation, sides: Sides, out: Findings,
                       thresholds: ReadinessThresholds | None) -> None:
    found = evaluation.readiness
    if found is None or found.is_empty:
        return
    result = assess(found, sides.affected or "both", thresholds)
    unmet = [f"{c.label.lower()} {c.result} (target {c.target})" for c in result.unmet]
    if unmet:
        out.abnormal.append(sentence("Return-to-run readiness: " + result.summary.split(";")[0]
                                     + "; not met: " + "; ".join(unmet)))
        out.flags.append(result.summary.split(";")[0])
    elif result.all_met:
        out.normal.append("all return-to-run readiness criteria met")
    if found.notes.strip():
        out.abnormal.append(sentence(f"Readiness: {found.notes.strip()}"))


def gait_findings(evaluation: ev.Evaluation, out: Findings) -> None:
    gait = evaluation.gait
    if gait is None:
        return
    where = gait.setting + (f" at {num(gait.speed)} {gait.speed_unit}" if gait.speed else "")
    faults = []
    if gait.overstriding:
        faults.append("overstriding (foot lands ahead of the knee)")
    if gait.pelvic_drop_side != "none":
        severity = f"{gait.pelvic_drop_severity} " if gait.pelvic_drop_severity else ""
        drop = "on both sides" if gait.pelvic_drop_side == "both" else gait.pelvic_drop_side
        faults.append(f"{severity}contralateral pelvic drop ({drop})")
    if gait.knee_valgus != "none":
        faults.append(f"dynamic knee valgus ({gait.knee_valgus})")
    if gait.pronation != "normal":
        faults.append(f"{gait.pronation}pronation")
    if gait.crossover:
        faults.append("crossover gait")
    if gait.trunk_lean != "none":
        faults.append(f"{gait.trunk_lean} trunk lean")
    measured = []
    if gait.cadence_spm is not None:
        measured.append(f"cadence {gait.cadence_spm} steps/min")
    if gait.foot_strike:
        measured.append(f"{gait.foot_strike} strike")
    head = f"Running gait ({where})"
    if measured or faults:
        out.abnormal.append(sentence(f"{head}: " + "; ".join(measured + faults)))
    if not faults:
        out.normal.append("no running gait faults seen")
    if gait.footwear.strip():
        out.abnormal.append(sentence(f"Footwear for the assessment: {gait.footwear.strip()}"))
    if gait.notes.strip():
        out.abnormal.append(sentence(f"Gait notes: {gait.notes.strip()}"))


def objective_findings(evaluation: ev.Evaluation, sides: Sides,
                       ankle_thresholds: AnkleThresholds | None = None,
                       readiness_thresholds: ReadinessThresholds | None = None) -> Findings:
    out = Findings()
    knee_findings(evaluation, out)
    special_test_findings(evaluation, out)
    ankle_findings(evaluation, sides, out, ankle_thresholds)
    strength_findings(evaluation, sides, out)
    readiness_findings(evaluation, sides, out, readiness_thresholds)
    gait_findings(evaluation, out)
    return out
