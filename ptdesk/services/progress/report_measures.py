"""Progress-report rows for issue 17's measures: symmetry per region, ankle, readiness, run pain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from ptdesk.domain import measure_lsi
from ptdesk.domain.ankle_flags import AnkleFlag
from ptdesk.domain.involved_side import involved_side
from ptdesk.reports import progress_dto as dto
from ptdesk.services.progress.measures import (
    ReadinessView,
    RunPainPoint,
    grade_pair,
    side_for,
)
from ptdesk.services.progress.strength import LsiSeries, lsi_change

if TYPE_CHECKING:
    from ptdesk.services.progress.series import EpisodeScope

_SIDE_WORDS = {"left": "Left", "right": "Right", "both": "Weaker vs stronger"}
_RUN_ROWS = 10  # the latest runs shown; every red run is shown as well


def symmetry_rows(series: Sequence[LsiSeries], scope: EpisodeScope
                  ) -> tuple[tuple[dto.SymmetryRow, ...], date | None]:
    """Latest readings per muscle group: LSI for measured values, grade pairs for MMT."""
    rows, latest = [], None
    for group in series:
        last = group.points[-1]
        with_lsi = [p for p in group.points if p.lsi is not None]
        first_lsi = with_lsi[0].lsi if with_lsi else None
        change = lsi_change(first_lsi, last.lsi) \
            if first_lsi is not None and last.lsi is not None and len(with_lsi) > 1 else None
        side = side_for(group.muscle_group, scope).side
        pair = grade_pair(last, side)
        rows.append(dto.SymmetryRow(
            group.label, last.left or "—", last.right or "—",
            measure_lsi.lsi_text(last.lsi),
            "—" if pair is not None else measure_lsi.lsi_text(first_lsi),
            pair.flagged if pair is not None else last.flagged,
            None if pair is not None else change, last.method,
            involved=_SIDE_WORDS.get(side, side), grades=pair.text if pair else ""))
        latest = max(latest or last.visit_date, last.visit_date)
    return tuple(rows), latest


def symmetry_notes(series: Sequence[LsiSeries], scope: EpisodeScope) -> tuple[str, ...]:
    """ "weaker compared with stronger" notes, said once per reason."""
    notes = {side_for(g.muscle_group, scope).note for g in series}
    return tuple(sorted(n[0].upper() + n[1:] + "." for n in notes if n))


def ankle_rows(flags: Sequence[AnkleFlag], scope: EpisodeScope) -> tuple[tuple[dto.AnkleRow, ...],
                                                                        str]:
    involved = involved_side("ankle", scope.affected_side, scope.injured_ankle_side)
    note = ("Judged on the injured ankle's side"
            + (f" ({involved.side})" if not involved.weaker_vs_stronger else f": {involved.note}")
            + ". Limits: knee-to-wall gap beyond the test's minimal detectable change (Powden "
              "2015); eyes-closed balance under 10 s (Trojian 2006); heel-raise LSI under 90% "
              "(Hébert-Losier 2017). The clinic may adjust them.")
    return tuple(dto.AnkleRow(f.label, f.text, f.flagged) for f in flags), note


def readiness_rows(view: ReadinessView) -> tuple[tuple[dto.ReadinessRow, ...], str]:
    """Each criterion at intake and latest; the summary is the latest (else intake) reading."""
    if view.intake is None:
        return (), ""
    latest = {c.key: c for c in view.latest.readiness.criteria} if view.latest else {}
    rows = []
    for criterion in view.intake.readiness.criteria:
        now = latest.get(criterion.key)
        if not criterion.result and (now is None or not now.result):
            continue  # an optional test never done
        label = criterion.label + (" (optional)" if criterion.optional else "")
        rows.append(dto.ReadinessRow(
            label, criterion.target, criterion.result or "not tested",
            "" if now is None else (now.result or "not tested"), criterion.met,
            None if now is None else now.met))
    current = view.current
    assert current is not None
    summary = current.readiness.summary + " (a warning for the run plan, not a block)"
    return tuple(rows), summary


def run_pain_rows(points: Sequence[RunPainPoint]) -> tuple[tuple[dto.RunPainRow, ...], str]:
    if not points:
        return (), ""
    shown = [p for p in points[:-_RUN_ROWS] if p.red] + list(points[-_RUN_ROWS:])
    rows = tuple(dto.RunPainRow(p.run_date, p.pain_during, p.next_morning,
                                ", ".join(w for w, on in (("swelling", p.swelling),
                                                          ("limping", p.limping)) if on),
                                p.red) for p in shown)
    red = sum(p.red for p in points)
    runs = "run" if len(points) == 1 else "runs"
    summary = (f"{len(points)} {runs} logged between visits; {red} red "
               "(pain above the plan's limit, worse next morning, swelling or limping: the "
               "run plan's pain rule, after Silbernagel 2007).")
    if len(shown) < len(points):
        summary += f" The latest {_RUN_ROWS} and every red run are listed."
    return rows, summary


def pain_marks(points: Sequence[RunPainPoint]) -> tuple[dto.ChartMark, ...]:
    return tuple(dto.ChartMark(p.run_date, float(p.pain_during), p.red) for p in points)
