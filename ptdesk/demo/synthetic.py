"""Deterministic plans of synthetic patients: who they are and what was charted at each visit."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from ptdesk.demo.conditions import (
    CONDITIONS,
    CORE_GROUPS,
    NORMS_KG,
    Condition,
)
from ptdesk.demo.names import (
    AREA_CODES,
    CITIES,
    NAME_POOLS,
    PHYSICIANS,
    STREET_KINDS,
    STREETS,
)
from ptdesk.domain.validation import MMT_GRADES, search_key

HISTORY_DAYS = 3 * 365  # visits reach back about three years
_POOL_WEIGHTS = tuple(accumulate(pool.weight for pool in NAME_POOLS))
_CONDITION_WEIGHTS = tuple(accumulate(c.weight for c in CONDITIONS))
# Short gaps while care is intense, longer ones as the patient manages at home.
_EARLY_GAPS = (2, 3, 3, 4, 4, 7)
_LATE_GAPS = (5, 7, 7, 7, 10, 14)
RE_EVAL_EVERY_DAYS = 30


@dataclass(frozen=True, slots=True)
class StrengthValue:
    group: str
    side: str
    kg: float | None  # dynamometer reading, or None when graded by manual muscle test
    grade: str | None


@dataclass(frozen=True, slots=True)
class VisitPlan:
    visit_date: date
    visit_type: str
    clinician: int  # index into the clinic's clinicians
    nprs: int
    progress: float  # 0 at intake, 1 when the planned course is complete
    weekly_volume: float
    signed: bool
    strength: tuple[StrengthValue, ...] = ()

    @property
    def is_evaluation(self) -> bool:
        return self.visit_type != "follow_up"


@dataclass(frozen=True, slots=True)
class EpisodePlan:
    condition: Condition
    side: str
    onset: date
    start: date
    status: str
    end: date | None
    intake_nprs: int
    visits: tuple[VisitPlan, ...]
    goals: tuple[tuple[str, date, date | None], ...]  # (goal, target date, met on)

    @property
    def icd10_code(self) -> str:
        return self.condition.codes[self.side]


@dataclass(frozen=True, slots=True)
class PatientPlan:
    index: int
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    dominant_leg: str
    phone: str
    email: str
    address: str
    referring_physician: str
    units: str  # "mi" or "km" for running volume
    preinjury_volume: float
    uses_mmt: bool
    episodes: tuple[EpisodePlan, ...]

    @property
    def visit_count(self) -> int:
        return sum(len(e.visits) for e in self.episodes)


def synthetic_mrn(seed: int, index: int) -> str:
    return f"SYN-{seed}-{index:06d}"


def synthetic_prefix(seed: int) -> str:
    return f"SYN-{seed}-"


def plan_patient(seed: int, index: int, today: date, clinicians: int = 4) -> PatientPlan:
    """Patient `index` (from 1) of the clinic for `seed`; the same inputs give the same patient.

    Each patient has its own random stream, so patient 7 is the same whether 10 or
    10,000 patients are generated: a larger run extends a smaller one.
    """
    rng = random.Random(f"ptdesk-demo:{seed}:{index}")
    pool = rng.choices(NAME_POOLS, cum_weights=_POOL_WEIGHTS)[0]
    sex = rng.choices(("female", "male", "other"), cum_weights=(55, 98, 100))[0]
    name_sex = sex if sex != "other" else rng.choice(("female", "male"))
    first = rng.choice(pool.female if name_sex == "female" else pool.male)
    last = rng.choice(pool.last_names(name_sex))
    age_years = int(rng.triangular(14, 75, 36))
    born = today - timedelta(days=int(age_years * 365.25) + rng.randint(1, 360))
    units = "mi" if rng.random() < 0.7 else "km"
    preinjury = round(rng.uniform(8, 45) * (1.6 if units == "km" else 1.0), 1)
    strength_scale = (1.3 if name_sex == "male" else 1.0) * rng.uniform(0.8, 1.2)
    strength_scale *= 0.9 if age_years < 18 else 1 - 0.008 * max(0, age_years - 35)
    uses_mmt = rng.random() < 0.25
    episodes: list[EpisodePlan] = []
    start = today - timedelta(days=rng.randint(14, HISTORY_DAYS))
    while start <= today and len(episodes) < 2:
        episode = _plan_episode(rng, start, today, preinjury, strength_scale, uses_mmt, clinicians)
        episodes.append(episode)
        if rng.random() > 0.35:
            break
        start = episode.visits[-1].visit_date + timedelta(days=rng.randint(45, 500))
    return PatientPlan(
        index=index, mrn=synthetic_mrn(seed, index), first_name=first, last_name=last,
        date_of_birth=born, sex=sex,
        dominant_leg=rng.choices(("right", "left", "unknown"), cum_weights=(86, 97, 100))[0],
        phone=f"({rng.choice(AREA_CODES)}) 555-{rng.randint(100, 199):04d}",
        email=_email(first, last, index),
        address=f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}, "
        f"{rng.choice(CITIES)}",
        referring_physician=rng.choice(PHYSICIANS) if rng.random() < 0.8 else "",
        units=units, preinjury_volume=preinjury, uses_mmt=uses_mmt, episodes=tuple(episodes),
    )


def _email(first: str, last: str, index: int) -> str:
    local = "".join(ch for ch in search_key(f"{first}.{last}") if ch.isalnum() or ch == ".")
    if not local.isascii() or len(local) < 3:
        local = "patient"  # names in Greek or Cyrillic letters
    return f"{local}{index}@example.com"


def _plan_episode(
    rng: random.Random, start: date, today: date, preinjury: float, scale: float,
    uses_mmt: bool, clinicians: int,
) -> EpisodePlan:
    condition = rng.choices(CONDITIONS, cum_weights=_CONDITION_WEIGHTS)[0]
    sides = tuple(condition.codes)
    side = "both" if "both" in sides and rng.random() < 0.2 else rng.choice(("left", "right"))
    onset = start - timedelta(days=rng.randint(5, 120))
    planned = rng.randint(6, 28)
    intake_nprs = rng.randint(3, 8)
    deficits = _deficits(rng, condition)
    clinician = rng.randrange(clinicians)
    current = round(preinjury * rng.uniform(0.0, 0.5), 1)
    dates = _visit_dates(rng, start, planned, today)
    completed = len(dates) == planned
    ending = rng.random() if completed else 1.0  # <0.7 discharge visit, <0.9 dropped out
    visits: list[VisitPlan] = []
    last_eval = start
    for i, when in enumerate(dates):
        p = i / (planned - 1)
        final = i == len(dates) - 1
        if i == 0:
            kind = "initial_evaluation"
        elif final and ending < 0.7:
            kind = "discharge"
        elif (when - last_eval).days >= RE_EVAL_EVERY_DAYS and not final:
            kind = "re_evaluation"
        else:
            kind = "follow_up"
        if kind != "follow_up":
            last_eval = when
        pain = intake_nprs if i == 0 else round(intake_nprs * (1 - 0.85 * p) + rng.uniform(-1, 1))
        visits.append(VisitPlan(
            visit_date=when, visit_type=kind,
            clinician=clinician if rng.random() < 0.85 else rng.randrange(clinicians),
            nprs=min(10, max(0, pain)), progress=round(p, 3),
            weekly_volume=round(current + (preinjury * 0.9 - current) * p, 1),
            # The newest note of a patient still in care is still open for editing.
            signed=not (final and not completed),
            strength=() if kind == "follow_up" else _strength(rng, deficits, side, p, scale,
                                                              uses_mmt),
        ))
    last = visits[-1].visit_date
    if not completed:
        status, end = "active", None
    elif ending < 0.9:
        status, end = "discharged", last
    else:
        status, end = "on_hold", None
    goals = tuple(
        (text, start + timedelta(weeks=rng.randint(4, 10)),
         end if status == "discharged" and ending < 0.7 and rng.random() < 0.8 else None)
        for text in rng.sample(condition.goals, 2)
    )
    return EpisodePlan(condition, side, onset, start, status, end, intake_nprs, tuple(visits),
                       goals)


def _visit_dates(rng: random.Random, start: date, planned: int, today: date) -> list[date]:
    dates = [start]
    when = start
    while len(dates) < planned:
        when += timedelta(days=rng.choice(_EARLY_GAPS if len(dates) < 6 else _LATE_GAPS))
        if when > today:
            break
        dates.append(when)
    return dates


def _deficits(rng: random.Random, condition: Condition) -> dict[str, tuple[float, float, float]]:
    """Per group: (norm kg, intake ratio to the other leg, ratio reached at the end of care)."""
    groups = CORE_GROUPS + tuple(g for g in condition.weak_groups if g not in CORE_GROUPS)
    out = {}
    for group in groups:
        weak = group in condition.weak_groups
        intake = rng.uniform(0.70, 0.88) if weak else rng.uniform(0.90, 1.0)
        out[group] = (NORMS_KG[group], intake, rng.uniform(0.92, 1.02))
    return out


def _strength(
    rng: random.Random, deficits: dict[str, tuple[float, float, float]], side: str, p: float,
    scale: float, uses_mmt: bool,
) -> tuple[StrengthValue, ...]:
    # With both legs sore one leg is still the weaker; it carries the full deficit.
    involved = side if side != "both" else "left"
    rows = []
    for group, (norm, intake, target) in deficits.items():
        ratio = intake + (target - intake) * p
        strong = norm * scale * (1 + 0.05 * p) * rng.uniform(0.96, 1.04)
        values = {"left": strong, "right": strong}
        values[involved] = strong * ratio
        if side == "both":
            values["right"] = strong * (1 + ratio) / 2
        for leg in ("left", "right"):
            if uses_mmt:
                rows.append(StrengthValue(group, leg, None, _grade(values[leg] / strong)))
            else:
                rows.append(StrengthValue(group, leg, round(values[leg], 1), None))
    return tuple(rows)


def _grade(ratio: float) -> str:
    """A manual muscle test grade a clinician would give for this share of full strength."""
    for floor, grade in ((0.97, "5"), (0.9, "4+"), (0.82, "4"), (0.74, "4-"), (0.0, "3+")):
        if ratio >= floor:
            assert grade in MMT_GRADES
            return grade
    return "3+"

