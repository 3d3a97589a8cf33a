"""A mail message on its way out: who it is for, its state, and why it last failed.

The rendered text and HTML wait in the row only until the message is delivered or given up (then they
are cleared: links in them are credentials). Nothing clinical is ever in a message, so nothing clinical
is ever in this table.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db import UTCDateTime, one_of, utcnow
from clinic.extensions import Model

STATUSES = ("queued", "sending", "retrying", "sent", "failed")


class MailMessage(Model):
    __tablename__ = "mail_message"
    __table_args__ = (CheckConstraint(one_of("status", STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(200), default="")
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    outbox_file: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
