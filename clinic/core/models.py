from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db import UTCDateTime, utcnow
from clinic.extensions import Model


class SubmissionToken(Model):
    """A create form's one-time token: the second submit of the same form finds the first result."""

    __tablename__ = "submission_token"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    result_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
