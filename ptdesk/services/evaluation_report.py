"""Assemble one evaluation's printout (the note, plan of care, signature, addenda) and print it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ptdesk.db.models import (
    Addendum,
    Clinician,
    Episode,
    Goal,
    LateOutcome,
    OutcomeResult,
    Patient,
    Visit,
)
from ptdesk.domain import evaluation as ev
from ptdesk.domain import outcomes as oc
from ptdesk.domain import visit_rules as rules
from ptdesk.domain.episode_facts import EpisodeFacts
from ptdesk.domain.note_facts import show_in_note
from ptdesk.domain.stamps import as_utc
from ptdesk.reports import evaluation_dto as dto
from ptdesk.services import evaluation_mapping as mapping
from ptdesk.services.audit import log as audit
from ptdesk.services.episode_facts import facts_for_note, facts_of
from ptdesk.services.errors import NotFoundError
from ptdesk.services.evaluation_tables import section_tables
from ptdesk.services.handouts import clinic_info
from ptdesk.services.outcomes import OutcomeRecord, late_record, read_form
from ptdesk.services.permissions import require
from ptdesk.services.progress.care_summary import goal_lines, plan_summary, program_lines
from ptdesk.services.runlogs import load_weekly_summary
from ptdesk.services.runplans import load_active_plan
from ptdesk.services.uow import SessionFactory, transaction

# What prints without --visit: the latest signed evaluation that sets or resets the plan.
EVALUATION_TYPES = ("initial_evaluation", "re_evaluation")
NO_EVALUATION = "No signed initial evaluation or re-evaluation to print for this patient."
NO_VISIT_ON = "No visit on that date for this patient."
_SIDES = {"left": "Left", "right": "Right", "both": "Both sides"}


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _stamp(when: datetime) -> str:
    utc = as_utc(when)
    return f"{_long(utc.date())}, {utc:%H:%M} UTC"


def _person(session: Session, clinician_id: int | None) -> str:
    row = session.get(Clinician, clinician_id) if clinician_id is not None else None
    if row is None:
        return ""
    return f"{row.display_name}, {row.credentials}" if row.credentials else row.display_name


def choose_visit(session: Session, patient_id: int, *, visit_id: int | None = None,
                 visit_date: date | None = None) -> Visit:
    """The visit to print: the one named, one on `visit_date`, else the latest signed evaluation.

    A draft prints only when named (by id or date); unnamed, only signed notes are chosen.
    """
    stmt = select(Visit).where(Visit.patient_id == patient_id).options(*mapping.SECTION_LOADERS)
    if visit_id is not None:
        row = session.scalar(stmt.where(Visit.id == visit_id))
        if row is None:
            raise NotFoundError("No such visit for this patient.")
        return row
    if visit_date is not None:
        rows = list(session.scalars(stmt.where(Visit.visit_date == visit_date)
                                    .order_by(Visit.id.desc())))
        # Of several notes that day, the evaluation is the one a physician certifies.
        rows.sort(key=lambda r: r.visit_type not in (*EVALUATION_TYPES, "discharge"))
        if not rows:
            raise NotFoundError(NO_VISIT_ON)
        return rows[0]
    row = session.scalar(stmt.where(Visit.status == "signed",
                                    Visit.visit_type.in_(EVALUATION_TYPES))
                         .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(1))
    if row is None:
        raise NotFoundError(NO_EVALUATION)
    return row


def _date_rows(row: Visit) -> tuple[tuple[tuple[str, str], ...], str]:
    """Date of service, signing and (for a note first saved later) the late-entry sentence."""
    rows = [("Date of service", _long(row.visit_date))]
    late = ""
    if row.first_saved_on is not None and rules.is_late_entry(row.visit_date, row.first_saved_on):
        rows.append(("First saved", _long(row.first_saved_on)))
        late = rules.late_entry_text(row.visit_date, row.first_saved_on) + "."
    rows.append(("Signed", _stamp(row.signed_at) if row.signed_at else dto.DRAFT_MARK))
    return tuple(rows), late


def _outcomes(session: Session, row: Visit) -> dto.Table | None:
    results = session.scalars(select(OutcomeResult).where(OutcomeResult.visit_id == row.id)
                              .options(selectinload(OutcomeResult.items))
                              .order_by(OutcomeResult.id))
    lines = []
    for result in results:
        items = tuple((i.item_key, i.label, i.value) for i in result.items)
        record = OutcomeRecord(
            result.id, row.id, row.visit_date, result.measure, result.total, result.max_total,
            result.missing_items, items,
            read_form(result.measure, result.total, result.max_total, result.missing_items,
                      [(key, value) for key, _label, value in items]))
        lines.append((_measure_name(result.measure), record.score_text, "With the note"))
    # Measures added after signing sit beside the note, each a dated late entry.
    for late in session.scalars(select(LateOutcome).where(LateOutcome.visit_id == row.id)
                                .order_by(LateOutcome.id)):
        record = late_record(late, row.visit_date)
        lines.append((_measure_name(late.measure), record.score_text, record.late_entry_text))
    if not lines:
        return None
    return dto.Table("Outcome measures", ("Measure", "Score", "Recorded"), tuple(lines),
                     (0.34, 0.26, 0.40))


def _measure_name(measure: str) -> str:
    info = oc.MEASURES.get(measure)  # type: ignore[call-overload]
    return info.name if info else measure.upper()


def _assessment(evaluation: ev.Evaluation, facts: EpisodeFacts) -> tuple[tuple[str, str], ...]:
    plan = evaluation.assessment or ev.AssessmentPlan()
    diagnosis = plan.working_diagnosis or facts.diagnosis
    code = plan.icd10_code or facts.icd10_code
    pairs = [("Working diagnosis", diagnosis + (f" (ICD-10 {code})" if code else "")),
             ("Assessment", evaluation.soap_assessment), ("Problem list", plan.problem_list)]
    return tuple((k, v) for k, v in pairs if v.strip())


def _duration(goal_dates: list[date], start: date) -> str:
    if not goal_dates:
        return ""
    end = max(goal_dates)
    weeks = max(1, round((end - start).days / 7))
    return f"{weeks} weeks, through {_long(end)} (the latest goal date)"


def _plan(session: Session, evaluation: ev.Evaluation, row: Visit
          ) -> tuple[tuple[tuple[str, str], ...], dto.Table | None]:
    goals = goal_lines(session, row.episode_id, row.visit_date)
    goal_dates = [d for d in session.scalars(select(Goal.target_date).where(
        Goal.episode_id == row.episode_id)) if d is not None]
    plan = evaluation.assessment or ev.AssessmentPlan()
    interventions = "\n".join(t for t in (plan.plan_notes, evaluation.soap_plan) if t.strip())
    pairs = [("Frequency", plan.visit_frequency),
             ("Duration", _duration(goal_dates, row.visit_date)),
             ("Interventions", interventions)]
    table = None
    if goals:
        table = dto.Table("Goals", ("Goal", "Target", "Status"),
                          tuple((g.description, g.target, g.status) for g in goals),
                          (0.52, 0.26, 0.22))
    return tuple((k, v) for k, v in pairs if v.strip()), table


def evaluation_report(session_factory: SessionFactory, *, actor: str, patient_id: int,
                      visit_id: int | None = None, visit_date: date | None = None,
                      on: date | None = None, printing: bool = False) -> dto.EvaluationReport:
    """Everything the evaluation and plan-of-care printout shows.

    The read is audited in the same transaction: as a print when `printing`, else a view.
    """
    on = on or date.today()
    with transaction(session_factory) as session:
        require(session, actor, "print")
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFoundError("No such patient.")
        row = choose_visit(session, patient_id, visit_id=visit_id, visit_date=visit_date)
        episode = session.get(Episode, row.episode_id)
        assert episode is not None
        # The note as it reads: a signed note with the episode facts frozen at signing (a
        # later episode edit never changes its printout), a draft with the episode's.
        as_stored = mapping.read_sections(row)
        frozen = facts_for_note(session, row, as_stored)
        evaluation = as_stored if frozen is None else show_in_note(as_stored, frozen)
        facts = frozen or facts_of(episode)
        ankle_side = episode.injured_ankle_side
        date_rows, late = _date_rows(row)
        plan, goals = _plan(session, evaluation, row)
        programme, program_date = program_lines(session, patient_id)
        stored = load_active_plan(session, patient_id)
        run_rows: tuple[tuple[str, str], ...] = ()
        run_notes: tuple[str, ...] = ()
        if stored is not None:
            run_rows, run_notes = plan_summary(
                stored, load_weekly_summary(session, stored, on), on)
        addenda = tuple(
            dto.AddendumLine(a.author_name, _stamp(a.created_at), a.reason, a.text)
            for a in session.scalars(select(Addendum).where(Addendum.visit_id == row.id)
                                     .order_by(Addendum.created_at, Addendum.id)))
        signer = _person(session, row.signed_by_id)
        author = _person(session, row.clinician_id) or signer or _person(
            session, session.scalar(select(Clinician.id).where(
                Clinician.username == actor.lower())))
        draft = row.status != "signed"
        signature = dto.DRAFT_MARK if draft else (
            f"Electronically signed by {signer or 'the clinician'} on "
            f"{_stamp(row.signed_at) if row.signed_at else '—'}.")
        patient_rows = (
            ("Date of birth", _long(patient.date_of_birth)), ("MRN", patient.mrn),
            ("Referring physician", patient.referring_physician or "—"),
            ("Diagnosis", facts.diagnosis + (f" (ICD-10 {facts.icd10_code})"
                                             if facts.icd10_code else "")),
            ("Affected side", _SIDES.get(facts.affected_side, facts.affected_side)
             + (f"; injured ankle {ankle_side}" if ankle_side else "")),
            ("Onset", _long(facts.onset_date) if facts.onset_date else "—"),
            ("Goal race", facts.goal_race + (f", {_long(facts.goal_race_date)}"
                                             if facts.goal_race_date else "") or "—"),
        )
        program = None
        if programme:
            since = f" (current, since {_long(program_date)})" if program_date else ""
            program = dto.Table(f"Home programme{since}", ("Exercise", "Dosage"),
                                tuple((p.exercise, p.dosage) for p in programme),
                                (0.36, 0.64))
        notes = tuple((title, text) for title, text in (
            ("Subjective (narrative)", evaluation.soap_subjective),
            ("Objective (narrative)", evaluation.soap_objective)) if text.strip())
        report = dto.EvaluationReport(
            clinic=clinic_info(session_factory),
            title=f"{ev.VISIT_TYPE_LABELS[row.visit_type]} and plan of care",
            draft=draft, printed_on=on,
            patient_name=f"{patient.first_name} {patient.last_name}",
            patient_rows=patient_rows, date_rows=date_rows, late_entry=late,
            sections=section_tables(evaluation, facts.affected_side, ankle_side),
            notes=notes, outcomes=_outcomes(session, row),
            assessment=_assessment(evaluation, facts), goals=goals, plan=plan,
            program=program, run_plan=run_rows, run_plan_notes=run_notes,
            clinician_name=author or actor, signature=signature,
            content_hash=row.content_hash, addenda=addenda,
            referring_physician=patient.referring_physician,
        )
        if printing:
            audit.record(session, actor=actor, action="print", patient_id=patient_id,
                         record_type="visit", record_id=row.id,
                         summary="printed evaluation and plan of care"
                         + (" (draft)" if draft else ""))
        else:
            audit.record(session, actor=actor, action="view", patient_id=patient_id,
                         record_type="visit", record_id=row.id, summary="evaluation report")
        return report


def evaluation_pdf(session_factory: SessionFactory, *, actor: str, patient_id: int,
                   visit_id: int | None = None, visit_date: date | None = None,
                   on: date | None = None) -> bytes:
    """The printout as PDF bytes; the print is recorded in the audit log."""
    from ptdesk.reports.evaluation_report import render_evaluation_report

    return render_evaluation_report(evaluation_report(
        session_factory, actor=actor, patient_id=patient_id, visit_id=visit_id,
        visit_date=visit_date, on=on, printing=True))
