"""Home programmes and return-to-run plans for the story patients, through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ptdesk.db.engine import SessionFactory
from ptdesk.demo.kit import Story
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services.exercises import sync_library
from ptdesk.services.prescriptions import DosedItem, items_from_template, save_prescription
from ptdesk.services.runplans import save_plan


@dataclass(frozen=True)
class CarePlan:
    """The programme given at intake, the one that replaced it later, and the running goal."""

    intake_templates: tuple[str, ...]
    later_templates: tuple[str, ...]
    goal_weekly: str  # in the story's volume unit (mi or km)
    goal_long_run: str
    # A lighter week every 4th at 90% suits the shorter rebuilds; the two long
    # rebuilds from very little running leave it off so the goal fits in a year.
    lighter_every: int | None = 4


CARE_PLANS = {
    # Long-run goals at 40% of the weekly goal (CLINICAL.md's default week shape).
    "DEMO-0001": CarePlan(("hip_glute_strength",), ("hip_glute_strength", "opposite_ankle_sprain"),
                          "25", "10", lighter_every=None),
    "DEMO-0002": CarePlan(("hip_glute_strength",), ("hip_glute_strength", "running_form"),
                          "30", "12", lighter_every=None),
    "DEMO-0003": CarePlan(("runners_knee_phase_1",), ("runners_knee_phase_2", "running_form"),
                          "25", "8"),
    "DEMO-0004": CarePlan(("it_band_syndrome",), ("it_band_syndrome", "running_form"), "25", "10"),
    "DEMO-0005": CarePlan(("runners_knee_phase_1",), ("runners_knee_phase_2",), "40", "14"),
}


def add_care(
    session_factory: SessionFactory, *, actor: str, story: Story, patient_id: int,
    episode_id: int, clinician_id: int | None,
) -> None:
    """Prescribe at intake and again at the latest evaluation; plan running from there."""
    care = CARE_PLANS.get(story.patient.mrn)
    if care is None:
        return
    sync_library(session_factory)  # idempotent; the library may not be loaded in a new file
    evaluations = [v for v in story.visits if v.visit_type != "follow_up"]
    for visit, templates in ((evaluations[0], care.intake_templates),
                             (evaluations[-1], care.later_templates)):
        save_prescription(
            session_factory, actor=actor, patient_id=patient_id,
            items=_items(session_factory, templates), effective_date=story.visit_date(visit),
            episode_id=episode_id, clinician_id=clinician_id,
        )
    latest = evaluations[-1]
    history = latest.evaluation.subjective
    assert history is not None and history.longest_recent_run
    start = story.visit_date(latest)
    race: date | None = history.goal_race_date
    inputs = PlanInputs(
        measure=history.volume_unit,  # type: ignore[arg-type]  # "mi" or "km" in every story
        runs_per_week=3, current_run=str(history.longest_recent_run),
        # Anchored to what the patient runs now (issue 14), as charted at this visit.
        current_weekly=str(history.current_weekly_volume or 0),
        goal_weekly=care.goal_weekly, goal_long_run=care.goal_long_run, start=start,
        # At 80% the net gain is only ~6% per 4 weeks; 90% still deloads but progresses.
        race_date=race if race and race > start else None, lighter_every=care.lighter_every,
        lighter_pct=90 if care.lighter_every else None,
    )
    save_plan(session_factory, actor=actor, patient_id=patient_id, inputs=inputs,
              note="Easy effort, flat ground first, alternate days.", episode_id=episode_id,
              clinician_id=clinician_id)


def _items(session_factory: SessionFactory, templates: tuple[str, ...]) -> list[DosedItem]:
    """The templates' exercises in order, each exercise once."""
    seen: set[int] = set()
    items = []
    for template in templates:
        for item in items_from_template(session_factory, template):
            if item.exercise_id not in seen:
                seen.add(item.exercise_id)
                items.append(item)
    return items
