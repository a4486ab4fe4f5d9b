"""Pain-monitoring rules (after Silbernagel 2007): a logged week says progress, hold or regress."""

from __future__ import annotations

from dataclasses import dataclass

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.handout_language import ENGLISH, phrase
from ptdesk.domain.pain_words import TrafficLight
from ptdesk.domain.pain_words import pain_range as _pain_range
from ptdesk.domain.runplan.model import Decision, WeekLog


@dataclass(frozen=True, slots=True)
class PainRules:
    """Clinician-adjustable thresholds on the 0-10 pain scale.

    Pain up to `progress_max_pain` and no worse the next morning: progress.
    Pain up to `hold_max_pain`: repeat the week. Above it, pain worse the next
    morning, swelling or limping: go back a week and contact the clinic.
    """

    progress_max_pain: int = 3
    hold_max_pain: int = 5

    def __post_init__(self) -> None:
        for name in ("progress_max_pain", "hold_max_pain"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9:
                raise ValidationError(name, f"A pain threshold must be a whole number from 0 to 9 "
                                            f"(got {value!r}).")
        if self.hold_max_pain <= self.progress_max_pain:
            raise ValidationError("hold_max_pain", "The 'repeat the week' pain limit must be "
                                                   "higher than the 'keep going' limit.")


def decide(log: WeekLog, rules: PainRules) -> Decision:
    """The pain rules' verdict on one logged week.

    A week with no running at all cannot justify a step up, so without red
    flags it is repeated (hold); a missed week (no running, no pain) is a hold
    too, and the generator then steps back by the missed-week rule. Stiffness
    the next morning that settles is amber (CLINICAL.md): repeat the week.
    """
    if (log.pain_during > rules.hold_max_pain or log.next_morning == "worse"
            or log.swelling or log.limping):
        return "regress"
    if (log.pain_during > rules.progress_max_pain or log.done_total == 0
            or log.next_morning == "stiff-settled"):
        return "hold"
    return "progress"




def describe_pain_rules(rules: PainRules, language: str = ENGLISH) -> list[TrafficLight]:
    """The rules as a traffic light for the handout, in words a patient can act on.

    The words live in the handout phrase table, beside their Spanish.
    """
    green = _pain_range(0, rules.progress_max_pain, language)
    amber = _pain_range(rules.progress_max_pain + 1, rules.hold_max_pain, language)
    return [
        ("green", phrase(language, "run.pain.green", range=green)),
        ("amber", phrase(language, "run.pain.amber", range=amber)),
        ("red", phrase(language, "run.pain.red", high=rules.hold_max_pain)),
    ]


@dataclass(frozen=True, slots=True)
class GapRules:
    """How far missed weeks (no running, no pain) step the plan back.

    A clinic rule, adjustable, not a validated one (CLINICAL.md): 1 missed week,
    repeat the last completed week; 2-3 weeks, at most 75% of it; 4 or more, at
    most 50% and suggest a re-assessment.
    """

    short_gap_pct: int = 75  # after 2-3 missed weeks
    long_gap_pct: int = 50  # after 4 or more
    long_gap_weeks: int = 4

    def __post_init__(self) -> None:
        for name in ("short_gap_pct", "long_gap_pct"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 10 <= value <= 100:
                raise ValidationError(name, f"A missed-week step back must be a whole percent "
                                            f"from 10 to 100 (got {value!r}).")
        if self.long_gap_pct > self.short_gap_pct:
            raise ValidationError("long_gap_pct", "A longer gap cannot restart higher than a "
                                                  "shorter one.")
        weeks = self.long_gap_weeks
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 2 <= weeks <= 12:
            raise ValidationError("long_gap_weeks", f"The long gap must start from 2 to 12 "
                                                    f"weeks (got {weeks!r}).")

    def share_after(self, missed: int) -> int:
        """Percent of the last completed week to resume at after `missed` missed weeks."""
        if missed <= 1:
            return 100
        return self.long_gap_pct if missed >= self.long_gap_weeks else self.short_gap_pct
