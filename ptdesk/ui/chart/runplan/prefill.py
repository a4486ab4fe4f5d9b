"""Starting values for a new plan from the latest evaluation's running history."""

from __future__ import annotations

import datetime as dt

from ptdesk.services.evaluations import list_visits, load_evaluation
from ptdesk.services.uow import SessionFactory

_MEASURES = {"km": "km", "mi": "mi", "min": "minutes"}
VISITS_TO_LOOK_AT = 3  # the running history is charted at evaluations, not at every visit


def _amount(value: float | None) -> str:
    if value is None or value <= 0:
        return ""
    return f"{value:g}"


def prefill_from_evaluation(session_factory: SessionFactory, *, actor: str, patient_id: int,
                            today: dt.date) -> dict[str, str]:
    """Raw field texts to start from (empty when no evaluation recorded a running history).

    The current run starts from the longest recent run (what the patient tolerates now,
    never the pre-injury volume); the weekly goal is the pre-injury volume.
    """
    for visit in list_visits(session_factory, patient_id, actor=actor)[:VISITS_TO_LOOK_AT]:
        _summary, evaluation = load_evaluation(session_factory, actor=actor, visit_id=visit.id)
        s = evaluation.subjective
        if s is None:
            continue
        if s.longest_recent_run is None and s.preinjury_weekly_volume is None \
                and s.goal_race_date is None:
            continue
        texts = {"measure": _MEASURES.get(s.volume_unit, "mi"),
                 "current_run": _amount(s.longest_recent_run),
                 # What was charted; the clinician confirms it against the last 7 days.
                 "current_weekly": _amount(s.current_weekly_volume),
                 "goal_weekly": _amount(s.preinjury_weekly_volume)}
        if s.runs_per_week:
            texts["runs_per_week"] = str(min(max(s.runs_per_week, 2), 6))
        if s.goal_race_date is not None and s.goal_race_date > today:
            texts["race_date"] = s.goal_race_date.isoformat()
        return texts
    return {}
