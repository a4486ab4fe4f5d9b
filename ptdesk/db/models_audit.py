"""The audit chain's head: one row that serializes appends and anchors the chain's end."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.db.base import Base


class AuditHead(Base):
    """Where the audit chain ends, so a truncated log is noticed.

    Every append updates this row first in its transaction: the update takes the write
    lock (SQLite) or the row lock (PostgreSQL), so two writers can never both chain onto
    the same entry. `head_mac` is keyed with the audit secret, so the head cannot be
    rolled back by hand to hide deleted entries.
    """

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entries: Mapped[int] = mapped_column(default=0, server_default="0")
    last_id: Mapped[int] = mapped_column(default=0, server_default="0")
    last_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Entries up to this id were written before the chain existed; they carry no hash
    # of their own but are folded into the first chained entry.
    legacy_through: Mapped[int] = mapped_column(default=0, server_default="0")
    head_mac: Mapped[str] = mapped_column(String(64), default="", server_default="")
