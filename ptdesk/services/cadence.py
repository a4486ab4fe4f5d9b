"""The patient's cadence baseline (intake or clinician-confirmed) and the one target grown from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Episode, GaitAssessment, Visit
from ptdesk.domain.cadence import cadence_target_spm
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.units import validate_cadence
from ptdesk.services.audit import log as audit
from ptdesk.services.episodes import ACTIVE_EPISODE, episode_in
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction


@dataclass(frozen=True)
class CadenceBaseline:
    """What the cadence target is grown from (CLINICAL.md, "Cadence target").

    `intake_spm` is the first measured cadence; `confirmed_spm` the baseline the clinician
    confirmed for the episode (None: the intake is the baseline); `increase_pct` the
    latest chosen increase. The target never compounds on later, retrained cadences.
    """

    intake_spm: int | None = None
    intake_on: date | None = None
    confirmed_spm: int | None = None
    increase_pct: float | None = None
    episode_id: int | None = None

    @property
    def baseline_spm(self) -> int | None:
        return self.confirmed_spm if self.confirmed_spm is not None else self.intake_spm

    @property
    def target_spm(self) -> int | None:
        """The baseline raised by the chosen increase, at most +10%, halves up (domain rule)."""
        if self.baseline_spm is None or self.increase_pct is None:
            return None
        return cadence_target_spm(self.baseline_spm, self.increase_pct)


def load_cadence(session: Session, patient_id: int) -> CadenceBaseline:
    """The patient's baseline and increase inside the caller's transaction."""
    rows = session.execute(
        select(GaitAssessment.cadence_spm, GaitAssessment.cadence_target_pct, Visit.visit_date)
        .join(Visit, Visit.id == GaitAssessment.visit_id)
        .where(Visit.patient_id == patient_id, GaitAssessment.cadence_spm.is_not(None))
        .order_by(Visit.visit_date, Visit.id)
    ).all()
    # The active episode as episode_in(ACTIVE_EPISODE) picks it, with its baseline, in one read.
    episode = session.execute(
        select(Episode.id, Episode.baseline_cadence_spm)
        .where(Episode.patient_id == patient_id, Episode.status == "active")
        .order_by(Episode.start_date.desc(), Episode.id.desc()).limit(1)).first()
    increase = next((pct for _spm, pct, _on in reversed(rows) if pct is not None), None)
    return CadenceBaseline(
        intake_spm=rows[0][0] if rows else None, intake_on=rows[0][2] if rows else None,
        confirmed_spm=episode[1] if episode else None, increase_pct=increase,
        episode_id=episode[0] if episode else None)


def get_cadence(session_factory: SessionFactory, *, actor: str,
                patient_id: int) -> CadenceBaseline:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return load_cadence(session, patient_id)


def confirm_baseline_cadence(session_factory: SessionFactory, *, actor: str, patient_id: int,
                             spm: int | None) -> CadenceBaseline:
    """Store the clinician-confirmed baseline on the active episode (None: use the intake).

    Raises ValidationError("baseline_cadence_spm", ...) for an implausible cadence or
    when the patient has no open episode to hold it.
    """
    if spm is not None:
        if isinstance(spm, bool) or not isinstance(spm, int):
            raise ValidationError("baseline_cadence_spm", "Enter the cadence in whole steps "
                                                          "per minute.")
        validate_cadence(spm, "baseline_cadence_spm")
    with transaction(session_factory) as session:
        require(session, actor, "edit_plan")
        episode_id = episode_in(session, patient_id, ACTIVE_EPISODE)
        row = session.get(Episode, episode_id) if episode_id is not None else None
        if row is None:
            raise ValidationError("baseline_cadence_spm", "Open an episode of care first: the "
                                                          "baseline belongs to the episode.")
        row.baseline_cadence_spm = spm
        session.flush()
        audit.record(session, actor=actor, action="update", patient_id=patient_id,
                     record_type="episode", record_id=row.id,
                     summary="baseline cadence confirmed" if spm is not None
                     else "baseline cadence back to the intake cadence")
        return load_cadence(session, patient_id)
