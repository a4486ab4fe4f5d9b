"""Assemble the referring physician's progress report from the chart, and print it to PDF."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Clinician, Episode, Patient, Visit
from ptdesk.domain import outcomes as oc
from ptdesk.reports import progress_dto as dto
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError
from ptdesk.services.handouts import clinic_info
from ptdesk.services.measure_settings import load_thresholds
from ptdesk.services.permissions import require
from ptdesk.services.progress import changes
from ptdesk.services.progress import report_measures as rm
from ptdesk.services.progress import series as pg
from ptdesk.services.progress.care_summary import goal_lines as _goals
from ptdesk.services.progress.care_summary import number as _fmt
from ptdesk.services.progress.care_summary import plan_summary as _plan_summary
from ptdesk.services.progress.care_summary import program_lines as _program_lines
from ptdesk.services.progress.findings import evaluation_rows
from ptdesk.services.progress.late_entries import late_measure_lines, late_visit_lines
from ptdesk.services.progress.measures import (
    load_ankle_flags,
    load_readiness,
    load_region_lsi,
    load_run_pain,
)
from ptdesk.services.progress.report_load import load_section
from ptdesk.services.run_load import load_view
from ptdesk.services.runlogs import LoggedWeek, load_weekly_summary
from ptdesk.services.runplans import load_active_plan
from ptdesk.services.uow import transaction

_SCALES = {"nprs": "0–10, lower is better", "lefs": "0–80, higher is better",
           "kujala": "0–100, higher is better", "psfs": "average 0–10, higher is better"}
_TITLES = {"nprs": "Pain now (NPRS 0–10, lower is better)",
           "lefs": "LEFS (0–80, higher is better)",
           "kujala": "Kujala AKPS (0–100, higher is better)"}
_MAX_LSI_LINES = 3
_WEEKS_AHEAD = 4  # planned weeks drawn after the current one


def _signed(delta: float) -> str:
    # The true minus sign (U+2212), as the change lines print it.
    size = _fmt(abs(delta))
    return "0" if size in ("0", "0.0") else ("+" if delta > 0 else "\u2212") + size


def _mcid(value: float) -> str:
    """An MCID as published: 9, 2, 1.16."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _clinician(session: Session, clinician_id: int | None, actor: str) -> str:
    row = session.get(Clinician, clinician_id) if clinician_id is not None else None
    row = row or session.scalar(select(Clinician).where(Clinician.username == actor.lower()))
    if row is None:
        return actor
    return f"{row.display_name}, {row.credentials}" if row.credentials else row.display_name


def _value(point: pg.PainPoint | pg.OutcomePoint) -> str:
    prorated = isinstance(point, pg.OutcomePoint) and point.prorated
    return _fmt(point.value) + (" (prorated)" if prorated else "")


def _score_rows(pain: Sequence[pg.PainPoint], forms: dict[str, list[pg.OutcomePoint]],
                lines: Sequence[changes.ChangeLine]) -> tuple[dto.ScoreRow, ...]:
    by_key = {line.key: line for line in lines}
    rows = []
    for measure in ("nprs", *changes.FORM_MEASURES):
        points: Sequence[pg.PainPoint | pg.OutcomePoint] = (
            pain if measure == "nprs" else [p for p in forms[measure] if p.has_total])
        if not points:
            continue
        name = oc.MEASURES[measure].name  # type: ignore[index]
        line = by_key.get(measure)
        if line is None or len(points) < 2:
            note = line.reading if line is not None else (
                "measured once so far" if len(points) == 1 else "activities changed")
            rows.append(dto.ScoreRow(name, _SCALES[measure], _value(points[0]), "—", "—",
                                     note[0].upper() + note[1:], None))
            continue
        first, last = points[0], points[-1]
        rows.append(dto.ScoreRow(name, _SCALES[measure], _value(first), _value(last),
                                 _signed(line.delta), line.reading, line.flag))
    return tuple(rows)


def _score_notes(measures: Sequence[str], patellofemoral: bool) -> tuple[str, ...]:
    parts = []
    for measure in measures:
        info = oc.MEASURES[measure]  # type: ignore[index]
        mcid = _mcid(oc.mcid_for(info.key, patellofemoral))
        used = "" if info.mcid_source.startswith(mcid + " ") else f"; {mcid} used"
        parts.append(f"{info.name} {info.mcid_source}{used}")
    if not parts:
        return ()
    return ("Change is read against the minimal clinically important change (MCID): "
            + ". ".join(parts) + ".",)


def _lsi_chart(series: Sequence[pg.LsiSeries]) -> dto.LineChart | None:
    drawn = [g for g in series if sum(p.lsi is not None for p in g.points)]
    flagged = [g for g in drawn if any(p.flagged for p in g.points)]

    def lowest(g: pg.LsiSeries) -> float:
        return min(p.lsi for p in g.points if p.lsi is not None)

    chosen = sorted(flagged or drawn, key=lowest)[:_MAX_LSI_LINES]
    if not chosen:
        return None
    lines = tuple(dto.ChartLine(
        g.short_label,
        tuple(dto.ChartPoint(p.visit_date, p.lsi) for p in g.points if p.lsi is not None),
        tuple((p.visit_date, p.band_low, p.band_high) for p in g.points  # type: ignore[misc]
              if p.lsi is not None))
        for g in chosen)
    return dto.LineChart("Limb symmetry index (%)", "%", 60, 110, lines, threshold=90,
                         threshold_label="90%", line_band_label="±10% test error")


def _outcome_chart(measure: str, points: Sequence[tuple[date, float]], mcid: float,
                   max_total: float, higher: bool,
                   marks: tuple[dto.ChartMark, ...] = ()) -> dto.LineChart:
    intake = points[0][1]
    band = (max(0.0, intake - mcid), min(max_total, intake + mcid))
    line = dto.ChartLine(measure.upper(), tuple(dto.ChartPoint(d, v) for d, v in points))
    return dto.LineChart(_TITLES[measure], "", 0, max_total, (line,), band=band,
                         band_label=f"Intake ± MCID ({_mcid(mcid)})", higher_is_better=higher,
                         marks=marks, marks_label="Pain during logged runs" if marks else "",
                         red_label="Red run" if any(m.red for m in marks) else "")


def _volume_chart(volume: pg.VolumeSeries, weeks: Sequence[LoggedWeek]) -> dto.VolumeChart:
    """Weeks run so far and the next few planned: far-off weeks would squeeze the bars."""
    shown = min(len(volume.weeks), len(weeks) + _WEEKS_AHEAD)
    title = f"Weekly running ({volume.unit}): planned vs done"
    if shown < len(volume.weeks):
        title += f", weeks 1–{shown} of {len(volume.weeks)}"
    return dto.VolumeChart(
        title, volume.unit, volume.cap_pct,
        tuple(dto.VolumeBar(w.week, w.planned_total, w.done_total, w.ceiling, w.over_cap)
              for w in volume.weeks[:shown]))


def _listed(numbers: Sequence[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _cap_notes(volume: pg.VolumeSeries, on: date) -> tuple[str, ...]:
    notes = []
    cap = _fmt(volume.cap_pct)
    over = [w.week for w in volume.weeks if w.over_cap]
    if over:
        plural = "week" if len(over) == 1 else "weeks"
        notes.append(f"The logged running went over the {cap}% weekly cap in {plural} "
                     f"{_listed(over)}.")
    ahead = next((w for w in volume.weeks if w.start <= on < w.start + timedelta(days=7)), None)
    if ahead is not None and ahead.planned_over_cap:
        notes.append(f"This week's planned running is more than {cap}% above what was actually "
                     f"run last week; the plan should be re-planned from the run log.")
    return tuple(notes)


def _highlights(lines: Sequence[changes.ChangeLine], strength: Sequence[pg.LsiSeries]
                ) -> tuple[dto.ChangeNote, ...]:
    """Every outcome line; symmetry only where it changed or is still below 90%."""
    flagged = {f"lsi:{g.muscle_group}" for g in strength if g.points[-1].flagged}
    return tuple(dto.ChangeNote(line.flag, line.text) for line in lines
                 if not line.key.startswith("lsi:") or line.flag != "within_error"
                 or line.key in flagged)


def progress_report(session_factory: SessionFactory, *, actor: str, patient_id: int,
                    on: date | None = None) -> dto.ProgressReport:
    """Everything the progress report prints for the patient's current episode of care."""
    on = on or date.today()
    with transaction(session_factory) as session:
        require(session, actor, "print")
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFoundError(f"No patient with id {patient_id}.")
        scope = pg.episode_scope(session, patient_id)
        if scope is None:
            raise NotFoundError(f"{patient.mrn} has no episode of care to report on.")
        episode = session.get(Episode, scope.id)
        assert episode is not None
        visits = session.execute(
            select(Visit.visit_date, Visit.clinician_id)
            .where(Visit.patient_id == patient_id, Visit.episode_id == scope.id)
            .order_by(Visit.visit_date, Visit.id)).all()
        pain = pg.load_pain(session, patient_id, scope)
        forms = pg.load_outcomes(session, patient_id, scope, changes.FORM_MEASURES)
        strength = load_region_lsi(session, patient_id, scope)
        thresholds = load_thresholds(session)
        ankle_date, flags = load_ankle_flags(session, patient_id, scope, thresholds.ankle)
        readiness = load_readiness(session, patient_id, scope, thresholds.readiness)
        run_pain = load_run_pain(session, patient_id, scope)
        audit_head = audit.printed_head(session)  # a witness a reader can compare later
        lines = changes.change_lines(session, pain, forms, strength, scope.patellofemoral,
                                     since_intake=True)
        evaluation = evaluation_rows(session, patient_id, scope.id)
        goals = _goals(session, scope.id, on)
        clinician = _clinician(session, visits[-1].clinician_id if visits else None, actor)
        header: dict[str, Any] = dict(
            patient_name=f"{patient.first_name} {patient.last_name}",
            date_of_birth=patient.date_of_birth, mrn=patient.mrn,
            referring_physician=patient.referring_physician, diagnosis=episode.diagnosis,
            icd10_code=episode.icd10_code, affected_side=episode.affected_side,
            episode_start=episode.start_date)
        stored = load_active_plan(session, patient_id)
        weeks = [] if stored is None else load_weekly_summary(session, stored, on)
        program, program_date = _program_lines(session, patient_id)
        late_visits = late_visit_lines(session, patient_id, scope.id)
        late_measures = late_measure_lines(session, patient_id, scope.id)
    measures = [m for m in ("nprs", *changes.FORM_MEASURES)
                if (pain if m == "nprs" else forms[m])]
    charts = []
    for measure in ("lefs", "kujala"):
        series = pg.make_outcome_series(measure, forms[measure], scope)
        if series.points:  # forms without a total stay off the chart
            charts.append(_outcome_chart(measure, [(p.visit_date, p.value) for p in series.points],
                                         series.mcid, series.max_total, True))
    pain_chart = None
    if pain:
        pain_chart = _outcome_chart("nprs", [(p.visit_date, p.value) for p in pain],
                                    oc.mcid_for("nprs", scope.patellofemoral), 10, False,
                                    rm.pain_marks(run_pain))
    symmetry, symmetry_date = rm.symmetry_rows(strength, scope)
    ankle, ankle_note = rm.ankle_rows(flags, scope)
    ready_rows, ready_summary = rm.readiness_rows(readiness)
    run_rows, run_summary = rm.run_pain_rows(run_pain)
    volume_chart: dto.VolumeChart | None = None
    plan_rows: tuple[tuple[str, str], ...] = ()
    plan_notes: tuple[str, ...] = ()
    volume: pg.VolumeSeries | None = None
    if stored is not None:
        plan_rows, plan_notes = _plan_summary(stored, weeks, on)
        volume = pg.volume_from(stored, weeks)
        plan_notes = (*_cap_notes(volume, on), *plan_notes)
        volume_chart = _volume_chart(volume, weeks)
    load = load_section(load_view(session_factory, patient_id, actor=actor, end=on), volume, on)
    return dto.ProgressReport(
        clinic=clinic_info(session_factory), clinician_name=clinician, date=on, **header,
        visits_to_date=len(visits), first_visit=visits[0].visit_date if visits else None,
        last_visit=visits[-1].visit_date if visits else None,
        highlights=_highlights(lines, strength), evaluation=evaluation,
        scores=_score_rows(pain, forms, lines),
        score_notes=(*_score_notes(measures, scope.patellofemoral), *late_measures),
        late_entries=late_visits,
        symmetry=symmetry, symmetry_date=symmetry_date, pain_chart=pain_chart,
        outcome_charts=tuple(charts), lsi_chart=_lsi_chart(strength), volume_chart=volume_chart,
        program=program, program_date=program_date, plan_summary=plan_rows,
        plan_notes=tuple(plan_notes), goals=goals, injured_ankle_side=scope.injured_ankle_side,
        ankle=ankle, ankle_date=ankle_date, ankle_note=ankle_note if ankle else "",
        readiness=ready_rows,
        readiness_dates=(readiness.intake.visit_date if readiness.intake else None,
                         readiness.latest.visit_date if readiness.latest else None),
        readiness_summary=ready_summary, run_pain=run_rows, run_pain_summary=run_summary,
        audit_head=audit_head,
        load=load,
    )


def progress_report_pdf(session_factory: SessionFactory, *, actor: str, patient_id: int,
                        on: date | None = None) -> bytes:
    """The report as PDF bytes; the print is recorded in the audit log."""
    from ptdesk.reports.progress_report import render_progress_report

    data = render_progress_report(
        progress_report(session_factory, actor=actor, patient_id=patient_id, on=on))
    with transaction(session_factory) as session:
        audit.record(session, actor=actor, action="print", patient_id=patient_id,
                     record_type="progress_report", summary="printed progress report")
    return data
