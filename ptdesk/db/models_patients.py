"""Clinic settings, clinicians, patients, episodes of care and goals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.db.base import Base, Versioned


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class ClinicSettings(Versioned, Base):
    __tablename__ = "clinic_settings"
    __table_args__ = (
        CheckConstraint(_in("paper_size", ("letter", "a4")), name="paper_size"),
        CheckConstraint(_in("default_units", ("km", "mi")), name="default_units"),
        CheckConstraint("lock_minutes >= 1 AND lock_minutes <= 120", name="lock_minutes"),
        CheckConstraint("backups_kept >= 1 AND backups_kept <= 365", name="backups_kept"),
        CheckConstraint("ankle_k2w_diff_cm >= 0.5 AND ankle_k2w_diff_cm <= 10",
                        name="ankle_k2w_diff_cm"),
        CheckConstraint("ankle_balance_closed_s >= 1 AND ankle_balance_closed_s <= 120",
                        name="ankle_balance_closed_s"),
        CheckConstraint("ankle_heel_raise_lsi >= 50 AND ankle_heel_raise_lsi <= 100",
                        name="ankle_heel_raise_lsi"),
        CheckConstraint("ready_walk_min >= 5 AND ready_walk_min <= 120", name="ready_walk_min"),
        CheckConstraint("ready_hops >= 1 AND ready_hops <= 100", name="ready_hops"),
        CheckConstraint("ready_heel_raises >= 1 AND ready_heel_raises <= 100",
                        name="ready_heel_raises"),
        CheckConstraint("ready_hop_lsi >= 50 AND ready_hop_lsi <= 100", name="ready_hop_lsi"),
        CheckConstraint("gap_short_pct >= 10 AND gap_short_pct <= 100", name="gap_short_pct"),
        CheckConstraint("gap_long_pct >= 10 AND gap_long_pct <= gap_short_pct",
                        name="gap_long_pct"),
        CheckConstraint("gap_long_weeks >= 2 AND gap_long_weeks <= 12", name="gap_long_weeks"),
        CheckConstraint("stale_draft_days >= 1 AND stale_draft_days <= 60",
                        name="stale_draft_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    paper_size: Mapped[str] = mapped_column(String(10), default="letter")
    default_units: Mapped[str] = mapped_column(String(5), default="mi")
    lock_minutes: Mapped[int] = mapped_column(default=10, server_default="10")
    backups_kept: Mapped[int] = mapped_column(default=14, server_default="14")
    backup_on_close: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Empty: the default folder beside the database (see services/backup.py).
    backup_folder: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    # Clinic-adjustable measure thresholds; defaults are the cited ones in domain/ankle_flags.py
    # and domain/readiness.py (kept equal to them by a test).
    ankle_k2w_diff_cm: Mapped[float] = mapped_column(Float, default=2.0, server_default="2.0")
    ankle_balance_closed_s: Mapped[float] = mapped_column(Float, default=10.0,
                                                          server_default="10.0")
    ankle_heel_raise_lsi: Mapped[float] = mapped_column(Float, default=90.0,
                                                        server_default="90.0")
    ready_walk_min: Mapped[int] = mapped_column(default=30, server_default="30")
    ready_hops: Mapped[int] = mapped_column(default=15, server_default="15")
    ready_heel_raises: Mapped[int] = mapped_column(default=20, server_default="20")
    ready_hop_lsi: Mapped[float] = mapped_column(Float, default=90.0, server_default="90.0")
    # The clinic's missed-week step back for new run plans (CLINICAL.md: a clinic rule,
    # adjustable; defaults equal domain/runplan/painrules.GapRules, kept so by a test).
    gap_short_pct: Mapped[int] = mapped_column(default=75, server_default="75")
    gap_long_pct: Mapped[int] = mapped_column(default=50, server_default="50")
    gap_long_weeks: Mapped[int] = mapped_column(default=4, server_default="4")
    # Visit-note rules (0012, domain/visit_rules.py): the unsigned-note reminder's age and
    # the outcome measures each kind of visit asks for (comma-separated measure keys).
    stale_draft_days: Mapped[int] = mapped_column(default=3, server_default="3")
    measures_every_visit: Mapped[str] = mapped_column(String(40), default="nprs",
                                                      server_default="nprs")
    measures_evaluations: Mapped[str] = mapped_column(String(40), default="lefs",
                                                      server_default="lefs")
    measures_patellofemoral: Mapped[str] = mapped_column(String(40), default="kujala",
                                                         server_default="kujala")


ROLES = ("administrator", "clinician", "assistant")


class Clinician(Versioned, Base):
    """A user account: clinicians, assistants and administrators all sign in here."""

    __tablename__ = "clinicians"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    credentials: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(default=True)
    role: Mapped[str] = mapped_column(String(16), default="clinician", server_default="clinician")
    # scrypt hash with its parameters and salt ("scrypt$n$r$p$salt$hash"); never the password.
    password_hash: Mapped[str] = mapped_column(String(255), default="", server_default="")
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failed_at: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()


class Patient(Versioned, Base):
    __tablename__ = "patients"
    __table_args__ = (
        CheckConstraint(_in("sex", ("female", "male", "other", "unknown")), name="sex"),
        CheckConstraint(_in("dominant_leg", ("left", "right", "unknown")), name="dominant_leg"),
        CheckConstraint(_in("handout_language", ("en", "es")), name="handout_language"),
        CheckConstraint("length(mrn) >= 3", name="mrn_length"),
        CheckConstraint("length(first_name) > 0 AND length(last_name) > 0", name="names"),
        # Prefix searches on the folded names and MRN stay index range scans at 100k patients.
        Index("ix_patients_last_key", "last_name_key", "first_name_key"),
        # Covering for first-name matches, which are then sorted by last name.
        Index("ix_patients_first_last_key", "first_name_key", "last_name_key"),
        Index("ix_patients_date_of_birth", "date_of_birth"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mrn: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str] = mapped_column(String(100), default="")
    first_name_key: Mapped[str] = mapped_column(String(100))
    last_name_key: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10), default="unknown")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    referring_physician: Mapped[str] = mapped_column(String(200), default="")
    dominant_leg: Mapped[str] = mapped_column(String(10), default="unknown")
    alerts: Mapped[str] = mapped_column(Text, default="")
    # The language the patient's handouts print in (issue 21); "en" or "es".
    handout_language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")

    episodes: Mapped[list[Episode]] = relationship(
        back_populates="patient", order_by="Episode.start_date", cascade="all, delete-orphan"
    )


class Episode(Versioned, Base):
    __tablename__ = "episodes"
    __table_args__ = (
        CheckConstraint(_in("affected_side", ("left", "right", "both")), name="affected_side"),
        CheckConstraint(_in("status", ("active", "on_hold", "discharged")), name="status"),
        CheckConstraint("injured_ankle_side IS NULL OR "
                        + _in("injured_ankle_side", ("left", "right", "both")),
                        name="injured_ankle_side"),
        CheckConstraint("baseline_cadence_spm IS NULL OR "
                        "(baseline_cadence_spm >= 120 AND baseline_cadence_spm <= 220)",
                        name="baseline_cadence_spm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    diagnosis: Mapped[str] = mapped_column(String(300))
    icd10_code: Mapped[str] = mapped_column(String(10), default="")
    affected_side: Mapped[str] = mapped_column(String(10))
    # The sprained ankle's side, which ankle rows compare on (None: not known).
    injured_ankle_side: Mapped[str | None] = mapped_column(String(10))
    # The clinician-confirmed baseline cadence (steps/min) the cadence target grows from;
    # None: the intake (first measured) cadence (CLINICAL.md, "Cadence target").
    baseline_cadence_spm: Mapped[int | None] = mapped_column()
    onset_date: Mapped[date | None] = mapped_column(Date)
    # The runner's goal race (issue 18: charted once, here; the evaluation shows it).
    goal_race: Mapped[str] = mapped_column(String(200), default="", server_default="")
    goal_race_date: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")

    patient: Mapped[Patient] = relationship(back_populates="episodes")
    goals: Mapped[list[Goal]] = relationship(
        back_populates="episode", order_by="Goal.id", cascade="all, delete-orphan"
    )


class Goal(Versioned, Base):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    target_date: Mapped[date | None] = mapped_column(Date)
    met_on: Mapped[date | None] = mapped_column(Date)

    episode: Mapped[Episode] = relationship(back_populates="goals")


class AuditEntry(Base):
    """Who did what to which record; never the clinical text itself."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_patient_at", "patient_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()
    actor: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[int | None] = mapped_column(index=False)
    record_type: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(String(500), default="")
    # Tamper evidence: HMAC over this entry and the previous entry's hash, keyed with a
    # secret kept outside the database.
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    entry_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class Draft(Base):
    """Unsaved form contents, autosaved so a crash or power cut loses nothing.

    Kept in the database (never in a temp file) because drafts hold clinical text.
    """

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("actor", "form_key", name="uq_drafts_actor_form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    form_key: Mapped[str] = mapped_column(String(120))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column()
