"""Visits and the evaluation sections charted at them (one row per section or side)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.db.base import Base, Versioned
from ptdesk.db.models_patients import _in
from ptdesk.domain import evaluation as ev
from ptdesk.domain.readiness import SQUAT_QUALITY
from ptdesk.domain.validation import MMT_GRADES

_SIDE = _in("side", ("left", "right"))


def _nprs(column: str) -> str:
    return f"{column} IS NULL OR ({column} >= 0 AND {column} <= 10)"


def _range(column: str, low: float, high: float) -> str:
    return f"{column} IS NULL OR ({column} >= {low} AND {column} <= {high})"


def _opt_in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IS NULL OR {_in(column, values)}"


class Visit(Versioned, Base):
    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(_in("visit_type", ev.VISIT_TYPES), name="visit_type"),
        CheckConstraint(_in("status", ("draft", "signed")), name="status"),
        Index("ix_visits_patient_date", "patient_id", "visit_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    visit_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    signed_at: Mapped[datetime | None] = mapped_column()
    # The clinic's day the note was first saved (0012); later than visit_date: a late entry.
    # NULL on notes from before it was kept (never rewritten: signed rows stay as signed).
    first_saved_on: Mapped[date | None] = mapped_column(Date)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"), index=True)
    # SHA-256 of the note's canonical content at signing, re-checked by `ptdesk verify`.
    content_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    soap_subjective: Mapped[str] = mapped_column(Text, default="")
    soap_objective: Mapped[str] = mapped_column(Text, default="")
    soap_assessment: Mapped[str] = mapped_column(Text, default="")
    soap_plan: Mapped[str] = mapped_column(Text, default="")

    subjective: Mapped[SubjectiveExam | None] = relationship(cascade="all, delete-orphan")
    knee_exams: Mapped[list[KneeExam]] = relationship(cascade="all, delete-orphan")
    ankle_exams: Mapped[list[AnkleExam]] = relationship(cascade="all, delete-orphan")
    special_tests: Mapped[list[SpecialTest]] = relationship(cascade="all, delete-orphan")
    strength_tests: Mapped[list[StrengthTest]] = relationship(cascade="all, delete-orphan")
    gait: Mapped[GaitAssessment | None] = relationship(cascade="all, delete-orphan")
    assessment: Mapped[AssessmentPlanRecord | None] = relationship(cascade="all, delete-orphan")
    readiness: Mapped[ReadinessExam | None] = relationship(cascade="all, delete-orphan")


class Addendum(Base):
    """A correction or addition to a signed note; never edited once written."""

    __tablename__ = "addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    reason: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))


class NoteEpisodeFacts(Base):
    """The episode's facts as a signed note shows them, frozen beside the note at signing.

    Written once (in the signing transaction, or by migration 0013 for notes signed
    before); triggers refuse any change. Covered by the note hash from format 2 on.
    """

    __tablename__ = "note_episode_facts"
    __table_args__ = (
        CheckConstraint(_in("affected_side", ("left", "right", "both")), name="affected_side"),
        CheckConstraint(_in("source", ("signing", "migration")), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="RESTRICT"),
                                          unique=True)
    diagnosis: Mapped[str] = mapped_column(String(300))
    icd10_code: Mapped[str] = mapped_column(String(10), default="")
    affected_side: Mapped[str] = mapped_column(String(10))
    onset_date: Mapped[date | None] = mapped_column(Date)
    goal_race: Mapped[str] = mapped_column(String(200), default="")
    goal_race_date: Mapped[date | None] = mapped_column(Date)
    # "signing", or "migration" for a note signed before the facts moved to the episode.
    source: Mapped[str] = mapped_column(String(10), default="signing")


class EpisodeFactMerge(Base):
    """A draft note whose episode facts differed from its episode's when migration 0013
    merged them (the note's text was kept); recorded in the audit log at the next start,
    then removed. Holds which facts differed, never their values."""

    __tablename__ = "episode_fact_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column()
    episode_id: Mapped[int] = mapped_column()
    patient_id: Mapped[int] = mapped_column()
    facts: Mapped[str] = mapped_column(String(200))


class SubjectiveExam(Versioned, Base):
    __tablename__ = "subjective_exams"
    __table_args__ = (
        CheckConstraint(_nprs("nprs_now"), name="nprs_now"),
        CheckConstraint(_nprs("nprs_best"), name="nprs_best"),
        CheckConstraint(_nprs("nprs_worst"), name="nprs_worst"),
        CheckConstraint(_in("onset_distance_unit", ev.DISTANCE_UNITS), name="onset_unit"),
        CheckConstraint(_in("volume_unit", ev.VOLUME_UNITS), name="volume_unit"),
        CheckConstraint(_range("runs_per_week", 0, 14), name="runs_per_week"),
        CheckConstraint(_range("shoe_drop_mm", 0, 20), name="shoe_drop"),
        CheckConstraint(_range("current_weekly_volume", 0, 2000), name="current_volume"),
        CheckConstraint(_range("preinjury_weekly_volume", 0, 2000), name="preinjury_volume"),
        CheckConstraint(_range("longest_recent_run", 0, 2000), name="longest_run"),
        CheckConstraint(_range("onset_distance", 0, 200), name="onset_distance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    chief_complaint: Mapped[str] = mapped_column(Text, default="")
    onset_mechanism: Mapped[str] = mapped_column(Text, default="")
    onset_date: Mapped[date | None] = mapped_column(Date)
    symptoms: Mapped[list[str]] = mapped_column(JSON, default=list)
    pain_locations: Mapped[list[str]] = mapped_column(JSON, default=list)
    aggravating: Mapped[list[str]] = mapped_column(JSON, default=list)
    nprs_now: Mapped[int | None] = mapped_column()
    nprs_best: Mapped[int | None] = mapped_column()
    nprs_worst: Mapped[int | None] = mapped_column()
    onset_distance: Mapped[float | None] = mapped_column(Float)
    onset_distance_unit: Mapped[str] = mapped_column(String(3), default="mi")
    current_weekly_volume: Mapped[float | None] = mapped_column(Float)
    preinjury_weekly_volume: Mapped[float | None] = mapped_column(Float)
    volume_unit: Mapped[str] = mapped_column(String(3), default="mi")
    longest_recent_run: Mapped[float | None] = mapped_column(Float)
    runs_per_week: Mapped[int | None] = mapped_column()
    goal_race: Mapped[str] = mapped_column(String(200), default="")
    goal_race_date: Mapped[date | None] = mapped_column(Date)
    shoe_model: Mapped[str] = mapped_column(String(200), default="")
    shoe_drop_mm: Mapped[float | None] = mapped_column(Float)
    surface: Mapped[str] = mapped_column(String(200), default="")
    red_flags_screened: Mapped[bool] = mapped_column(default=False)
    red_flags_notes: Mapped[str] = mapped_column(Text, default="")

    prior_injuries: Mapped[list[PriorInjuryRecord]] = relationship(
        cascade="all, delete-orphan", order_by="PriorInjuryRecord.id"
    )


class PriorInjuryRecord(Versioned, Base):
    __tablename__ = "prior_injuries"
    __table_args__ = (CheckConstraint(_in("side", ("left", "right", "both")), name="side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subjective_id: Mapped[int] = mapped_column(
        ForeignKey("subjective_exams.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(500))
    side: Mapped[str] = mapped_column(String(5))
    injury_date: Mapped[date | None] = mapped_column(Date)


class KneeExam(Versioned, Base):
    __tablename__ = "knee_exams"
    __table_args__ = (
        UniqueConstraint("visit_id", "side", name="uq_knee_exams_visit_side"),
        CheckConstraint(_SIDE, name="side"),
        CheckConstraint(_range("flexion_deg", 0, 165), name="flexion"),
        CheckConstraint(_range("extension_deg", -60, 20), name="extension"),
        CheckConstraint(_opt_in("effusion", ev.EFFUSION_GRADES), name="effusion"),
        CheckConstraint(_opt_in("patellar_mobility", ev.PATELLAR_MOBILITY), name="patellar_mobility"),
        CheckConstraint(_opt_in("single_leg_squat", ev.MOVEMENT_QUALITY), name="single_leg_squat"),
        CheckConstraint(_opt_in("step_down", ev.MOVEMENT_QUALITY), name="step_down"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(5))
    flexion_deg: Mapped[float | None] = mapped_column(Float)
    extension_deg: Mapped[float | None] = mapped_column(Float)
    effusion: Mapped[str | None] = mapped_column(String(5))
    tenderness: Mapped[list[str]] = mapped_column(JSON, default=list)
    patellar_mobility: Mapped[str | None] = mapped_column(String(12))
    patellar_tracking: Mapped[str] = mapped_column(String(200), default="")
    single_leg_squat: Mapped[str | None] = mapped_column(String(12))
    step_down: Mapped[str | None] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")


class SpecialTest(Versioned, Base):
    __tablename__ = "special_tests"
    __table_args__ = (
        UniqueConstraint("visit_id", "test", "side", name="uq_special_tests_visit_test_side"),
        CheckConstraint(_SIDE, name="side"),
        CheckConstraint(_in("test", ev.SPECIAL_TEST_KEYS), name="test"),
        CheckConstraint(_in("result", ev.SPECIAL_TEST_RESULTS), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    test: Mapped[str] = mapped_column(String(30))
    side: Mapped[str] = mapped_column(String(5))
    result: Mapped[str] = mapped_column(String(12))


class AnkleExam(Versioned, Base):
    __tablename__ = "ankle_exams"
    __table_args__ = (
        UniqueConstraint("visit_id", "side", name="uq_ankle_exams_visit_side"),
        CheckConstraint(_SIDE, name="side"),
        CheckConstraint(_range("knee_to_wall_cm", 0, 30), name="knee_to_wall"),
        CheckConstraint(_range("balance_eyes_open_s", 0, 600), name="balance_open"),
        CheckConstraint(_range("balance_eyes_closed_s", 0, 600), name="balance_closed"),
        CheckConstraint(_range("heel_raise_count", 0, 200), name="heel_raises"),
        CheckConstraint(_in("anterior_drawer", ev.ANKLE_LIGAMENT_TESTS), name="anterior_drawer"),
        CheckConstraint(_in("talar_tilt", ev.ANKLE_LIGAMENT_TESTS), name="talar_tilt"),
        CheckConstraint(_opt_in("swelling", ev.SWELLING_GRADES), name="swelling"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(5))
    knee_to_wall_cm: Mapped[float | None] = mapped_column(Float)
    balance_eyes_open_s: Mapped[float | None] = mapped_column(Float)
    balance_eyes_closed_s: Mapped[float | None] = mapped_column(Float)
    heel_raise_count: Mapped[int | None] = mapped_column()
    anterior_drawer: Mapped[str] = mapped_column(String(12), default="not_tested")
    talar_tilt: Mapped[str] = mapped_column(String(12), default="not_tested")
    swelling: Mapped[str | None] = mapped_column(String(10))
    tender_atfl: Mapped[bool] = mapped_column(default=False)
    tender_cfl: Mapped[bool] = mapped_column(default=False)
    tender_medial: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class StrengthTest(Versioned, Base):
    __tablename__ = "strength_tests"
    __table_args__ = (
        UniqueConstraint("visit_id", "muscle_group", "side", name="uq_strength_tests_visit_group_side"),
        CheckConstraint(_SIDE, name="side"),
        CheckConstraint(_in("muscle_group", ev.STRENGTH_GROUP_KEYS), name="muscle_group"),
        CheckConstraint(
            f"(method = 'mmt' AND value IS NULL AND {_in('mmt_grade', MMT_GRADES)}) OR "
            f"(method = 'dynamometer' AND mmt_grade IS NULL AND value > 0 AND value <= 1500 "
            f"AND {_in('unit', ev.FORCE_UNITS)})",
            name="method_value",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    muscle_group: Mapped[str] = mapped_column(String(30))
    side: Mapped[str] = mapped_column(String(5))
    method: Mapped[str] = mapped_column(String(12))
    mmt_grade: Mapped[str | None] = mapped_column(String(3))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(3))


class GaitAssessment(Versioned, Base):
    __tablename__ = "gait_assessments"
    __table_args__ = (
        CheckConstraint(_in("setting", ev.GAIT_SETTINGS), name="setting"),
        CheckConstraint(_range("speed", 1, 30), name="speed"),
        CheckConstraint(_range("cadence_spm", 100, 240), name="cadence"),
        CheckConstraint(_opt_in("foot_strike", ev.FOOT_STRIKES), name="foot_strike"),
        CheckConstraint(_in("pelvic_drop_side", ev.SIDE_OR_NONE), name="pelvic_drop_side"),
        CheckConstraint(_opt_in("pelvic_drop_severity", ev.SEVERITIES), name="pelvic_drop_severity"),
        CheckConstraint(_in("knee_valgus", ev.SIDE_OR_NONE), name="knee_valgus"),
        CheckConstraint(_in("pronation", ev.PRONATION), name="pronation"),
        CheckConstraint(_in("trunk_lean", ev.TRUNK_LEAN), name="trunk_lean"),
        CheckConstraint(_range("cadence_target_pct", 0, 15), name="cadence_target_pct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    setting: Mapped[str] = mapped_column(String(12), default="treadmill")
    speed: Mapped[float | None] = mapped_column(Float)
    speed_unit: Mapped[str] = mapped_column(String(5), default="km/h")
    cadence_spm: Mapped[int | None] = mapped_column()
    foot_strike: Mapped[str | None] = mapped_column(String(10))
    overstriding: Mapped[bool] = mapped_column(default=False)
    pelvic_drop_side: Mapped[str] = mapped_column(String(5), default="none")
    pelvic_drop_severity: Mapped[str | None] = mapped_column(String(10))
    knee_valgus: Mapped[str] = mapped_column(String(5), default="none")
    pronation: Mapped[str] = mapped_column(String(8), default="normal")
    crossover: Mapped[bool] = mapped_column(default=False)
    trunk_lean: Mapped[str] = mapped_column(String(10), default="none")
    footwear: Mapped[str] = mapped_column(String(300), default="")
    cadence_target_pct: Mapped[float | None] = mapped_column(Float)
    video_path: Mapped[str] = mapped_column(String(1000), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class AssessmentPlanRecord(Versioned, Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    problem_list: Mapped[str] = mapped_column(Text, default="")
    working_diagnosis: Mapped[str] = mapped_column(String(300), default="")
    icd10_code: Mapped[str] = mapped_column(String(10), default="")
    visit_frequency: Mapped[str] = mapped_column(String(200), default="")
    plan_notes: Mapped[str] = mapped_column(Text, default="")


class ReadinessExam(Versioned, Base):
    """Return-to-run readiness tests at an evaluation (domain.readiness); blanks not tested."""

    __tablename__ = "readiness_exams"
    __table_args__ = (
        CheckConstraint(_range("brisk_walk_min", 0, 300), name="brisk_walk"),
        CheckConstraint(_range("hops_left", 0, 500), name="hops_left"),
        CheckConstraint(_range("hops_right", 0, 500), name="hops_right"),
        CheckConstraint(_range("heel_raises_left", 0, 200), name="heel_raises_left"),
        CheckConstraint(_range("heel_raises_right", 0, 200), name="heel_raises_right"),
        CheckConstraint(_opt_in("squat_left", SQUAT_QUALITY), name="squat_left"),
        CheckConstraint(_opt_in("squat_right", SQUAT_QUALITY), name="squat_right"),
        CheckConstraint(_range("single_hop_cm_left", 0, 400), name="single_hop_left"),
        CheckConstraint(_range("single_hop_cm_right", 0, 400), name="single_hop_right"),
        CheckConstraint(_range("triple_hop_cm_left", 0, 1500), name="triple_hop_left"),
        CheckConstraint(_range("triple_hop_cm_right", 0, 1500), name="triple_hop_right"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    brisk_walk_min: Mapped[int | None] = mapped_column()
    hops_left: Mapped[int | None] = mapped_column()
    hops_right: Mapped[int | None] = mapped_column()
    heel_raises_left: Mapped[int | None] = mapped_column()
    heel_raises_right: Mapped[int | None] = mapped_column()
    squat_left: Mapped[str | None] = mapped_column(String(12))
    squat_right: Mapped[str | None] = mapped_column(String(12))
    single_hop_cm_left: Mapped[float | None] = mapped_column(Float)
    single_hop_cm_right: Mapped[float | None] = mapped_column(Float)
    triple_hop_cm_left: Mapped[float | None] = mapped_column(Float)
    triple_hop_cm_right: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")
