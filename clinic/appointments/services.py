"""Booking, changing and reading appointments, with owner-scoped loaders. Functions change and flush;
views commit once. Every rule about appointments lives here (or in `recurrence` for time arithmetic)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort
from sqlalchemy import and_, func, or_, select

from clinic.appointments import recurrence
from clinic.appointments.models import ACTIVE, Appointment, AppointmentSeries
from clinic.audit.services import record
from clinic.couples.models import Couple, Partner
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import has_forbidden_characters
from clinic.settings import viewer_zone

PAST_LIMIT = timedelta(days=366)  # bookings may be entered up to a year back …
FUTURE_LIMIT = timedelta(days=2 * 366)  # … and up to two years ahead


class Overlap(DomainError):
    """The booking overlaps the therapist's other appointments; the form asks to confirm."""

    def __init__(self, clashes: list[Appointment], zone: ZoneInfo):
        when = ", ".join(f"{recurrence.to_local(a.starts_at, zone):%a %-d %b %H:%M}" for a in clashes[:3])
        more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
        super().__init__(
            f"This overlaps another appointment of yours ({when}{more}). Tick “Book anyway” to keep both.",
            field="confirm_overlap",
        )
        self.clashes = clashes


@dataclass
class Booking:
    """What the booking and edit forms hand over (already shape-checked)."""

    starts_on: date | None
    start_time: time | None
    minutes: int | None
    format: str = "in_person"
    location: str = ""
    video_link: str = ""
    attendees: str = "both"  # "both", "a" or "b"
    note_for_partners: str = ""
    repeat: str = "none"  # "none" or a key of models.FREQUENCIES
    weekdays: tuple[int, ...] = ()
    until_on: date | None = None
    count: int | None = None
    confirm_overlap: bool = False


# --- loaders -----------------------------------------------------------------------------------------
def get_appointment_for(user, appointment_id: int) -> Appointment:
    """The appointment if `user` is the couple's treating therapist; 404 for missing and foreign alike."""
    found = db.session.scalar(
        select(Appointment)
        .join(Couple, Couple.id == Appointment.couple_id)
        .where(Appointment.id == appointment_id, Couple.therapist_id == user.id)
    )
    if found is None or user.role != "therapist":
        abort(404)
    return found


def visible_to_partner(partner: Partner):
    """The SQL condition for appointments a partner may see: their couple's, conjoint or their own individual."""
    return and_(
        Appointment.couple_id == partner.couple_id,
        or_(Appointment.individual_partner_id.is_(None), Appointment.individual_partner_id == partner.id),
    )


def get_appointment_for_partner(partner: Partner, appointment_id: int) -> Appointment:
    found = db.session.scalar(select(Appointment).where(Appointment.id == appointment_id, visible_to_partner(partner)))
    if found is None:
        abort(404)
    return found


# --- reading -----------------------------------------------------------------------------------------
def between(therapist_id: int, start: datetime, end: datetime) -> list[Appointment]:
    """The therapist's appointments starting in [start, end), every status, in time order."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.therapist_id == therapist_id, Appointment.starts_at >= start, Appointment.starts_at < end
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def agenda_query(therapist, now: datetime):
    """From about the start of today onward, for a paginated agenda."""
    return (
        select(Appointment)
        .where(Appointment.therapist_id == therapist.id, Appointment.starts_at >= now - timedelta(hours=12))
        .order_by(Appointment.starts_at, Appointment.id)
    )


def couple_query(couple: Couple):
    """The couple's appointments, latest first (a paginated list on the couple's page)."""
    return select(Appointment).where(Appointment.couple_id == couple.id).order_by(Appointment.starts_at.desc())


def upcoming_for_partner(partner: Partner, now: datetime, window: timedelta | None = None) -> list[Appointment]:
    """Scheduled appointments this partner may see, starting from `now` (within `window` when given).

    The hook for reminders: a reminder job calls this for each partner with their chosen lead time as the
    window, and never sees another partner's individual appointment.
    """
    query = select(Appointment).where(
        visible_to_partner(partner), Appointment.status == "scheduled", Appointment.starts_at >= now
    )
    if window is not None:
        query = query.where(Appointment.starts_at < now + window)
    return list(db.session.scalars(query.order_by(Appointment.starts_at).limit(20)))


def next_for_partner(partner: Partner, now: datetime) -> Appointment | None:
    found = upcoming_for_partner(partner, now)
    return found[0] if found else None


def next_by_couple(couple_ids: list[int], now: datetime) -> dict[int, datetime]:
    """{couple_id: start of the next scheduled appointment}, one GROUP BY query for any number of couples."""
    rows = db.session.execute(
        select(Appointment.couple_id, func.min(Appointment.starts_at))
        .where(Appointment.couple_id.in_(couple_ids), Appointment.status == "scheduled", Appointment.starts_at >= now)
        .group_by(Appointment.couple_id)
    ).all()
    return {couple_id: starts_at for couple_id, starts_at in rows}


# --- booking -----------------------------------------------------------------------------------------
def book(couple: Couple, data: Booking, by, *, now: datetime | None = None) -> list[Appointment]:
    """Book one appointment or a whole series; all or nothing.

    The typed date and time are read in the zone of the person booking (`viewer_zone()`); a series keeps
    that zone (`AppointmentSeries.time_zone`) so each occurrence stays at the same local time in it.
    Raises DomainError with every problem at once (field -> message), or Overlap when the times clash with
    the therapist's other appointments and the booking was not confirmed.
    """
    zone, now = viewer_zone(), now or utcnow()
    problems = _booking_problems(couple, data, now)
    starts: list[datetime] = []
    if not problems:
        starts, problems = _series_starts(data, zone, now)
    if problems:
        raise DomainError(problems=problems)
    minutes = data.minutes or 0
    if not data.confirm_overlap and (clashes := _clashes(couple.therapist_id, starts, minutes)):
        raise Overlap(clashes, zone)
    series = None
    if data.repeat != "none":
        first = recurrence.combine(data.starts_on, data.start_time)  # type: ignore[arg-type]
        rule = recurrence.build_rule(first, data.repeat, list(data.weekdays), data.until_on, data.count)
        series = AppointmentSeries(couple_id=couple.id, rule=rule, time_zone=zone.key, created_by_id=by.id)
        db.session.add(series)
        db.session.flush()
    made = [_new_appointment(couple, data, start, series, by) for start in starts]
    db.session.add_all(made)
    db.session.flush()
    for appointment in made:
        record("appointment.booked", appointment)
    return made


def _new_appointment(couple, data: Booking, start: datetime, series, by) -> Appointment:
    partner = couple.partner(data.attendees) if data.attendees in ("a", "b") else None
    return Appointment(
        couple_id=couple.id,
        therapist_id=couple.therapist_id,
        series_id=series.id if series else None,
        starts_at=start,
        minutes=data.minutes,
        format=data.format,
        location=data.location if data.format == "in_person" else "",
        video_link=data.video_link if data.format == "video" else "",
        individual_partner_id=partner.id if partner else None,
        note_for_partners=data.note_for_partners,
        created_by_id=by.id,
    )


def _booking_problems(couple: Couple, data: Booking, now: datetime) -> dict[str, str]:
    problems: dict[str, str] = {}
    if couple.is_closed:
        problems["starts_on"] = "This couple is closed. Reopen it before booking an appointment."
    problems.update(_when_problems(data, now))
    if data.format == "video" and not data.video_link.startswith("https://"):
        problems["video_link"] = "Enter the video link, starting with https://."
    for name in ("location", "video_link", "note_for_partners"):
        if has_forbidden_characters(getattr(data, name)):
            problems[name] = "Remove the invisible control characters from this text."
    if data.repeat != "none":
        problems.update(_series_problems(data))
    return problems


def _when_problems(data: Booking, now: datetime) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.starts_on is None:
        problems["starts_on"] = "Enter the date."
    elif not (now - PAST_LIMIT).date() <= data.starts_on <= (now + FUTURE_LIMIT).date():
        problems["starts_on"] = (
            f"Choose a date between {(now - PAST_LIMIT).date():%-d %b %Y} and {(now + FUTURE_LIMIT).date():%-d %b %Y}."
        )
    if data.start_time is None:
        problems["start_time"] = "Enter the start time."
    if not data.minutes or not 5 <= data.minutes <= 480:
        problems["minutes"] = "Use a length from 5 to 480 minutes."
    return problems


def _series_problems(data: Booking) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.until_on is None and not data.count:
        problems["until_on"] = "A series needs an end: choose an end date or a number of appointments."
    elif data.until_on is not None and data.count:
        problems["count"] = "Choose an end date or a number of appointments, not both."
    elif data.until_on is not None and data.starts_on is not None and data.until_on < data.starts_on:
        problems["until_on"] = "The series can't end before its first appointment."
    elif data.count is not None and not 1 <= data.count <= 53:
        problems["count"] = "Use a number from 1 to 53 (a series runs for a year at most)."
    if data.repeat == "weekdays" and not data.weekdays:
        problems["weekdays"] = "Choose at least one weekday."
    return problems


def _series_starts(data: Booking, zone: ZoneInfo, now: datetime) -> tuple[list[datetime], dict[str, str]]:
    """The UTC start of every appointment to book, or the problems (a DST gap, a series over a year)."""
    first = recurrence.combine(data.starts_on, data.start_time)  # type: ignore[arg-type]
    if data.repeat == "none":
        local_starts = [first]
    else:
        rule = recurrence.build_rule(first, data.repeat, list(data.weekdays), data.until_on, data.count)
        local_starts = recurrence.expand(first, rule)
        if not local_starts:
            return [], {"until_on": "No appointment falls between the first date and the end date."}
        if recurrence.beyond_a_year(first, local_starts):
            last_day = (first + recurrence.MAX_SPAN).date()
            field = "count" if data.count else "until_on"
            return [], {field: f"A series runs for a year at most: end it by {last_day:%-d %b %Y}."}
    starts, gaps = [], []
    for local in local_starts:
        utc = recurrence.to_utc(local, zone)
        if utc is None:
            gaps.append(local)
        else:
            starts.append(utc)
    if gaps:
        return [], {"start_time": _gap_message(gaps[0], zone)}
    return starts, {}


def _gap_message(local: datetime, zone: ZoneInfo) -> str:
    return recurrence.gap_message(local, zone)


def _clashes(therapist_id: int, starts: list[datetime], minutes: int, *, ignore: set[int] = frozenset()) -> list:  # type: ignore[assignment]
    """The therapist's active appointments overlapping any of the given times (one query)."""
    if not starts:
        return []
    length = timedelta(minutes=minutes)
    nearby = db.session.scalars(
        select(Appointment).where(
            Appointment.therapist_id == therapist_id,
            Appointment.status.in_(ACTIVE),
            Appointment.starts_at < max(starts) + length,
            Appointment.starts_at > min(starts) - timedelta(hours=8),
        )
    ).all()
    return [
        other
        for other in nearby
        if other.id not in ignore and any(other.starts_at < s + length and s < other.ends_at for s in starts)
    ]
