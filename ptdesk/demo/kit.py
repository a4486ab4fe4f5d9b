"""Building blocks for the hand-written demo patients: story records and compact value builders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ptdesk.domain import evaluation as ev
from ptdesk.domain.note_draft import CLEAR_RED_FLAGS
from ptdesk.domain.outcomes import KUJALA_ITEM_KEYS, LEFS_ITEMS
from ptdesk.services.patients import PatientInput

# Items a runner loses first (running, turning, hopping, squatting, stairs, hobbies),
# so a reduced LEFS total reads like a runner's form rather than random answers.
# What every story patient was screened for (charted in the subjective section).
NO_RED_FLAGS = CLEAR_RED_FLAGS

_LEFS_RUNNER_ORDER = (15, 16, 17, 18, 1, 5, 12, 13, 8, 14, 11, 6, 0, 9)

OutcomeItems = list[int | None] | dict[str, int | None] | list[tuple[str, int]]


@dataclass(frozen=True)
class OutcomeEntry:
    """One outcome form as the outcomes service takes it (items shaped per measure)."""

    measure: str
    items: OutcomeItems


@dataclass(frozen=True)
class StoryVisit:
    day: int  # days after the start of care
    visit_type: str
    evaluation: ev.Evaluation
    outcomes: tuple[OutcomeEntry, ...] = ()


@dataclass(frozen=True)
class Story:
    """A demo patient with one episode of care and its visits, all dated relative to today."""

    patient: PatientInput
    diagnosis: str
    icd10_code: str
    affected_side: str
    onset: date
    start: date
    goals: tuple[tuple[str, date | None], ...]
    visits: tuple[StoryVisit, ...]
    injured_ankle_side: str | None = None  # the sprained ankle, when the story has one

    def visit_date(self, visit: StoryVisit) -> date:
        return self.start + timedelta(days=visit.day)


def next_date(today: date, month: int, day: int) -> date:
    """The next `month`/`day` strictly after today (a race 'in May' is always ahead)."""
    candidate = date(today.year, month, day)
    return candidate if candidate > today else date(today.year + 1, month, day)


StrengthTable = dict[str, tuple[float, float]]  # group -> (left kg, right kg) at intake


def strength_grid(
    table: StrengthTable, weak: str, progress: float, mmt: dict[str, tuple[str, str]] | None = None
) -> tuple[ev.StrengthMeasurement, ...]:
    """Dynamometer rows (kg) for both legs, with the weak side's gap closed by `progress`.

    `weak` is "left", "right" or "both"; with "both" the weaker leg catches up and both
    rise by up to 20%. The strong side gains a little too, as it does when both legs train.
    """
    rows: list[ev.StrengthMeasurement] = []
    growth = 0.2 if weak == "both" else 0.03
    for group, (left, right) in table.items():
        values = {"left": left, "right": right}
        for side in ("left", "right"):
            other = values["right" if side == "left" else "left"]
            mine = values[side]
            gap = max(0.0, other * 0.97 - mine) if weak in (side, "both") else 0.0
            value = (mine + gap * progress) * (1 + growth * progress)
            rows.append(ev.StrengthMeasurement(group, side, "dynamometer", value=round(value, 1),
                                               unit="kg"))
    for group, (left_grade, right_grade) in (mmt or {}).items():
        rows.append(ev.StrengthMeasurement(group, "left", "mmt", mmt_grade=left_grade))
        rows.append(ev.StrengthMeasurement(group, "right", "mmt", mmt_grade=right_grade))
    return tuple(rows)


def special_tests(positive: tuple[tuple[str, str], ...]) -> tuple[ev.SpecialTestResult, ...]:
    """Every special test on both knees: the (test, side) pairs given positive, others negative."""
    return tuple(
        ev.SpecialTestResult(test, side, "positive" if (test, side) in positive else "negative")
        for test in ev.SPECIAL_TEST_KEYS
        for side in ("left", "right")
    )


def lefs_items(total: int) -> list[int | None]:
    """Twenty LEFS answers adding up to `total`, difficulty placed on running items first."""
    if not 0 <= total <= 80:
        raise ValueError("LEFS totals run from 0 to 80")
    items: list[int | None] = [4] * len(LEFS_ITEMS)
    deficit = 80 - total
    order = list(_LEFS_RUNNER_ORDER) + [i for i in range(20) if i not in _LEFS_RUNNER_ORDER]
    # Take one point per pass so the loss spreads like a real form (3s and 2s, few 0s).
    while deficit > 0:
        for index in order:
            value = items[index]
            if deficit and value:
                items[index] = value - 1
                deficit -= 1
    return items


def kujala_items(**answers: int) -> dict[str, int | None]:
    """Kujala answers as option indexes (0 = best); questions not named are answered best."""
    unknown = set(answers) - set(KUJALA_ITEM_KEYS)
    if unknown:
        raise ValueError(f"not Kujala questions: {sorted(unknown)}")
    return {key: answers.get(key, 0) for key in KUJALA_ITEM_KEYS}


def nprs(value: int) -> OutcomeEntry:
    return OutcomeEntry("nprs", [value])


def lefs(total: int) -> OutcomeEntry:
    return OutcomeEntry("lefs", lefs_items(total))


def kujala(**answers: int) -> OutcomeEntry:
    return OutcomeEntry("kujala", kujala_items(**answers))


def psfs(*activities: tuple[str, int]) -> OutcomeEntry:
    return OutcomeEntry("psfs", list(activities))


def follow_up(full: ev.Evaluation, *, keep_ankles: bool = False) -> ev.Evaluation:
    """A follow-up charts pain, training and strength; the full exam waits for re-evaluation."""
    return replace(full, knees=(), special_tests=(), gait=None, assessment=None,
                   readiness=None, ankles=full.ankles if keep_ankles else ())


def story_visit(
    day: int, kind: str, full: ev.Evaluation, outcomes: tuple[OutcomeEntry, ...] = (),
    *, keep_ankles: bool = False,
) -> StoryVisit:
    """A dated visit; follow-ups keep only what is re-measured at a follow-up."""
    evaluation = follow_up(full, keep_ankles=keep_ankles) if kind == "follow_up" else full
    return StoryVisit(day, kind, evaluation, outcomes)


def story_visits(
    exam: Callable[[Progress], ev.Evaluation],
    steps: tuple[tuple[int, str, Progress, tuple[OutcomeEntry, ...]], ...],
    *, keep_ankles: bool = False,
) -> tuple[StoryVisit, ...]:
    """Each step's full exam at its progress, trimmed to what its visit type charts."""
    return tuple(story_visit(day, kind, exam(pr), outcomes, keep_ankles=keep_ankles)
                 for day, kind, pr, outcomes in steps)


@dataclass(frozen=True)
class Progress:
    """What changes between visits of one story: pain, training load and recovery."""

    p: float  # 0 at intake, towards 1 as strength deficits close
    now: int
    best: int
    worst: int
    volume: float
    longest: float
    runs: int
    notes: tuple[str, str, str, str]  # SOAP subjective, objective, assessment, plan

    def soap(self, evaluation: ev.Evaluation) -> ev.Evaluation:
        s, o, a, p = self.notes
        return replace(evaluation, soap_subjective=s, soap_objective=o, soap_assessment=a,
                       soap_plan=p)

    def lerp(self, start: float, end: float, digits: int = 1) -> float:
        return round(start + (end - start) * self.p, digits)
