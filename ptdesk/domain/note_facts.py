"""Episode facts inside an evaluation: where a note kept them, shown in it, left out of a draft's rows."""

from __future__ import annotations

from dataclasses import replace

from ptdesk.domain import evaluation as ev
from ptdesk.domain.episode_facts import EpisodeFacts

# Where each fact sat in the evaluation before it moved to the episode (issue 18):
# fact -> (evaluation section, field). Signed notes from before keep them there.
NOTE_FIELDS = {
    "diagnosis": ("assessment", "working_diagnosis"),
    "icd10_code": ("assessment", "icd10_code"),
    "onset_date": ("subjective", "onset_date"),
    "goal_race": ("subjective", "goal_race"),
    "goal_race_date": ("subjective", "goal_race_date"),
}


def in_note(evaluation: ev.Evaluation) -> dict[str, object]:
    """Facts a note holds in its own sections (only those it filled in)."""
    found: dict[str, object] = {}
    for name, (section, attr) in NOTE_FIELDS.items():
        part = getattr(evaluation, section)
        value = getattr(part, attr) if part is not None else None
        if value not in (None, ""):
            found[name] = value
    return found


def show_in_note(evaluation: ev.Evaluation, facts: EpisodeFacts) -> ev.Evaluation:
    """The evaluation with `facts` attached and shown in the fact fields of the sections it
    has (an absent section stays absent: the form shows the facts from `episode_facts`)."""
    subjective, assessment = evaluation.subjective, evaluation.assessment
    if subjective is not None:
        subjective = replace(subjective, onset_date=facts.onset_date, goal_race=facts.goal_race,
                             goal_race_date=facts.goal_race_date)
    if assessment is not None:
        assessment = replace(assessment, working_diagnosis=facts.diagnosis,
                             icd10_code=facts.icd10_code)
    return replace(evaluation, episode_facts=facts, subjective=subjective, assessment=assessment)


def without_facts(evaluation: ev.Evaluation) -> ev.Evaluation:
    """The evaluation as a draft note stores it: its fact fields blank (the episode has them)."""
    subjective = evaluation.subjective
    if subjective is not None:
        subjective = replace(subjective, onset_date=None, goal_race="", goal_race_date=None)
        subjective = None if _blank(subjective) else subjective
    assessment = evaluation.assessment
    if assessment is not None:
        assessment = replace(assessment, working_diagnosis="", icd10_code="")
        assessment = None if _blank(assessment) else assessment
    return replace(evaluation, subjective=subjective, assessment=assessment, episode_facts=None)


def _blank(section: ev.SubjectiveFindings | ev.AssessmentPlan) -> bool:
    if isinstance(section, ev.SubjectiveFindings):
        # Units alone are not a finding (as the form treats an untouched section).
        return replace(section, onset_distance_unit="mi", volume_unit="mi") \
            == ev.SubjectiveFindings()
    return section == ev.AssessmentPlan()
