"""Outcome measures added to a signed note afterwards: dated late entries beside the note."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.db.base import Base
from ptdesk.db.models_care import OUTCOME_MEASURES
from ptdesk.db.models_patients import _in


class LateOutcome(Base):
    """One measure recorded for a visit after its note was signed.

    Kept beside the note, never in it: the signed note's rows and content hash stay as
    signed. Append-only (triggers refuse updates and deletes) and hashed, like addenda. The items
    are [key, label, answer] lists, the form as entered.
    """

    __tablename__ = "late_outcomes"
    __table_args__ = (
        CheckConstraint(_in("measure", OUTCOME_MEASURES), name="measure"),
        CheckConstraint("total >= 0 AND total <= max_total", name="total"),
        CheckConstraint("missing_items >= 0", name="missing_items"),
        UniqueConstraint("visit_id", "measure", name="uq_late_outcomes_visit_measure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="RESTRICT"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"),
                                            index=True)
    measure: Mapped[str] = mapped_column(String(10))
    total: Mapped[float] = mapped_column(Float)
    max_total: Mapped[float] = mapped_column(Float)
    missing_items: Mapped[int] = mapped_column(default=0)
    items: Mapped[list[list[object]]] = mapped_column(JSON, default=list)
    entered_at: Mapped[datetime] = mapped_column()
    entered_on: Mapped[date] = mapped_column(Date)  # the clinic's day it was written
    author_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the entry tied to the signed note's hash, also written into the keyed
    # audit chain: `ptdesk verify` finds an entry changed, deleted or moved behind the triggers.
    content_hash: Mapped[str] = mapped_column(String(64))
