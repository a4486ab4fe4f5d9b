"""Late entries of an episode for the progress report: notes written after their service day,
and outcome measures added after a note was signed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.db.models import LateOutcome, Visit
from ptdesk.domain import evaluation as ev
from ptdesk.domain import outcomes as oc
from ptdesk.domain.visit_rules import is_late_entry, late_entry_text


def late_visit_lines(session: Session, patient_id: int, episode_id: int) -> tuple[str, ...]:
    """ "Late entry — service 2026-12-05, written 2026-12-06 (follow-up)", oldest first."""
    rows = session.execute(
        select(Visit.visit_date, Visit.first_saved_on, Visit.visit_type)
        .where(Visit.patient_id == patient_id, Visit.episode_id == episode_id,
               Visit.first_saved_on.is_not(None))
        .order_by(Visit.visit_date, Visit.id)).all()
    return tuple(f"{late_entry_text(day, saved)} ({ev.VISIT_TYPE_LABELS[kind].lower()})"
                 for day, saved, kind in rows if saved is not None and is_late_entry(day, saved))


def late_measure_lines(session: Session, patient_id: int, episode_id: int) -> tuple[str, ...]:
    """ "LEFS of the 2026-12-05 initial evaluation: late entry, written 2026-12-07 after the
    note was signed." """
    rows = session.execute(
        select(LateOutcome.measure, LateOutcome.entered_on, Visit.visit_date, Visit.visit_type)
        .join(Visit, Visit.id == LateOutcome.visit_id)
        .where(LateOutcome.patient_id == patient_id, Visit.episode_id == episode_id)
        .order_by(Visit.visit_date, LateOutcome.id)).all()
    return tuple(
        f"{oc.MEASURES[measure].name} of the {day:%Y-%m-%d} "  # type: ignore[index]
        f"{ev.VISIT_TYPE_LABELS[kind].lower()}: late entry, written {written:%Y-%m-%d} "
        "after the note was signed." for measure, written, day, kind in rows)
