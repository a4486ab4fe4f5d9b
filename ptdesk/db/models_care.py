"""Outcome measures, the exercise library, prescriptions, return-to-run plans and run logs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.db.base import Base, Versioned
from ptdesk.db.models_patients import _in

OUTCOME_MEASURES = ("nprs", "lefs", "kujala", "psfs")
EXERCISE_CATEGORIES = ("strength", "stretch", "mobility", "balance", "running_drill", "cross_training")
EXERCISE_SIDES = ("left", "right", "both", "each")
PLAN_MEASURES = ("minutes", "km", "mi")
# The pain rules' next-morning answers (domain/runplan/model.py NEXT_MORNING).
NEXT_MORNING = ("better", "same", "stiff-settled", "worse")


class OutcomeResult(Versioned, Base):
    __tablename__ = "outcome_results"
    __table_args__ = (
        CheckConstraint(_in("measure", OUTCOME_MEASURES), name="measure"),
        CheckConstraint("total >= 0 AND total <= max_total", name="total"),
        CheckConstraint("missing_items >= 0", name="missing_items"),
        UniqueConstraint("visit_id", "measure", name="uq_outcome_results_visit_measure"),
        Index("ix_outcome_results_patient_measure", "patient_id", "measure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(10))
    total: Mapped[float] = mapped_column(Float)
    max_total: Mapped[float] = mapped_column(Float)
    missing_items: Mapped[int] = mapped_column(default=0)

    items: Mapped[list[OutcomeItem]] = relationship(
        cascade="all, delete-orphan", order_by="OutcomeItem.position"
    )


class OutcomeItem(Versioned, Base):
    __tablename__ = "outcome_items"
    __table_args__ = (
        UniqueConstraint("result_id", "item_key", name="uq_outcome_items_result_key"),
        CheckConstraint("value IS NULL OR (value >= 0 AND value <= 10)", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("outcome_results.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    item_key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[int | None] = mapped_column()


class Exercise(Versioned, Base):
    __tablename__ = "exercises"
    __table_args__ = (
        CheckConstraint(_in("category", EXERCISE_CATEGORIES), name="category"),
        CheckConstraint(_in("side", EXERCISE_SIDES), name="side"),
        CheckConstraint("sets >= 0 AND sets <= 20", name="sets"),
        CheckConstraint("reps >= 0 AND reps <= 200", name="reps"),
        CheckConstraint("hold_seconds >= 0 AND hold_seconds <= 3600", name="hold_seconds"),
        CheckConstraint("per_day >= 0 AND per_day <= 10", name="per_day"),
        CheckConstraint("per_week >= 0 AND per_week <= 14", name="per_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable id of the shipped library entry; NULL for a clinician's own exercise.
    library_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    # Hash of the shipped content last loaded, so an update never overwrites a clinician's edit.
    library_hash: Mapped[str] = mapped_column(String(64), default="")
    edited_by_clinic: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    target_muscles: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(20))
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    side: Mapped[str] = mapped_column(String(5), default="each")
    precautions: Mapped[list[str]] = mapped_column(JSON, default=list)
    progression_library_id: Mapped[str] = mapped_column(String(60), default="")
    regression_library_id: Mapped[str] = mapped_column(String(60), default="")
    illustration: Mapped[str] = mapped_column(String(200), default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    sets: Mapped[int] = mapped_column(default=1)
    reps: Mapped[int] = mapped_column(default=0)
    hold_seconds: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=0)
    per_day: Mapped[int] = mapped_column(default=1)
    per_week: Mapped[int] = mapped_column(default=0)
    dosage_note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)


class Prescription(Versioned, Base):
    """One dated version of a patient's home programme; edits create a new version."""

    __tablename__ = "prescriptions"
    __table_args__ = (
        CheckConstraint(_in("status", ("active", "superseded", "retired")), name="status"),
        Index("ix_prescriptions_patient_status", "patient_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="SET NULL"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"), index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("prescriptions.id"), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")
    note: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[PrescriptionItem]] = relationship(
        cascade="all, delete-orphan", order_by="PrescriptionItem.position"
    )


class PrescriptionItem(Versioned, Base):
    __tablename__ = "prescription_items"
    __table_args__ = (
        CheckConstraint(_in("side", EXERCISE_SIDES), name="side"),
        CheckConstraint("sets >= 1 AND sets <= 20", name="sets"),
        CheckConstraint("reps >= 0 AND reps <= 200", name="reps"),
        CheckConstraint("hold_seconds >= 0 AND hold_seconds <= 3600", name="hold_seconds"),
        CheckConstraint("minutes >= 0 AND minutes <= 300", name="minutes"),
        CheckConstraint("per_day >= 0 AND per_day <= 10", name="per_day"),
        CheckConstraint("per_week >= 0 AND per_week <= 14", name="per_week"),
        CheckConstraint("per_day > 0 OR per_week > 0", name="frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prescription_id: Mapped[int] = mapped_column(
        ForeignKey("prescriptions.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"), index=True)
    position: Mapped[int] = mapped_column()
    sets: Mapped[int] = mapped_column()
    reps: Mapped[int] = mapped_column(default=0)
    hold_seconds: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=0)
    per_day: Mapped[int] = mapped_column(default=1)
    per_week: Mapped[int] = mapped_column(default=0)
    side: Mapped[str] = mapped_column(String(5))
    note: Mapped[str] = mapped_column(Text, default="")

    exercise: Mapped[Exercise] = relationship()


class RunPlan(Versioned, Base):
    __tablename__ = "run_plans"
    __table_args__ = (
        CheckConstraint(_in("measure", PLAN_MEASURES), name="measure"),
        CheckConstraint(_in("status", ("active", "archived")), name="status"),
        CheckConstraint("runs_per_week >= 2 AND runs_per_week <= 6", name="runs_per_week"),
        CheckConstraint("current_run > 0", name="current_run"),
        CheckConstraint("goal_weekly > 0", name="goal_weekly"),
        CheckConstraint("cap_pct > 0 AND cap_pct <= 10", name="cap_pct"),
        CheckConstraint("race_date IS NULL OR race_date >= start_date", name="race_date"),
        Index("ix_run_plans_patient_status", "patient_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="SET NULL"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    measure: Mapped[str] = mapped_column(String(8))
    runs_per_week: Mapped[int] = mapped_column()
    current_run: Mapped[float] = mapped_column(Float)
    goal_weekly: Mapped[float] = mapped_column(Float)
    goal_long_run: Mapped[float | None] = mapped_column(Float)
    start_date: Mapped[date] = mapped_column(Date)
    race_date: Mapped[date | None] = mapped_column(Date)
    cap_pct: Mapped[float] = mapped_column(Float, default=10.0)
    lighter_every: Mapped[int | None] = mapped_column()
    lighter_pct: Mapped[float | None] = mapped_column(Float)
    # Pain-rule thresholds as the clinician set them, and the generated plan as
    # the patient was given it (the JSON contract of `ptdesk runplan --json`).
    pain_rules: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # Exactly what the clinician entered (incl. logged history), so the plan can be reopened.
    inputs_json: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    plan_json: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    # Re-planning, pausing and resuming write a new version (a new row) from the first
    # unfinished week; the weeks before it keep the plan that was in force at the time.
    plan_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    from_week: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("run_plans.id", ondelete="SET NULL"), index=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    weeks: Mapped[list[RunPlanWeek]] = relationship(
        cascade="all, delete-orphan", order_by="RunPlanWeek.week"
    )


class RunPlanWeek(Versioned, Base):
    __tablename__ = "run_plan_weeks"
    __table_args__ = (
        UniqueConstraint("plan_id", "week", name="uq_run_plan_weeks_plan_week"),
        CheckConstraint("total >= 0 AND longest >= 0 AND longest <= total", name="volume"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("run_plans.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column()
    start_date: Mapped[date] = mapped_column(Date)
    total: Mapped[float] = mapped_column(Float)
    longest: Mapped[float] = mapped_column(Float)
    lighter: Mapped[bool] = mapped_column(default=False)
    plan_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class RunLog(Versioned, Base):
    __tablename__ = "run_logs"
    __table_args__ = (
        CheckConstraint(_in("measure", PLAN_MEASURES), name="measure"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint(_in("kind", ("walk_run", "continuous")), name="kind"),
        CheckConstraint("pain_during >= 0 AND pain_during <= 10", name="pain_during"),
        CheckConstraint(_in("next_morning", NEXT_MORNING), name="next_morning"),
        Index("ix_run_logs_patient_date", "patient_id", "run_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("run_plans.id", ondelete="SET NULL"), index=True)
    run_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Float)
    measure: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12), default="continuous")
    pain_during: Mapped[int] = mapped_column()
    next_morning: Mapped[str] = mapped_column(String(16), default="same")
    swelling: Mapped[bool] = mapped_column(default=False)
    limping: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    # Imported from a watch file (issue 24, migration 0008): summary numbers only, never
    # the GPS track. `source` is None for runs typed in by hand. An imported run has no
    # pain answers until someone enters them: `pain_answered` is False until then.
    source: Mapped[str | None] = mapped_column(
        String(8), CheckConstraint("source IS NULL OR source IN ('fit', 'gpx', 'tcx')",
                                   name="source"))
    started_at: Mapped[datetime | None] = mapped_column()
    moving_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    elevation_gain_m: Mapped[float | None] = mapped_column(Float)
    cadence_spm: Mapped[float | None] = mapped_column(Float)
    avg_hr_bpm: Mapped[float | None] = mapped_column(Float)
    pain_answered: Mapped[bool] = mapped_column(default=True, server_default=true())
