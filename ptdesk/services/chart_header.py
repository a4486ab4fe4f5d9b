"""The chart header in one read: the patient, the active episode and the alerts to show."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import Episode, Patient, StrengthTest, Visit
from ptdesk.domain.strength_alerts import strength_alerts
from ptdesk.services.audit import log as audit
from ptdesk.services.episodes import EpisodeInfo, _info
from ptdesk.services.patients import PatientDetails, _details, _get
from ptdesk.services.permissions import require
from ptdesk.services.uow import SessionFactory, transaction

# Strength is usually measured at evaluations, not at every follow-up: the alerts come from
# the latest visit, else from the latest evaluations (at most this many visits are read).
ALERT_LOOKBACK_VISITS = 3
EVALUATION_TYPES = ("initial_evaluation", "re_evaluation", "discharge")


@dataclass(frozen=True)
class ChartHeaderInfo:
    patient: PatientDetails
    episode: EpisodeInfo | None
    alerts: tuple[str, ...]  # "Alert: latex allergy", "Hip abduction LSI 72%"


def chart_header(session_factory: SessionFactory, *, actor: str, patient_id: int,
                 opening: bool = False) -> ChartHeaderInfo:
    """What the header shows, in one transaction.

    With `opening` (the clinician opened the chart) the view of the record is audited;
    a refresh after a save or another workstation's change writes nothing.
    """
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        row = _get(session, patient_id)
        if opening:
            audit.record(session, actor=actor, action="view", patient_id=row.id,
                         record_type="patient", record_id=row.id)
        episode = _active_episode(session, patient_id)
        return ChartHeaderInfo(_details(row), episode, _alerts(session, row, episode))


def header_alerts(session: Session, patient_id: int) -> tuple[str, ...]:
    """The header's alerts as the open transaction sees them (a save returns them)."""
    return _alerts(session, _get(session, patient_id), _active_episode(session, patient_id))


def _active_episode(session: Session, patient_id: int) -> EpisodeInfo | None:
    episodes = session.scalars(
        select(Episode).where(Episode.patient_id == patient_id, Episode.status == "active")
        .order_by(Episode.start_date)).all()
    return _info(episodes[-1]) if episodes else None


def _alerts(session: Session, row: Patient, episode: EpisodeInfo | None) -> tuple[str, ...]:
    alerts = [f"Alert: {row.alerts}"] if row.alerts else []
    if episode is not None:
        visits = session.execute(
            select(Visit.id, Visit.visit_type).where(Visit.patient_id == row.id)
            .order_by(Visit.visit_date.desc(), Visit.id.desc())).all()
        looked = [v.id for n, v in enumerate(visits)
                  if n == 0 or v.visit_type in EVALUATION_TYPES][:ALERT_LOOKBACK_VISITS]
        tests = session.scalars(
            select(StrengthTest).where(StrengthTest.visit_id.in_(looked))).all()
        for visit_id in looked:
            rows = [t for t in tests if t.visit_id == visit_id]
            if rows:
                alerts += strength_alerts(rows, episode.affected_side,
                                          episode.injured_ankle_side)
                break
    return tuple(alerts)
