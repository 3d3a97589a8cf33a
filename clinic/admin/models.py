from sqlalchemy import Boolean, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db import VersionedMixin
from clinic.extensions import db

PAPER_SIZES = {"letter": "US Letter", "a4": "A4"}


class PracticeSettings(VersionedMixin, db.Model):
    """The practice's details (one row), printed on handouts and used for timeouts and resources."""

    __tablename__ = "practice_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_name: Mapped[str] = mapped_column(String(120), default="Our practice")
    contact_line: Mapped[str] = mapped_column(String(200), default="")
    time_zone: Mapped[str] = mapped_column(String(60), default="America/New_York")
    paper_size: Mapped[str] = mapped_column(String(10), default="letter")
    idle_timeout_minutes: Mapped[int] = mapped_column(Integer, default=30)
    crisis_resources: Mapped[str] = mapped_column(Text, default="")
    require_totp: Mapped[bool] = mapped_column(Boolean, default=True)
    quick_exit_url: Mapped[str] = mapped_column(String(200), default="https://www.weather.gov/")
    rescreen_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    screen_before_conjoint: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
