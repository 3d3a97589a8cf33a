"""Appointments as iCalendar (RFC 5545) files, built with the `icalendar` library.

Nothing clinical goes into a calendar: the title is "Session" (or "Therapy session" for a partner), the
time, and for the therapist's feed the couple's initials only when the therapist chose them.
"""

from flask import Response
from icalendar import Calendar, Event

from clinic.appointments.models import Appointment
from clinic.db import utcnow

PRODID = "-//clinic//appointments//EN"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    return calendar


def initials(appointment: Appointment) -> str:
    return " & ".join(p.name[:1].upper() for p in appointment.couple.partners if p.name)


def _event(appointment: Appointment, summary: str, *, place: bool) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@clinic")
    event.add("dtstamp", utcnow())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", summary)
    event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
    if place and appointment.format == "in_person" and appointment.location:
        event.add("location", appointment.location)
    if place and appointment.format == "video" and appointment.video_link:
        event.add("url", appointment.video_link)
    return event


def for_partner(appointment: Appointment, therapist_name: str) -> bytes:
    """One appointment for a partner's own calendar: when, where (or the video link), with whom."""
    calendar = _calendar()
    calendar.add_component(_event(appointment, f"Therapy session with {therapist_name}", place=True))
    return calendar.to_ical()


def for_therapist(appointment: Appointment) -> bytes:
    calendar = _calendar()
    calendar.add_component(_event(appointment, f"Session · {initials(appointment)}", place=True))
    return calendar.to_ical()


def feed(appointments: list[Appointment], show_initials: bool) -> bytes:
    """The private feed: "Session" and the time; initials only if chosen; no place, names or notes."""
    calendar = _calendar()
    calendar.add("x-wr-calname", "Sessions")
    for appointment in appointments:
        summary = f"Session · {initials(appointment)}" if show_initials else "Session"
        calendar.add_component(_event(appointment, summary, place=False))
    return calendar.to_ical()


def ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
