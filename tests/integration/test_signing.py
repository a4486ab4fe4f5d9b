"""Signed notes: no code path changes them, addenda are stored and listed, hashes catch tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ptdesk.db.models import AuditEntry, Clinician, Visit
from ptdesk.domain import evaluation as ev
from ptdesk.domain.errors import ValidationError
from ptdesk.services.audit import log as audit
from ptdesk.services.db_check import check_database
from ptdesk.services.errors import (
    ConflictError,
    PermissionDeniedError,
    RecordLockedError,
    ServiceError,
)
from ptdesk.services.evaluations import load_evaluation, save_evaluation
from ptdesk.services.note_hash import hash_visit
from ptdesk.services.outcomes import record_outcome
from ptdesk.services.signing import (
    add_addendum,
    list_addenda,
    sign_visit,
    signature,
    verify_signed_notes,
)
from ptdesk.services.uow import transaction
from tests.factories import ACTOR
from tests.integration.integrity_helpers import (
    ADMIN,
    ASSISTANT,
    CLINICIAN,
    add_accounts,
    charted_visit,
    drop_triggers,
)

# Every table holding a part of the note, with a column a raw UPDATE can change.
NOTE_TABLES = {
    "subjective_exams": "chief_complaint = 'edited'", "knee_exams": "notes = 'edited'",
    "ankle_exams": "notes = 'edited'", "special_tests": "result = 'negative'",
    "strength_tests": "value = 99", "gait_assessments": "notes = 'edited'",
    "assessments": "plan_notes = 'edited'", "outcome_results": "total = 1",
    "prior_injuries": "description = 'edited'", "outcome_items": "value = 0",
}


@pytest.fixture
def signed(session_factory):
    add_accounts(session_factory)
    visit = charted_visit(session_factory)
    sign_visit(session_factory, actor=CLINICIAN, visit_id=visit.id, expected_version=visit.version)
    return visit


def test_signing_stores_signer_time_hash_and_an_audit_entry(session_factory) -> None:
    add_accounts(session_factory)
    visit = charted_visit(session_factory)
    with transaction(session_factory) as session:
        unsigned_hash = hash_visit(session, visit.id)
    result = sign_visit(session_factory, actor=CLINICIAN, visit_id=visit.id)
    with transaction(session_factory) as session:
        # The hash covers the note and the episode facts frozen beside it at signing.
        expected_hash = hash_visit(session, visit.id)
    assert result.status == "signed" and result.content_hash == expected_hash != unsigned_hash
    assert result.signed_by_name == "Jordan Kim, PT, DPT" and result.signed_at is not None
    assert signature(session_factory, visit.id, actor=ACTOR) == result
    with transaction(session_factory) as session:
        row = session.get(Visit, visit.id)
        kim = session.scalar(select(Clinician).where(Clinician.username == CLINICIAN))
        assert row.status == "signed" and row.signed_by_id == kim.id
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "sign")).one()
    assert (entry.actor, entry.record_type, entry.record_id) == (CLINICIAN, "visit", visit.id)
    assert "Knee feels weak" not in entry.summary
    assert audit.verify_chain(session_factory).ok
    assert verify_signed_notes(session_factory) == []


def test_service_refuses_every_change_to_a_signed_note(session_factory, signed) -> None:
    with pytest.raises(RecordLockedError):
        save_evaluation(session_factory, actor=CLINICIAN, visit_id=signed.id,
                        evaluation=ev.Evaluation(soap_plan="changed"))
    with pytest.raises(RecordLockedError):
        record_outcome(session_factory, actor=CLINICIAN, visit_id=signed.id, measure="nprs",
                       items=[1])
    with pytest.raises(RecordLockedError):
        sign_visit(session_factory, actor=CLINICIAN, visit_id=signed.id)
    _summary, evaluation = load_evaluation(session_factory, actor=ACTOR, visit_id=signed.id)
    assert evaluation.soap_plan == "P"


@pytest.mark.parametrize("table", sorted(NOTE_TABLES))
def test_raw_sql_cannot_update_or_delete_any_row_of_a_signed_note(engine, signed, table) -> None:
    with engine.connect() as connection:
        count = connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
    assert count > 0  # the fixture really filled this part of the note
    for statement in (f"UPDATE {table} SET {NOTE_TABLES[table]}", f"DELETE FROM {table}"):
        with pytest.raises(IntegrityError, match="signed notes cannot be changed"), \
                engine.begin() as connection:
            connection.execute(text(statement))


def test_raw_sql_cannot_change_delete_or_extend_the_visit(engine, signed) -> None:
    statements = [
        f"UPDATE visits SET soap_plan = 'x' WHERE id = {signed.id}",
        f"UPDATE visits SET status = 'draft' WHERE id = {signed.id}",
        f"DELETE FROM visits WHERE id = {signed.id}",
        f"INSERT INTO special_tests (visit_id, test, side, result, version, created_at, "
        f"updated_at) VALUES ({signed.id}, 'ober', 'left', 'positive', 1, '2026-01-01', "
        "'2026-01-01')",
    ]
    for statement in statements:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(statement))
    assert verify_signed_notes_ok(engine)


def verify_signed_notes_ok(engine) -> bool:
    from ptdesk.db.engine import make_session_factory

    return verify_signed_notes(make_session_factory(engine)) == []


def test_roles_without_the_permission_cannot_sign_or_add_addenda(session_factory) -> None:
    add_accounts(session_factory)
    visit = charted_visit(session_factory)
    for actor in (ASSISTANT, ADMIN, "no-account"):
        with pytest.raises(PermissionDeniedError):
            sign_visit(session_factory, actor=actor, visit_id=visit.id)
    sign_visit(session_factory, actor=CLINICIAN, visit_id=visit.id)
    for actor in (ASSISTANT, ADMIN, "no-account"):
        with pytest.raises(PermissionDeniedError):
            add_addendum(session_factory, actor=actor, visit_id=visit.id, reason="r", text="t")
    assert list_addenda(session_factory, visit.id, actor=ACTOR) == []


def test_stale_version_is_a_conflict_not_a_signature(session_factory) -> None:
    add_accounts(session_factory)
    visit = charted_visit(session_factory)
    save_evaluation(session_factory, actor=ACTOR, visit_id=visit.id,
                    evaluation=ev.Evaluation(soap_plan="newer"))
    with pytest.raises(ConflictError):
        sign_visit(session_factory, actor=CLINICIAN, visit_id=visit.id,
                   expected_version=visit.version)
    assert signature(session_factory, visit.id, actor=ACTOR).status == "draft"


def test_addenda_are_stored_listed_hashed_and_audited_without_their_text(
    session_factory, signed,
) -> None:
    first = add_addendum(session_factory, actor=CLINICIAN, visit_id=signed.id,
                         reason="Wrong side recorded", text="Effusion was on the LEFT knee.")
    second = add_addendum(session_factory, actor=CLINICIAN, visit_id=signed.id,
                          reason="  Late entry  ", text="Patient called: pain 2/10 today.\n")
    listed = list_addenda(session_factory, signed.id, actor=ACTOR)
    assert listed == [first, second]
    assert (second.reason, second.text) == ("Late entry", "Patient called: pain 2/10 today.")
    assert first.author_name == "Jordan Kim, PT, DPT" and first.created_at <= second.created_at
    assert len({first.content_hash, second.content_hash}) == 2
    with transaction(session_factory) as session:
        summaries = session.scalars(select(AuditEntry.summary)
                                    .where(AuditEntry.action == "addendum")).all()
    assert len(summaries) == 2
    assert not any("LEFT" in s or "Wrong side" in s or "pain 2/10" in s for s in summaries)
    assert verify_signed_notes(session_factory) == [] and audit.verify_chain(session_factory).ok


def test_addendum_needs_a_signed_note_a_reason_and_sane_text(session_factory) -> None:
    add_accounts(session_factory)
    visit = charted_visit(session_factory)
    with pytest.raises(ServiceError, match="not signed"):
        add_addendum(session_factory, actor=CLINICIAN, visit_id=visit.id, reason="r", text="t")
    sign_visit(session_factory, actor=CLINICIAN, visit_id=visit.id)
    bad = [("", "text", "reason"), ("reason", "   ", "text"), ("r" * 501, "t", "reason"),
           ("r", "t" * 20_001, "text"), ("r", "bell\x07", "text")]
    for reason, body, field in bad:
        with pytest.raises(ValidationError) as info:
            add_addendum(session_factory, actor=CLINICIAN, visit_id=visit.id, reason=reason,
                         text=body)
        assert info.value.field == field
    assert list_addenda(session_factory, visit.id, actor=ACTOR) == []


def test_addenda_are_append_only_in_the_database(engine, session_factory, signed) -> None:
    add_addendum(session_factory, actor=CLINICIAN, visit_id=signed.id, reason="r", text="t")
    for statement in ("UPDATE addenda SET text = 'x'", "DELETE FROM addenda"):
        with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))


@pytest.mark.parametrize("table", ["knee_exams", "outcome_items", "prior_injuries", "visits"])
def test_editing_a_signed_note_behind_the_triggers_is_detected(
    engine, session_factory, signed, table,
) -> None:
    drop_triggers(engine, "trg_%_signed_%")
    change = {"visits": "soap_plan = 'rewritten'", "knee_exams": "notes = 'rewritten'",
              "outcome_items": "value = 0", "prior_injuries": "description = 'rewritten'"}[table]
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {table} SET {change}"))
    problems = verify_signed_notes(session_factory)
    assert [(p.kind, p.visit_id) for p in problems] == [("note", signed.id)]
    assert "changed after it was signed" in problems[0].message
    report = check_database(engine)
    assert not report.ok
    assert any("changed after it was signed" in p for p in report.problems)


def test_editing_an_addendum_behind_the_triggers_is_detected(engine, session_factory, signed) -> None:
    added = add_addendum(session_factory, actor=CLINICIAN, visit_id=signed.id, reason="r",
                         text="original")
    drop_triggers(engine, "trg_addenda_%")
    with engine.begin() as connection:
        connection.execute(text("UPDATE addenda SET text = 'forged'"))
    problems = verify_signed_notes(session_factory)
    assert [(p.kind, p.record_id) for p in problems] == [("addendum", added.id)]


def test_an_edit_with_a_recomputed_hash_is_caught_by_the_audit_anchor(
    engine, session_factory, signed,
) -> None:
    # The stored hash is plain SHA-256, so an attacker can recompute it after an edit;
    # the hash written into the keyed audit chain at signing cannot be recomputed.
    drop_triggers(engine, "trg_%_signed_%")
    with engine.begin() as connection:
        connection.execute(text("UPDATE knee_exams SET notes = 'rewritten'"))
    with transaction(session_factory) as session:
        forged = hash_visit(session, signed.id)
    with engine.begin() as connection:
        connection.execute(text("UPDATE visits SET content_hash = :h"), {"h": forged})
    problems = verify_signed_notes(session_factory)
    assert [(p.kind, p.visit_id) for p in problems] == [("note", signed.id)]
    assert audit.verify_chain(session_factory).ok  # the chain itself is untouched


def test_notes_signed_before_hashes_existed_are_reported_not_failed(
    engine, session_factory,
) -> None:
    visit = charted_visit(session_factory)
    with engine.begin() as connection:  # as a database from before schema 0002 has them
        connection.execute(text("UPDATE visits SET status = 'signed' WHERE id = :v"),
                           {"v": visit.id})
    assert verify_signed_notes(session_factory) == []
    report = check_database(engine)
    assert report.ok and any("before content hashes were kept" in line
                             for line in report.lines())
