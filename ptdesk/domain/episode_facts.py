"""The episode facts a note shows (diagnosis, ICD-10, side, onset, goal race): one source, checked once."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

from ptdesk.domain.validation import AFFECTED_SIDES, optional_text, require_text, validate_choice

# Words for each fact, used in conflicts and in audit summaries (names only, never values).
FACT_LABELS = {
    "diagnosis": "Diagnosis", "icd10_code": "ICD-10 code", "affected_side": "Affected side",
    "onset_date": "Onset date", "goal_race": "Goal race", "goal_race_date": "Race date",
}


@dataclass(frozen=True)
class EpisodeFacts:
    """What the episode says while a note is a draft; what a signed note froze at signing."""

    diagnosis: str = ""
    icd10_code: str = ""
    affected_side: str = ""
    onset_date: date | None = None
    goal_race: str = ""
    goal_race_date: date | None = None

    def validate(self) -> EpisodeFacts:
        """The facts as stored (trimmed, code upper-cased); ValidationError on bad input."""
        diagnosis = require_text("diagnosis", self.diagnosis, "Diagnosis", 300)
        code = self.icd10_code.strip().upper()
        from ptdesk.domain.evaluation import AssessmentPlan  # evaluation.py imports this module

        AssessmentPlan(icd10_code=code).validate()  # the one ICD-10 format rule
        validate_choice("affected_side", self.affected_side, AFFECTED_SIDES, "Affected side")
        race = optional_text("goal_race", self.goal_race, "Goal race", 200)
        return replace(self, diagnosis=diagnosis, icd10_code=code, goal_race=race)


FACT_NAMES = tuple(f.name for f in fields(EpisodeFacts))


def differing(old: EpisodeFacts, new: EpisodeFacts) -> list[str]:
    """Names of the facts that differ, in form order."""
    return [name for name in FACT_NAMES if getattr(old, name) != getattr(new, name)]
