"""Change stamps: they move on writes (not on views), name the right part of the chart, use indexes."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ptdesk.db.engine import SessionFactory
from ptdesk.domain.runplan import PlanInputs
from ptdesk.services import changes
from ptdesk.services.changes import (
    ChangeStamp,
    changes_since,
    current_stamp,
    describe,
    patient_change_stamp,
    poll_changes,
)
from ptdesk.services.evaluations import create_visit, load_evaluation, save_evaluation
from ptdesk.services.exercises import sync_library
from ptdesk.services.outcomes import record_outcome
from ptdesk.services.patients import PatientInput, get_patient, update_patient
from ptdesk.services.prescriptions import items_from_template, save_prescription
from ptdesk.services.runlogs import delete_run, log_run
from ptdesk.services.runplans import get_plan, save_plan
from ptdesk.services.signing import sign_visit
from tests.factories import ACTOR, COLLEAGUE, full_evaluation, make_episode, make_patient

TODAY = date(2026, 10, 20)


@pytest.fixture
def chart(session_factory: SessionFactory) -> tuple[int, int]:
    """(patient id, visit id) of a patient with an episode and one draft visit."""
    patient = make_patient(session_factory)
    episode = make_episode(session_factory, patient.id)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    return patient.id, visit.id


def _log_run(sf: SessionFactory, patient_id: int, actor: str = COLLEAGUE) -> int:
    return log_run(sf, actor=actor, patient_id=patient_id, run_date=date(2026, 10, 10),
                   amount=20, kind="continuous", pain_during=2, next_morning="same",
                   today=TODAY, measure="minutes").id


def test_stamp_moves_on_writes_and_not_on_views(session_factory, chart) -> None:
    patient_id, visit_id = chart
    before = patient_change_stamp(session_factory, patient_id, actor=ACTOR)
    assert before.last_id > 0  # registering the patient was a write
    get_patient(session_factory, actor=ACTOR, patient_id=patient_id)
    load_evaluation(session_factory, actor=ACTOR, visit_id=visit_id)
    assert patient_change_stamp(session_factory, patient_id, actor=ACTOR) == before
    assert changes_since(session_factory, patient_id, before, actor=ACTOR) == []
    save_evaluation(session_factory, actor=COLLEAGUE, visit_id=visit_id,
                    evaluation=full_evaluation())
    after = patient_change_stamp(session_factory, patient_id, actor=ACTOR)
    assert after.last_id > before.last_id
    assert after.last_id <= current_stamp(session_factory, actor=ACTOR).last_id


def test_stamp_is_per_patient(session_factory, chart) -> None:
    patient_id, _visit_id = chart
    other = make_patient(session_factory, mrn="MRN-002", first="Bo", last="Other")
    mine = patient_change_stamp(session_factory, patient_id, actor=ACTOR)
    _log_run(session_factory, other.id)
    assert patient_change_stamp(session_factory, patient_id, actor=ACTOR) == mine
    assert patient_change_stamp(session_factory, other.id, actor=ACTOR).last_id > mine.last_id
    assert patient_change_stamp(session_factory, 999_999, actor=ACTOR) == ChangeStamp(0)


def test_each_kind_of_write_is_named(session_factory, chart) -> None:
    patient_id, visit_id = chart
    sf = session_factory
    sync_library(sf)
    start = patient_change_stamp(sf, patient_id, actor=ACTOR)
    save_evaluation(sf, actor=COLLEAGUE, visit_id=visit_id, evaluation=full_evaluation())
    record_outcome(sf, actor=COLLEAGUE, visit_id=visit_id, measure="nprs",
                   items=[3])
    save_prescription(sf, actor=COLLEAGUE, patient_id=patient_id,
                      items=items_from_template(sf, "hip_glute_strength")[:2],
                      effective_date=date(2026, 10, 2))
    plan = save_plan(sf, actor=COLLEAGUE, patient_id=patient_id,
                     inputs=PlanInputs("minutes", 3, 10, 60, current_weekly=3 * Decimal(str(10)), start=date(2026, 10, 5)))
    get_plan(sf, actor=COLLEAGUE, plan_id=plan.id)  # a view: not a change
    run_id = _log_run(sf, patient_id)
    delete_run(sf, actor=COLLEAGUE, run_id=run_id)
    details = get_patient(sf, actor=ACTOR, patient_id=patient_id)
    update_patient(sf, actor=COLLEAGUE, patient_id=patient_id, data=_input(details, "Alexa"))
    sign_visit(sf, actor=COLLEAGUE, visit_id=visit_id)
    notes = changes_since(sf, patient_id, start, actor=ACTOR)
    # The sample evaluation holds an onset and a goal race the episode lacked: saving it fills
    # the episode's blanks (episode facts have one home, issue 18), a change of its own.
    assert [(n.kind, n.action) for n in notes] == [
        ("episode", "update"), ("evaluation", "update"), ("outcomes", "create"), ("exercises", "create"),
        ("runplan", "create"), ("runlog", "create"), ("runlog", "delete"),
        ("patient", "update"), ("evaluation", "sign"),
    ]
    assert all(n.actor == COLLEAGUE and n.patient_id == patient_id for n in notes)
    assert notes[0].who == "Cory Colleague (clinician)"
    assert notes[-1].at.tzinfo is not None
    assert [n.audit_id for n in notes] == sorted(n.audit_id for n in notes)
    assert notes[-1].audit_id == patient_change_stamp(sf, patient_id, actor=ACTOR).last_id


def _input(details: object, first: str) -> PatientInput:
    fields = {name: getattr(details, name) for name in PatientInput.__dataclass_fields__}
    return replace(PatientInput(**fields), first_name=first)


def test_own_writes_from_this_workstation_are_left_out(session_factory, chart) -> None:
    patient_id, _visit_id = chart
    start = current_stamp(session_factory, actor=ACTOR)
    _log_run(session_factory, patient_id, actor=ACTOR)
    _log_run(session_factory, patient_id, actor=COLLEAGUE)
    notes = changes_since(session_factory, patient_id, start, ignore_actor=ACTOR, actor=ACTOR)
    assert [n.actor for n in notes] == [COLLEAGUE]
    assert notes[0].workstation == changes.THIS_WORKSTATION
    assert notes[0].is_from(COLLEAGUE) and not notes[0].is_from(ACTOR)
    assert len(changes_since(session_factory, patient_id, start, actor=ACTOR)) == 2


def test_poll_reports_the_open_patient_and_the_patient_list(session_factory, chart) -> None:
    patient_id, _visit_id = chart
    sf = session_factory
    first = poll_changes(sf, None, patient_id, ignore_actor=ACTOR, actor=ACTOR)
    assert first.notes == () and not first.patients_list_changed
    assert first.stamp == current_stamp(sf, actor=ACTOR)
    quiet = poll_changes(sf, first.stamp, patient_id, ignore_actor=ACTOR, actor=ACTOR)
    assert quiet == first  # nothing written: same stamp, nothing to report
    get_patient(sf, actor=COLLEAGUE, patient_id=patient_id)  # a view by someone else
    viewed = poll_changes(sf, first.stamp, patient_id, ignore_actor=ACTOR, actor=ACTOR)
    assert viewed.notes == () and not viewed.patients_list_changed
    assert viewed.stamp.last_id > first.stamp.last_id  # the stamp still moves on
    _log_run(sf, patient_id)
    runs = poll_changes(sf, viewed.stamp, patient_id, ignore_actor=ACTOR, actor=ACTOR)
    assert runs.kinds == ("runlog",) and not runs.patients_list_changed
    assert "Cory Colleague (clinician) saved changes to Run log at " in describe(runs.notes)
    make_patient(sf, mrn="MRN-777", first="New", last="Arrival")  # ACTOR: own, ignored
    assert not poll_changes(sf, runs.stamp, patient_id, actor=ACTOR,
                            ignore_actor=ACTOR).patients_list_changed
    details = get_patient(sf, actor=ACTOR, patient_id=patient_id)
    update_patient(sf, actor=COLLEAGUE, patient_id=patient_id, data=_input(details, "Alexa"))
    edited = poll_changes(sf, runs.stamp, patient_id, ignore_actor=ACTOR, actor=ACTOR)
    assert edited.patients_list_changed and edited.kinds == ("patient",)
    # Another patient's chart changing is not news for this one, but the list still refreshes.
    other = poll_changes(sf, runs.stamp, None, ignore_actor=ACTOR, actor=ACTOR)
    assert other.notes == () and other.patients_list_changed


def test_describe_names_every_part(session_factory, chart) -> None:
    patient_id, visit_id = chart
    start = current_stamp(session_factory, actor=ACTOR)
    save_evaluation(session_factory, actor=COLLEAGUE, visit_id=visit_id,
                    evaluation=full_evaluation())
    _log_run(session_factory, patient_id)
    text_ = describe(changes_since(session_factory, patient_id, start, actor=ACTOR))
    assert text_.startswith("Cory Colleague (clinician) saved changes to the episode of care, "
                            "Evaluation and Run log at")
    assert text_.endswith("on another workstation.")
    assert describe([]) == ""


def _plan(engine: Engine, stmt: object) -> str:
    compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
            return "\n".join(str(row[-1]) for row in rows)
        # A tiny test table is cheaper to read whole; forbid that to see the index is usable.
        conn.execute(text("SET enable_seqscan = off"))
        return "\n".join(row[0] for row in conn.execute(text(f"EXPLAIN {compiled}")))


def test_queries_use_indexes(engine, session_factory, chart) -> None:
    patient_id, _visit_id = chart
    other = make_patient(session_factory, mrn="MRN-002", first="Bo", last="Other")
    for n in range(30):  # enough rows, of two patients, that a full scan is a real choice
        _log_run(session_factory, patient_id if n % 2 else other.id, actor=COLLEAGUE)
    stamp_plan = _plan(engine, changes.patient_stamp_query(patient_id))
    notes_plan = _plan(engine, changes.patient_notes_query(patient_id, 5, None, ACTOR))
    list_plan = _plan(engine, changes.patient_list_query(5, 50, ACTOR))
    if engine.dialect.name == "sqlite":
        assert "USING INDEX ix_audit_log_patient_at (patient_id=?)" in stamp_plan
        assert "SEARCH audit_log USING" in notes_plan
        assert "SEARCH audit_log USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in list_plan
        for plan in (stamp_plan, notes_plan, list_plan):
            assert "SCAN audit_log" not in plan
    else:
        assert "ix_audit_log_patient_at" in stamp_plan
        assert "Index" in notes_plan and "Seq Scan on audit_log" not in notes_plan
        assert "Index Scan using pk_audit_log" in list_plan


def test_polling_writes_nothing(session_factory, chart) -> None:
    """Polling only reads: it adds no audit entries of its own (that would look like news)."""
    patient_id, _visit_id = chart
    before = current_stamp(session_factory, actor=ACTOR)
    for _ in range(3):
        poll_changes(session_factory, before, patient_id, ignore_actor=ACTOR, actor=ACTOR)
        patient_change_stamp(session_factory, patient_id, actor=ACTOR)
    assert current_stamp(session_factory, actor=ACTOR) == before


def test_a_write_from_another_process_is_seen(engine, session_factory, chart) -> None:
    """Two workstations on one database: a separate process saves, this one's poll sees it."""
    patient_id, _visit_id = chart
    start = poll_changes(session_factory, None, patient_id, ignore_actor=ACTOR, actor=ACTOR).stamp
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from ptdesk.db.engine import make_engine, make_session_factory\n"
        "from ptdesk.services.runlogs import log_run\n"
        "sf = make_session_factory(make_engine(sys.argv[1]))\n"
        "log_run(sf, actor=sys.argv[2], patient_id=int(sys.argv[3]), run_date=date(2026, 10, 9),"
        " amount=15, kind='continuous', pain_during=1, next_morning='same', measure='minutes')\n"
    )
    url = engine.url.render_as_string(hide_password=False)
    subprocess.run([sys.executable, "-c", script, url, COLLEAGUE, str(patient_id)],
                   check=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
    report = poll_changes(session_factory, start, patient_id, ignore_actor=ACTOR, actor=ACTOR)
    assert report.kinds == ("runlog",)
    assert report.notes[0].actor == COLLEAGUE
