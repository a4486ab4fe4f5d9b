"""Issue 18 (visit-a): date of service and late entries, deleting drafts, late outcome measures."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest
from sqlalchemy import text

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.visit_rules import VisitRules
from ptdesk.services.errors import PermissionDeniedError, RecordLockedError, ServiceError
from ptdesk.services.evaluations import create_visit, list_visits, save_evaluation
from ptdesk.services.late_outcomes import record_late_outcome
from ptdesk.services.outcomes import list_outcomes, record_outcome
from ptdesk.services.progress.report import progress_report, progress_report_pdf
from ptdesk.services.signing import sign_visit, verify_signed_notes
from ptdesk.services.uow import transaction
from ptdesk.services.visit_drafts import delete_draft_visit, unsigned_notes
from ptdesk.services.visit_rules import get_visit_rules, set_visit_rules
from tests.factories import (
    ACTOR,
    ADMIN,
    COLLEAGUE,
    audit_entries,
    full_evaluation,
    make_episode,
    make_patient,
)
from tests.integration.integrity_helpers import run_cli

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
LEFS_ALL_3 = [3] * 20


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _audit(sf, record_type: str) -> list:  # type: ignore[no-untyped-def, type-arg]
    return [e for e in audit_entries(sf) if e.record_type == record_type]


def _patient(sf):  # type: ignore[no-untyped-def]
    patient = make_patient(sf)
    return patient, make_episode(sf, patient.id, start=TODAY - timedelta(days=40))


def test_a_visit_dated_yesterday_is_a_late_entry_in_the_list_report_and_audit_log(
        session_factory) -> None:
    patient, episode = _patient(session_factory)
    on_time = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                           visit_date=TODAY, visit_type="initial_evaluation")
    late = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                        visit_date=YESTERDAY, visit_type="follow_up")
    assert not on_time.late_entry and on_time.first_saved_on == TODAY
    assert late.late_entry and late.date_of_service == YESTERDAY
    assert late.first_saved_on == TODAY
    listed = {v.id: v for v in list_visits(session_factory, patient.id, actor=ACTOR)}
    assert listed[late.id].late_entry and not listed[on_time.id].late_entry
    text_ = f"Late entry — service {YESTERDAY:%Y-%m-%d}, written {TODAY:%Y-%m-%d}"
    assert listed[late.id].late_entry_text == text_
    created = [e for e in _audit(session_factory, "visit")
               if e.action == "create" and e.record_id == late.id]
    assert f"date of service {YESTERDAY:%Y-%m-%d}" in created[0].summary
    assert f"first saved {TODAY:%Y-%m-%d}" in created[0].summary
    assert "late entry" in created[0].summary
    report = progress_report(session_factory, actor=ACTOR, patient_id=patient.id)
    assert report.late_entries == (text_ + " (follow-up)",)
    printed = " ".join(_pdf_text(progress_report_pdf(session_factory, actor=ACTOR,
                                                     patient_id=patient.id)).split())
    assert f"service {YESTERDAY:%Y-%m-%d}, written {TODAY:%Y-%m-%d}" in printed


def test_a_future_date_of_service_is_refused(session_factory) -> None:
    _patient_, episode = _patient(session_factory)
    with pytest.raises(ValidationError) as raised:
        create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                     visit_date=TODAY + timedelta(days=1), visit_type="follow_up")
    assert raised.value.field == "visit_date" and "future" in raised.value.message


def test_a_stray_draft_is_deleted_by_its_author_and_leaves_the_report(session_factory) -> None:
    patient, episode = _patient(session_factory)
    first = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=TODAY - timedelta(days=7), visit_type="initial_evaluation")
    stray = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=TODAY, visit_type="follow_up")
    record_outcome(session_factory, actor=ACTOR, visit_id=stray.id, measure="nprs", items=[4])
    before = progress_report(session_factory, actor=ACTOR, patient_id=patient.id)
    assert before.visits_to_date == 2 and before.last_visit == TODAY
    with pytest.raises(PermissionDeniedError):  # another clinician's draft
        delete_draft_visit(session_factory, actor=COLLEAGUE, visit_id=stray.id)
    delete_draft_visit(session_factory, actor=ACTOR, visit_id=stray.id)
    after = progress_report(session_factory, actor=ACTOR, patient_id=patient.id)
    assert after.visits_to_date == 1 and after.last_visit == first.visit_date
    assert [v.id for v in list_visits(session_factory, patient.id, actor=ACTOR)] == [first.id]
    assert list_outcomes(session_factory, patient.id, actor=ACTOR) == []
    deleted = [e for e in _audit(session_factory, "visit")
               if e.action == "delete"]
    assert [e.record_id for e in deleted] == [stray.id] and deleted[0].actor == ACTOR


def test_an_administrator_may_delete_a_draft_but_nobody_a_signed_note(session_factory) -> None:
    _patient_, episode = _patient(session_factory)
    draft = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=TODAY, visit_type="follow_up")
    signed = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                          visit_date=TODAY, visit_type="initial_evaluation")
    sign_visit(session_factory, actor=ACTOR, visit_id=signed.id)
    delete_draft_visit(session_factory, actor=ADMIN, visit_id=draft.id)
    for who in (ACTOR, ADMIN):
        with pytest.raises(RecordLockedError):
            delete_draft_visit(session_factory, actor=who, visit_id=signed.id)
    with pytest.raises(Exception, match="signed notes cannot be changed"), \
            transaction(session_factory) as session:  # the 0002 guard, below the service
        session.execute(text("DELETE FROM visits WHERE id = :id"), {"id": signed.id})
    assert verify_signed_notes(session_factory) == []


def test_the_clinician_is_reminded_of_own_unsigned_notes_older_than_the_clinic_setting(
        session_factory) -> None:
    patient, episode = _patient(session_factory)
    ids = {}
    for days in (2, 3, 4, 20):
        ids[days] = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                                 visit_date=TODAY - timedelta(days=days),
                                 visit_type="follow_up").id
    create_visit(session_factory, actor=COLLEAGUE, episode_id=episode.id,
                 visit_date=TODAY - timedelta(days=10), visit_type="follow_up")
    sign_visit(session_factory, actor=ACTOR, visit_id=ids[20])
    assert get_visit_rules(session_factory, actor=ACTOR).stale_draft_days == 3
    notes = unsigned_notes(session_factory, actor=ACTOR)
    assert [n.visit_id for n in notes] == [ids[4]]
    assert notes[0].days_old == 4 and notes[0].patient_id == patient.id
    set_visit_rules(session_factory, actor=ADMIN, rules=VisitRules(stale_draft_days=1))
    assert [n.visit_id for n in unsigned_notes(session_factory, actor=ACTOR)] == \
        [ids[4], ids[3], ids[2]]
    with pytest.raises(PermissionDeniedError):
        set_visit_rules(session_factory, actor=ACTOR, rules=VisitRules(stale_draft_days=5))
    with pytest.raises(ValidationError):
        VisitRules(stale_draft_days=0)


def test_a_measure_added_after_signing_is_a_late_entry_and_the_note_still_verifies(
        session_factory, monkeypatch, capsys, db_backend) -> None:
    patient, episode = _patient(session_factory)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=TODAY - timedelta(days=2), visit_type="initial_evaluation",
                         first_saved_on=TODAY - timedelta(days=2))
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                    evaluation=full_evaluation())
    record_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="nprs", items=[5])
    signed = sign_visit(session_factory, actor=ACTOR, visit_id=visit.id)
    with pytest.raises(RecordLockedError):  # the note itself stays closed
        record_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="lefs",
                       items=LEFS_ALL_3)
    late = record_late_outcome(session_factory, actor=ACTOR, visit_id=visit.id,
                               measure="lefs", items=LEFS_ALL_3)
    assert late.late_entry and late.late_entry_on == TODAY and late.total == 60
    assert late.late_entry_text.startswith(f"Late entry — written {TODAY:%Y-%m-%d} by Casey")
    with pytest.raises(ServiceError):  # once is enough; corrections are addenda
        record_late_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="nprs",
                            items=[3])
    lefs = list_outcomes(session_factory, patient.id, "lefs", actor=ACTOR)
    assert [(r.visit_id, r.late_entry) for r in lefs] == [(visit.id, True)]
    with transaction(session_factory) as session:
        stored = session.execute(text("SELECT content_hash FROM visits WHERE id = :id"),
                                 {"id": visit.id}).scalar()
    assert stored == signed.content_hash
    assert verify_signed_notes(session_factory) == []
    audit_ = [e for e in _audit(session_factory, "late_outcome")]
    assert len(audit_) == 1 and f"written {TODAY:%Y-%m-%d}" in audit_[0].summary
    report = progress_report(session_factory, actor=ACTOR, patient_id=patient.id)
    assert any(row.measure == "LEFS" for row in report.scores)
    assert any("LEFS of the" in note and "late entry" in note for note in report.score_notes)
    printed = " ".join(_pdf_text(progress_report_pdf(session_factory, actor=ACTOR,
                                                     patient_id=patient.id)).split())
    assert f"initial evaluation: late entry, written {TODAY:%Y-%m-%d}" in printed
    if db_backend == "sqlite":  # the late entry is append-only below the service too
        with pytest.raises(Exception, match="append-only"), \
                transaction(session_factory) as session:
            session.execute(text("UPDATE late_outcomes SET total = 80"))
    url = str(session_factory.kw["bind"].url.render_as_string(hide_password=False)) \
        if db_backend != "sqlite" else str(session_factory.kw["bind"].url.database)
    assert run_cli(monkeypatch, ["verify", "--db", url]) == 0
    assert "Everything checks out." in capsys.readouterr().out


def test_the_clinics_measures_per_visit_and_what_is_missing(session_factory) -> None:
    from ptdesk.services.visit_measures import visit_measures

    _patient_, episode = _patient(session_factory)  # patellofemoral pain
    intake = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                          visit_date=TODAY, visit_type="initial_evaluation")
    follow = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                          visit_date=TODAY, visit_type="follow_up")
    found = visit_measures(session_factory, actor=ACTOR, visit_id=intake.id)
    assert found.asked == ("nprs", "lefs", "kujala") and found.missing_text == \
        "NPRS, LEFS and Kujala"
    save_evaluation(session_factory, actor=ACTOR, visit_id=intake.id,
                    evaluation=full_evaluation())  # pain now in the subjective is the NPRS
    assert visit_measures(session_factory, actor=ACTOR, visit_id=intake.id).missing == \
        ("lefs", "kujala")
    assert visit_measures(session_factory, actor=ACTOR, visit_id=follow.id).asked == ("nprs",)
    set_visit_rules(session_factory, actor=ADMIN, rules=VisitRules(
        every_visit=(), evaluations=("lefs", "psfs"), patellofemoral=()))
    assert visit_measures(session_factory, actor=ACTOR, visit_id=intake.id).asked == \
        ("lefs", "psfs")
    assert visit_measures(session_factory, actor=ACTOR, visit_id=follow.id).asked == ()


@pytest.mark.parametrize("attack", [
    "UPDATE late_outcomes SET total = 80",
    "DELETE FROM late_outcomes",
    "UPDATE late_outcomes SET entered_on = date(entered_on, '-3 days')",
])
@pytest.mark.sqlite_only
def test_a_late_entry_changed_or_deleted_behind_the_triggers_fails_verify(
        session_factory, db_path, attack: str) -> None:
    import sqlite3

    _patient_, episode = _patient(session_factory)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=TODAY, visit_type="initial_evaluation")
    sign_visit(session_factory, actor=ACTOR, visit_id=visit.id)
    record_late_outcome(session_factory, actor=ACTOR, visit_id=visit.id, measure="lefs",
                        items=LEFS_ALL_3)
    assert verify_signed_notes(session_factory) == []
    session_factory.kw["bind"].dispose()
    connection = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(attack)
        for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute(attack)
        connection.commit()
    finally:
        connection.close()
    problems = verify_signed_notes(session_factory)
    assert [p.kind for p in problems] == ["late_entry"]
    assert "changed after it was written" in problems[0].message \
        or "was deleted" in problems[0].message


@pytest.mark.parametrize("attack", ["UPDATE visits SET first_saved_on = visit_date",
                                    "UPDATE visits SET first_saved_on = date('now', '+3 days')"])
@pytest.mark.sqlite_only
def test_hiding_a_signed_late_entry_behind_the_triggers_fails_verify(
        session_factory, db_path, attack: str) -> None:
    import sqlite3

    _patient_, episode = _patient(session_factory)
    visit = create_visit(session_factory, actor=ACTOR, episode_id=episode.id,
                         visit_date=YESTERDAY, visit_type="follow_up")
    sign_visit(session_factory, actor=ACTOR, visit_id=visit.id)
    assert verify_signed_notes(session_factory) == []
    session_factory.kw["bind"].dispose()
    connection = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="signed notes cannot be changed"):
            connection.execute(attack)
        for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute(attack)
        connection.commit()
    finally:
        connection.close()
    [problem] = verify_signed_notes(session_factory)
    assert problem.record_id == visit.id and "first saved" in problem.message
