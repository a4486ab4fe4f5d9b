"""The audit chain's head (serializes appends, anchors the end) and the record-guard settings."""

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


class RecordSettings(Base):
    """The clinic's settings for its records' outside witnesses and restore leftovers (one row).

    `syslog_address` ("host" or "host:port", UDP): when set, every audit entry's hash is
    also sent there, out of reach of anyone who can only change this database.
    `restore_copies_kept`: how many databases kept aside by restores are kept.
    """

    __tablename__ = "record_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("restore_copies_kept >= 1 AND restore_copies_kept <= 100",
                        name="restore_copies_kept"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    syslog_address: Mapped[str] = mapped_column(String(255), default="", server_default="")
    restore_copies_kept: Mapped[int] = mapped_column(default=3, server_default="3")
