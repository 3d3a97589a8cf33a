"""Local wall-clock times and recurrence, on python-dateutil's rrule and the standard zoneinfo.

A series is expanded over *local* (naive) datetimes and each occurrence is then placed in the zone, so a
weekly 10:00 stays 10:00 on both sides of a daylight-saving change (its UTC time moves instead).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import FR, MO, SA, SU, TH, TU, WE, WEEKLY, rrule, rrulestr

from clinic.settings import gap_message, to_utc

__all__ = ["gap_message", "to_utc"]  # local times in a zone live in clinic.settings (sessions use them too)

_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
MAX_SPAN = timedelta(days=366)  # a series may run for a year at most


def to_local(value: datetime, zone: ZoneInfo) -> datetime:
    """A UTC time as a naive wall-clock time in `zone`."""
    return value.astimezone(zone).replace(tzinfo=None)


def combine(day: date, at: time) -> datetime:
    return datetime.combine(day, at.replace(second=0, microsecond=0))


def build_rule(first: datetime, frequency: str, weekdays: list[int], until_on: date | None, count: int | None) -> str:
    """The series as an RFC 5545 RRULE line (without DTSTART), e.g. FREQ=WEEKLY;INTERVAL=2;COUNT=10."""
    days = sorted(set(weekdays)) if frequency == "weekdays" and weekdays else [first.weekday()]
    rule = rrule(
        WEEKLY,
        interval=2 if frequency == "fortnightly" else 1,
        byweekday=[_WEEKDAYS[d] for d in days],
        dtstart=first,
        until=combine(until_on, time(23, 59)) if until_on else None,
        count=count,
    )
    return str(rule).split("\n")[-1].removeprefix("RRULE:")


def expand(first: datetime, rule: str) -> list[datetime]:
    """Every local start of the series `rule` beginning at `first` (naive, local), in order."""
    return list(rrulestr(rule, dtstart=first))


def beyond_a_year(first: datetime, occurrences: list[datetime]) -> bool:
    return bool(occurrences) and occurrences[-1] - first > MAX_SPAN


def describe(value: datetime, zone: ZoneInfo, *, with_date: bool = True) -> str:
    """A UTC time as the practice reads it, with the zone named: "Mon 9 Mar 2026, 10:00 EDT"."""
    local = value.astimezone(zone)
    text = f"{local:%a %-d %b %Y, %H:%M}" if with_date else f"{local:%H:%M}"
    return f"{text} {local.tzname()}"
