"""The structured evaluation a clinician charts at a visit, section by section, with validation."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date

from ptdesk.domain.cadence import cadence_target_spm
from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.readiness import ReadinessFindings
from ptdesk.domain.symmetry import MUSCLE_GROUPS
from ptdesk.domain.validation import (
    MMT_GRADES,
    SIDES,
    check_characters,
    optional_text,
    validate_choice,
    validate_int_range,
    validate_knee_extension,
    validate_knee_flexion,
    validate_mmt,
    validate_nprs,
    validate_number_range,
)

VISIT_TYPES = ("initial_evaluation", "follow_up", "re_evaluation", "discharge")
VISIT_TYPE_LABELS = {
    "initial_evaluation": "Initial evaluation",
    "follow_up": "Follow-up",
    "re_evaluation": "Re-evaluation",
    "discharge": "Discharge",
}
DISTANCE_UNITS = ("km", "mi")
VOLUME_UNITS = ("km", "mi", "min")
EFFUSION_GRADES = ("none", "trace", "1+", "2+", "3+")
MOVEMENT_QUALITY = ("good", "knee_valgus", "pelvic_drop", "trunk_lean")
PATELLAR_MOBILITY = ("normal", "hypomobile", "hypermobile")
# Patellar tracking is charted in the clinician's words; these say it is normal (the patella
# rides centred in the trochlear groove). The first is what "within normal limits" writes.
NORMAL_PATELLAR_TRACKING = ("Central", "normal", "centred", "centered")
SPECIAL_TEST_RESULTS = ("positive", "negative", "not_tested")
SPECIAL_TESTS = (
    ("patellar_grind", "Patellar grind (Clarke)"),
    ("ober", "Ober"),
    ("noble_compression", "Noble compression"),
    ("mcmurray", "McMurray"),
    ("lachman", "Lachman"),
    ("valgus_stress", "Valgus stress"),
    ("varus_stress", "Varus stress"),
)
SPECIAL_TEST_KEYS = tuple(key for key, _ in SPECIAL_TESTS)
ANKLE_LIGAMENT_TESTS = ("positive", "negative", "not_tested")
SWELLING_GRADES = ("none", "mild", "moderate", "severe")
STRENGTH_GROUPS = MUSCLE_GROUPS
STRENGTH_GROUP_KEYS = tuple(key for key, _ in STRENGTH_GROUPS)
STRENGTH_METHODS = ("mmt", "dynamometer")
FORCE_UNITS = ("kg", "N")
FOOT_STRIKES = ("rearfoot", "midfoot", "forefoot")
SIDE_OR_NONE = ("none", "left", "right", "both")
SEVERITIES = ("mild", "moderate", "severe")
PRONATION = ("normal", "over", "under")
TRUNK_LEAN = ("none", "forward", "backward", "lateral")
GAIT_SETTINGS = ("treadmill", "overground")
SYMPTOMS = ("pain", "weakness", "giving_way", "grinding", "popping", "swelling")
PAIN_LOCATIONS = ("front", "outer", "inner", "back", "below_kneecap")
AGGRAVATORS = ("stairs", "squatting", "sitting", "downhill", "running")


def _choices(field_name: str, values: tuple[str, ...], allowed: tuple[str, ...], label: str) -> None:
    for value in values:
        validate_choice(field_name, value, allowed, label)


@dataclass(frozen=True)
class PriorInjury:
    description: str
    side: str = "left"
    injury_date: date | None = None

    def validate(self, prefix: str) -> None:
        if not self.description.strip():
            raise ValidationError(f"{prefix}.description", "Describe the prior injury.")
        validate_choice(f"{prefix}.side", self.side, ("left", "right", "both"), "Side")


@dataclass(frozen=True)
class SubjectiveFindings:
    chief_complaint: str = ""
    onset_mechanism: str = ""
    onset_date: date | None = None
    symptoms: tuple[str, ...] = ()
    pain_locations: tuple[str, ...] = ()
    nprs_now: int | None = None
    nprs_best: int | None = None
    nprs_worst: int | None = None
    aggravating: tuple[str, ...] = ()
    onset_distance: float | None = None
    onset_distance_unit: str = "mi"
    current_weekly_volume: float | None = None
    preinjury_weekly_volume: float | None = None
    volume_unit: str = "mi"
    longest_recent_run: float | None = None
    runs_per_week: int | None = None
    goal_race: str = ""
    goal_race_date: date | None = None
    shoe_model: str = ""
    shoe_drop_mm: float | None = None
    surface: str = ""
    prior_injuries: tuple[PriorInjury, ...] = ()
    red_flags_screened: bool = False
    red_flags_notes: str = ""

    def validate(self) -> None:
        optional_text("chief_complaint", self.chief_complaint, "Chief complaint", 2000)
        _choices("symptoms", self.symptoms, SYMPTOMS, "Symptom")
        _choices("pain_locations", self.pain_locations, PAIN_LOCATIONS, "Pain location")
        _choices("aggravating", self.aggravating, AGGRAVATORS, "Aggravating activity")
        validate_nprs("nprs_now", self.nprs_now, "Pain now")
        validate_nprs("nprs_best", self.nprs_best, "Pain at best")
        validate_nprs("nprs_worst", self.nprs_worst, "Pain at worst")
        if (
            self.nprs_best is not None
            and self.nprs_worst is not None
            and self.nprs_best > self.nprs_worst
        ):
            raise ValidationError("nprs_best", "Pain at best cannot be higher than pain at worst.")
        validate_choice("onset_distance_unit", self.onset_distance_unit, DISTANCE_UNITS, "Unit")
        validate_choice("volume_unit", self.volume_unit, VOLUME_UNITS, "Unit")
        validate_number_range("onset_distance", self.onset_distance, 0, 200, "Distance at onset")
        for name, label in (
            ("current_weekly_volume", "Current weekly volume"),
            ("preinjury_weekly_volume", "Pre-injury weekly volume"),
            ("longest_recent_run", "Longest recent run"),
        ):
            validate_number_range(name, getattr(self, name), 0, 2000, label)
        validate_int_range("runs_per_week", self.runs_per_week, 0, 14, "Runs per week")
        validate_number_range("shoe_drop_mm", self.shoe_drop_mm, 0, 20, "Shoe heel-to-toe drop", "mm")
        for index, injury in enumerate(self.prior_injuries):
            injury.validate(f"prior_injuries[{index}]")


@dataclass(frozen=True)
class KneeFindings:
    side: str
    flexion_deg: float | None = None
    extension_deg: float | None = None
    effusion: str | None = None
    tenderness: tuple[str, ...] = ()
    patellar_mobility: str | None = None
    patellar_tracking: str = ""
    single_leg_squat: str | None = None
    step_down: str | None = None
    notes: str = ""

    def validate(self) -> None:
        prefix = f"knee_{self.side}"
        validate_choice(f"{prefix}.side", self.side, SIDES, "Side")
        validate_knee_flexion(f"{prefix}.flexion_deg", self.flexion_deg)
        validate_knee_extension(f"{prefix}.extension_deg", self.extension_deg)
        if self.effusion is not None:
            validate_choice(f"{prefix}.effusion", self.effusion, EFFUSION_GRADES, "Effusion")
        if self.patellar_mobility is not None:
            validate_choice(
                f"{prefix}.patellar_mobility", self.patellar_mobility, PATELLAR_MOBILITY,
                "Patellar mobility",
            )
        for name in ("single_leg_squat", "step_down"):
            value = getattr(self, name)
            if value is not None:
                validate_choice(f"{prefix}.{name}", value, MOVEMENT_QUALITY, "Movement quality")


@dataclass(frozen=True)
class SpecialTestResult:
    test: str
    side: str
    result: str = "not_tested"

    def validate(self) -> None:
        validate_choice("special_tests.test", self.test, SPECIAL_TEST_KEYS, "Special test")
        validate_choice("special_tests.side", self.side, SIDES, "Side")
        validate_choice("special_tests.result", self.result, SPECIAL_TEST_RESULTS, "Result")


@dataclass(frozen=True)
class AnkleFindings:
    side: str
    knee_to_wall_cm: float | None = None
    balance_eyes_open_s: float | None = None
    balance_eyes_closed_s: float | None = None
    heel_raise_count: int | None = None
    anterior_drawer: str = "not_tested"
    talar_tilt: str = "not_tested"
    swelling: str | None = None
    tender_atfl: bool = False
    tender_cfl: bool = False
    tender_medial: bool = False
    notes: str = ""

    def validate(self) -> None:
        prefix = f"ankle_{self.side}"
        validate_choice(f"{prefix}.side", self.side, SIDES, "Side")
        validate_number_range(f"{prefix}.knee_to_wall_cm", self.knee_to_wall_cm, 0, 30, "Knee-to-wall", "cm")
        validate_number_range(
            f"{prefix}.balance_eyes_open_s", self.balance_eyes_open_s, 0, 600, "Balance (eyes open)", "s"
        )
        validate_number_range(
            f"{prefix}.balance_eyes_closed_s", self.balance_eyes_closed_s, 0, 600,
            "Balance (eyes closed)", "s",
        )
        validate_int_range(f"{prefix}.heel_raise_count", self.heel_raise_count, 0, 200, "Heel raises")
        validate_choice(f"{prefix}.anterior_drawer", self.anterior_drawer, ANKLE_LIGAMENT_TESTS, "Anterior drawer")
        validate_choice(f"{prefix}.talar_tilt", self.talar_tilt, ANKLE_LIGAMENT_TESTS, "Talar tilt")
        if self.swelling is not None:
            validate_choice(f"{prefix}.swelling", self.swelling, SWELLING_GRADES, "Swelling")


@dataclass(frozen=True)
class StrengthMeasurement:
    muscle_group: str
    side: str
    method: str
    mmt_grade: str | None = None
    value: float | None = None
    unit: str | None = None

    def validate(self) -> None:
        prefix = f"strength.{self.muscle_group}.{self.side}"
        validate_choice(f"{prefix}.muscle_group", self.muscle_group, STRENGTH_GROUP_KEYS, "Muscle group")
        validate_choice(f"{prefix}.side", self.side, SIDES, "Side")
        validate_choice(f"{prefix}.method", self.method, STRENGTH_METHODS, "Method")
        if self.method == "mmt":
            validate_mmt(prefix, self.mmt_grade)
            if self.value is not None:
                raise ValidationError(prefix, "A manual muscle test has a grade, not a force value.")
        else:
            if self.value is None:
                raise ValidationError(prefix, "Enter the dynamometer value.")
            validate_number_range(prefix, self.value, 0.1, 1500, "Dynamometer value")
            validate_choice(f"{prefix}.unit", self.unit, FORCE_UNITS, "Unit")

    @property
    def comparable_value(self) -> float | None:
        """A number for symmetry: newtons for dynamometry, the ordinal grade for MMT."""
        if self.method == "mmt" and self.mmt_grade in MMT_GRADES:
            return float(MMT_GRADES.index(self.mmt_grade))
        if self.value is None:
            return None
        return self.value * 9.80665 if self.unit == "kg" else self.value


@dataclass(frozen=True)
class GaitFindings:
    setting: str = "treadmill"
    speed: float | None = None
    speed_unit: str = "km/h"
    cadence_spm: int | None = None
    foot_strike: str | None = None
    overstriding: bool = False
    pelvic_drop_side: str = "none"
    pelvic_drop_severity: str | None = None
    knee_valgus: str = "none"
    pronation: str = "normal"
    crossover: bool = False
    trunk_lean: str = "none"
    footwear: str = ""
    cadence_target_pct: float | None = None
    video_path: str = ""
    notes: str = ""

    def validate(self) -> None:
        validate_choice("gait.setting", self.setting, GAIT_SETTINGS, "Setting")
        validate_choice("gait.speed_unit", self.speed_unit, ("km/h", "mph"), "Speed unit")
        validate_number_range("gait.speed", self.speed, 1, 30, "Speed")
        validate_int_range("gait.cadence_spm", self.cadence_spm, 100, 240, "Cadence (steps/min)")
        if self.foot_strike is not None:
            validate_choice("gait.foot_strike", self.foot_strike, FOOT_STRIKES, "Foot strike")
        validate_choice("gait.pelvic_drop_side", self.pelvic_drop_side, SIDE_OR_NONE, "Pelvic drop")
        if self.pelvic_drop_severity is not None:
            validate_choice(
                "gait.pelvic_drop_severity", self.pelvic_drop_severity, SEVERITIES, "Severity"
            )
        validate_choice("gait.knee_valgus", self.knee_valgus, SIDE_OR_NONE, "Knee valgus")
        validate_choice("gait.pronation", self.pronation, PRONATION, "Pronation")
        validate_choice("gait.trunk_lean", self.trunk_lean, TRUNK_LEAN, "Trunk lean")
        validate_number_range("gait.cadence_target_pct", self.cadence_target_pct, 0, 15, "Cadence increase", "%")

    @property
    def cadence_target_spm(self) -> int | None:
        """This measured cadence raised by the chosen percentage (the one rule in
        domain/cadence.py). Plans and handouts use the *baseline* cadence instead."""
        if self.cadence_spm is None or self.cadence_target_pct is None:
            return None
        return cadence_target_spm(self.cadence_spm, self.cadence_target_pct)


@dataclass(frozen=True)
class AssessmentPlan:
    problem_list: str = ""
    working_diagnosis: str = ""
    icd10_code: str = ""
    visit_frequency: str = ""
    plan_notes: str = ""

    def validate(self) -> None:
        code = self.icd10_code.strip()
        if code and not _looks_like_icd10(code):
            raise ValidationError("icd10_code", "ICD-10 code looks wrong (e.g. M22.2X1).")


def _looks_like_icd10(code: str) -> bool:
    head, _, tail = code.partition(".")
    return (
        len(head) == 3
        and head[0].isalpha()
        and head[1:].isalnum()
        and len(tail) <= 4
        and (tail == "" or tail.isalnum())
    )


@dataclass(frozen=True)
class Evaluation:
    """Every section of a visit's structured evaluation; empty sections are simply absent."""

    subjective: SubjectiveFindings | None = None
    knees: tuple[KneeFindings, ...] = ()
    special_tests: tuple[SpecialTestResult, ...] = ()
    ankles: tuple[AnkleFindings, ...] = ()
    strength: tuple[StrengthMeasurement, ...] = ()
    gait: GaitFindings | None = None
    assessment: AssessmentPlan | None = None
    readiness: ReadinessFindings | None = None  # return-to-run readiness (evaluations)
    # The episode's facts as the note shows them: the episode's own while the note is a
    # draft, the snapshot taken at signing once signed (issue 18). Saving a draft with
    # them set writes them to the episode; None leaves the episode as it is. Not part of
    # equality: the note's own fact fields show the same values.
    episode_facts: EpisodeFacts | None = field(default=None, compare=False)
    soap_subjective: str = ""
    soap_objective: str = ""
    soap_assessment: str = ""
    soap_plan: str = ""

    def validate(self) -> None:
        if self.subjective:
            self.subjective.validate()
        _unique("knees", [k.side for k in self.knees])
        for knee in self.knees:
            knee.validate()
        _unique("special_tests", [(t.test, t.side) for t in self.special_tests])
        for test in self.special_tests:
            test.validate()
        _unique("ankles", [a.side for a in self.ankles])
        for ankle in self.ankles:
            ankle.validate()
        _unique("strength", [(s.muscle_group, s.side) for s in self.strength])
        for measurement in self.strength:
            measurement.validate()
        if self.gait:
            self.gait.validate()
        if self.assessment:
            self.assessment.validate()
        if self.readiness:
            self.readiness.validate()
        if self.episode_facts is not None:
            self.episode_facts.validate()
        for name in ("soap_subjective", "soap_objective", "soap_assessment", "soap_plan"):
            optional_text(name, getattr(self, name), "Note", 20000)
        self._check_typed_text()

    def _check_typed_text(self) -> None:
        """Every text of every section can be stored as typed (no control characters).

        The sections check their lengths and choices; the characters are checked here once
        for all of them, so a text field added later cannot miss it: a NUL in a knee note
        was accepted, then refused by PostgreSQL at the save (found by the hostile-input test).
        """
        parts: list[tuple[str, object]] = [
            ("", self.subjective), ("", self.assessment), ("gait.", self.gait),
            ("readiness.", self.readiness),
            *((f"knee_{knee.side}.", knee) for knee in self.knees),
            *((f"ankle_{ankle.side}.", ankle) for ankle in self.ankles)]
        for prefix, part in parts:
            if part is not None:
                _check_characters_in(prefix, part)


def _check_characters_in(prefix: str, part: object) -> None:
    """The text fields of a section's dataclass, and of the rows it holds (prior injuries)."""
    for each in fields(part):  # type: ignore[arg-type]
        values = getattr(part, each.name)
        for value in values if isinstance(values, tuple) else (values,):
            key = prefix + each.name
            if isinstance(value, str) and value:
                check_characters(key, value, each.name.replace("_", " ").capitalize())
            elif is_dataclass(value):
                _check_characters_in(key + ".", value)


def _unique(field_name: str, keys: list[object]) -> None:
    if len(keys) != len(set(keys)):
        raise ValidationError(field_name, "The same side or test is entered twice.")
