"""The practice's settings: one row every domain reads (name, time zone, paper, timeouts, resources).

Reads never write: when the row has not been saved yet, `get_practice_settings()` answers an unsaved
row holding the defaults, so a GET request stays read-only. `edit_practice_settings()` is for code
that changes settings (the admin form, the demo seeder, tests) and adds the row when it is missing.

Reads are cached per process: a detached copy of the row, kept for `SETTINGS_CACHE_SECONDS` (10 by
default) and dropped at once in the process whose transaction changed the row. Other processes see a
change within that time; every page therefore reads settings with no query at all.
"""

import functools
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import Boolean, Integer, String, Text, event, false, true
from sqlalchemy.orm import Mapped, Session, mapped_column
from wtforms.fields.choices import SelectChoice

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
    # Email to partners may greet them by first name (off: "Hello," only). Never more than the first name.
    mail_first_name: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @classmethod
    def with_defaults(cls) -> "PracticeSettings":
        """An unsaved row holding the defaults (what a practice sees before anyone saved settings)."""
        return cls(id=1, version=1, **DEFAULTS)


class _ProcessCache:
    """The column values of the settings row, shared by this process's requests for a short time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, Any] | None = None
        self._read_at = 0.0

    def get(self, max_age: float) -> dict[str, Any] | None:
        with self._lock:
            if self._values is not None and time.monotonic() - self._read_at < max_age:
                return self._values
            return None

    def put(self, values: dict[str, Any]) -> None:
        with self._lock:
            self._values, self._read_at = values, time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._values = None


_cache = _ProcessCache()
_COLUMNS = tuple(column.key for column in PracticeSettings.__table__.columns)


def clear_settings_cache() -> None:
    """Forget the cached settings (done automatically when this process commits a change)."""
    _cache.clear()


def get_practice_settings() -> "PracticeSettings":
    """The practice's settings for reading: a detached copy, cached per process; never writes."""
    if has_app_context() and "practice_settings" in g:
        return g.practice_settings
    max_age = float(current_app.config.get("SETTINGS_CACHE_SECONDS", 10)) if has_app_context() else 0.0
    values = _cache.get(max_age)
    if values is None:
        row = db.session.get(PracticeSettings, 1)
        values = {key: getattr(row, key) for key in _COLUMNS} if row else None
        if values is not None:
            _cache.put(values)
    settings = PracticeSettings(**values) if values else PracticeSettings.with_defaults()
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


@event.listens_for(Session, "after_flush")
def _note_settings_change(session: Session, _flush_context: object) -> None:
    if any(isinstance(obj, PracticeSettings) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["practice_settings_changed"] = True


@event.listens_for(Session, "after_commit")
def _drop_cache_after_change(session: Session) -> None:
    if session.info.pop("practice_settings_changed", False):
        _cache.clear()


@event.listens_for(Session, "after_rollback")
def _forget_change_on_rollback(session: Session) -> None:
    session.info.pop("practice_settings_changed", None)


def practice_zone() -> ZoneInfo:
    return ZoneInfo(get_practice_settings().time_zone)


def viewer_zone() -> ZoneInfo:
    """The zone the signed-in person reads and types times in: their own (`User.time_zone`), else the
    practice's. Worked out once per request (kept on `flask.g`) from the user row Flask-Login already
    loaded, so it costs no query. A background job sets the zone of whoever asked (`use_viewer_zone`);
    other work outside a request (the command line) reads the practice's."""
    if has_app_context() and "viewer_zone" in g:
        return g.viewer_zone
    if not has_request_context():
        return practice_zone()
    from flask_login import current_user

    name = getattr(current_user, "time_zone", None) if current_user.is_authenticated else None
    g.viewer_zone = zone = zone_or_none(name) or practice_zone()
    return zone


def to_utc(local: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC time of a naive local time in `zone`; None when that local time does not exist (a DST gap).

    An ambiguous time (the hour repeated when clocks go back) is read as its first occurrence.
    """
    aware = local.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local:
        return None
    return utc


def gap_message(local: datetime, zone: ZoneInfo) -> str:
    """Why the naive `local` can't be used in `zone`, naming the gap: "02:30 on Sun 8 Mar 2026 doesn't
    exist in America/New_York: the clocks go forward from 02:00 to 03:00 that night. Choose another time."
    """
    start = local.replace(second=0, microsecond=0)
    for _ in range(48 * 60):  # back to the first skipped minute (a gap is an hour, at most a day)
        if to_utc(start - timedelta(minutes=1), zone) is not None:
            break
        start -= timedelta(minutes=1)
    after = local.replace(tzinfo=zone, fold=1).utcoffset() or timedelta(0)
    before = local.replace(tzinfo=zone, fold=0).utcoffset() or timedelta(0)
    end = start + abs(after - before)
    span = (
        f"from {start:%H:%M} to {end:%H:%M} that night"
        if end.date() == start.date()
        else f"from {start:%H:%M} on {start:%-d %b} to {end:%H:%M} on {end:%-d %b}"
    )
    return (
        f"{local:%H:%M} on {local:%a %-d %b %Y} doesn't exist in {zone.key}: the clocks go forward {span}. "
        "Choose another time."
    )


def use_viewer_zone(name: str | None) -> None:
    """Read and show times in the zone `name` for the rest of this app context (a background job
    rendering for a person); an unknown or empty name means the practice's zone."""
    g.viewer_zone = zone_or_none(name) or practice_zone()


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The zone named `name` (as stored), or None when the name is empty or no zone (e.g. removed from the
    tz database since). Cheap: zoneinfo keeps each zone it has read."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (LookupError, ValueError, OSError):
        return None


def is_listed_zone(name: str | None) -> bool:
    """Whether `name` is one of the zones the time-zone selects offer (`time_zone_choices()`)."""
    return bool(name) and name in _known_zones()


@functools.lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(time_zone_choices())


LIKELY_GROUP = "Likely for this practice"


def zone_select_choices(likely: Sequence[str] = (), practice_choice: bool = False) -> list[SelectChoice]:
    """The choices of a time-zone select: optionally "Practice's time zone (…)" (the value "", meaning
    the practice's zone), then the group "Likely for this practice" (the practice's zone first, then
    `likely`), then every zone grouped by region (`time_zone_groups()`)."""
    practice = get_practice_settings().time_zone
    choices: list[SelectChoice] = []
    if practice_choice:
        choices.append(SelectChoice(value="", label=f"Practice's time zone ({practice})"))
    names = [practice, *(name for name in likely if name != practice)]
    for name in names:
        if name in _known_zones():
            choices.append(SelectChoice(value=name, label=zone_label(name), optgroup=LIKELY_GROUP))
    for region, zones in time_zone_groups().items():
        choices.extend(SelectChoice(value=value, label=label, optgroup=region) for value, label in zones)
    return choices


def time_zone_choices() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def time_zone_groups() -> dict[str, list[tuple[str, str]]]:
    """The zones of `time_zone_choices()` grouped by region for a select's optgroups: {"Europe":
    [("Europe/Paris", "Paris (UTC+01:00)"), …], …}, regions and places in alphabetical order.

    Labels read as places (underscores as spaces, the country or state first part after the city) with
    the zone's offset from UTC right now, so a list of ~600 names can be searched and scanned.
    """
    return _zone_groups(int(time.time() // 3600))  # offsets change on the hour (DST), so cache per hour


@functools.lru_cache(maxsize=2)
def _zone_groups(hour: int) -> dict[str, list[tuple[str, str]]]:
    moment = datetime.fromtimestamp(hour * 3600 + 1, tz=UTC)
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in time_zone_choices():
        region = name.split("/", 1)[0]
        groups.setdefault(region.replace("_", " "), []).append((name, zone_label(name, moment)))
    return {region: sorted(zones, key=lambda z: z[1]) for region, zones in sorted(groups.items())}


def zone_label(name: str, moment: datetime | None = None) -> str:
    """'America/Argentina/Buenos_Aires' → 'Buenos Aires, Argentina (UTC-03:00)'."""
    places = [part.replace("_", " ") for part in name.split("/")[1:]] or [name]
    offset = (moment or datetime.now(UTC)).astimezone(ZoneInfo(name)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{', '.join(reversed(places))} (UTC{sign}{hours:02d}:{rest:02d})"
