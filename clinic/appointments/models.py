"""Appointments: booked times for a couple (or one partner of it), alone or as part of a weekly series,
and the therapist's private calendar feed. Times are stored in UTC; a series keeps its local wall-clock
time in the zone it was booked in (see `services.recurrence`)."""

from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from clinic.extensions import Model
from clinic.sessions.models import FORMATS, KEEP, one_of

STATUSES = {
    "scheduled": "Scheduled",
    "attended": "Attended",
    "cancelled": "Cancelled",
    "late_cancellation": "Late cancellation",
    "no_show": "No-show",
}
ACTIVE = ("scheduled", "attended")  # statuses that hold the therapist's time
CANCELLED_BY = {"therapist": "The therapist", "partner_a": "Partner A", "partner_b": "Partner B", "both": "The couple"}
FREQUENCIES = {"weekly": "Every week", "fortnightly": "Every two weeks", "weekdays": "On chosen weekdays each week"}
WEEKDAYS = {"0": "Mon", "1": "Tue", "2": "Wed", "3": "Thu", "4": "Fri", "5": "Sat", "6": "Sun"}


class AppointmentSeries(Model):
    """How a recurring booking was made: the rule (an RFC 5545 RRULE) and the zone its local time lives in."""

    __tablename__ = "appointment_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete=KEEP), index=True)
    rule: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Appointment(VersionedMixin, TimestampMixin, Model):
    """One booked time. `individual_partner_id` set: an individual appointment, seen by that partner only."""

    __tablename__ = "appointment"
    __table_args__ = (
        one_of("status", STATUSES, "status"),
        one_of("format", FORMATS, "format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete=KEEP), index=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_series.id", ondelete=KEEP), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=50)
    format: Mapped[str] = mapped_column(String(20), default="in_person")
    location: Mapped[str] = mapped_column(String(200), default="")
    video_link: Mapped[str] = mapped_column(String(300), default="")
    individual_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete=KEEP), index=True)
    note_for_partners: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(20))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    therapy_session_id: Mapped[int | None] = mapped_column(ForeignKey("therapy_session.id", ondelete=KEEP), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)

    couple = relationship("Couple", lazy="joined", innerjoin=True)
    individual_partner = relationship("Partner", lazy="joined")
    series = relationship("AppointmentSeries")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def format_label(self) -> str:
        return FORMATS.get(self.format, self.format)

    @property
    def is_cancelled(self) -> bool:
        return self.status in ("cancelled", "late_cancellation")

    @property
    def attendees_label(self) -> str:
        if self.individual_partner is not None:
            return f"{self.individual_partner.name} (individual)"
        return "Both partners"

    @property
    def cancelled_by_label(self) -> str:
        if self.cancelled_by in ("partner_a", "partner_b") and self.couple is not None:
            return self.couple.partner(self.cancelled_by[-1]).name
        return CANCELLED_BY.get(self.cancelled_by or "", "")

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now


class CalendarFeed(Model):
    """A therapist's private calendar feed: only the token's SHA-256 is stored; revoking deletes the row."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    show_initials: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
