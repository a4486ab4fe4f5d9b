"""Change of one measure at a chosen visit since intake and since the visit before, read vs MCID."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ptdesk.domain import diagnosis
from ptdesk.domain import outcomes as oc
from ptdesk.domain.outcome_missing import form_total
from ptdesk.domain.psfs import compare_psfs
from ptdesk.services.episodes import EpisodeInfo
from ptdesk.services.evaluations import VisitSummary
from ptdesk.services.outcomes import OutcomeRecord
from ptdesk.ui.kit.text import day_text


@dataclass(frozen=True)
class ChangeText:
    """One comparison line and its direction ("better", "worse", "no_meaningful_change")."""

    text: str
    direction: str


@dataclass(frozen=True)
class VisitResult:
    """A measure's saved result at one visit and how it compares with earlier results."""

    record: OutcomeRecord
    since_intake: ChangeText | None
    since_last: ChangeText | None
    note: str  # e.g. "First LEFS of this episode: the intake value."


def is_patellofemoral(episode: EpisodeInfo | None) -> bool:
    return episode is not None and diagnosis.is_patellofemoral(episode.diagnosis,
                                                               episode.icd10_code)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _score(record: OutcomeRecord, total: float) -> oc.OutcomeScore:
    info = oc.MEASURES[record.measure]  # type: ignore[index]
    missing = tuple(f"item_{n}" for n in range(record.missing_items))
    return oc.OutcomeScore(info.key, total, info.max_total, info.higher_is_better, missing,
                           not missing, "")


def _rated(record: OutcomeRecord) -> list[tuple[str, float]]:
    return [(label, value) for _k, label, value in record.items if value is not None]


def compare(before: OutcomeRecord, after: OutcomeRecord, label: str,
            patellofemoral: bool) -> ChangeText:
    """ "Since intake (1 Oct 2026): LEFS +12: meaningful improvement (54 → 66)"."""
    measure = after.measure
    head = f"{label} ({day_text(before.visit_date)}): "
    low, high, note = before.total, after.total, ""
    if measure == "psfs":
        shared = compare_psfs(_rated(before), _rated(after))
        if shared is None:
            return ChangeText(head + "PSFS activities differ, so there is nothing to compare.",
                              "no_meaningful_change")
        low, high, count = shared.before, shared.after, shared.shared
        if count < max(len(before.items), len(after.items)):
            note = f", on the {count} {'activity' if count == 1 else 'activities'} rated both times"
    reading = oc.interpret_change(measure, _score(before, low), _score(after, high),  # type: ignore[arg-type]
                                  patellofemoral)
    return ChangeText(f"{head}{reading.text} ({_fmt(low)} → {_fmt(high)}{note})",
                      reading.direction)


def result_at_visit(
    records: Sequence[OutcomeRecord], visits: Sequence[VisitSummary], visit_id: int,
    measure: str, patellofemoral: bool,
) -> VisitResult | None:
    """The measure at `visit_id` against the first and the previous result of its episode."""
    episode_of = {v.id: v.episode_id for v in visits}
    episode = episode_of.get(visit_id)
    # list_outcomes is oldest first; same-day results keep their entry order.
    series = [r for r in records
              if r.measure == measure and episode_of.get(r.visit_id) == episode]
    position = next((n for n, r in enumerate(series) if r.visit_id == visit_id), None)
    if position is None:
        return None
    current = series[position]
    name = oc.MEASURES[measure].name  # type: ignore[index]
    if position == 0:
        later = len(series) - 1
        note = f"First {name} of this episode: the intake value."
        if later:
            note += f" {later} later result{'s' if later > 1 else ''} compare with it."
        return VisitResult(current, None, None, note)
    intake, previous = series[0], series[position - 1]
    return VisitResult(current, compare(intake, current, "Since intake", patellofemoral),
                       compare(previous, current, "Since the visit before", patellofemoral), "")


def result_line(record: OutcomeRecord) -> str:
    """The saved score by the missing-item rule: "LEFS 60/80 (prorated) · 2 items missing",
    "LEFS No total (6 items missing)" (OutcomeRecord.score_text, domain/outcome_missing.py)."""
    name = oc.MEASURES[record.measure].name  # type: ignore[index]
    if record.measure == "psfs":
        count = len(record.items)
        return (f"{name} {_fmt(record.total)}/10 (average of {count} "
                f"{'activity' if count == 1 else 'activities'})")
    text = f"{name} {record.score_text}"
    if record.missing_items and not text.endswith("missing)"):
        noun = "item" if record.missing_items == 1 else "items"
        text += f" · {record.missing_items} {noun} missing"
    return text


def live_total_text(name: str, measure: str, raw: float, max_total: float,
                    missing_maxima: list[float], item_count: int) -> str:
    """The total a form will have once saved, by the missing-item rule (outcome_missing.py):
    "LEFS 54/80", "LEFS 38.9/80 (prorated; 1 item missing)", "LEFS: no total (5 items missing)"."""
    read = form_total(measure, raw, max_total, missing_maxima, item_count)
    marked = len(missing_maxima)
    noun = "item" if marked == 1 else "items"
    if read.total is None:
        return f"{name}: no total ({marked} {noun} missing)"
    if read.prorated:
        return f"{name} {read.total:g}/{max_total:g} (prorated; {marked} {noun} missing)"
    return f"{name} {raw:g}/{max_total:g}"
