"""Hostile input: every service either refuses with a ValidationError or keeps the value exactly.

Hypothesis feeds huge strings, control characters, right-to-left text, emoji, markup,
NaN and infinities, and dates from year 1 to 9999 into the services that store typed
text and numbers, and into the PDF handouts. Never a crash, never a silently shortened
value. Example counts stay modest so the suite stays fast.
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PlanInputs, build_plan
from ptdesk.reports.dto import ClinicInfo, ExerciseSheet, ExerciseSheetItem, RunPlanHandout
from ptdesk.reports.exercise_sheet import render_exercise_sheet
from ptdesk.reports.progress_dto import ProgressReport
from ptdesk.reports.progress_report import render_progress_report
from ptdesk.reports.runplan_pdf import render_runplan
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.services.exercises import list_exercises, sync_library
from ptdesk.services.patients import PatientInput, create_patient, get_patient
from ptdesk.services.prescriptions import DosedItem, active_prescription, save_prescription
from ptdesk.services.progress.report import progress_report_pdf
from ptdesk.services.runlogs import list_runs, log_run
from ptdesk.services.signing import add_addendum, list_addenda, sign_visit
from tests.factories import ACTOR, make_episode, make_patient

SAMPLES = (
    "", " ", "\t\n", "\x00", "nul\x00inside", "bell\x07", "del\x7f", "\x1b[31mred",
    "\u202eevil\u202c", "مرحبا بالعالم", "שלום עולם", "Zoë Ødegård-Núñez", "e\u0301",
    "👩🏽‍⚕️🏃‍♀️", "\ufeffbom", "zero\u200bwidth", "<b>bold</b> & <para>", "%s %(x)s {0} \\n",
    "Robert'); DROP TABLE patients;--", "\U0010fffd", "line1\r\nline2", "ab " * 4000,
    "é" * 2001, "x" * 20_001, "🏃" * 600, "\x85next line", "tail\x1f",
)
# Anything at all, plus text that passes validation (letters, marks, symbols, any script),
# so both the refusal and the round-trip paths are taken often.
PLAIN = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Nd")), min_size=1, max_size=80)
TEXT = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=60), PLAIN,
                 st.text(min_size=1, max_size=400))
# For the fields beside the one under attack: usually acceptable, sometimes hostile.
SIDE_TEXT = st.one_of(PLAIN, PLAIN, PLAIN, TEXT)
NUMBERS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([float("nan"), float("inf"), -0.0, 1e308, 5e-324]))
DATES = st.one_of(st.dates(), st.sampled_from([date.min, date.max, date(1900, 2, 28)]))
FAST = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
_MRNS = itertools.count(1)


def refused_clearly(exc: ValidationError, fields: set[str]) -> None:
    """A refusal names one of the inputs and says something a clinician can act on."""
    assert exc.field in fields or exc.field.split(".")[0].split("[")[0] in fields, exc.field
    assert exc.message and "Traceback" not in exc.message


@FAST
@given(first=TEXT, last=SIDE_TEXT, preferred=SIDE_TEXT, address=SIDE_TEXT, alerts=TEXT,
       born=st.one_of(DATES, st.dates(date(1910, 1, 1), date(2025, 1, 1))))
@example(first=" שלום ", last="Ødegård-Núñez", preferred="👩🏽‍⚕️", address="<b>1 Main</b>\n& Co",
         alerts="é" * 2000, born=date(1950, 1, 1))
def test_patient_details(session_factory, first, last, preferred, address, alerts, born) -> None:
    data = PatientInput(mrn=f"HX-{next(_MRNS)}", first_name=first, last_name=last,
                        preferred_name=preferred, address=address, alerts=alerts,
                        date_of_birth=born)
    try:
        created = create_patient(session_factory, actor=ACTOR, data=data)
    except ValidationError as exc:
        event("refused")
        refused_clearly(exc, {"first_name", "last_name", "preferred_name", "address", "alerts",
                              "date_of_birth"})
        return
    event("stored")
    stored = get_patient(session_factory, actor=ACTOR, patient_id=created.id)
    assert (stored.first_name, stored.last_name, stored.preferred_name, stored.address,
            stored.alerts) == (first.strip(), last.strip(), preferred.strip(), address.strip(),
                               alerts.strip())
    assert stored.date_of_birth == born


@pytest.fixture
def draft_visit(session_factory):
    patient = make_patient(session_factory, mrn="HV-1")
    episode = make_episode(session_factory, patient.id)
    return create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                        visit_date=date(2026, 10, 2), visit_type="initial_evaluation")


@FAST
@given(complaint=TEXT, note=SIDE_TEXT, plan=SIDE_TEXT, onset=DATES,
       flexion=st.one_of(NUMBERS, st.floats(0, 165)), speed=st.one_of(NUMBERS, st.floats(1, 30)))
@example(complaint="مرحبا 🏃 \t", note="nul-free\nlines", plan="x" * 20_000, flexion=5e-324,
         speed=29.999999999999996, onset=date.min)
def test_evaluation_text_numbers_and_dates(
    session_factory, draft_visit, complaint, note, plan, flexion, speed, onset,
) -> None:
    evaluation = ev.Evaluation(
        subjective=ev.SubjectiveFindings(chief_complaint=complaint, onset_date=onset),
        knees=(ev.KneeFindings("left", flexion_deg=flexion, notes=note),),
        gait=ev.GaitFindings(speed=speed, notes=note), soap_plan=plan)
    try:
        save_evaluation(session_factory, actor=ACTOR, visit_id=draft_visit.id,
                        evaluation=evaluation)
    except ValidationError as exc:
        event("refused")
        refused_clearly(exc, {"chief_complaint", "knee_left", "gait", "soap_plan", "onset_date"})
        return
    event("stored")
    _summary, stored = load_evaluation(session_factory, actor=ACTOR, visit_id=draft_visit.id)
    assert stored == evaluation


@pytest.fixture
def exercise_id(session_factory) -> int:
    sync_library(session_factory)
    return list_exercises(session_factory)[0].id


@FAST
@given(note=TEXT, sets=st.integers(-5, 50), start=DATES)
@example(note="🏃 " * 600, sets=20, start=date.max)
def test_exercise_notes_and_doses(session_factory, exercise_id, note, sets, start) -> None:
    patient = make_patient(session_factory, mrn=f"HE-{next(_MRNS)}")
    item = DosedItem(exercise_id=exercise_id, sets=sets, reps=10, note=note)
    try:
        save_prescription(session_factory, actor=ACTOR, patient_id=patient.id, items=[item],
                          effective_date=start)
    except ValidationError as exc:
        event("refused")
        refused_clearly(exc, {"items", "sets"})
        return
    event("stored")
    stored = active_prescription(session_factory, patient.id, actor=ACTOR)
    assert stored is not None and stored.effective_date == start
    assert (stored.items[0].note, stored.items[0].sets) == (note.strip(), sets)


@FAST
@given(note=TEXT, day=st.one_of(DATES, st.dates(date(2026, 1, 1), date(2026, 11, 1))),
       amount=st.one_of(NUMBERS, st.integers(1, 3000).map(lambda n: n / 100)))
@example(note="\u202eevil\u202c " * 100, amount=0.01, day=date.min)
def test_run_log_notes_amounts_and_days(session_factory, note, amount, day) -> None:
    patient = make_patient(session_factory, mrn=f"HR-{next(_MRNS)}")
    try:
        log_run(session_factory, actor=ACTOR, patient_id=patient.id, run_date=day,
                amount=amount, kind="continuous", pain_during=1, next_morning="same",
                note=note, measure="km", today=date(2026, 11, 1))
    except ValidationError as exc:
        event("refused")
        refused_clearly(exc, {"note", "amount", "run_date"})
        return
    event("stored")
    (stored,) = list_runs(session_factory, patient.id, actor=ACTOR)
    assert (stored.note, stored.run_date, float(stored.amount)) == (note.strip(), day, amount)


@pytest.fixture
def signed_visit(session_factory, draft_visit):
    sign_visit(session_factory, actor=ACTOR, visit_id=draft_visit.id)
    return draft_visit


@FAST
@given(reason=SIDE_TEXT, text=TEXT)
@example(reason=" Wrong side ", text="x" * 20_000)
def test_addendum_reason_and_text(session_factory, signed_visit, reason, text) -> None:
    before = list_addenda(session_factory, signed_visit.id, actor=ACTOR)
    try:
        added = add_addendum(session_factory, actor=ACTOR, visit_id=signed_visit.id,
                             reason=reason, text=text)
    except ValidationError as exc:
        event("refused")
        refused_clearly(exc, {"reason", "text"})
        assert list_addenda(session_factory, signed_visit.id, actor=ACTOR) == before
        return
    event("stored")
    assert list_addenda(session_factory, signed_visit.id, actor=ACTOR)[-1] == added
    assert (added.reason, added.text) == (reason.strip(), text.strip())


# ---- PDFs -------------------------------------------------------------------------------

# Scripts the handout font (DejaVu Sans) covers, written left to right.
PRINTABLE = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Pd", "Po", "Sc"),
                                  max_codepoint=0x04FF), min_size=1, max_size=300)
PDF_SETTINGS = settings(max_examples=12, deadline=None,
                        suppress_health_check=[HealthCheck.too_slow])


def _squeezed(value: str) -> str:
    # Line wrapping may break anywhere (long words are split): compare without whitespace.
    return re.sub(r"\s+", "", value)


def _pdf_text(pdf: bytes) -> str:
    return _squeezed("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))


def _sheet(name: str, note: str) -> ExerciseSheet:
    item = ExerciseSheetItem("Clamshell", "Strengthens the side of the hip.", ("Lie on your side.",),
                             "3 sets of 10", "Each side", (), note)
    return ExerciseSheet(ClinicInfo(name), name, name, date(2026, 11, 1), (item,))


@PDF_SETTINGS
@given(name=PRINTABLE, note=PRINTABLE)
def test_exercise_sheet_prints_names_and_notes_in_full(name, note) -> None:
    text = _pdf_text(render_exercise_sheet(_sheet(name, note)))
    assert _squeezed(name) in text and _squeezed(note) in text


@PDF_SETTINGS
@given(name=PRINTABLE)
def test_runplan_handout_prints_the_name_in_full(name) -> None:
    plan = build_plan(PlanInputs("minutes", 3, 10, 90, current_weekly=3 * Decimal(str(10)), start=date(2026, 11, 2)))
    pdf = render_runplan(RunPlanHandout(ClinicInfo("Clinic"), name, name, date(2026, 11, 1), plan))
    assert _squeezed(name) in _pdf_text(pdf)


# Names reach a handout only through validation (at most 100 + 100 characters for a
# patient, 200 for a clinic, 200 + 100 for a clinician); notes may be long.
NAMES = st.one_of(st.sampled_from([s[:200] for s in SAMPLES]), st.text(max_size=200))


def _sheet_with(name: str, note: str) -> ExerciseSheet:
    item = ExerciseSheetItem(note[:200] or "Squat", note, (note,), note[:100], note[:50],
                             (note,), note)
    return ExerciseSheet(ClinicInfo(name, note[:500], note[:50]), name, name, date(2026, 11, 1),
                         (item,))


@PDF_SETTINGS
@given(name=NAMES, note=TEXT, day=DATES)
def test_no_text_or_date_crashes_a_handout(name, note, day) -> None:
    plan = build_plan(PlanInputs("km", 3, 2, 20, current_weekly=3 * Decimal(str(2)), start=date(2026, 11, 2)))
    for pdf in (render_exercise_sheet(_sheet_with(name, note)),
                render_runplan(RunPlanHandout(ClinicInfo(name), name, name, day, plan))):
        assert pypdf.PdfReader(io.BytesIO(pdf)).pages


def test_progress_report_prints_a_long_accented_name_in_full(session_factory) -> None:
    first, last = "Ægir-Þórunn Ólafsdóttir", "Ødegård-Núñez " * 6
    patient = make_patient(session_factory, mrn="HP-1", first=first, last=last.strip())
    make_episode(session_factory, patient.id)
    pdf = progress_report_pdf(session_factory, actor=ACTOR, patient_id=patient.id,
                              on=date(2026, 11, 1))
    assert _squeezed(f"{first} {last}") in _pdf_text(pdf)


def _exercise_sheet_with(field: str, value: str) -> bytes:
    note = value if field == "note" else "Go slowly."
    item = ExerciseSheetItem("Clamshell", "Strengthens the side of the hip.",
                             ("Lie on your side.",), "3 sets of 10", "Each side", (), note)
    return render_exercise_sheet(ExerciseSheet(
        ClinicInfo(value if field == "clinic" else "Riverside Physio"),
        value if field == "clinician" else "Dana Lee", value if field == "patient" else "Ann Bo",
        date(2026, 11, 1), (item,)))


def _runplan_with(field: str, value: str) -> bytes:
    plan = build_plan(PlanInputs("minutes", 3, 10, 90, current_weekly=3 * Decimal(str(10)), start=date(2026, 11, 2)))
    return render_runplan(RunPlanHandout(
        ClinicInfo(value if field == "clinic" else "Riverside Physio"),
        value if field == "clinician" else "Dana Lee", value if field == "patient" else "Ann Bo",
        date(2026, 11, 1), plan))


def _progress_report_with(field: str, value: str) -> bytes:
    return render_progress_report(ProgressReport(
        ClinicInfo(value if field == "clinic" else "Riverside Physio"),
        value if field == "clinician" else "Dana Lee", date(2026, 11, 1),
        value if field == "patient" else "Ann Bo", date(1990, 1, 1), "HP-2", "Dr Ko",
        value if field == "diagnosis" else "Knee pain", "M22.2X1", "right", None, 1, None, None))


RENDERERS = {"exercise sheet": (_exercise_sheet_with, ("patient", "clinician", "clinic", "note")),
             "run plan": (_runplan_with, ("patient", "clinician", "clinic")),
             "progress report": (_progress_report_with, ("patient", "clinician", "clinic",
                                                         "diagnosis"))}


# Right to left (Hebrew, Arabic) is drawn in visual order and reads back in the order typed;
# emoji print from the bundled emoji font. Arabic reads back as the letters typed, not as the
# joined forms printed.
@pytest.mark.parametrize("name", ["שלום עולם", "Anna 🏃", "مرحبا بالعالم", "👩🏽‍⚕️🏃‍♀️"])
@pytest.mark.parametrize(("renderer", "field"), [
    (renderer, field) for renderer, (_, fields) in RENDERERS.items() for field in fields])
def test_right_to_left_and_emoji_names_print_faithfully(renderer, field, name) -> None:
    render, _ = RENDERERS[renderer]
    text = "".join(p.extract_text() for p in
                   pypdf.PdfReader(io.BytesIO(render(field, name))).pages)
    assert name in text


def test_lone_surrogates_are_refused(session_factory) -> None:
    with pytest.raises(ValidationError):
        create_patient(session_factory, actor=ACTOR, data=PatientInput(
            mrn="HS-1", first_name="a\udcffb", last_name="Test", date_of_birth=date(1990, 1, 1)))
