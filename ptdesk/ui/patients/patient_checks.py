"""Checks of the patient form's typed text: dates, every patient field at once, the ICD-10 code, episode facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from ptdesk.domain import evaluation as ev
from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.domain.errors import ValidationError
from ptdesk.services.patients import PatientInput

DATE_HINT = "YYYY-MM-DD"
# Stand-ins that always pass, so every problem in the form is found in one Save, not one per click.
_VALID_STAND_INS: dict[str, object] = {
    "mrn": "TMP-000", "first_name": "A", "last_name": "A", "date_of_birth": date(2000, 1, 1),
    "sex": "unknown", "dominant_leg": "unknown",
}
FIELD_LABELS = {
    "mrn": "MRN", "first_name": "First name", "last_name": "Last name",
    "preferred_name": "Preferred name", "date_of_birth": "Date of birth", "sex": "Sex",
    "dominant_leg": "Dominant leg", "phone": "Phone", "email": "Email", "address": "Address",
    "referring_physician": "Referring physician", "alerts": "Alerts", "diagnosis": "Diagnosis",
    "icd10_code": "ICD-10 code", "affected_side": "Affected side", "onset_date": "Onset date",
    "start_date": "Start of care", "goal": "Goal", "goal_date": "Goal target date",
    "handout_language": "Handout language", "goal_race": "Goal race",
    "goal_race_date": "Race date",
}


def parse_date(text: str, field: str, label: str, *, required: bool = False) -> date | None:
    """A typed YYYY-MM-DD date; blank gives None (or an error when required)."""
    text = text.strip()
    if not text:
        if required:
            raise ValidationError(field, f"{label} is required ({DATE_HINT}).")
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(field, f"{label} must be a real date written {DATE_HINT}, "
                                     "e.g. 1990-04-02.") from None


EPISODE_FACT_KEYS = ("diagnosis", "icd10_code", "affected_side", "onset_date", "goal_race",
                     "goal_race_date")


def episode_fact_errors(texts: dict[str, str],
                        start_of_care: date) -> tuple[EpisodeFacts | None, dict[str, str]]:
    """An episode's facts as typed: (the facts, or None while any field has a problem)."""
    errors: dict[str, str] = {}
    dates: dict[str, date | None] = {}
    for key in ("onset_date", "goal_race_date"):
        try:
            dates[key] = parse_date(texts[key], key, FIELD_LABELS[key])
        except ValidationError as exc:
            dates[key], errors[key] = None, exc.message
    onset = dates["onset_date"]
    if onset is not None and onset > start_of_care:
        errors["onset_date"] = "Onset cannot be after the start of care."
    facts = EpisodeFacts(
        diagnosis=texts["diagnosis"], icd10_code=texts["icd10_code"],
        affected_side=texts["affected_side"], onset_date=onset, goal_race=texts["goal_race"],
        goal_race_date=dates["goal_race_date"])
    try:
        facts = facts.validate()
    except ValidationError as exc:
        errors.setdefault(exc.field, exc.message)
    return (None if errors else facts), errors


def patient_errors(data: PatientInput) -> dict[str, str]:
    """Every field problem in the patient part of the form, by field name."""
    errors: dict[str, str] = {}
    for _ in range(len(FIELD_LABELS)):
        try:
            data.validated()
            break
        except ValidationError as exc:
            if exc.field in errors or not hasattr(data, exc.field):
                errors.setdefault(exc.field, exc.message)
                break
            errors[exc.field] = exc.message
            data = replace(data, **{exc.field: _VALID_STAND_INS.get(exc.field, "")})
    return errors


def icd10_code(code: str) -> str:
    ev.AssessmentPlan(icd10_code=code).validate()  # the same format rule as the evaluation form
    return code.strip().upper()
