"""Exercise library in the database, prescriptions with history, stored return-to-run plans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ptdesk.db.models import Exercise
from ptdesk.domain import exercise_library as lib
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.runplan import PainRules, PlanInputs
from ptdesk.services import exercises as ex
from ptdesk.services import prescriptions as rx
from ptdesk.services import runplans
from ptdesk.services.errors import ServiceError
from tests.factories import ACTOR, make_patient


@pytest.fixture
def loaded(session_factory):
    ex.sync_library(session_factory)
    return session_factory


def test_library_load_is_idempotent_and_keeps_clinic_edits(session_factory) -> None:
    added, updated = ex.sync_library(session_factory)
    assert added == len(lib.load_library()) >= 35 and updated == 0
    assert ex.sync_library(session_factory) == (0, 0)
    clam = next(e for e in ex.list_exercises(session_factory, text="clamshell"))
    edited = ex.set_default_dosage(session_factory, actor=ACTOR, exercise_id=clam.id,
                                   dosage=lib.Dosage(2, 25, 0, 1, 0))
    assert edited.edited_by_clinic
    # Simulate a newer shipped library: the stored hash no longer matches.
    with session_factory.begin() as session:
        for row in session.scalars(select(Exercise)):
            row.library_hash = "old"
    _, updated = ex.sync_library(session_factory)
    assert updated == len(lib.load_library()) - 1
    assert ex.get_exercise(session_factory, clam.id).dosage.reps == 25


def test_library_search_and_filters(loaded) -> None:
    stretches = ex.list_exercises(loaded, category="stretch")
    assert stretches and all(e.category == "stretch" for e in stretches)
    glute = ex.list_exercises(loaded, muscle="gluteus medius")
    assert any(e.library_id == "clamshell" for e in glute)
    assert "gluteus medius" in ex.muscles_in_library(loaded)


def test_library_search_finds_shipped_exercises_by_alias_and_spanish_name(loaded) -> None:
    def found(text: str) -> set[str | None]:
        return {e.library_id for e in ex.list_exercises(loaded, text=text)}

    assert "calf_raise" in found("heel raise")
    assert "wall_squat" in found("wall sit")
    assert "glute_bridge" in found("puente")
    assert "calf_raise" not in found("wall sit")
    assert found("zzzz") == set()


def test_custom_exercise_and_photo(loaded) -> None:
    mine = ex.add_custom_exercise(loaded, actor=ACTOR, name="Towel scrunch", category="strength",
                                  steps=("Sit with a towel under your foot.", "Scrunch it."),
                                  dosage=lib.Dosage(2, 10, 0, 1, 0), side="each")
    assert mine.is_custom
    with pytest.raises(ValidationError) as info:
        ex.attach_photo(loaded, actor=ACTOR, exercise_id=mine.id, photo=b"GIF89a...")
    assert info.value.field == "photo"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    assert ex.attach_photo(loaded, actor=ACTOR, exercise_id=mine.id, photo=png).has_photo
    with pytest.raises(ValidationError) as info:
        ex.add_custom_exercise(loaded, actor=ACTOR, name="", category="strength", steps=("x",),
                               dosage=lib.Dosage(1, 1, 0, 1, 0))
    assert info.value.field == "name"


def test_prescription_versions_and_template(loaded) -> None:
    patient = make_patient(loaded)
    items = rx.items_from_template(loaded, "runners_knee_phase_1")
    assert items and all(i.exercise_id for i in items)
    first = rx.save_prescription(loaded, actor=ACTOR, patient_id=patient.id, items=items,
                                 effective_date=date(2026, 11, 1))
    reordered = rx.move_item(list(first.items), 0, +1)
    assert reordered[1] == first.items[0]
    second = rx.save_prescription(loaded, actor=ACTOR, patient_id=patient.id, items=reordered[:-1],
                                  effective_date=date(2026, 11, 15))
    assert rx.active_prescription(loaded, patient.id, actor=ACTOR).id == second.id
    history = rx.prescription_history(loaded, patient.id, actor=ACTOR)
    assert [(h.id, h.status) for h in history] == [(second.id, "active"), (first.id, "superseded")]
    assert [i.exercise_id for i in history[1].items] == [i.exercise_id for i in first.items]
    rx.retire_prescription(loaded, actor=ACTOR, patient_id=patient.id)
    assert rx.active_prescription(loaded, patient.id, actor=ACTOR) is None


def test_progress_and_regress_follow_library_links(loaded) -> None:
    with loaded() as session:
        bridge = session.scalar(select(Exercise).where(Exercise.library_id == "glute_bridge"))
        item = rx.item_from_exercise(bridge, note="slow")
    harder = rx.step_item(loaded, item, "progress")
    assert harder.library_id == "single_leg_bridge" and harder.note == "slow"
    easier = rx.step_item(loaded, harder, "regress")
    assert easier.library_id == lib.load_library()["single_leg_bridge"].regression


def test_bad_dosage_refused_with_item_named(loaded) -> None:
    patient = make_patient(loaded)
    item = rx.items_from_template(loaded, "hip_glute_strength")[0]
    from dataclasses import replace

    with pytest.raises(ValidationError) as info:
        rx.save_prescription(loaded, actor=ACTOR, patient_id=patient.id,
                             items=[replace(item, sets=0)], effective_date=date(2026, 11, 1))
    assert info.value.field.startswith("items[0]")


def test_run_plan_stored_reopened_and_capped(session_factory) -> None:
    patient = make_patient(session_factory)
    inputs = PlanInputs("mi", 3, Decimal("1"), Decimal("20"), current_weekly=3 * Decimal(str(Decimal("1"))), start=date(2026, 12, 7),
                        race_date=date(2027, 5, 2))
    stored = runplans.save_plan(session_factory, actor=ACTOR, patient_id=patient.id, inputs=inputs,
                                rules=PainRules(progress_max_pain=2, hold_max_pain=4))
    again = runplans.get_plan(session_factory, actor=ACTOR, plan_id=stored.id)
    assert again.plan == stored.plan and again.inputs == inputs
    assert again.rules == PainRules(progress_max_pain=2, hold_max_pain=4)
    weeks = again.plan.weeks
    for before, after in zip(weeks, weeks[1:], strict=False):
        assert after.total <= before.total * Decimal("1.1")
    second = runplans.save_plan(session_factory, actor=ACTOR, patient_id=patient.id, inputs=inputs)
    assert runplans.active_plan(session_factory, patient.id, actor=ACTOR).id == second.id
    plans = runplans.list_plans(session_factory, patient.id, actor=ACTOR)
    assert [p.status for p in plans] == ["active", "archived"]
    runplans.make_active(session_factory, actor=ACTOR, plan_id=stored.id)
    assert runplans.active_plan(session_factory, patient.id, actor=ACTOR).id == stored.id


def test_retire_without_prescription_is_clear(session_factory) -> None:
    patient = make_patient(session_factory)
    with pytest.raises(ServiceError, match="no active prescription"):
        rx.retire_prescription(session_factory, actor=ACTOR, patient_id=patient.id)
