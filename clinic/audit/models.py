"""Append-only audit trail: who did what to which record, when and from where. Never clinical text."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import UTCDateTime, utcnow
from clinic.extensions import db


class AuditEvent(db.Model):
    """One row per audited action. Rows are only ever inserted; ids and action names, never text."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_couple_at", "couple_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    couple_id: Mapped[int | None] = mapped_column(Integer)
    client_address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    # Hash chain: each row's hash covers its own fields and the previous row's hash.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))

    actor = relationship("User", lazy="joined")


class AuditChainHead(db.Model):
    """One row: the newest event's id and hash, so that deleting the last rows is detected too.

    Writers lock this row (PostgreSQL: an advisory transaction lock, then the row) while they append,
    so concurrent transactions extend the chain one after another.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int | None] = mapped_column(Integer)
    last_hash: Mapped[str | None] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column(Integer, default=0)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(mapper, connection, target):
    raise RuntimeError("audit events are append-only")
