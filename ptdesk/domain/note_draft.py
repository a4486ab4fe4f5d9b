"""Drafts the S, O, A and P boxes of a visit note from its structured evaluation, in plain clinical English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ptdesk.domain import evaluation as ev
from ptdesk.domain.ankle_flags import AnkleThresholds
from ptdesk.domain.note_findings import Sides, num, objective_findings, sentence, words
from ptdesk.domain.readiness import ReadinessThresholds

# The clinic's words for a clear red-flag screen (the quick fill writes them; the demo uses them).
CLEAR_RED_FLAGS = "No night pain, fever, weight loss, numbness or locking."
SOAP_FIELDS = ("soap_subjective", "soap_objective", "soap_assessment", "soap_plan")
_SYMPTOMS = {"pain": "pain", "weakness": "weakness or fatigue", "giving_way": "giving way",
             "grinding": "grinding", "popping": "popping", "swelling": "swelling"}
_LOCATIONS = {"front": "the front of the knee", "outer": "the outer knee",
              "inner": "the inner knee", "back": "the back of the knee",
              "below_kneecap": "below the kneecap"}
_AGGRAVATORS = {"stairs": "stairs", "squatting": "squatting", "sitting": "prolonged sitting",
                "downhill": "downhill running", "running": "running"}
_PER_WEEK = {"min": "min", "km": "km", "mi": "mi"}


@dataclass(frozen=True)
class DraftContext:
    """What the note needs beyond the evaluation: the episode's sides, goals and prescription."""

    affected_side: str | None = None
    injured_ankle_side: str | None = None
    goals: tuple[tuple[str, date | None], ...] = ()
    prescription: tuple[str, ...] = ()  # home programme lines, e.g. "Clamshell 3 x 15"
    ankle_thresholds: AnkleThresholds | None = None
    readiness_thresholds: ReadinessThresholds | None = None


@dataclass(frozen=True)
class NoteDraft:
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan: str = ""

    def by_field(self) -> dict[str, str]:
        """The draft keyed like the evaluation's SOAP fields."""
        return dict(zip(SOAP_FIELDS, (self.subjective, self.objective, self.assessment,
                                      self.plan), strict=True))


def day_text(day: date) -> str:
    """12 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


def _nprs(s: ev.SubjectiveFindings) -> str:
    parts = [f"{value}/10 {label}" for value, label in
             ((s.nprs_now, "now"), (s.nprs_best, "at best"), (s.nprs_worst, "at worst"))
             if value is not None]
    return f"Pain (NPRS) {', '.join(parts)}." if parts else ""


def _running(s: ev.SubjectiveFindings) -> list[str]:
    unit = _PER_WEEK.get(s.volume_unit, s.volume_unit)
    out = []
    volume = []
    if s.current_weekly_volume is not None:
        volume.append(f"runs {num(s.current_weekly_volume)} {unit} a week now")
    if s.preinjury_weekly_volume is not None:
        volume.append(f"{num(s.preinjury_weekly_volume)} {unit} a week before the injury")
    if s.longest_recent_run is not None:
        volume.append(f"longest recent run {num(s.longest_recent_run)} {unit}")
    if s.runs_per_week is not None:
        volume.append(f"{s.runs_per_week} runs a week")
    if volume:
        text = "; ".join(volume)
        out.append(sentence(text[0].upper() + text[1:]))
    if s.goal_race.strip():
        when = f" on {day_text(s.goal_race_date)}" if s.goal_race_date else ""
        out.append(f"Goal race: {s.goal_race.strip()}{when}.")
    kit = []
    if s.shoe_model.strip():
        drop = f", {num(s.shoe_drop_mm)} mm drop" if s.shoe_drop_mm is not None else ""
        kit.append(f"shoes: {s.shoe_model.strip()}{drop}")
    if s.surface.strip():
        kit.append(f"runs on {s.surface.strip().lower()}")
    if kit:
        text = "; ".join(kit)
        out.append(sentence(text[0].upper() + text[1:]))
    return out


def _aggravators(keys: tuple[str, ...]) -> str:
    """'stairs and running, especially downhill' (downhill is a kind of running)."""
    if "downhill" in keys and "running" in keys:
        rest = [_AGGRAVATORS.get(k, k) for k in keys if k not in ("downhill", "running")]
        return words([*rest, "running"]) + ", especially downhill"
    return words([_AGGRAVATORS.get(k, k) for k in keys])


def draft_subjective(s: ev.SubjectiveFindings | None) -> str:
    if s is None:
        return ""
    lines = []
    if s.chief_complaint.strip():
        lines.append(sentence(s.chief_complaint))
    onset = s.onset_mechanism.strip()
    if onset or s.onset_date:
        since = f" {day_text(s.onset_date)}" if s.onset_date else ""
        lines.append(sentence(f"Onset{since}: {onset[0].lower() + onset[1:]}" if onset
                              else f"Onset{since}"))
    story = []
    where = " at " + words([_LOCATIONS.get(k, k) for k in s.pain_locations]) \
        if s.pain_locations else ""
    if s.symptoms:
        story.append("reports " + words([_SYMPTOMS.get(k, k) for k in s.symptoms]) + where)
    elif where:
        story.append("symptoms" + where)
    if s.aggravating:
        story.append("worse with " + _aggravators(s.aggravating))
    if s.onset_distance is not None:
        story.append(f"comes on at about {num(s.onset_distance)} {s.onset_distance_unit}")
    if story:
        text = "; ".join(story)
        lines.append(sentence(text[0].upper() + text[1:]))
    lines.append(_nprs(s))
    lines += _running(s)
    if s.prior_injuries:
        items = []
        for injury in s.prior_injuries:
            when = f", {injury.injury_date:%b %Y}" if injury.injury_date else ""
            items.append(f"{injury.description.strip()} ({injury.side}{when})")
        lines.append(sentence("Prior injuries: " + "; ".join(items)))
    if s.red_flags_screened:
        notes = s.red_flags_notes.strip()
        lines.append(sentence("Red flags screened" + (f": {notes}" if notes else "")))
    return " ".join(line for line in lines if line)


def draft_objective(evaluation: ev.Evaluation, context: DraftContext) -> str:
    found = objective_findings(evaluation, Sides(context.affected_side, context.injured_ankle_side),
                               context.ankle_thresholds, context.readiness_thresholds)
    lines = list(found.abnormal)
    if found.normal:
        text = "; ".join(found.normal)
        lines.append(sentence("Within normal limits: " + text))
    return "\n".join(lines)


def draft_assessment(evaluation: ev.Evaluation, context: DraftContext) -> str:
    plan = evaluation.assessment or ev.AssessmentPlan()
    lines = []
    if plan.working_diagnosis.strip():
        code = f" (ICD-10 {plan.icd10_code.strip()})" if plan.icd10_code.strip() else ""
        lines.append(sentence(f"Working diagnosis: {plan.working_diagnosis.strip()}{code}"))
    if plan.problem_list.strip():
        lines.append("Problem list:\n" + plan.problem_list.strip())
    found = objective_findings(evaluation, Sides(context.affected_side, context.injured_ankle_side),
                               context.ankle_thresholds, context.readiness_thresholds)
    if found.flags:
        lines.append(sentence("Flagged: " + "; ".join(found.flags)))
    return "\n".join(lines)


def draft_plan(evaluation: ev.Evaluation, context: DraftContext) -> str:
    plan = evaluation.assessment or ev.AssessmentPlan()
    lines = []
    if plan.visit_frequency.strip():
        lines.append(sentence(f"Frequency: {plan.visit_frequency.strip()}"))
    if plan.plan_notes.strip():
        lines.append(sentence(plan.plan_notes.strip()))
    gait = evaluation.gait
    target = gait.cadence_target_spm if gait is not None else None
    if gait is not None and target is not None and gait.cadence_target_pct is not None:
        lines.append(f"Cadence cue: +{num(gait.cadence_target_pct)}% to {target} steps/min "
                     f"(metronome {target} bpm).")
    if context.prescription:
        lines.append(sentence("Home programme: " + "; ".join(context.prescription)))
    if context.goals:
        goals = [f"{text.strip()}" + (f" by {day_text(when)}" if when else "")
                 for text, when in context.goals if text.strip()]
        lines.append(sentence("Goals: " + "; ".join(goals)))
    return "\n".join(lines)


def draft_note(evaluation: ev.Evaluation, context: DraftContext | None = None) -> NoteDraft:
    """The four SOAP boxes as a clinician would write them from this evaluation."""
    ctx = context or DraftContext()
    return NoteDraft(
        subjective=draft_subjective(evaluation.subjective),
        objective=draft_objective(evaluation, ctx),
        assessment=draft_assessment(evaluation, ctx),
        plan=draft_plan(evaluation, ctx),
    )
