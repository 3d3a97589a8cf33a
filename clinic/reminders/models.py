"""A partner's reminder choices, and the claim that makes each daily digest go out exactly once."""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db import UTCDateTime, utcnow
from clinic.extensions import Model


class ReminderPreference(Model):
    """Per partner: which kinds (on/off), the hour of the day, quiet hours, and their own time zone.

    No row means no reminders: a partner opts in on their portal's Reminders page.
    """

    __tablename__ = "reminder_preference"
    __table_args__ = (
        CheckConstraint("send_hour BETWEEN 0 AND 23", name="hour_of_day"),
        CheckConstraint("quiet_from IS NULL OR quiet_from BETWEEN 0 AND 23", name="quiet_from_hour"),
        CheckConstraint("quiet_until IS NULL OR quiet_until BETWEEN 0 AND 23", name="quiet_until_hour"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), unique=True)
    homework: Mapped[bool] = mapped_column(Boolean, default=False)
    questionnaires: Mapped[bool] = mapped_column(Boolean, default=False)
    appointments: Mapped[bool] = mapped_column(Boolean, default=False)  # a session in the next 36 hours
    send_hour: Mapped[int] = mapped_column(Integer, default=18)
    quiet_from: Mapped[int | None] = mapped_column(Integer)  # hours [quiet_from, quiet_until) send nothing
    quiet_until: Mapped[int | None] = mapped_column(Integer)
    time_zone: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def any_on(self) -> bool:
        return self.homework or self.questionnaires or self.appointments

    def is_quiet(self, hour: int) -> bool:
        start, end = self.quiet_from, self.quiet_until
        if start is None or end is None or start == end:
            return False
        return start <= hour < end if start < end else hour >= start or hour < end


class ReminderSent(Model):
    """The claim for one digest: one row per partner and local day (unique), written in the same
    transaction as the queued message, so two workers or two app instances never both send."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("partner_id", "local_day", name="one_digest_a_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    local_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
