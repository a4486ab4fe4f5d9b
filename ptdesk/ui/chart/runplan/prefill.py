"""Starting values for a new plan from the latest evaluation's running history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ptdesk.domain.runplan.carry import starting_measure
from ptdesk.services.evaluations import list_visits, load_evaluation
from ptdesk.services.uow import SessionFactory

VISITS_TO_LOOK_AT = 3  # the running history is charted at evaluations, not at every visit


@dataclass(frozen=True)
class Prefill:
    """What the evaluation gives a new plan.

    `texts` go into the form as they are (measure, runs per week, race date); `amounts`
    are the charted running amounts in `unit` (km, mi or min), which the form carries
    into the plan's measure only where the units convert.
    """

    texts: dict[str, str] = field(default_factory=dict)
    amounts: dict[str, float] = field(default_factory=dict)
    unit: str = "mi"


def prefill_from_evaluation(session_factory: SessionFactory, *, actor: str, patient_id: int,
                            today: dt.date, default_units: str = "mi") -> Prefill:
    """Starting values (empty when no recent evaluation recorded a running history).

    The current run starts from the longest recent run (what the patient tolerates now,
    never the pre-injury volume); the weekly goal is the pre-injury volume; running in
    the last 7 days is what was charted, for the clinician to confirm.
    """
    for visit in list_visits(session_factory, patient_id, actor=actor)[:VISITS_TO_LOOK_AT]:
        _summary, evaluation = load_evaluation(session_factory, actor=actor, visit_id=visit.id)
        s = evaluation.subjective
        if s is None:
            continue
        if s.longest_recent_run is None and s.preinjury_weekly_volume is None \
                and s.goal_race_date is None:
            continue
        measure = starting_measure(s.volume_unit, s.longest_recent_run, default_units)
        texts = {"measure": measure}
        if s.runs_per_week:
            texts["runs_per_week"] = str(min(max(s.runs_per_week, 2), 6))
        if s.goal_race_date is not None and s.goal_race_date > today:
            texts["race_date"] = s.goal_race_date.isoformat()
        charted = {"current_run": s.longest_recent_run,
                   "current_weekly": s.current_weekly_volume,
                   "goal_weekly": s.preinjury_weekly_volume}
        # A charted 0 a week is real (not running now: a restart); a 0 run or goal is not.
        amounts = {name: value for name, value in charted.items() if value is not None
                   and (value > 0 or (name == "current_weekly" and value == 0))}
        return Prefill(texts, amounts, s.volume_unit)
    return Prefill()
