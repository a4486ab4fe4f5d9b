"""Outcome measures: score and store a form at a visit, and list a patient's results over time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ptdesk.db.engine import SessionFactory
from ptdesk.db.models import LateOutcome, OutcomeItem, OutcomeResult, Visit
from ptdesk.domain import outcomes as oc
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.outcome_missing import FormTotal, form_total
from ptdesk.services.audit import log as audit
from ptdesk.services.drafts import drop_draft
from ptdesk.services.errors import NotFoundError, RecordLockedError
from ptdesk.services.permissions import require
from ptdesk.services.uow import transaction

ItemsInput = Sequence[int | None] | Mapping[str, int | None] | Sequence[tuple[str, int]]


@dataclass(frozen=True)
class OutcomeRecord:
    id: int
    visit_id: int
    visit_date: date
    measure: str
    total: float
    max_total: float
    missing_items: int
    items: tuple[tuple[str, str, int | None], ...]  # (key, label, value)
    # `total` is the stored raw sum of the answered items; `reading` is the form read by
    # the instrument's missing-item rule when loaded (prorated, or no total and why).
    reading: FormTotal | None = None
    # Set on a measure added after the note was signed: the day it was written (a late
    # entry kept beside the signed note, services/late_outcomes.py) and by whom.
    late_entry_on: date | None = None
    entered_by: str = ""

    @property
    def late_entry(self) -> bool:
        return self.late_entry_on is not None

    @property
    def late_entry_text(self) -> str:
        """ "Late entry — written 2026-12-07 by Casey Clinician", or "" when not late."""
        if self.late_entry_on is None:
            return ""
        by = f" by {self.entered_by}" if self.entered_by else ""
        return f"Late entry — written {self.late_entry_on:%Y-%m-%d}{by}"

    @property
    def score_text(self) -> str:
        """ "60/80 (prorated)", "57/80" or "No total (6 items missing)"."""
        read = self.reading or FormTotal(self.total, False, self.missing_items, "")
        if read.total is None:
            noun = "item" if read.missing == 1 else "items"
            return f"No total ({read.missing} {noun} missing)"
        text = f"{read.total:.0f}" if float(read.total).is_integer() else f"{read.total:.1f}"
        return f"{text}/{self.max_total:.0f}" + (" (prorated)" if read.prorated else "")


def _answer(item: object) -> int | None:
    """One item's answer from a list of answers (None: marked missing)."""
    if item is None or isinstance(item, int):
        return item
    raise ValidationError("items", "Each answer must be a whole number or marked missing.")


def _activity(item: object) -> oc.PsfsActivity:
    """A PSFS (activity, score) pair as the form gives it."""
    if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], int)):
        raise ValidationError("psfs", "Give each activity with its score from 0 to 10.")
    return oc.PsfsActivity(str(item[0]), item[1])


def score_form(
    measure: str, items: ItemsInput, allow_missing: bool
) -> tuple[oc.OutcomeScore, list[tuple[str, str, int | None]]]:
    """Score the form and produce the rows to store: (key, label, raw answer)."""
    rows: list[tuple[str, str, int | None]]
    if measure == "lefs":
        values = [_answer(item) for item in items]
        score = oc.score_lefs(values, allow_missing=allow_missing)
        rows = [(f"item_{i + 1}", oc.LEFS_ITEMS[i], val) for i, val in enumerate(values)]
    elif measure == "kujala":
        if not isinstance(items, Mapping):
            raise ValidationError("kujala", "Kujala answers must be given per item.")
        score = oc.score_kujala(items, allow_missing=allow_missing)
        labels = {item.key: item.label for item in oc.KUJALA_ITEMS}
        rows = [(key, labels[key], items.get(key)) for key in oc.KUJALA_ITEM_KEYS]
    elif measure == "nprs":
        values = [_answer(item) for item in items]
        pain = values[0] if len(values) == 1 else None
        if pain is None:
            raise ValidationError("nprs", "Enter one pain score from 0 to 10.")
        score = oc.score_nprs(pain)
        rows = [("pain", "Pain now", pain)]
    elif measure == "psfs":
        activities = [_activity(item) for item in items]
        score = oc.score_psfs(activities)
        rows = [(f"activity_{i + 1}", a.name, a.score) for i, a in enumerate(activities)]
    else:
        raise ValidationError("measure", "Measure must be NPRS, LEFS, Kujala or PSFS.")
    return score, rows


def record_outcome(
    session_factory: SessionFactory, *, actor: str, visit_id: int, measure: str,
    items: ItemsInput, allow_missing: bool = False, draft_key: str | None = None,
) -> OutcomeRecord:
    """Score and store one measure at a visit, replacing an earlier entry of that measure."""
    score, rows = score_form(measure, items, allow_missing)
    with transaction(session_factory) as session:
        require(session, actor, "edit_evaluation")
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFoundError(f"No visit with id {visit_id}.")
        if visit.status == "signed":
            raise RecordLockedError("This note is signed and cannot be changed; add an addendum.")
        existing = session.scalar(
            select(OutcomeResult).where(OutcomeResult.visit_id == visit_id, OutcomeResult.measure == measure)
        )
        result = existing or OutcomeResult(patient_id=visit.patient_id, visit_id=visit_id, measure=measure)
        # The raw sum is stored; proration is applied whenever the form is read, so
        # stored rows never need rewriting if the rule is revised.
        result.total = float(score.raw_total if score.raw_total is not None else score.total)
        result.max_total = float(score.max_total)
        result.missing_items = len(score.missing_items)
        # Re-entering a form updates items in place: the unique (result, item) key
        # forbids inserting a replacement before the old row is deleted.
        previous = {item.item_key: item for item in result.items}
        merged = []
        for position, (key, label, value) in enumerate(rows):
            item = previous.get(key) or OutcomeItem(item_key=key)
            item.position, item.label, item.value = position, label[:200], value
            merged.append(item)
        result.items = merged
        session.add(result)
        drop_draft(session, actor=actor, form_key=draft_key)  # same transaction as the save
        session.flush()
        audit.record(session, actor=actor, action="update" if existing else "create",
                     patient_id=visit.patient_id, record_type="outcome", record_id=result.id,
                     summary=f"{measure} recorded")
        return _record(result, visit.visit_date)


def missing_maxima(measure: str, items: Sequence[tuple[str, int | None]]) -> list[float]:
    """Each missing item's maximum points: 4 per LEFS item, the item's own for Kujala."""
    if measure == "kujala":
        maxima = {item.key: float(item.max_points) for item in oc.KUJALA_ITEMS}
        return [maxima.get(key, 10.0) for key, value in items if value is None]
    return [4.0 for _key, value in items if value is None]


def read_form(measure: str, total: float, max_total: float, missing: int,
              items: Sequence[tuple[str, int | None]]) -> FormTotal:
    """A stored form read by its instrument's missing-item rule (rows never rewritten)."""
    if missing == 0:
        return FormTotal(float(total), False, 0, "")
    count = len(oc.LEFS_ITEMS) if measure == "lefs" else len(oc.KUJALA_ITEMS)
    maxima = missing_maxima(measure, items)
    if len(maxima) != missing:  # items not stored with the row: assume the largest maxima
        maxima = [4.0 if measure == "lefs" else 10.0] * missing
    return form_total(measure, total, max_total, maxima, count)


def _record(row: OutcomeResult, visit_date: date) -> OutcomeRecord:
    items = tuple((i.item_key, i.label, i.value) for i in row.items)
    return _read(row, visit_date, items)


def late_record(row: LateOutcome, visit_date: date) -> OutcomeRecord:
    """A late entry read like any stored form (its items are kept as [key, label, value])."""
    items = tuple((str(k), str(label), None if value is None else int(str(value)))
                  for k, label, value in row.items)
    return _read(row, visit_date, items, late_entry_on=row.entered_on,
                 entered_by=row.author_name)


def _read(row: OutcomeResult | LateOutcome, visit_date: date,
          items: tuple[tuple[str, str, int | None], ...], *,
          late_entry_on: date | None = None, entered_by: str = "") -> OutcomeRecord:
    """The record of a stored form, on time or late, with its score read."""
    return OutcomeRecord(
        id=row.id, visit_id=row.visit_id, visit_date=visit_date, measure=row.measure,
        total=row.total, max_total=row.max_total, missing_items=row.missing_items,
        items=items,
        reading=read_form(row.measure, row.total, row.max_total, row.missing_items,
                          [(key, value) for key, _label, value in items]),
        late_entry_on=late_entry_on, entered_by=entered_by)


def list_outcomes(
    session_factory: SessionFactory, patient_id: int, measure: str | None = None, *, actor: str
) -> list[OutcomeRecord]:
    """A patient's results, oldest first (the first is the intake value)."""
    stmt = (
        select(OutcomeResult, Visit.visit_date)
        .join(Visit, Visit.id == OutcomeResult.visit_id)
        .where(OutcomeResult.patient_id == patient_id)
        .order_by(Visit.visit_date, OutcomeResult.id)
        .options(selectinload(OutcomeResult.items))
    )
    if measure is not None:
        stmt = stmt.where(OutcomeResult.measure == measure)
    late = (select(LateOutcome, Visit.visit_date).join(Visit, Visit.id == LateOutcome.visit_id)
            .where(LateOutcome.patient_id == patient_id))
    if measure is not None:
        late = late.where(LateOutcome.measure == measure)
    with transaction(session_factory) as session:
        require(session, actor, "view_chart")
        found = [_record(row, when) for row, when in session.execute(stmt)]
        found += [late_record(row, when) for row, when in session.execute(late)]
    # Late entries take their visit's place in time (stable: same-day order kept).
    return sorted(found, key=lambda r: r.visit_date)
