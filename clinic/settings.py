"""The practice's settings: one row every domain reads (name, time zone, paper, timeouts, resources).

Reads never write: when the row has not been saved yet, `get_practice_settings()` answers an unsaved
row holding the defaults, so a GET request stays read-only. `edit_practice_settings()` is for code
that changes settings (the admin form, the demo seeder, tests) and adds the row when it is missing.
"""

from zoneinfo import ZoneInfo, available_timezones

from flask import g, has_app_context
from sqlalchemy import Boolean, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db import VersionedMixin
from clinic.extensions import Model, db

PAPER_SIZES = {"letter": "US Letter", "a4": "A4"}
DEFAULTS = {
    "practice_name": "Our practice",
    "contact_line": "",
    "time_zone": "America/New_York",
    "paper_size": "letter",
    "idle_timeout_minutes": 30,
    "crisis_resources": "",
    "require_totp": True,
    "quick_exit_url": "https://www.weather.gov/",
    "rescreen_days": 90,
    "screen_before_conjoint": True,
}


class PracticeSettings(VersionedMixin, Model):
    """The practice's details (one row, id 1), printed on handouts and used for timeouts and resources."""

    __tablename__ = "practice_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_name: Mapped[str] = mapped_column(String(120), default=DEFAULTS["practice_name"])
    contact_line: Mapped[str] = mapped_column(String(200), default="")
    time_zone: Mapped[str] = mapped_column(String(60), default=DEFAULTS["time_zone"])
    paper_size: Mapped[str] = mapped_column(String(10), default="letter")
    idle_timeout_minutes: Mapped[int] = mapped_column(Integer, default=30)
    crisis_resources: Mapped[str] = mapped_column(Text, default="")
    require_totp: Mapped[bool] = mapped_column(Boolean, default=True)
    quick_exit_url: Mapped[str] = mapped_column(String(200), default=DEFAULTS["quick_exit_url"])
    rescreen_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    screen_before_conjoint: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    @classmethod
    def with_defaults(cls) -> "PracticeSettings":
        """An unsaved row holding the defaults (what a practice sees before anyone saved settings)."""
        return cls(id=1, version=1, **DEFAULTS)


def get_practice_settings() -> "PracticeSettings":
    """The practice's settings for reading (cached per request); never writes to the database."""
    if has_app_context() and "practice_settings" in g:
        return g.practice_settings
    settings = db.session.get(PracticeSettings, 1) or PracticeSettings.with_defaults()
    if has_app_context():
        g.practice_settings = settings
    return settings


def edit_practice_settings() -> "PracticeSettings":
    """The practice's settings row for changing, added to the session (flushed) when it did not exist."""
    settings = db.session.get(PracticeSettings, 1)
    if settings is None:
        settings = PracticeSettings.with_defaults()
        db.session.add(settings)
        db.session.flush()
    if has_app_context():
        g.practice_settings = settings
    return settings


def practice_zone() -> ZoneInfo:
    return ZoneInfo(get_practice_settings().time_zone)


def time_zone_choices() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
