"""Assemble the printed handouts from the chart: exercise sheet and return-to-run plan as PDF bytes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import Exercise, Patient, RunPlan
from ptdesk.domain import exercise_library as lib
from ptdesk.domain import handout_dosage as dose_words
from ptdesk.domain import handout_language as hl
from ptdesk.domain import handout_notes
from ptdesk.domain.pain_words import exercise_pain_lights
from ptdesk.domain.runplan import PainRules
from ptdesk.reports.dto import ClinicInfo, ExerciseSheet, ExerciseSheetItem, RunPlanHandout
from ptdesk.services import handout_files
from ptdesk.services.audit import log as audit
from ptdesk.services.cadence import load_cadence
from ptdesk.services.clinic import get_clinician, get_settings, list_clinicians
from ptdesk.services.errors import ServiceError
from ptdesk.services.patients import PatientSummary, find_by_mrn
from ptdesk.services.permissions import require
from ptdesk.services.prescriptions import load_active_prescription
from ptdesk.services.runplans import load_active_plan
from ptdesk.services.uow import transaction

# Drills whose card prints the metronome setting from the cadence target.
_METRONOME_DRILLS = frozenset({"cadence_drill_metronome"})


def clinic_info(session_factory: SessionFactory) -> ClinicInfo:
    """The clinic header every printed page carries."""
    settings = get_settings(session_factory)
    return ClinicInfo(name=settings.name or "Physical Therapy", address=settings.address,
                      phone=settings.phone, logo_bytes=settings.logo,
                      paper_size=settings.paper_size)  # type: ignore[arg-type]


def _patient(session_factory: SessionFactory, patient_id: int, actor: str) -> PatientSummary:
    with transaction(session_factory) as session:
        require(session, actor, "print")
        row = session.get(Patient, patient_id)
        if row is None:
            raise ServiceError(f"No patient with id {patient_id}.")
        return PatientSummary(row.id, row.mrn, row.first_name, row.last_name, row.date_of_birth, row.sex)


def _full_name(patient: PatientSummary) -> str:
    return f"{patient.first_name} {patient.last_name}"


def _clinician_name(session_factory: SessionFactory, clinician_id: int | None, actor: str,
                    language: str = hl.ENGLISH) -> str:
    """The clinician who wrote it; else the signed-in clinician; else a neutral phrase.

    An OS login name ("root", "jsmith") means nothing to a patient, so it never prints.
    """
    clinician = get_clinician(session_factory, clinician_id)
    if clinician is None:
        clinician = next((c for c in list_clinicians(session_factory) if c.username == actor), None)
    return clinician.signature_name if clinician else hl.phrase(language, "sheet.clinician")


def preferred_language(session_factory: SessionFactory, *, actor: str, patient_id: int) -> str:
    """The language the patient's handouts print in unless the clinician picks another."""
    with transaction(session_factory) as session:
        require(session, actor, "print")
        language = session.scalar(select(Patient.handout_language)
                                  .where(Patient.id == patient_id))
    if language is None:
        raise ServiceError(f"No patient with id {patient_id}.")
    return language if language in hl.HANDOUT_LANGUAGES else hl.ENGLISH


def _language(session_factory: SessionFactory, actor: str, patient_id: int,
              language: str | None) -> str:
    if language is None:
        return preferred_language(session_factory, actor=actor, patient_id=patient_id)
    if language not in hl.HANDOUT_LANGUAGES:
        raise ServiceError(f"Handouts print in {' or '.join(hl.HANDOUT_LANGUAGES)}, "
                           f"not {language!r}.")
    return language


def exercises_without_language(session_factory: SessionFactory, *, actor: str,
                               patient_id: int, language: str | None = None) -> list[str]:
    """Names of the active programme's exercises that will print in English, not `language`.

    A clinic's own exercise has no Spanish text; the app shows these names to the
    clinician before a Spanish sheet prints. Empty for English, or when all have it.
    `language` None means the patient's preferred language.
    """
    language = _language(session_factory, actor, patient_id, language)
    if language == hl.ENGLISH:
        return []
    library = lib.load_library()
    with transaction(session_factory) as session:
        require(session, actor, "print")
        prescription = load_active_prescription(session, patient_id)
        if prescription is None:
            return []
        rows = [session.get(Exercise, item.exercise_id) for item in prescription.items]
    missing = []
    for ex in rows:
        assert ex is not None
        shipped = library.get(ex.library_id or "")
        if shipped is None or not lib.has_language(shipped, language):
            missing.append(ex.name)
    return missing


def exercise_sheet(session_factory: SessionFactory, *, actor: str, patient_id: int,
                   on: date | None = None, compact: bool = False,
                   summary: bool = False, language: str | None = None) -> ExerciseSheet:
    """The patient's active programme as the sheet prints it: one dosage voice.

    Dosage and the clinician's note come from the prescription; a library note prints
    only where it fits the prescribed dosage (`ptdesk.domain.handout_notes`). Every
    fixed phrase prints in `language` (None: the patient's preferred language), and so
    does each library exercise's text; an exercise without that language prints in
    English (`exercises_without_language` names them).
    """
    patient = _patient(session_factory, patient_id, actor)
    language = _language(session_factory, actor, patient_id, language)
    library = lib.load_library()
    with transaction(session_factory) as session:
        prescription = load_active_prescription(session, patient_id)
        if prescription is None:
            raise ServiceError(f"{patient.mrn} has no active exercise prescription.")
        rows = [(item, session.get(Exercise, item.exercise_id)) for item in prescription.items]
        rules = _pain_rules(session, patient_id)
    programme = [ex.library_id or "" for _, ex in rows if ex is not None]
    metronome = _cadence_target(session_factory, patient_id)
    items = []
    for item, ex in rows:
        assert ex is not None
        limb = lib.limb_for(ex.library_id or "", ex.category)
        dosage = lib.Dosage(item.sets, item.reps, item.hold_seconds, item.per_day,
                            item.per_week, "", item.minutes)
        shipped = library.get(ex.library_id or "")
        if shipped is not None:
            notes = handout_notes.library_lines(shipped, dosage, programme, language)
        else:  # the clinic's own exercise: its note is the clinic's own words
            notes = (ex.dosage_note,) if ex.dosage_note.strip() else ()
        # Said once: the clinician's note often repeats the library's ("on days you do not run").
        notes = tuple(n for n in notes if n.strip().casefold() not in item.note.casefold())
        # English keeps the chart's own words (a clinician may have edited them); another
        # language takes the library's text in it, when the library has it.
        words = (shipped.text(language) if shipped is not None and language != hl.ENGLISH
                 and lib.has_language(shipped, language) else None)
        image = None
        if ex.photo is None and ex.illustration:
            image = lib.illustration_path_for(ex.illustration, language if words else hl.ENGLISH)
        items.append(ExerciseSheetItem(
            name=words.name if words else ex.name,
            purpose=words.purpose if words else ex.purpose,
            steps=words.steps if words else tuple(ex.steps),
            dosage_text=dose_words.dosage_words(dosage, item.side, limb=limb, language=language),
            side_text=dose_words.side_label(item.side, limb, language),
            precautions=words.precautions if words else tuple(ex.precautions), note=item.note,
            image_path=image, image_bytes=ex.photo, library_notes=notes,
            amount_text=dose_words.amount_words(dosage, language),
            when_text=dose_words.frequency_words(dosage, language),
            metronome_bpm=metronome if ex.library_id in _METRONOME_DRILLS else None,
        ))
    clinic = clinic_info(session_factory)
    clinician = _clinician_name(session_factory, prescription.clinician_id, actor, language)
    return ExerciseSheet(clinic=clinic, clinician_name=clinician, patient_name=_full_name(patient),
                         date=on or date.today(), items=tuple(items),
                         stop_and_call=hl.stop_and_call(language),
                         pain_guide=tuple(exercise_pain_lights(rules, language)), compact=compact,
                         summary=summary, language=language)


def _pain_rules(session: Session, patient_id: int) -> PainRules:
    """The active run plan's pain thresholds, so both handouts give the same rules."""
    stored = session.scalar(select(RunPlan.pain_rules).where(
        RunPlan.patient_id == patient_id, RunPlan.status == "active"))
    if not stored:
        return PainRules()
    default = PainRules()
    return PainRules(int(str(stored.get("progress_max_pain", default.progress_max_pain))),
                     int(str(stored.get("hold_max_pain", default.hold_max_pain))))


def exercise_sheet_pdf(session_factory: SessionFactory, *, actor: str, patient_id: int,
                       compact: bool = False, summary: bool = False,
                       language: str | None = None) -> bytes:
    """The sheet as PDF bytes, in `language` (None: the patient's preferred language)."""
    from ptdesk.reports.exercise_sheet import render_exercise_sheet

    sheet = exercise_sheet(session_factory, actor=actor, patient_id=patient_id,
                           compact=compact, summary=summary, language=language)
    data = render_exercise_sheet(sheet)
    _audit_print(session_factory, actor, patient_id, "exercise sheet")
    return data


def _cadence_target(session_factory: SessionFactory, patient_id: int) -> int | None:
    """The cadence target from the *baseline* (clinician-confirmed, else intake) cadence and
    the latest chosen increase: never compounding after retraining (services/cadence.py)."""
    with transaction(session_factory) as session:
        return load_cadence(session, patient_id).target_spm


def runplan_handout(session_factory: SessionFactory, *, actor: str, patient_id: int,
                    on: date | None = None, language: str | None = None) -> RunPlanHandout:
    """The active plan as printed, in `language` (None: the patient's preferred language)."""
    from ptdesk.reports.runplan_words import pain_lights

    patient = _patient(session_factory, patient_id, actor)
    language = _language(session_factory, actor, patient_id, language)
    with transaction(session_factory) as session:
        stored = load_active_plan(session, patient_id)
    if stored is None:
        raise ServiceError(f"{patient.mrn} has no active return-to-run plan.")
    return RunPlanHandout(
        clinic=clinic_info(session_factory),
        clinician_name=_clinician_name(session_factory, stored.clinician_id, actor, language),
        patient_name=_full_name(patient), date=on or date.today(), plan=stored.plan,
        cadence_target_spm=_cadence_target(session_factory, patient_id),
        pain_rules=tuple(pain_lights(stored.rules, language)),
        language=language,
    )


def runplan_pdf(session_factory: SessionFactory, *, actor: str, patient_id: int,
                language: str | None = None) -> bytes:
    """The plan as PDF bytes, in `language` (None: the patient's preferred language)."""
    from ptdesk.reports.runplan_pdf import render_runplan

    data = render_runplan(runplan_handout(session_factory, actor=actor, patient_id=patient_id,
                                          language=language))
    _audit_print(session_factory, actor, patient_id, "return-to-run plan")
    return data


def suggested_file_name(session_factory: SessionFactory, *, actor: str, patient_id: int,
                        kind: str, on: date | None = None) -> str:
    """The file name a saved handout gets, e.g. `Okafor-DEMO-0004-exercises-2026-12-06.pdf`."""
    patient = _patient(session_factory, patient_id, actor)
    return handout_files.file_name(patient.last_name, patient.mrn, kind, on or date.today())


def patient_id_for_mrn(session_factory: SessionFactory, mrn: str, *, actor: str) -> int:
    return find_by_mrn(session_factory, mrn, actor=actor).id


def _audit_print(session_factory: SessionFactory, actor: str, patient_id: int, what: str) -> None:
    with transaction(session_factory) as session:
        audit.record(session, actor=actor, action="print", patient_id=patient_id,
                     record_type="handout", summary=f"printed {what}")


def cadence_target(session_factory: SessionFactory, *, actor: str, patient_id: int) -> int | None:
    """The patient's cadence target (steps/min) for the run plan and the cadence drill."""
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
    return _cadence_target(session_factory, patient_id)
