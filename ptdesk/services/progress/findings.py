"""Evaluation findings at intake vs the latest visit that tested them, for the progress report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import AnkleExam, GaitAssessment, KneeExam, SubjectiveExam, Visit
from ptdesk.reports.progress_dto import ComparisonRow


def _quality(value: Any) -> str:
    return _QUALITY.get(value, str(value))


_QUALITY = {"good": "good", "knee_valgus": "knee valgus", "pelvic_drop": "pelvic drop",
            "trunk_lean": "trunk lean"}
_UNIT_WORDS = {"mi": "mi", "km": "km", "min": "min"}
Dated = tuple[date, str]


def _num(value: float) -> str:
    text = f"{abs(value):.1f}".rstrip("0").rstrip(".")
    return f"\u2212{text}" if value < 0 and text != "0" else text  # a true minus sign


def compare(label: str, entries: Sequence[Dated]) -> ComparisonRow | None:
    """First recorded value against the last (latest left empty when not re-tested)."""
    if not entries:
        return None
    (first_day, first), (last_day, last) = entries[0], entries[-1]
    if len(entries) == 1:
        return ComparisonRow(label, first, "", first_day, None)
    return ComparisonRow(label, first, last, first_day, last_day)


def _sides(rows: Sequence[Any], getter: Callable[[Any], object],
           fmt: Callable[[Any], str]) -> list[Dated]:
    """Per visit, "L x · R y" from one row per side (rows ordered by date then visit)."""
    by_visit: dict[int, tuple[date, dict[str, str]]] = {}
    for row in rows:
        value = getter(row)
        if value is None:
            continue
        by_visit.setdefault(row.visit_id, (row.visit_date, {}))[1][row.side] = fmt(value)
    entries = []
    for day, sides in by_visit.values():
        text = " · ".join(f"{side[0].upper()} {sides[side]}" for side in ("left", "right")
                          if side in sides)
        entries.append((day, text))
    return entries


def _scoped(stmt: Any, model: Any, patient_id: int, episode_id: int) -> Any:
    return (stmt.join(Visit, Visit.id == model.visit_id)
            .where(Visit.patient_id == patient_id, Visit.episode_id == episode_id)
            .order_by(Visit.visit_date, Visit.id))


def evaluation_rows(session: Session, patient_id: int, episode_id: int
                    ) -> tuple[ComparisonRow, ...]:
    """Knee, opposite-ankle, gait and running findings, intake vs latest (pain is a score row)."""
    subjective = session.execute(_scoped(
        select(Visit.visit_date, SubjectiveExam.nprs_now, SubjectiveExam.nprs_worst,
               SubjectiveExam.current_weekly_volume, SubjectiveExam.volume_unit,
               SubjectiveExam.longest_recent_run),
        SubjectiveExam, patient_id, episode_id)).all()
    knees = session.execute(_scoped(
        select(Visit.id.label("visit_id"), Visit.visit_date, KneeExam.side,
               KneeExam.flexion_deg, KneeExam.extension_deg, KneeExam.effusion,
               KneeExam.single_leg_squat, KneeExam.step_down),
        KneeExam, patient_id, episode_id)).all()
    ankles = session.execute(_scoped(
        select(Visit.id.label("visit_id"), Visit.visit_date, AnkleExam.side,
               AnkleExam.knee_to_wall_cm, AnkleExam.balance_eyes_closed_s,
               AnkleExam.heel_raise_count),
        AnkleExam, patient_id, episode_id)).all()
    cadence = session.execute(_scoped(
        select(Visit.visit_date, GaitAssessment.cadence_spm),
        GaitAssessment, patient_id, episode_id)).all()

    def plain(rows: Sequence[Any], name: str, fmt: Callable[[Any], str]) -> list[Dated]:
        return [(r.visit_date, fmt(getattr(r, name))) for r in rows
                if getattr(r, name) is not None]

    def volume(name: str) -> list[Dated]:
        return [(r.visit_date, f"{_num(getattr(r, name))} {_UNIT_WORDS[r.volume_unit]}")
                for r in subjective if getattr(r, name) is not None]

    degrees = "{}°".format
    candidates = [
        compare("Pain at worst (0–10)", plain(subjective, "nprs_worst", "{}/10".format)),
        compare("Knee flexion", _sides(knees, lambda r: r.flexion_deg,
                                       lambda v: degrees(_num(v)))),
        compare("Knee extension (− = lacks full extension)",
                _sides(knees, lambda r: r.extension_deg, lambda v: degrees(_num(v)))),
        compare("Knee effusion", _sides(knees, lambda r: r.effusion, str)),
        compare("Single-leg squat", _sides(knees, lambda r: r.single_leg_squat, _quality)),
        compare("Step-down", _sides(knees, lambda r: r.step_down, _quality)),
        compare("Knee-to-wall lunge (cm)", _sides(ankles, lambda r: r.knee_to_wall_cm, _num)),
        compare("Single-leg balance, eyes closed (s)",
                _sides(ankles, lambda r: r.balance_eyes_closed_s, _num)),
        compare("Single-leg heel raises", _sides(ankles, lambda r: r.heel_raise_count, str)),
        compare("Running cadence (steps/min)", plain(cadence, "cadence_spm", str)),
        compare("Weekly running (patient report)", volume("current_weekly_volume")),
        compare("Longest recent run", volume("longest_recent_run")),
    ]
    return tuple(row for row in candidates if row is not None)
