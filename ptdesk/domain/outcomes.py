"""Outcome-measure scoring (NPRS, LEFS, Kujala, PSFS) and change-vs-MCID interpretation."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.outcome_missing import form_total

Measure = Literal["nprs", "lefs", "kujala", "psfs"]
Direction = Literal["better", "worse", "no_meaningful_change"]


@dataclass(frozen=True)
class MeasureInfo:
    """Fixed facts about one outcome measure, for forms, charts and report footers."""

    key: Measure
    name: str
    max_total: int
    higher_is_better: bool
    mcid: float
    mcid_source: str


MEASURES: dict[Measure, MeasureInfo] = {
    "nprs": MeasureInfo("nprs", "NPRS", 10, False, 2.0,
                        "about 1-2 points; 1.16 points in patellofemoral pain (Piva 2009)"),
    "lefs": MeasureInfo("lefs", "LEFS", 80, True, 9.0, "9 points (Binkley 1999)"),
    # Not in CLINICAL.md: Crossley 2004 reported 8-10 points for the AKPS; 10 is the
    # conservative end, so a flagged change is a real one.
    "kujala": MeasureInfo("kujala", "Kujala", 100, True, 10.0,
                          "8-10 points in patellofemoral pain (Crossley 2004)"),
    "psfs": MeasureInfo("psfs", "PSFS", 10, True, 2.0,
                        "2 points for the average score (commonly cited, Horn 2012)"),
}

NPRS_MCID_PATELLOFEMORAL = 1.16  # Piva 2009


def mcid_for(measure: Measure, patellofemoral: bool = False) -> float:
    """The minimal clinically important change for `measure` (in the measure's points)."""
    if measure == "nprs" and patellofemoral:
        return NPRS_MCID_PATELLOFEMORAL
    return _info(measure).mcid


@dataclass(frozen=True)
class OutcomeScore:
    """One scored form.

    With missing items the instrument's rule (`outcome_missing`) decides: within its
    limit `total` is prorated and `prorated` is True; beyond it `has_total` is False,
    `total` is the raw sum only (never charted, never a baseline) and `reason` says
    why. `raw_total` is always the plain sum of the answered items, which is what is
    stored. `missing_items` holds the form field ids (e.g. "lefs_item_7",
    "kujala_limp"), the same ids a ValidationError names.
    """

    measure: Measure
    total: float
    max_total: int
    higher_is_better: bool
    missing_items: tuple[str, ...]
    is_complete: bool
    display: str
    prorated: bool = False
    has_total: bool = True
    reason: str = ""
    raw_total: float | None = None


@dataclass(frozen=True)
class ChangeInterpretation:
    """A change between two scores read against the MCID.

    `comparable` is False when either form had missing items: the raw totals then
    understate function, so the change may not be real and `text` says so.
    """

    delta: float
    direction: Direction
    text: str
    comparable: bool = True


# ---- LEFS (Binkley 1999) -------------------------------------------------------------

LEFS_ITEMS: tuple[str, ...] = (
    "Any of your usual work, housework or school activities",
    "Your usual hobbies, recreation or sport",
    "Getting into or out of the bath",
    "Walking between rooms",
    "Putting on your shoes or socks",
    "Squatting",
    "Lifting an object, like a bag of groceries, from the floor",
    "Doing light activities around your home",
    "Doing heavy activities around your home",
    "Getting into or out of a car",
    "Walking 2 blocks",
    "Walking a mile",
    "Going up or down 10 stairs (about 1 flight)",
    "Standing for 1 hour",
    "Sitting for 1 hour",
    "Running on even ground",
    "Running on uneven ground",
    "Making sharp turns while running fast",
    "Hopping",
    "Rolling over in bed",
)
LEFS_ANSWERS: tuple[str, ...] = (
    "Extreme difficulty or unable to perform activity",
    "Quite a bit of difficulty",
    "Moderate difficulty",
    "A little bit of difficulty",
    "No difficulty",
)
LEFS_ITEM_FIELDS: tuple[str, ...] = tuple(f"lefs_item_{n}" for n in range(1, 21))
LEFS_MAX = 80
LEFS_MCID = 9.0


def score_lefs(items: Sequence[int | None], allow_missing: bool = False) -> OutcomeScore:
    """Score the 20 LEFS items (each 0-4, None = marked missing by the clinician)."""
    if len(items) != len(LEFS_ITEMS):
        raise ValidationError(
            "lefs", f"The LEFS has {len(LEFS_ITEMS)} questions; {len(items)} answers were given."
        )
    total = 0
    missing: list[str] = []
    maxima: list[float] = []
    for field, answer in zip(LEFS_ITEM_FIELDS, items, strict=True):
        number = field.rsplit("_", 1)[1]
        if answer is None:
            if not allow_missing:
                raise ValidationError(field, f"LEFS question {number} has no answer. "
                                             "Answer it or mark it as missing.")
            missing.append(field)
            maxima.append(4)
            continue
        _check_int_range(field, answer, 0, 4, f"LEFS question {number} answer")
        total += answer
    return _summed_score("lefs", total, LEFS_MAX, tuple(missing), maxima)


# ---- Kujala Anterior Knee Pain Scale (Kujala 1993) ----------------------------------

@dataclass(frozen=True)
class KujalaItem:
    """One Kujala question; options run from best (index 0) to worst."""

    key: str
    label: str
    options: tuple[tuple[str, int], ...]  # (plain-language answer, points)

    @property
    def max_points(self) -> int:
        return self.options[0][1]


KUJALA_ITEMS: tuple[KujalaItem, ...] = (
    KujalaItem("limp", "Limping", (
        ("None", 5), ("Slight or now and then", 3), ("Constant", 0))),
    KujalaItem("support", "Putting weight on the leg", (
        ("Full weight, no pain", 5), ("Full weight but it hurts", 3),
        ("Cannot put weight on it", 0))),
    KujalaItem("walking", "Walking", (
        ("No limit", 5), ("More than 2 km (about 1.2 miles)", 3),
        ("1 to 2 km (about 0.6 to 1.2 miles)", 2), ("Cannot walk", 0))),
    KujalaItem("stairs", "Stairs", (
        ("No trouble", 10), ("A little pain going down", 8),
        ("Pain going up and down", 5), ("Cannot do stairs", 0))),
    KujalaItem("squatting", "Squatting", (
        ("No trouble", 5), ("Hurts after squatting many times", 4),
        ("Hurts every time", 3), ("Only with part of my weight off the leg", 2),
        ("Cannot squat", 0))),
    KujalaItem("running", "Running", (
        ("No trouble", 10), ("Pain after more than 2 km (about 1.2 miles)", 8),
        ("A little pain from the start", 6), ("Bad pain", 3), ("Cannot run", 0))),
    KujalaItem("jumping", "Jumping", (
        ("No trouble", 10), ("A little trouble", 7), ("Pain every time", 2),
        ("Cannot jump", 0))),
    KujalaItem("prolonged_sitting", "Sitting a long time with knees bent", (
        ("No trouble", 10), ("Pain after exercise", 8), ("Pain all the time", 6),
        ("Pain makes me straighten my knees now and then", 4), ("Cannot sit long", 0))),
    KujalaItem("pain", "Pain", (
        ("None", 10), ("Slight, now and then", 8), ("Wakes me at night", 6),
        ("Sometimes bad", 3), ("Bad all the time", 0))),
    KujalaItem("swelling", "Swelling", (
        ("None", 10), ("Only after hard exercise", 8), ("After everyday activities", 6),
        ("Every evening", 4), ("All the time", 0))),
    KujalaItem("kneecap_movements", "Kneecap slipping or painful kneecap movements", (
        ("None", 10), ("Now and then during sport", 6), ("Now and then in daily life", 4),
        ("Has come out of place at least once", 2),
        ("Has come out of place more than twice", 0))),
    KujalaItem("thigh_atrophy", "Thigh muscle wasting", (
        ("None", 5), ("Slight", 3), ("Marked", 0))),
    KujalaItem("flexion_deficit", "Trouble bending the knee fully", (
        ("None", 5), ("Slight", 3), ("Marked", 0))),
)
KUJALA_ITEM_KEYS: tuple[str, ...] = tuple(item.key for item in KUJALA_ITEMS)
KUJALA_MAX = 100
_KUJALA_BY_KEY = {item.key: item for item in KUJALA_ITEMS}


def kujala_points(key: str, option_index: int) -> int:
    """Points for choosing option `option_index` (0 = best) on Kujala item `key`."""
    item = _KUJALA_BY_KEY.get(key)
    if item is None:
        raise ValidationError("kujala", f"'{key}' is not a Kujala question.")
    field = f"kujala_{key}"
    _check_int_range(field, option_index, 0, len(item.options) - 1,
                     f"The answer to '{item.label}'")
    return item.options[option_index][1]


def score_kujala(
    responses: Mapping[str, int | None], allow_missing: bool = False
) -> OutcomeScore:
    """Score Kujala answers stored as {item key: chosen option index (0 = best) or None}.

    A key left out means the question was skipped and is always refused; None means
    the clinician marked it missing, accepted only with `allow_missing`.
    """
    unknown = sorted(set(responses) - set(KUJALA_ITEM_KEYS))
    if unknown:
        raise ValidationError("kujala", f"'{unknown[0]}' is not a Kujala question.")
    total = 0
    missing: list[str] = []
    maxima: list[float] = []
    for item in KUJALA_ITEMS:
        field = f"kujala_{item.key}"
        if item.key not in responses or (responses[item.key] is None and not allow_missing):
            raise ValidationError(field, f"'{item.label}' has no answer. "
                                         "Answer it or mark it as missing.")
        choice = responses[item.key]
        if choice is None:
            missing.append(field)
            maxima.append(item.max_points)
            continue
        total += kujala_points(item.key, choice)
    return _summed_score("kujala", total, KUJALA_MAX, tuple(missing), maxima)


# ---- NPRS and PSFS ------------------------------------------------------------------

def score_nprs(value: int) -> OutcomeScore:
    """Numeric pain rating 0 (no pain) to 10 (worst pain imaginable); lower is better."""
    _check_int_range("nprs", value, 0, 10, "The pain rating")
    return OutcomeScore("nprs", value, 10, False, (), True, f"{value}/10")


@dataclass(frozen=True)
class PsfsActivity:
    """One activity the patient named, scored 0 (unable) to 10 (as before the problem)."""

    name: str
    score: int


PSFS_MAX_ACTIVITIES = 5


def score_psfs(activities: Sequence[PsfsActivity]) -> OutcomeScore:
    """Average of 1-5 patient-named activities.

    Compare PSFS over time only for the same activities; the service pairs them.
    """
    if not 1 <= len(activities) <= PSFS_MAX_ACTIVITIES:
        raise ValidationError("psfs", "Enter between 1 and 5 activities the patient chose.")
    seen: set[str] = set()
    for n, activity in enumerate(activities, start=1):
        name = activity.name.strip()
        if not name:
            raise ValidationError(f"psfs_activity_{n}", f"Activity {n} needs a name.")
        if name.casefold() in seen:
            raise ValidationError(f"psfs_activity_{n}", f"'{name}' is listed twice.")
        seen.add(name.casefold())
        _check_int_range(f"psfs_score_{n}", activity.score, 0, 10, f"The score for '{name}'")
    mean = sum(a.score for a in activities) / len(activities)
    count = len(activities)
    plural = "activity" if count == 1 else "activities"
    return OutcomeScore("psfs", mean, 10, True, (), True,
                        f"{_fmt(mean)}/10 (average of {count} {plural})")


# ---- Change interpretation ----------------------------------------------------------

def interpret_change(
    measure: Measure,
    before: float | OutcomeScore,
    after: float | OutcomeScore,
    patellofemoral: bool = False,
) -> ChangeInterpretation:
    """Read `after - before` against the MCID, e.g. "LEFS +12: meaningful improvement".

    A change counts as meaningful when its size is at least the MCID. NPRS is
    inverted: a fall in pain is an improvement.
    """
    info = _info(measure)
    comparable = True
    prorated = False
    values: list[float] = []
    for label, value in (("before", before), ("after", after)):
        if isinstance(value, OutcomeScore):
            if value.measure != measure:
                raise ValidationError(measure, f"A {value.measure.upper()} score cannot be "
                                               f"compared with {info.name}.")
            if not value.has_total:
                # Too many items missing: there is no total to compare, and the text says why.
                which = "earlier" if label == "before" else "later"
                return ChangeInterpretation(
                    0.0, "no_meaningful_change",
                    f"{info.name}: no change reading, the {which} form has {value.reason}",
                    False)
            prorated = prorated or value.prorated
            comparable = comparable and (value.is_complete or value.prorated)
            number = float(value.total)
        else:
            number = float(value)
        if not math.isfinite(number) or not 0 <= number <= info.max_total:
            raise ValidationError(f"{measure}_{label}",
                                  f"{info.name} must be between 0 and {info.max_total}.")
        values.append(number)
    # Rounded so that e.g. PSFS averages 6.2 - 4.2 land on the MCID, not a hair under.
    delta = round(values[1] - values[0], 6)
    mcid = mcid_for(measure, patellofemoral)
    signed = delta if info.higher_is_better else -delta
    direction: Direction
    if abs(delta) >= mcid and signed > 0:
        direction, words = "better", "meaningful improvement"
    elif abs(delta) >= mcid:
        direction, words = "worse", "meaningful decline"
    else:
        direction, words = "no_meaningful_change", "within the minimal important change"
    text = f"{info.name} {_signed(delta)}: {words}"
    if prorated:
        text += " (a form was prorated for missing items)"
    if not comparable:
        text += " (a form has missing items, so this change may not be real)"
    return ChangeInterpretation(delta, direction, text, comparable)


# ---- helpers ------------------------------------------------------------------------

def _info(measure: str) -> MeasureInfo:
    for info in MEASURES.values():
        if info.key == measure:
            return info
    raise ValidationError("measure", f"'{measure}' is not an outcome measure PT Desk scores.")


def _check_int_range(field: str, value: object, low: int, high: int, what: str) -> None:
    # bool is an int subclass; a stray True must not score as 1.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"{what} must be a whole number from {low} to {high}.")


def _summed_score(
    measure: Measure, total: int, max_total: int, missing: tuple[str, ...],
    missing_maxima: Sequence[float],
) -> OutcomeScore:
    info = _info(measure)
    item_count = LEFS_ITEMS if measure == "lefs" else KUJALA_ITEMS
    if len(missing) == len(item_count):
        raise ValidationError(measure, f"Every {info.name} question is marked missing, "
                                       "so there is no score.")
    read = form_total(measure, total, max_total, missing_maxima, len(item_count))
    noun = "item" if len(missing) == 1 else "items"
    if read.total is None:
        return OutcomeScore(measure, total, max_total, info.higher_is_better, missing, False,
                            f"No total ({len(missing)} {noun} missing)", False, False,
                            read.reason, total)
    display = f"{_fmt(read.total)}/{max_total}"
    if missing:
        display += f" (prorated, {len(missing)} {noun} missing)"
    return OutcomeScore(measure, read.total, max_total, info.higher_is_better, missing,
                        not missing, display, read.prorated, True, read.reason, total)


def _fmt(value: float) -> str:
    """Whole numbers without decimals, otherwise one decimal place."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _signed(delta: float) -> str:
    # The true minus sign (U+2212) reads better in reports than a hyphen.
    size = _fmt(abs(delta))
    if size == "0.0":  # a tiny PSFS change (e.g. 0.03) must not print as "+0.0"
        size = f"{abs(delta):.2f}"
    if delta > 0:
        return f"+{size}"
    if delta < 0:
        return f"\u2212{size}"
    return "0"
