"""Maps the domain Evaluation to the visit's section rows and back."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy.orm import selectinload

from ptdesk.db.models import (
    AnkleExam,
    AssessmentPlanRecord,
    GaitAssessment,
    KneeExam,
    PriorInjuryRecord,
    ReadinessExam,
    SpecialTest,
    StrengthTest,
    SubjectiveExam,
    Visit,
)
from ptdesk.domain import evaluation as ev
from ptdesk.domain.readiness import ReadinessFindings

SECTION_LOADERS = (
    selectinload(Visit.subjective).selectinload(SubjectiveExam.prior_injuries),
    selectinload(Visit.knee_exams),
    selectinload(Visit.ankle_exams),
    selectinload(Visit.special_tests),
    selectinload(Visit.strength_tests),
    selectinload(Visit.gait),
    selectinload(Visit.assessment),
    selectinload(Visit.readiness),
)

_TUPLE_FIELDS = ("symptoms", "pain_locations", "aggravating", "tenderness")


def _plain(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Dataclass fields as column values (tuples stored as JSON lists)."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        out[f.name] = list(value) if f.name in _TUPLE_FIELDS else value
    return out


def _from_row(cls: type, row: Any, **extra: Any) -> Any:
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in extra:
            continue
        value = getattr(row, f.name)
        kwargs[f.name] = tuple(value or ()) if f.name in _TUPLE_FIELDS else value
    kwargs.update(extra)
    return cls(**kwargs)


def write_sections(visit: Visit, evaluation: ev.Evaluation) -> None:
    s = evaluation.subjective
    if s is None:
        visit.subjective = None
    else:
        record = visit.subjective or SubjectiveExam()
        for key, value in _plain(s, skip=("prior_injuries",)).items():
            setattr(record, key, value)
        record.prior_injuries = [
            PriorInjuryRecord(description=i.description.strip(), side=i.side, injury_date=i.injury_date)
            for i in s.prior_injuries
        ]
        visit.subjective = record
    visit.knee_exams = _merge(visit.knee_exams, evaluation.knees, KneeExam, ("side",))
    visit.ankle_exams = _merge(visit.ankle_exams, evaluation.ankles, AnkleExam, ("side",))
    visit.special_tests = _merge(visit.special_tests, evaluation.special_tests, SpecialTest,
                                 ("test", "side"))
    visit.strength_tests = _merge(visit.strength_tests, evaluation.strength, StrengthTest,
                                  ("muscle_group", "side"))
    visit.gait = None if evaluation.gait is None else _update(visit.gait, GaitAssessment, evaluation.gait)
    visit.assessment = (
        None if evaluation.assessment is None
        else _update(visit.assessment, AssessmentPlanRecord, evaluation.assessment)
    )
    # Readiness is its own section: None means "not on this form" and keeps what is stored
    # (a form without the readiness widgets must not erase it); an empty section clears it.
    if evaluation.readiness is not None:
        visit.readiness = (None if evaluation.readiness.is_empty
                           else _update(visit.readiness, ReadinessExam, evaluation.readiness))
    visit.soap_subjective = evaluation.soap_subjective
    visit.soap_objective = evaluation.soap_objective
    visit.soap_assessment = evaluation.soap_assessment
    visit.soap_plan = evaluation.soap_plan


def _merge(rows: list[Any], sections: tuple[Any, ...], cls: type, key: tuple[str, ...]) -> list[Any]:
    """Update rows in place by their natural key, add new ones, drop the rest.

    Replacing the whole collection would insert before deleting and trip the
    unique (visit, side) constraints; merging also keeps ids and versions stable.
    """
    by_key = {tuple(getattr(row, k) for k in key): row for row in rows}
    merged = []
    for section in sections:
        row = by_key.get(tuple(getattr(section, k) for k in key))
        merged.append(_update(row, cls, section))
    return merged


def _update(existing: Any, cls: type, section: Any) -> Any:
    # Update in place so the one-per-visit row keeps its id and version history.
    record = existing or cls()
    for key, value in _plain(section).items():
        setattr(record, key, value)
    return record


def read_sections(visit: Visit) -> ev.Evaluation:
    subjective = None
    if visit.subjective is not None:
        injuries = tuple(
            ev.PriorInjury(i.description, i.side, i.injury_date) for i in visit.subjective.prior_injuries
        )
        subjective = _from_row(ev.SubjectiveFindings, visit.subjective, prior_injuries=injuries)
    side_order = {"left": 0, "right": 1}
    return ev.Evaluation(
        subjective=subjective,
        knees=tuple(
            _from_row(ev.KneeFindings, k) for k in sorted(visit.knee_exams, key=lambda r: side_order[r.side])
        ),
        special_tests=tuple(
            _from_row(ev.SpecialTestResult, t)
            for t in sorted(visit.special_tests, key=lambda r: (ev.SPECIAL_TEST_KEYS.index(r.test), r.side))
        ),
        ankles=tuple(
            _from_row(ev.AnkleFindings, a) for a in sorted(visit.ankle_exams, key=lambda r: side_order[r.side])
        ),
        strength=tuple(
            _from_row(ev.StrengthMeasurement, m)
            for m in sorted(
                visit.strength_tests,
                key=lambda r: (ev.STRENGTH_GROUP_KEYS.index(r.muscle_group), side_order[r.side]),
            )
        ),
        gait=None if visit.gait is None else _from_row(ev.GaitFindings, visit.gait),
        assessment=None if visit.assessment is None else _from_row(ev.AssessmentPlan, visit.assessment),
        readiness=None if visit.readiness is None else _from_row(ReadinessFindings, visit.readiness),
        soap_subjective=visit.soap_subjective,
        soap_objective=visit.soap_objective,
        soap_assessment=visit.soap_assessment,
        soap_plan=visit.soap_plan,
    )


def filled_sections(evaluation: ev.Evaluation) -> list[str]:
    names = []
    if evaluation.subjective:
        names.append("subjective")
    for attr in ("knees", "ankles", "strength", "special_tests"):
        if getattr(evaluation, attr):
            names.append(attr)
    if evaluation.gait:
        names.append("gait")
    if evaluation.assessment:
        names.append("assessment")
    if evaluation.readiness and not evaluation.readiness.is_empty:
        names.append("readiness")
    return names or ["notes only"]
