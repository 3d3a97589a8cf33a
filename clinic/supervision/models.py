"""Supervision links (an associate and their supervisor), co-signature requests on an associate's signed
notes, each supervisor's review round, and the break-glass reasons an administrator gave to see names."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import UTCDateTime, one_of, utcnow
from clinic.extensions import Model

# A clinical trail is kept: nothing here is deleted with what it points at.
KEEP = "RESTRICT"

COSIGN_STATES = {
    "awaiting": "Awaiting co-signature",
    "changes_requested": "Changes requested",
    "revising": "Being revised",
    "cosigned": "Co-signed",
}
DECISIONS = {"changes_requested": "Requested changes", "cosigned": "Co-signed"}


class SupervisionLink(Model):
    """An associate therapist supervised by a supervisor, from `created_at` until `ended_at`."""

    __tablename__ = "supervision_link"
    __table_args__ = (CheckConstraint("associate_id <> supervisor_id", name="not_self"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    associate_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)

    associate = relationship("User", foreign_keys=[associate_id])
    supervisor = relationship("User", foreign_keys=[supervisor_id])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Cosignature(Model):
    """The co-signature an associate's signed progress note needs from their supervisor."""

    __tablename__ = "cosignature"
    __table_args__ = (CheckConstraint(one_of("status", COSIGN_STATES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_note_id: Mapped[int] = mapped_column(ForeignKey("progress_note.id", ondelete=KEEP), unique=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete=KEEP), index=True)
    associate_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    status: Mapped[str] = mapped_column(String(20), default="awaiting", index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    note = relationship("ProgressNote")
    supervisor = relationship("User", foreign_keys=[supervisor_id])
    associate = relationship("User", foreign_keys=[associate_id])
    reviews: Mapped[list["CosignReview"]] = relationship(
        back_populates="cosignature", order_by="CosignReview.id", lazy="selectin"
    )

    @property
    def status_label(self) -> str:
        return COSIGN_STATES[self.status]


class CosignReview(Model):
    """One supervisor decision on a note: co-signed, or changes requested with comments. Kept as written."""

    __tablename__ = "cosign_review"
    __table_args__ = (CheckConstraint(one_of("decision", DECISIONS), name="decision_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cosignature_id: Mapped[int] = mapped_column(ForeignKey("cosignature.id", ondelete=KEEP), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    comments: Mapped[str] = mapped_column(Text, default="")
    note_hash: Mapped[str] = mapped_column(String(64))  # the signed content the decision was about
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cosignature: Mapped[Cosignature] = relationship(back_populates="reviews")
    supervisor = relationship("User", foreign_keys=[supervisor_id])

    @property
    def decision_label(self) -> str:
        return DECISIONS[self.decision]


class NameAccess(Model):
    """An administrator's break-glass view of client names in the audit trail, with the reason given."""

    __tablename__ = "name_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    reason: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
