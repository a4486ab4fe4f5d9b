"""Outcome measures recorded for a visit after its note was signed, as dated late entries."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import select

from ptdesk.db.base import utcnow
from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import LateOutcome, OutcomeResult, Visit
from ptdesk.domain.stamps import as_utc
from ptdesk.services.audit import log as audit
from ptdesk.services.errors import NotFoundError, PermissionDeniedError, ServiceError
from ptdesk.services.outcomes import ItemsInput, OutcomeRecord, late_record, score_form
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

NOT_SIGNED = ("This note is not signed yet: enter the measure in the note itself.")
ALREADY_THERE = ("This visit already has this measure; add an addendum to the note to "
                 "correct it.")


def late_outcome_hash(row: LateOutcome, note_hash: str) -> str:
    """SHA-256 of a late entry, tied to the hash of the signed note it belongs to."""
    at = as_utc(row.entered_at).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    canonical = json.dumps(
        [row.visit_id, row.patient_id, row.measure, repr(float(row.total)),
         repr(float(row.max_total)), row.missing_items, row.items, at,
         row.entered_on.isoformat(), row.author_id, row.author_name, note_hash],
        ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_late_outcome(
    session_factory: SessionFactory, *, actor: str, visit_id: int, measure: str,
    items: ItemsInput, allow_missing: bool = False, today: date | None = None,
) -> OutcomeRecord:
    """Store a measure forgotten before signing, beside the signed note (never in it).

    The note's rows and content hash stay exactly as signed; the entry carries the day
    it was written and its author, is append-only, and is audited with both dates.
    """
    score, rows = score_form(measure, items, allow_missing)
    written = today or date.today()
    with transaction(session_factory) as session:
        person = require(session, actor, "edit_evaluation")
        if person is None:
            raise PermissionDeniedError("Only a clinician signed in with an account can add "
                                        "a late entry.")
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFoundError(f"No visit with id {visit_id}.")
        if visit.status != "signed":
            raise ServiceError(NOT_SIGNED)
        taken = session.scalar(select(OutcomeResult.id).where(
            OutcomeResult.visit_id == visit_id, OutcomeResult.measure == measure)) or \
            session.scalar(select(LateOutcome.id).where(
                LateOutcome.visit_id == visit_id, LateOutcome.measure == measure))
        if taken:
            raise ServiceError(ALREADY_THERE)
        name = (f"{person.display_name}, {person.credentials}" if person.credentials
                else person.display_name)
        row = LateOutcome(
            visit_id=visit.id, patient_id=visit.patient_id, measure=measure,
            total=float(score.raw_total if score.raw_total is not None else score.total),
            max_total=float(score.max_total), missing_items=len(score.missing_items),
            items=[[key, label[:200], value] for key, label, value in rows],
            entered_at=utcnow(), entered_on=written, author_id=person.id, author_name=name)
        row.content_hash = late_outcome_hash(row, visit.content_hash)
        session.add(row)
        session.flush()
        audit.record(session, actor=actor, action="create", patient_id=visit.patient_id,
                     record_type="late_outcome", record_id=row.id,
                     summary=f"late entry: {measure} for signed visit {visit.id}; date of "
                             f"service {visit.visit_date:%Y-%m-%d}; written {written:%Y-%m-%d}; "
                             f"content hash {row.content_hash}")
        return late_record(row, visit.visit_date)
