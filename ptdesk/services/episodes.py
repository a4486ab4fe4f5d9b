"""Episodes of care (diagnosis, side, status) and their goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Episode, Goal, Patient, PriorInjuryRecord, SubjectiveExam, Visit
from ptdesk.domain import validation as v
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.involved_side import ANKLE_SIDES, ankle_side_from_injuries
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

EPISODE_STATUSES = ("active", "on_hold", "discharged")
# A save's `episode_id=ACTIVE_EPISODE` files the record under the patient's active episode,
# looked up inside the save's own transaction (not in a separate read before it).
ACTIVE_EPISODE: Literal["active"] = "active"
EpisodeChoice = int | Literal["active"] | None


@dataclass(frozen=True)
class GoalInfo:
    id: int
    description: str
    target_date: date | None
    met_on: date | None


@dataclass(frozen=True)
class EpisodeInfo:
    id: int
    patient_id: int
    diagnosis: str
    icd10_code: str
    affected_side: str
    onset_date: date | None
    start_date: date
    end_date: date | None
    status: str
    goals: tuple[GoalInfo, ...]
    injured_ankle_side: str | None = None  # the sprained ankle's side; None = not known
    goal_race: str = ""
    goal_race_date: date | None = None
    version: int = 1  # for a form that edits the episode's facts (services/episode_facts.py)


def _info(row: Episode) -> EpisodeInfo:
    return EpisodeInfo(
        id=row.id, patient_id=row.patient_id, diagnosis=row.diagnosis, icd10_code=row.icd10_code,
        affected_side=row.affected_side, onset_date=row.onset_date, start_date=row.start_date,
        end_date=row.end_date, status=row.status,
        goals=tuple(GoalInfo(g.id, g.description, g.target_date, g.met_on) for g in row.goals),
        injured_ankle_side=row.injured_ankle_side, goal_race=row.goal_race,
        goal_race_date=row.goal_race_date, version=row.version,
    )


def _check_ankle_side(side: str | None) -> None:
    if side is not None:
        v.validate_choice("injured_ankle_side", side, ANKLE_SIDES, "Injured ankle side")


def open_episode(
    session_factory: SessionFactory, *, actor: str, patient_id: int, diagnosis: str,
    affected_side: str, start_date: date, icd10_code: str = "", onset_date: date | None = None,
    goals: tuple[tuple[str, date | None], ...] = (), injured_ankle_side: str | None = None,
    goal_race: str = "", goal_race_date: date | None = None,
) -> EpisodeInfo:
    diagnosis = v.require_text("diagnosis", diagnosis, "Diagnosis", 300)
    goal_race = v.optional_text("goal_race", goal_race, "Goal race", 200)
    v.validate_choice("affected_side", affected_side, v.AFFECTED_SIDES, "Affected side")
    _check_ankle_side(injured_ankle_side)
    if onset_date and onset_date > start_date:
        raise ValidationError("onset_date", "Onset cannot be after the start of care.")
    with transaction(session_factory) as session:
        require(session, actor, "edit_evaluation")
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFoundError(f"No patient with id {patient_id}.")
        v.validate_visit_date(start_date, patient.date_of_birth)
        row = Episode(
            patient_id=patient_id, diagnosis=diagnosis, icd10_code=icd10_code.strip().upper(),
            affected_side=affected_side, onset_date=onset_date, start_date=start_date,
            status="active", injured_ankle_side=injured_ankle_side, goal_race=goal_race,
            goal_race_date=goal_race_date,
        )
        for index, (text, target) in enumerate(goals):
            description = v.require_text(f"goals[{index}]", text, "Goal", 500)
            row.goals.append(Goal(description=description, target_date=target))
        session.add(row)
        session.flush()
        audit.record(session, actor=actor, action="create", patient_id=patient_id,
                     record_type="episode", record_id=row.id, summary="opened episode of care")
        return _info(row)


def set_episode_status(
    session_factory: SessionFactory, *, actor: str, episode_id: int, status: str,
    end_date: date | None = None,
) -> EpisodeInfo:
    v.validate_choice("status", status, EPISODE_STATUSES, "Status")
    with transaction(session_factory) as session:
        require(session, actor, "edit_evaluation")
        row = session.get(Episode, episode_id)
        if row is None:
            raise NotFoundError(f"No episode with id {episode_id}.")
        row.status = status
        row.end_date = end_date if status == "discharged" else None
        session.flush()
        audit.record(session, actor=actor, action="update", patient_id=row.patient_id,
                     record_type="episode", record_id=row.id, summary=f"status {status}")
        return _info(row)


def list_episodes(session_factory: SessionFactory, patient_id: int, *,
                  actor: str) -> list[EpisodeInfo]:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        rows = session.scalars(
            select(Episode).where(Episode.patient_id == patient_id).order_by(Episode.start_date)
        )
        return [_info(row) for row in rows]


def active_episode(session_factory: SessionFactory, patient_id: int, *,
                   actor: str) -> EpisodeInfo | None:
    episodes = [e for e in list_episodes(session_factory, patient_id, actor=actor)
                if e.status == "active"]
    return episodes[-1] if episodes else None


def episode_in(session: Session, patient_id: int, choice: EpisodeChoice) -> int | None:
    """The episode id a save files under; ACTIVE_EPISODE: the latest active one, if any."""
    if choice != ACTIVE_EPISODE:
        return choice
    return session.scalar(
        select(Episode.id).where(Episode.patient_id == patient_id, Episode.status == "active")
        .order_by(Episode.start_date.desc(), Episode.id.desc()).limit(1))


def set_injured_ankle_side(session_factory: SessionFactory, *, actor: str, episode_id: int,
                           side: str | None) -> EpisodeInfo:
    """The clinician confirms (or clears) which ankle was sprained; ankle rows compare on it."""
    _check_ankle_side(side)
    with transaction(session_factory) as session:
        require(session, actor, "edit_evaluation")
        row = session.get(Episode, episode_id)
        if row is None:
            raise NotFoundError(f"No episode with id {episode_id}.")
        row.injured_ankle_side = side
        session.flush()
        audit.record(session, actor=actor, action="update", patient_id=row.patient_id,
                     record_type="episode", record_id=row.id,
                     summary=f"injured ankle side {side or 'not known'}")
        return _info(row)


def suggest_ankle_side(session_factory: SessionFactory, episode_id: int, *,
                       actor: str) -> str | None:
    """Pre-fill for the injured ankle: the side of the one prior injury naming the ankle.

    Reads the prior injuries charted at the episode's visits; None when no injury or more
    than one names the ankle (the clinician then chooses). Never saved by itself.
    """
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        rows = session.execute(
            select(PriorInjuryRecord.description, PriorInjuryRecord.side)
            .join(SubjectiveExam, SubjectiveExam.id == PriorInjuryRecord.subjective_id)
            .join(Visit, Visit.id == SubjectiveExam.visit_id)
            .where(Visit.episode_id == episode_id)).all()
    # The same injury re-charted at a later evaluation counts once.
    distinct = {(" ".join(d.casefold().split()), s) for d, s in rows}
    return ankle_side_from_injuries(sorted(distinct))
