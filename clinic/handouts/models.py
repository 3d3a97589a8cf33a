"""Models of the handouts domain: a therapist's own handouts and the handouts given to a couple."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from clinic.extensions import Model


class Handout(VersionedMixin, TimestampMixin, Model):
    """A handout a therapist wrote, or a copy of a built-in one they customised. Only its owner sees it."""

    __tablename__ = "handout"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # The built-in handout this one was copied from (its slug), so it keeps that handout's features.
    based_on: Mapped[str | None] = mapped_column(String(80))
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)


class GivenHandout(Model):
    """A handout given to a couple: a snapshot of its text at the time, plus the therapist's note.

    The snapshot means later edits to the library never change what a couple was given.
    """

    __tablename__ = "given_handout"
    __table_args__ = (CheckConstraint("builtin_slug is not null or handout_id is not null", name="has_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    # One partner only (private to them); None means the couple: both partners see it.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    builtin_slug: Mapped[str | None] = mapped_column(String(80))
    handout_id: Mapped[int | None] = mapped_column(ForeignKey("handout.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    given_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    couple = relationship("Couple")
    partner = relationship("Partner", lazy="joined")
    given_by = relationship("User", lazy="joined")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_for(self, partner) -> bool:
        """Whether `partner` may see it: given to their couple, and to both or to them alone."""
        return self.couple_id == partner.couple_id and self.partner_id in (None, partner.id)
