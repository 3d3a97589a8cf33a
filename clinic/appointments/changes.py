"""Changing booked appointments: move ("this one" or "this and following"), cancel, no-show, and turning
an appointment that has started into a therapy session. Change and flush; views commit once."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from clinic.appointments import recurrence
from clinic.appointments.models import Appointment, CalendarFeed
from clinic.appointments.services import Booking, Overlap, _clashes, _gap_message, _when_problems
from clinic.audit.services import record
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import has_forbidden_characters
from clinic.sessions import services as sessions
from clinic.settings import viewer_zone, zone_or_none

LATE_CANCELLATION_HOURS = 24


def move(appointment: Appointment, data: Booking, scope: str, seen_version: int | None, *, now=None) -> list:
    """Change time, length, format and place of this appointment, or of it and the scheduled ones after it
    in its series (each keeps its own date, moved by the same local-time shift). All or nothing.

    The typed date and time are read in the viewer's zone. The shift is then applied to each appointment
    at its local time in the series' own zone (`AppointmentSeries.time_zone`), so a weekly series stays
    at one local time there on both sides of a daylight-saving change."""
    now, zone = now or utcnow(), viewer_zone()
    if appointment.status != "scheduled":
        raise DomainError("Only a scheduled appointment can be changed.", field="starts_on")
    problems = _when_problems(data, now)
    if data.format == "video" and not data.video_link.startswith("https://"):
        problems["video_link"] = "Enter the video link, starting with https://."
    for name in ("location", "video_link", "note_for_partners"):
        if has_forbidden_characters(getattr(data, name)):
            problems[name] = "Remove the invisible control characters from this text."
    if problems:
        raise DomainError(problems=problems)
    appointment.claim_version(seen_version)
    targets = _following(appointment) if scope == "following" and appointment.series_id else [appointment]
    typed = recurrence.combine(data.starts_on, data.start_time)  # type: ignore[arg-type]
    moved_to = recurrence.to_utc(typed, zone)
    if moved_to is None:
        raise DomainError(problems={"start_time": _gap_message(typed, zone)})
    new_starts = [moved_to]
    if len(targets) > 1:
        series_zone = _series_zone(appointment) or zone
        shift = recurrence.to_local(moved_to, series_zone) - recurrence.to_local(appointment.starts_at, series_zone)
        new_starts = []
        for target in targets:
            local = recurrence.to_local(target.starts_at, series_zone) + shift
            utc = recurrence.to_utc(local, series_zone)
            if utc is None:
                raise DomainError(problems={"start_time": _gap_message(local, series_zone)})
            new_starts.append(utc)
    ignore = {t.id for t in targets}
    if not data.confirm_overlap and (
        clashes := _clashes(appointment.therapist_id, new_starts, data.minutes or 0, ignore=ignore)
    ):
        raise Overlap(clashes, zone)
    for target, start in zip(targets, new_starts, strict=True):
        target.starts_at, target.minutes, target.format = start, int(data.minutes or 0), data.format
        target.location = data.location if data.format == "in_person" else ""
        target.video_link = data.video_link if data.format == "video" else ""
        target.note_for_partners = data.note_for_partners
        record("appointment.moved", target)
    db.session.flush()
    return targets


def _series_zone(appointment: Appointment):
    """The zone the appointment's series keeps its local time in (None without a series)."""
    return zone_or_none(appointment.series.time_zone) if appointment.series_id and appointment.series else None


def _following(appointment: Appointment) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.series_id == appointment.series_id,
                Appointment.starts_at >= appointment.starts_at,
                Appointment.status == "scheduled",
            )
            .order_by(Appointment.starts_at)
        )
    )


def is_late(appointment: Appointment, now: datetime) -> bool:
    """Cancelled less than LATE_CANCELLATION_HOURS before the start."""
    return appointment.starts_at - now < timedelta(hours=LATE_CANCELLATION_HOURS)


def cancel(appointment: Appointment, by_whom: str, reason: str, late: bool, *, now=None) -> None:
    """Cancel (or record a late cancellation): who cancelled, when, and why."""
    now = now or utcnow()
    problems = {}
    if appointment.status != "scheduled":
        problems["by_whom"] = "Only a scheduled appointment can be cancelled."
    if by_whom not in ("therapist", "partner_a", "partner_b", "both"):
        problems["by_whom"] = "Choose who cancelled."
    if len(reason) > 300 or has_forbidden_characters(reason):
        problems["reason"] = "Keep the reason under 300 characters of plain text."
    if problems:
        raise DomainError(problems=problems)
    appointment.status = "late_cancellation" if late else "cancelled"
    appointment.cancelled_by, appointment.cancelled_at, appointment.cancel_reason = by_whom, now, reason
    record("appointment.cancelled", appointment)
    db.session.flush()


def mark_no_show(appointment: Appointment, *, now=None) -> None:
    now = now or utcnow()
    if appointment.status != "scheduled":
        raise DomainError("Only a scheduled appointment can be marked as a no-show.")
    if not appointment.has_started(now):
        raise DomainError("An appointment that hasn't started yet can't be a no-show.")
    appointment.status = "no_show"
    record("appointment.no_show", appointment)
    db.session.flush()


def start_session(appointment: Appointment, by, *, now=None):
    """Record the therapy session for an appointment that has started (date, length, format, attendance
    carried over) and open its draft note; the appointment becomes attended. Returns the session."""
    now = now or utcnow()
    if appointment.therapy_session_id is not None:
        raise DomainError("A session was already recorded for this appointment.")
    if appointment.status not in ("scheduled", "attended"):
        raise DomainError(f"This appointment is marked {appointment.status_label.lower()}; no session to start.")
    if not appointment.has_started(now):
        raise DomainError("This appointment hasn't started yet. Start its session at or after its start time.")
    partner = appointment.individual_partner
    data = {
        "starts_at": appointment.starts_at,
        "minutes": appointment.minutes,
        "format": appointment.format,
        "kind": "individual" if partner else "conjoint",
        "individual_partner": partner.position if partner else "",
        "attendance": "attended",
        "model": appointment.couple.model,
    }
    therapy_session = sessions.record_session(appointment.couple, data, by)
    appointment.status, appointment.therapy_session_id = "attended", therapy_session.id
    record("appointment.session_started", appointment)
    db.session.flush()
    return therapy_session


# --- the therapist's private calendar feed ----------------------------------------------------------
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_for(therapist) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.therapist_id == therapist.id))


def turn_on_feed(therapist, show_initials: bool) -> str:
    """A new feed token (any earlier one stops working). Only its hash is kept: the URL is shown once."""
    revoke_feed(therapist)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(therapist_id=therapist.id, token_hash=_hash(token), show_initials=show_initials)
    db.session.add(feed)
    db.session.flush()
    record("calendar_feed.created", feed)
    return token


def revoke_feed(therapist) -> None:
    if (feed := feed_for(therapist)) is not None:
        record("calendar_feed.revoked", feed)
        db.session.delete(feed)
        db.session.flush()


def feed_by_token(token: str) -> CalendarFeed | None:
    if not 20 <= len(token) <= 100:
        return None
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
