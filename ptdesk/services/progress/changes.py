"""Change lines ("LEFS 54 → 66 (+12): meaningful improvement") read against MCID or test error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import OutcomeItem
from ptdesk.domain import measure_lsi
from ptdesk.domain import outcomes as oc
from ptdesk.domain.muscle_grades import FULL_GRADE_THIRDS, GradePair, grade_thirds
from ptdesk.domain.psfs import compare_psfs
from ptdesk.services.progress.strength import LsiPoint, LsiSeries, lsi_change

if TYPE_CHECKING:
    from ptdesk.services.progress.series import OutcomePoint, PainPoint

FORM_MEASURES: tuple[str, ...] = ("lefs", "kujala", "psfs")
_FLAGS = {"better": "better", "worse": "worse", "no_meaningful_change": "within_error"}
_LSI_WORDS = {"better": "better", "worse": "worse", "within_error": "within measurement error"}


@dataclass(frozen=True)
class ChangeLine:
    """One measure's change between two visits, flagged better / worse / within_error.

    `key` is the measure ("nprs", "lefs", "kujala", "psfs") or "lsi:<muscle group>";
    `reading` is the interpretation alone ("meaningful improvement"), `text` the full line.
    """

    key: str
    label: str
    before: float
    after: float
    before_date: date
    after_date: date
    delta: float
    flag: str
    text: str
    reading: str


class _Dated(Protocol):
    @property
    def visit_date(self) -> date: ...


P = TypeVar("P", bound=_Dated)


def _pair(points: Sequence[P], since_intake: bool) -> tuple[P, P] | None:
    if len(points) < 2:
        return None
    return (points[0] if since_intake else points[-2]), points[-1]


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _score(measure: str, total: float, missing: int) -> oc.OutcomeScore:
    info = oc.MEASURES[measure]  # type: ignore[index]
    return oc.OutcomeScore(info.key, total, info.max_total, info.higher_is_better,
                           tuple(f"item_{n}" for n in range(missing)), missing == 0, "")


def outcome_line(
    measure: str, before: tuple[float, date, int], after: tuple[float, date, int],
    patellofemoral: bool, note: str = "",
) -> ChangeLine:
    """(value, date, missing items) before and after, worded with the domain's MCID reading."""
    info = oc.MEASURES[measure]  # type: ignore[index]
    reading = oc.interpret_change(info.key, _score(measure, before[0], before[2]),
                                  _score(measure, after[0], after[2]), patellofemoral)
    signed, _, words = reading.text[len(info.name) + 1:].partition(": ")
    words += note
    text = f"{info.name} {_fmt(before[0])} → {_fmt(after[0])} ({signed}): {words}"
    return ChangeLine(measure, info.name, before[0], after[0], before[1], after[1],
                      reading.delta, _FLAGS[reading.direction], text, words)


def _psfs_pair(session: Session, before_id: int, after_id: int
               ) -> tuple[float, float, str] | None:
    """PSFS averages over the activities both forms share (the measure is per activity)."""
    rows = session.execute(
        select(OutcomeItem.result_id, OutcomeItem.label, OutcomeItem.value)
        .where(OutcomeItem.result_id.in_((before_id, after_id)), OutcomeItem.value.is_not(None))
    )
    scores: dict[int, list[tuple[str, float]]] = {before_id: [], after_id: []}
    for result_id, label, value in rows:
        if value is not None:  # the query leaves missing answers out; this tells mypy
            scores[result_id].append((label, value))
    compared = compare_psfs(scores[before_id], scores[after_id])
    if compared is None:
        return None
    note = ""
    if not compared.compared_all:
        plural = "activity" if compared.shared == 1 else "activities"
        note = f" (compared on the {compared.shared} {plural} rated both times)"
    return compared.before, compared.after, note


def _untotalled_note(every: Sequence[OutcomePoint], last_scored: OutcomePoint | None) -> str:
    """Why a later form is left out of the change: it has no total (too many items missing)."""
    later = [p for p in every if not p.has_total
             and (last_scored is None or p.visit_date >= last_scored.visit_date)]
    if not later:
        return ""
    form = later[-1]
    return f"; the form of {form.visit_date:%b} {form.visit_date.day} is left out: {form.reason}"


def _no_reading_line(measure: str, point: OutcomePoint, note: str) -> ChangeLine:
    info = oc.MEASURES[measure]  # type: ignore[index]
    words = "no change reading" + note
    text = f"{info.name} {_fmt(point.value)}: {words}"
    return ChangeLine(measure, info.name, point.value, point.value, point.visit_date,
                      point.visit_date, 0.0, "within_error", text, words)


def lsi_line(series: LsiSeries, since_intake: bool) -> ChangeLine | None:
    pair = _pair([p for p in series.points if p.lsi is not None], since_intake)
    if pair is None:
        return None
    first, last = pair
    assert first.lsi is not None and last.lsi is not None
    flag = lsi_change(first.lsi, last.lsi)
    words = _LSI_WORDS[flag]
    if flag != "within_error" and max(first.lsi, last.lsi) > 100:
        words += " (sides more even)" if flag == "better" else " (sides less even)"
    if first.method != last.method:
        words += " (tested differently, so read with care)"
    text = (f"{series.short_label} LSI {measure_lsi.lsi_text(first.lsi)} → "
            f"{measure_lsi.lsi_text(last.lsi)}: {words}")
    return ChangeLine(f"lsi:{series.muscle_group}", f"{series.short_label} LSI", first.lsi,
                      last.lsi, first.visit_date, last.visit_date, last.lsi - first.lsi, flag,
                      text, words)


def change_lines(
    session: Session, pain: Sequence[PainPoint], forms: Mapping[str, Sequence[OutcomePoint]],
    strength: Sequence[LsiSeries], patellofemoral: bool, *, since_intake: bool,
) -> list[ChangeLine]:
    """Pain, then the outcome forms, then symmetry per muscle group; measures seen once skipped."""
    lines: list[ChangeLine] = []
    pain_pair = _pair(pain, since_intake)
    if pain_pair is not None:
        a, b = pain_pair
        lines.append(outcome_line("nprs", (a.value, a.visit_date, 0),
                                  (b.value, b.visit_date, 0), patellofemoral))
    for measure in FORM_MEASURES:
        every = forms.get(measure, ())
        scored = [p for p in every if p.has_total]
        pair = _pair(scored, since_intake)
        untotalled = _untotalled_note(every, scored[-1] if scored else None)
        if pair is None:
            if untotalled and scored:
                lines.append(_no_reading_line(measure, scored[-1], untotalled))
            continue
        first, last = pair
        before, after, note = first.value, last.value, untotalled
        if first.prorated or last.prorated:
            note = " (prorated for missing items)" + note
        if measure == "psfs":
            paired = _psfs_pair(session, first.result_id, last.result_id)
            if paired is None:  # different activities: nothing to compare
                continue
            before, after, note = paired
        # A prorated form is complete by its instrument's rule: compared like one.
        lines.append(outcome_line(
            measure, (before, first.visit_date, 0 if first.prorated else first.missing_items),
            (after, last.visit_date, 0 if last.prorated else last.missing_items),
            patellofemoral, note))
    for series in strength:
        line = lsi_line(series, since_intake) or grade_line(series, since_intake)
        if line is not None:
            lines.append(line)
    return lines


def grade_line(series: LsiSeries, since_intake: bool) -> ChangeLine | None:
    """MMT grades before and after, as grades: only a full grade on the involved side counts.

    Grades are ordinal and insensitive above 3, so a third of a grade is read as no real
    change; `before`/`after` hold the involved side's grade in thirds, never a percentage.
    """
    pair = _pair([p for p in series.points if p.method == "mmt" and p.left and p.right],
                 since_intake)
    if pair is None:
        return None
    first, last = pair
    side = series.involved_side

    def involved(point: LsiPoint) -> int:
        left, right = grade_thirds(point.left), grade_thirds(point.right)
        return {"left": left, "right": right}.get(side, min(left, right))

    before, after = involved(first), involved(last)
    flag = ("better" if after - before >= FULL_GRADE_THIRDS
            else "worse" if before - after >= FULL_GRADE_THIRDS else "within_error")
    words = {"better": "up a full grade or more", "worse": "down a full grade or more",
             "within_error": "less than a full grade of change"}[flag]
    was = GradePair(first.left, first.right, side).text
    now = GradePair(last.left, last.right, side).text
    text = f"{series.short_label} grades (L / R) {was} → {now}: {words}"
    return ChangeLine(f"grades:{series.muscle_group}", f"{series.short_label} grades",
                      float(before), float(after), first.visit_date, last.visit_date,
                      float(after - before), flag, text, words)
