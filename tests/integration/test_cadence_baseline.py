"""Clinician-confirmed baseline cadence (issue 14): the one target everywhere grows from it."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pypdf
import pytest
from sqlalchemy import select

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import AuditEntry
from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services import evaluations, handouts
from ptdesk.services.cadence import confirm_baseline_cadence, get_cadence
from ptdesk.services.exercises import list_exercises, sync_library
from ptdesk.services.prescriptions import DosedItem, save_prescription
from ptdesk.services.run_load import load_view
from ptdesk.services.runplans import save_plan
from tests.factories import ACTOR, full_evaluation, make_episode, make_patient

pytestmark = pytest.mark.sqlite_only


def _text(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


@pytest.fixture
def runner(session_factory: SessionFactory) -> int:
    """Intake 160 steps/min (+7.5%), retrained to 172 at the re-evaluation (+5%)."""
    patient_id = make_patient(session_factory).id
    episode = make_episode(session_factory, patient_id, start=date(2026, 5, 20))
    for day, spm, pct in ((date(2026, 5, 25), 160, 7.5), (date(2026, 6, 20), 172, 5.0)):
        visit = evaluations.create_visit(
            session_factory, actor=ACTOR, episode_id=episode.id, visit_date=day,
            visit_type="initial_evaluation" if spm == 160 else "re_evaluation")
        base = full_evaluation()
        # The sample's onset (1 Aug) falls after this episode's start; onset is an episode
        # fact refused after the start of care (issue 18), so it is left to the episode here.
        base = dataclasses.replace(base, subjective=dataclasses.replace(
            base.subjective, onset_date=None))
        gait = dataclasses.replace(base.gait or ev.GaitFindings(), cadence_spm=spm,
                                   cadence_target_pct=pct)
        evaluations.save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                                    evaluation=dataclasses.replace(base, gait=gait))
    save_plan(session_factory, actor=ACTOR, patient_id=patient_id,
              inputs=PlanInputs("km", 3, 3, 20, current_weekly=9, start=date(2026, 6, 22)))
    sync_library(session_factory)
    drill = next(i for i in list_exercises(session_factory)
                 if i.library_id == "cadence_drill_metronome")
    d = drill.dosage
    save_prescription(session_factory, actor=ACTOR, patient_id=patient_id,
                      effective_date=date(2026, 6, 20),
                      items=[DosedItem(drill.id, d.sets, d.reps, d.hold_seconds, d.minutes,
                                       d.per_day, d.per_week, drill.side,
                                       library_id=drill.library_id, category=drill.category,
                                       exercise_name=drill.name)])
    return patient_id


def _targets(sf: SessionFactory, patient_id: int) -> dict[str, object]:
    sheet = handouts.exercise_sheet(sf, actor=ACTOR, patient_id=patient_id)
    return {
        "overview": handouts.cadence_target(sf, actor=ACTOR, patient_id=patient_id),
        "run plan": handouts.runplan_handout(sf, actor=ACTOR,
                                             patient_id=patient_id).cadence_target_spm,
        "cadence drill": sheet.items[0].metronome_bpm,
        "progress": load_view(sf, patient_id, actor=ACTOR).cadence_target,
    }


def test_without_a_confirmed_baseline_the_intake_is_the_baseline(session_factory, runner) -> None:
    cadence = get_cadence(session_factory, actor=ACTOR, patient_id=runner)
    assert (cadence.intake_spm, cadence.confirmed_spm, cadence.baseline_spm) == (160, None, 160)
    # 160 x 1.05 = 168: the latest increase on the baseline, never 172 x 1.05.
    assert set(_targets(session_factory, runner).values()) == {168}


def test_a_confirmed_baseline_is_used_everywhere_and_printed(session_factory, runner) -> None:
    confirm_baseline_cadence(session_factory, actor=ACTOR, patient_id=runner, spm=170)
    # 170 x 1.05 = 178.5, rounded half up: 179 on every screen and paper.
    assert set(_targets(session_factory, runner).values()) == {179}
    plan = _text(handouts.runplan_pdf(session_factory, actor=ACTOR, patient_id=runner))
    assert "179 beats per minute" in plan
    sheet = _text(handouts.exercise_sheet_pdf(session_factory, actor=ACTOR, patient_id=runner))
    assert "179" in sheet
    with session_factory() as session:
        summaries = session.scalars(select(AuditEntry.summary)).all()
    assert "baseline cadence confirmed" in summaries
    # Back to the intake.
    cadence = confirm_baseline_cadence(session_factory, actor=ACTOR, patient_id=runner, spm=None)
    assert cadence.baseline_spm == 160 and cadence.target_spm == 168
    assert set(_targets(session_factory, runner).values()) == {168}


def test_the_target_never_exceeds_ten_percent_of_the_confirmed_baseline(
        session_factory, runner) -> None:
    cadence = confirm_baseline_cadence(session_factory, actor=ACTOR, patient_id=runner, spm=165)
    assert cadence.target_spm == 173  # 165 x 1.05 = 173.25
    assert dataclasses.replace(cadence, increase_pct=15.0).target_spm == 182  # +10% at most


@pytest.mark.parametrize("spm", [90, 300])
def test_an_implausible_baseline_is_refused_by_the_field(session_factory, runner, spm) -> None:
    with pytest.raises(ValidationError) as caught:
        confirm_baseline_cadence(session_factory, actor=ACTOR, patient_id=runner, spm=spm)
    assert caught.value.field == "baseline_cadence_spm"
    assert get_cadence(session_factory, actor=ACTOR, patient_id=runner).confirmed_spm is None


def test_a_patient_without_an_episode_is_told_why(session_factory) -> None:
    patient_id = make_patient(session_factory).id
    with pytest.raises(ValidationError, match="episode"):
        confirm_baseline_cadence(session_factory, actor=ACTOR, patient_id=patient_id, spm=170)
