"""The episode facts in the Evaluation form: which section shows each, shown and read back as one."""

from __future__ import annotations

from collections.abc import Mapping

from ptdesk.domain.episode_facts import FACT_NAMES, EpisodeFacts
from ptdesk.domain.errors import ValidationError
from ptdesk.ui.chart.evaluation.section import EvaluationSection

# fact -> (section, field key): the subjective section shows side, onset and goal race,
# the assessment section the diagnosis and ICD-10 code (where clinicians look for them).
FORM_FIELDS = {
    "diagnosis": ("assessment", "working_diagnosis"),
    "icd10_code": ("assessment", "icd10_code"),
    "affected_side": ("subjective", "affected_side"),
    "onset_date": ("subjective", "onset_date"),
    "goal_race": ("subjective", "goal_race"),
    "goal_race_date": ("subjective", "goal_race_date"),
}
_FIELD_OF = {fact: key for fact, (_section, key) in FORM_FIELDS.items()}


def show_facts(sections: Mapping[str, EvaluationSection], facts: EpisodeFacts) -> None:
    """Put the facts the note shows into their fields (call while the form is loading)."""
    for name in FACT_NAMES:
        section, key = FORM_FIELDS[name]
        sections[section].fields.set_value(key, getattr(facts, name))


def facts_in_form(sections: Mapping[str, EvaluationSection]) -> EpisodeFacts:
    """The facts as typed (the fields' own checks have run; the service validates them)."""
    values = {}
    for name in FACT_NAMES:
        section, key = FORM_FIELDS[name]
        value = sections[section].fields.value(key)
        values[name] = value if value is not None or name.endswith("date") else ""
    return EpisodeFacts(**values)


def form_error(error: ValidationError) -> ValidationError:
    """A fact's refusal named by the form field that shows it (diagnosis -> working diagnosis)."""
    key = _FIELD_OF.get(error.field, error.field)
    return error if key == error.field else ValidationError(key, error.message)
