"""`ptdesk verify` for late entries: measures added after signing, and notes' written dates.

Worked from the audit log outward, like signed notes and addenda (services/signing.py):
a late measure changed, deleted, or left under a note that is no longer signed is
reported, and so is a signed note whose "first saved" day no longer matches the day its
creation was recorded (hiding, or inventing, a late entry).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import AuditEntry, LateOutcome, Visit
from ptdesk.services.late_outcomes import late_outcome_hash

_ANCHOR = re.compile(r"content hash ([0-9a-f]{64})")
_FIRST_SAVED = re.compile(r"first saved (\d{4}-\d{2}-\d{2})")


def late_outcome_problems(session: Session) -> list[tuple[int, int, str]]:
    """(late entry id, visit id, message) for every late entry that fails its checks."""
    anchors = {rid: found.group(1) for rid, summary in session.execute(
        select(AuditEntry.record_id, AuditEntry.summary).where(
            AuditEntry.action == "create", AuditEntry.record_type == "late_outcome"))
        if rid is not None and (found := _ANCHOR.search(summary))}
    problems: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    rows = session.execute(select(LateOutcome, Visit.content_hash, Visit.status)
                           .join(Visit, Visit.id == LateOutcome.visit_id)
                           .order_by(LateOutcome.id))
    for row, note_hash, status in rows:
        seen.add(row.id)
        anchor = anchors.get(row.id)
        if status != "signed":
            problems.append((row.id, row.visit_id, f"Late entry {row.id} belongs to visit "
                             f"{row.visit_id}, which is no longer signed."))
        elif (late_outcome_hash(row, note_hash) != row.content_hash
              or anchor is None or anchor != row.content_hash):
            problems.append((row.id, row.visit_id, f"Late entry {row.id} (visit "
                             f"{row.visit_id}) was changed after it was written."))
    for missing in sorted(set(anchors) - seen):
        problems.append((missing, 0, f"Late entry {missing} was deleted; the audit log "
                         "records it being added."))
    return problems


def written_date_problems(session: Session) -> list[tuple[int, str]]:
    """(visit id, message) for signed notes whose first-saved day differs from the audit log's.

    Notes created before the day was kept have no such audit entry and are not checked.
    An empty day is not reported: downgrading past migration 0012 and upgrading again
    empties the column (no migration may write a signed note's row to restore it).
    """
    recorded = {rid: found.group(1) for rid, summary in session.execute(
        select(AuditEntry.record_id, AuditEntry.summary).where(
            AuditEntry.action == "create", AuditEntry.record_type == "visit",
            AuditEntry.summary.like("%first saved%")))
        if rid is not None and (found := _FIRST_SAVED.search(summary))}
    if not recorded:
        return []
    stored = session.execute(select(Visit.id, Visit.first_saved_on)
                             .where(Visit.status == "signed")).all()
    return [(vid, f"The signed note of visit {vid} no longer shows the day it was first "
                  f"saved ({recorded[vid]}, as the audit log records it).")
            for vid, saved in stored
            if vid in recorded and saved is not None and saved.isoformat() != recorded[vid]]
