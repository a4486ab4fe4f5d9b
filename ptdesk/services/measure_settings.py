"""The clinic's adjustable measure thresholds: ankle asymmetry flags and readiness criteria."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import ClinicSettings
from ptdesk.domain.ankle_flags import AnkleThresholds
from ptdesk.domain.readiness import ReadinessThresholds
from ptdesk.services.audit import log as audit
from ptdesk.services.clinic import settings_row
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction


@dataclass(frozen=True)
class MeasureThresholds:
    ankle: AnkleThresholds
    readiness: ReadinessThresholds


def load_thresholds(session: Session) -> MeasureThresholds:
    """The clinic's thresholds inside a caller's transaction; the cited defaults before setup."""
    row = session.get(ClinicSettings, 1)
    if row is None:
        return MeasureThresholds(AnkleThresholds(), ReadinessThresholds())
    return MeasureThresholds(
        AnkleThresholds(row.ankle_k2w_diff_cm, row.ankle_balance_closed_s,
                        row.ankle_heel_raise_lsi),
        ReadinessThresholds(row.ready_walk_min, row.ready_hops, row.ready_heel_raises,
                            row.ready_hop_lsi))


def get_measure_thresholds(session_factory: SessionFactory, *, actor: str) -> MeasureThresholds:
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        return load_thresholds(session)


def set_measure_thresholds(session_factory: SessionFactory, *, actor: str,
                           ankle: AnkleThresholds, readiness: ReadinessThresholds
                           ) -> MeasureThresholds:
    """Store the clinic's limits (validated by the domain dataclasses when they were built)."""
    with transaction(session_factory) as session:
        require(session, actor, "edit_settings")
        row = settings_row(session)
        row.ankle_k2w_diff_cm = ankle.knee_to_wall_diff_cm
        row.ankle_balance_closed_s = ankle.balance_eyes_closed_min_s
        row.ankle_heel_raise_lsi = ankle.heel_raise_lsi_min_pct
        row.ready_walk_min = readiness.walk_minutes
        row.ready_hops = readiness.hops_per_side
        row.ready_heel_raises = readiness.heel_raises_per_side
        row.ready_hop_lsi = readiness.hop_lsi_min_pct
        session.flush()
        audit.record(session, actor=actor, action="update", record_type="clinic_settings",
                     record_id=row.id, summary="measure thresholds changed")
        return MeasureThresholds(ankle, readiness)
