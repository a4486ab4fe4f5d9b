"""Return-to-run readiness for the Run plan tab's warning and the Overview (warns, never blocks)."""

from __future__ import annotations

from dataclasses import dataclass

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.readiness import Criterion
from ptdesk.services.measure_settings import load_thresholds
from ptdesk.services.permissions import require
from ptdesk.services.progress.measures import ReadinessView, load_readiness
from ptdesk.services.progress.series import episode_scope
from ptdesk.services.uow import transaction


@dataclass(frozen=True)
class ReadinessStatus:
    """The latest readiness reading of the current episode, for a warning line and a table."""

    recorded: bool  # False: no evaluation of the episode recorded the readiness section
    all_met: bool
    summary: str  # "2 of 4 readiness criteria met; not met: ..." or why there is none
    criteria: tuple[Criterion, ...]
    view: ReadinessView | None


def readiness_status(session_factory: SessionFactory, patient_id: int, *,
                     actor: str) -> ReadinessStatus:
    """Which readiness criteria the latest evaluation met, against the clinic's thresholds."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        scope = episode_scope(session, patient_id)
        if scope is None:
            return ReadinessStatus(False, False, "No episode of care yet.", (), None)
        view = load_readiness(session, patient_id, scope, load_thresholds(session).readiness)
    current = view.current
    if current is None:
        return ReadinessStatus(False, False, "Readiness to run not recorded at an evaluation "
                                             "yet.", (), view)
    return ReadinessStatus(True, current.readiness.all_met, current.readiness.summary,
                           current.readiness.criteria, view)
