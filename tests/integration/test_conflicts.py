"""Two workstations saving the same visit, patient, programme or run plan: the second gets a conflict."""

from __future__ import annotations

import json
import multiprocessing
import pickle
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ptdesk.db.engine import SessionFactory, make_engine, make_session_factory
from ptdesk.domain import evaluation as ev
from ptdesk.domain.conflicts import STARTED_EMPTY
from ptdesk.domain.evaluation_fields import evaluation_fields
from ptdesk.domain.runplan import PainRules, PlanInputs
from ptdesk.services import drafts, runplans
from ptdesk.services import evaluations as evs
from ptdesk.services import exercises as ex
from ptdesk.services import prescriptions as rx
from ptdesk.services.audit import log as audit
from ptdesk.services.conflicts import patient_fields
from ptdesk.services.errors import ConflictError
from ptdesk.services.patients import PatientInput, get_patient, update_patient
from tests.factories import ACTOR, COLLEAGUE, make_episode, make_patient

COLLEAGUE_NAME = "Cory Colleague"
CLINICIAN_NAME = "Casey Clinician"


def _visit(sf: SessionFactory) -> evs.VisitSummary:
    patient = make_patient(sf)
    episode = make_episode(sf, patient.id)
    visit = evs.create_visit(sf, actor=ACTOR, episode_id=episode.id,
                             visit_date=date(2026, 10, 2), visit_type="initial_evaluation")
    start = ev.Evaluation(
        subjective=ev.SubjectiveFindings(chief_complaint="Knee pain on stairs", nprs_now=4),
        assessment=ev.AssessmentPlan(problem_list="Weak hip abductors"),
    )
    return evs.save_evaluation(sf, actor=ACTOR, visit_id=visit.id, evaluation=start)


def _just_now(moment: datetime | None) -> bool:
    return moment is not None and abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


# --- visits ---------------------------------------------------------------------------------


def test_second_visit_save_is_refused_with_who_and_what(session_factory) -> None:
    visit = _visit(session_factory)
    # Both workstations open the same version of the note.
    mine_summary, mine = evs.load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    theirs_summary, theirs = evs.load_evaluation(session_factory, actor=COLLEAGUE,
                                                 visit_id=visit.id)
    assert mine_summary.version == theirs_summary.version
    started_from = evaluation_fields(mine)
    assert mine.subjective is not None and theirs.subjective is not None
    their_edit = replace(theirs, subjective=replace(theirs.subjective, nprs_now=6,
                                                    chief_complaint="Pain going down stairs"))
    evs.save_evaluation(session_factory, actor=COLLEAGUE, visit_id=visit.id,
                        evaluation=their_edit, expected_version=theirs_summary.version)
    my_edit = replace(mine, subjective=replace(mine.subjective, chief_complaint="Worse on hills"),
                      soap_plan="Hip strength twice a week")
    with pytest.raises(ConflictError) as info:
        evs.save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id, evaluation=my_edit,
                            expected_version=mine_summary.version)
    error = info.value
    assert error.changed_by == COLLEAGUE_NAME and _just_now(error.changed_at)
    changes = {c.label: c for c in error.changes(started_from)}
    assert set(changes) == {"Chief complaint", "Pain now"}  # my plan text is mine alone
    assert changes["Chief complaint"].theirs == "Pain going down stairs"
    assert changes["Chief complaint"].yours == "Worse on hills"
    assert changes["Chief complaint"].you_changed_too
    assert changes["Pain now"].theirs == "6" and changes["Pain now"].yours == "4"
    assert not changes["Pain now"].you_changed_too
    # Nothing of theirs was overwritten, and my text travels with the error.
    _summary, saved = evs.load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved == their_edit
    assert error.yours is not None and error.yours["P — Plan"] == "Hip strength twice a week"


def test_the_message_holds_no_patient_text_and_details_survive_pickling(session_factory) -> None:
    visit = _visit(session_factory)
    evs.save_evaluation(session_factory, actor=COLLEAGUE, visit_id=visit.id,
                        evaluation=ev.Evaluation(soap_plan="Secret plan"),
                        expected_version=visit.version)
    with pytest.raises(ConflictError) as info:
        evs.save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                            evaluation=ev.Evaluation(soap_plan="My plan"),
                            expected_version=visit.version)
    for text in (str(info.value), repr(info.value)):
        assert "Secret plan" not in text and "My plan" not in text
    copy = pickle.loads(pickle.dumps(info.value))
    assert isinstance(copy, ConflictError) and str(copy) == str(info.value)
    assert copy.changed_by == COLLEAGUE_NAME and copy.theirs == info.value.theirs
    assert copy.yours == {"P — Plan": "My plan"}


def test_a_save_that_slips_in_between_read_and_write_is_a_conflict(
    session_factory, monkeypatch,
) -> None:
    """The last-moment race: the other save commits after this one read the visit."""
    visit = _visit(session_factory)
    original = evs._load_visit
    raced: list[bool] = []

    def load_then_race(session: Any, visit_id: int, *, lock: bool = False) -> Any:
        row = original(session, visit_id)  # read without the row lock, as SQLite does
        if lock and not raced:
            raced.append(True)
            evs.save_evaluation(session_factory, actor=COLLEAGUE, visit_id=visit_id,
                                evaluation=ev.Evaluation(soap_plan="Theirs first"))
        return row

    monkeypatch.setattr(evs, "_load_visit", load_then_race)
    with pytest.raises(ConflictError) as info:
        evs.save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                            evaluation=ev.Evaluation(soap_plan="Mine second"),
                            expected_version=visit.version)
    monkeypatch.setattr(evs, "_load_visit", original)
    assert raced and info.value.changed_by == COLLEAGUE_NAME
    assert info.value.theirs == {"P — Plan": "Theirs first"}
    _summary, saved = evs.load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved.soap_plan == "Theirs first"


# --- patients -------------------------------------------------------------------------------


def _input(details: Any, **changes: Any) -> PatientInput:
    data = PatientInput(
        mrn=details.mrn, first_name=details.first_name, last_name=details.last_name,
        date_of_birth=details.date_of_birth, sex=details.sex, phone=details.phone,
        email=details.email, address=details.address, alerts=details.alerts,
        dominant_leg=details.dominant_leg, preferred_name=details.preferred_name,
        referring_physician=details.referring_physician)
    return replace(data, **changes)


def test_second_patient_edit_is_refused_with_who_and_what(session_factory) -> None:
    pid = make_patient(session_factory, mrn="PT-77", phone="555-0100").id
    mine = get_patient(session_factory, actor=ACTOR, patient_id=pid)
    theirs = get_patient(session_factory, actor=COLLEAGUE, patient_id=pid)
    update_patient(session_factory, actor=COLLEAGUE, patient_id=pid,
                   data=_input(theirs, phone="555-0199", sex="female"),
                   expected_version=theirs.version)
    with pytest.raises(ConflictError) as info:
        update_patient(session_factory, actor=ACTOR, patient_id=pid,
                       data=_input(mine, phone="555-0123", alerts="Latex allergy"),
                       expected_version=mine.version)
    error = info.value
    assert error.changed_by == COLLEAGUE_NAME and _just_now(error.changed_at)
    changes = {c.label: (c.theirs, c.yours) for c in error.changes(patient_fields(mine))}
    assert changes == {"Phone": ("555-0199", "555-0123"), "Sex": ("Female", "Not recorded")}
    saved = get_patient(session_factory, actor=ACTOR, patient_id=pid)
    assert (saved.phone, saved.sex, saved.alerts) == ("555-0199", "female", "")


def test_a_patient_edit_that_slips_in_between_read_and_write_is_a_conflict(
    session_factory, monkeypatch,
) -> None:
    from ptdesk.services import patients

    pid = make_patient(session_factory, mrn="PT-78").id
    opened = get_patient(session_factory, actor=ACTOR, patient_id=pid)
    original = patients._get

    def get_then_race(session: Any, patient_id: int, *, lock: bool = False) -> Any:
        row = original(session, patient_id)  # no row lock: the other save gets in first
        if lock:
            monkeypatch.setattr(patients, "_get", original)
            update_patient(session_factory, actor=COLLEAGUE, patient_id=pid,
                           data=_input(opened, phone="555-0142"))
        return row

    monkeypatch.setattr(patients, "_get", get_then_race)
    with pytest.raises(ConflictError) as info:
        update_patient(session_factory, actor=ACTOR, patient_id=pid,
                       data=_input(opened, phone="555-0999"), expected_version=opened.version)
    assert info.value.changed_by == COLLEAGUE_NAME
    assert [(c.label, c.theirs, c.yours) for c in info.value.changes(patient_fields(opened))] \
        == [("Phone", "555-0142", "555-0999")]
    assert get_patient(session_factory, actor=ACTOR, patient_id=pid).phone == "555-0142"


# --- exercise programmes --------------------------------------------------------------------


@pytest.fixture
def library(session_factory) -> dict[str, rx.DosedItem]:
    ex.sync_library(session_factory)
    found = {}
    for text in ("clamshell", "bridge"):
        info = ex.list_exercises(session_factory, text=text)[0]
        found[text] = rx.DosedItem(exercise_id=info.id, sets=3, reps=15, side=info.side,
                                   exercise_name=info.name, category=info.category,
                                   library_id=info.library_id)
    return found


def test_second_programme_from_the_same_version_is_refused(session_factory, library) -> None:
    clam, bridge = library["clamshell"], library["bridge"]
    pid = make_patient(session_factory).id
    first = rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid, items=[clam],
                                 effective_date=date(2026, 11, 1), based_on_id=STARTED_EMPTY)
    # Both clinicians open the programme while `first` is the current version.
    started_from = rx.info_fields(rx.active_prescription(session_factory, pid, actor=ACTOR))
    theirs = rx.save_prescription(
        session_factory, actor=COLLEAGUE, patient_id=pid, items=[replace(clam, reps=20), bridge],
        effective_date=date(2026, 11, 8), based_on_id=first.id)
    with pytest.raises(ConflictError) as info:
        rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid,
                             items=[replace(clam, sets=2)], effective_date=date(2026, 11, 8),
                             note="Easier for now", based_on_id=first.id)
    error = info.value
    assert error.changed_by == COLLEAGUE_NAME and _just_now(error.changed_at)
    changes = {c.label: c for c in error.changes(started_from)}
    assert set(changes) == {clam.exercise_name, bridge.exercise_name, "Order of exercises",
                            "Starts on"}
    assert "20" in changes[clam.exercise_name].theirs
    assert changes[clam.exercise_name].yours.startswith("2 sets")
    assert changes[bridge.exercise_name].yours == ""  # not in my version
    assert error.yours is not None and error.yours["Note for this version"] == "Easier for now"
    active = rx.active_prescription(session_factory, pid, actor=ACTOR)
    assert active is not None and active.id == theirs.id
    assert len(rx.prescription_history(session_factory, pid, actor=ACTOR)) == 2
    # Starting again from their version works, and saves without a check still work.
    assert rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid, items=[clam],
                                effective_date=date(2026, 11, 9), based_on_id=theirs.id)
    assert rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid, items=[clam],
                                effective_date=date(2026, 11, 9))


def test_two_first_programmes_for_one_patient_conflict(session_factory, library) -> None:
    pid = make_patient(session_factory).id
    rx.save_prescription(session_factory, actor=COLLEAGUE, patient_id=pid,
                         items=[library["bridge"]], effective_date=date(2026, 11, 1),
                         based_on_id=STARTED_EMPTY)
    with pytest.raises(ConflictError) as info:
        rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid,
                             items=[library["clamshell"]], effective_date=date(2026, 11, 1),
                             based_on_id=STARTED_EMPTY)
    assert info.value.changed_by == COLLEAGUE_NAME
    assert [c.label for c in info.value.changes({})][0] == library["bridge"].exercise_name
    active = rx.active_prescription(session_factory, pid, actor=ACTOR)
    assert active is not None and [i.exercise_name for i in active.items] == [
        library["bridge"].exercise_name]


def test_a_retired_programme_is_a_conflict_for_its_editor(session_factory, library) -> None:
    pid = make_patient(session_factory).id
    first = rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid,
                                 items=[library["bridge"]], effective_date=date(2026, 11, 1))
    rx.retire_prescription(session_factory, actor=COLLEAGUE, patient_id=pid)
    with pytest.raises(ConflictError) as info:
        rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid,
                             items=[library["clamshell"]], effective_date=date(2026, 11, 2),
                             based_on_id=first.id)
    assert info.value.changed_by == COLLEAGUE_NAME and info.value.theirs == {}
    assert rx.active_prescription(session_factory, pid, actor=ACTOR) is None


@pytest.mark.sqlite_only  # PostgreSQL makes the second save wait on the patient row instead
@pytest.mark.parametrize("first_version", [True, False], ids=["replacing", "from-empty"])
def test_a_programme_saved_between_read_and_write_is_a_conflict(
    session_factory, library, monkeypatch, first_version: bool,
) -> None:
    pid = make_patient(session_factory).id
    based_on = STARTED_EMPTY
    if first_version:
        based_on = rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid,
                                        items=[library["clamshell"]],
                                        effective_date=date(2026, 11, 1)).id
    original = rx._active_row

    def read_then_race(session: Any, patient_id: int) -> Any:
        row = original(session, patient_id)
        monkeypatch.setattr(rx, "_active_row", original)
        rx.save_prescription(session_factory, actor=COLLEAGUE, patient_id=pid,
                             items=[library["bridge"]], effective_date=date(2026, 11, 2))
        return row

    monkeypatch.setattr(rx, "_active_row", read_then_race)
    with pytest.raises(ConflictError) as info:
        rx.save_prescription(session_factory, actor=ACTOR, patient_id=pid,
                             items=[replace(library["clamshell"], sets=1)],
                             effective_date=date(2026, 11, 2), based_on_id=based_on)
    assert info.value.changed_by == COLLEAGUE_NAME
    assert info.value.theirs is not None and library["bridge"].exercise_name in info.value.theirs
    history = rx.prescription_history(session_factory, pid, actor=ACTOR)
    assert [p.status for p in history].count("active") == 1
    active = rx.active_prescription(session_factory, pid, actor=ACTOR)
    assert active is not None and active.items[0].exercise_id == library["bridge"].exercise_id


# --- return-to-run plans --------------------------------------------------------------------


def test_second_run_plan_from_the_same_plan_is_refused(session_factory) -> None:
    pid = make_patient(session_factory).id
    inputs = PlanInputs("mi", 3, Decimal("1"), Decimal("20"), current_weekly=Decimal(4), start=date(2026, 12, 7))
    first = runplans.save_plan(session_factory, actor=ACTOR, patient_id=pid, inputs=inputs,
                               based_on_id=STARTED_EMPTY)
    started_from = runplans.stored_fields(runplans.active_plan(session_factory, pid, actor=ACTOR))
    theirs = runplans.save_plan(session_factory, actor=COLLEAGUE, patient_id=pid,
                                inputs=replace(inputs, runs_per_week=4), based_on_id=first.id)
    with pytest.raises(ConflictError) as info:
        runplans.save_plan(session_factory, actor=ACTOR, patient_id=pid,
                           inputs=replace(inputs, goal_weekly=Decimal("25")),
                           rules=PainRules(progress_max_pain=2, hold_max_pain=4),
                           based_on_id=first.id)
    error = info.value
    assert error.changed_by == COLLEAGUE_NAME
    changes = {c.label: (c.theirs, c.yours) for c in error.changes(started_from)}
    assert changes == {"Runs per week": ("4", "3")}
    assert error.yours is not None and error.yours["Weekly goal"] == "25"
    active = runplans.active_plan(session_factory, pid, actor=ACTOR)
    assert active is not None and active.id == theirs.id


# --- two processes --------------------------------------------------------------------------


def _race_save(url: str, actor: str, visit_id: int, text: str, barrier: Any, out: Any) -> None:
    """One workstation: open the visit, wait for the other, then both press Save at once."""
    engine = make_engine(url)
    try:
        sf = make_session_factory(engine)
        summary, opened = evs.load_evaluation(sf, actor=actor, visit_id=visit_id)
        assert opened.subjective is not None
        edit = replace(opened, subjective=replace(opened.subjective, chief_complaint=text))
        barrier.wait(timeout=60)
        try:
            saved = evs.save_evaluation(sf, actor=actor, visit_id=visit_id, evaluation=edit,
                                        expected_version=summary.version)
        except ConflictError as exc:
            # What the Evaluation tab does: keep the refused text as this user's draft.
            drafts.save_draft(sf, actor=actor, form_key=f"evaluation:visit:{visit_id}",
                              payload=json.dumps(exc.yours), patient_id=summary.patient_id)
            out.put(("conflict", actor, summary.version, exc.changed_by, exc.yours))
        else:
            out.put(("saved", actor, summary.version, saved.version, None))
    except Exception as exc:  # reported to the test rather than lost in the child
        out.put(("error", actor, 0, repr(exc), None))
    finally:
        engine.dispose()


def test_two_processes_racing_on_one_visit(session_factory, engine) -> None:
    visit = _visit(session_factory)
    url = engine.url.render_as_string(hide_password=False)
    spawn = multiprocessing.get_context("spawn")
    barrier, out = spawn.Barrier(2), spawn.Queue()
    texts = {ACTOR: "Mine: sharp pain at mile 3", COLLEAGUE: "Theirs: dull ache after runs"}
    workers = [spawn.Process(target=_race_save, args=(url, actor, visit.id, text, barrier, out))
               for actor, text in texts.items()]
    for worker in workers:
        worker.start()
    results = sorted((out.get(timeout=120) for _ in workers), key=lambda r: r[0])
    for worker in workers:
        worker.join(timeout=60)
    assert [r[0] for r in results] == ["conflict", "saved"], results
    (_, loser, loser_opened, changed_by, refused), (_, winner, winner_opened, _v, _n) = results
    assert loser_opened == winner_opened == visit.version  # both opened the same version
    assert changed_by == {ACTOR: CLINICIAN_NAME, COLLEAGUE: COLLEAGUE_NAME}[winner]
    # Both edits are recoverable: the winner's is saved, the loser's is in their draft.
    _summary, saved = evs.load_evaluation(session_factory, actor=ACTOR, visit_id=visit.id)
    assert saved.subjective is not None and saved.subjective.chief_complaint == texts[winner]
    assert refused["Chief complaint"] == texts[loser]
    draft = drafts.get_draft(session_factory, actor=loser, form_key=f"evaluation:visit:{visit.id}")
    assert draft is not None and texts[loser] in draft.payload
    assert audit.verify_chain(session_factory).ok


def test_a_save_that_leaves_the_language_alone_shows_no_language_difference(
    session_factory,
) -> None:
    pid = make_patient(session_factory, mrn="PT-79", handout_language="es").id
    mine = get_patient(session_factory, actor=ACTOR, patient_id=pid)
    update_patient(session_factory, actor=COLLEAGUE, patient_id=pid,
                   data=_input(mine, phone="555-0142"))
    with pytest.raises(ConflictError) as info:
        # `_input` sends no language (None: keep the stored one).
        update_patient(session_factory, actor=ACTOR, patient_id=pid,
                       data=_input(mine, phone="555-0999"), expected_version=mine.version)
    error = info.value
    assert error.yours is not None and error.yours["Handout language"] == "Español"
    # Without a starting point every differing field is listed: still only the phone.
    assert [c.label for c in error.changes(None)] == ["Phone"]


def test_a_language_change_by_a_colleague_is_named_in_the_conflict(session_factory) -> None:
    pid = make_patient(session_factory, mrn="PT-80").id
    mine = get_patient(session_factory, actor=ACTOR, patient_id=pid)
    update_patient(session_factory, actor=COLLEAGUE, patient_id=pid,
                   data=replace(_input(mine), handout_language="es"))
    with pytest.raises(ConflictError) as info:
        update_patient(session_factory, actor=ACTOR, patient_id=pid,
                       data=replace(_input(mine, phone="555-0999"), handout_language="en"),
                       expected_version=mine.version)
    changes = {c.label: (c.theirs, c.yours) for c in info.value.changes(patient_fields(mine))}
    assert changes == {"Handout language": ("Español", "English")}
