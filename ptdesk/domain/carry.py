"""What a new note may carry forward from earlier visits, section by section (never the red-flag screen)."""

from __future__ import annotations

from dataclasses import replace

from ptdesk.domain import evaluation as ev

# The patient's standing history carries; today's story (complaint, pain, symptoms) does
# not, and the red-flag screen is screened afresh at every evaluation (CLINICAL.md, "The
# record": "The red-flag screen is never carried forward").
CARRIED_SUBJECTIVE = (
    "current_weekly_volume", "preinjury_weekly_volume", "volume_unit", "longest_recent_run",
    "runs_per_week", "shoe_model", "shoe_drop_mm", "surface", "prior_injuries",
)
# Onset, goal race and diagnosis are not carried: they are the episode's facts, shown in every
# note of the episode already (issue 18), and an older note's copy must never overwrite them.
# Sections carried whole: the measurements and the assessment and plan. Readiness is
# tested afresh (issue 17) and the SOAP text is today's note.
CARRIED_SECTIONS = ("knees", "special_tests", "ankles", "strength", "gait", "assessment")


def carried_subjective(found: ev.SubjectiveFindings | None) -> ev.SubjectiveFindings | None:
    """Only the standing history of `found`; None when none of it was charted."""
    if found is None:
        return None
    kept = ev.SubjectiveFindings(**{name: getattr(found, name) for name in CARRIED_SUBJECTIVE})
    blank = replace(ev.SubjectiveFindings(), volume_unit=kept.volume_unit)
    return None if kept == blank else kept


def carried_part(evaluation: ev.Evaluation, section: str) -> object:
    """The value of one carried section of `evaluation` (empty tuple or None when absent)."""
    if section == "subjective":
        return carried_subjective(evaluation.subjective)
    return getattr(evaluation, section)
