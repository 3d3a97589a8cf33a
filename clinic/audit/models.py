"""Append-only audit trail: who did what to which record, when and from where. Never clinical text."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import UTCDateTime, utcnow
from clinic.extensions import Model


class AuditEvent(Model):
    """One row per audited action. Rows are only ever inserted; ids and action names, never text.

    `seal_id` is set once, by the sealer (clinic.audit.seal), to the batch that sealed the event.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_couple_at", "couple_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    couple_id: Mapped[int | None] = mapped_column(Integer)
    client_address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    seal_id: Mapped[int | None] = mapped_column(Integer, index=True)

    actor = relationship("User", lazy="joined")


class AuditSeal(Model):
    """One sealed batch: its events' id range, count and Merkle root, chained by a keyed MAC.

    `id` is the batch number (1, 2, …). `mac` = HMAC-SHA256(key, fields + `prev_mac`); the key is
    never in the database, so a chain recomputed without it does not verify.
    """

    __tablename__ = "audit_seal"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first_event_id: Mapped[int] = mapped_column(Integer)
    last_event_id: Mapped[int] = mapped_column(Integer)
    event_count: Mapped[int] = mapped_column(Integer)
    merkle_root: Mapped[str] = mapped_column(String(64))
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
@event.listens_for(AuditSeal, "before_update")
@event.listens_for(AuditSeal, "before_delete")
def _append_only(mapper, connection, target):
    raise RuntimeError("audit events are append-only")
