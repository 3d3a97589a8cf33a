"""Access declarations for every appointments route: the treating therapist for the couple's appointments
and the schedule; partners for what they may see (an individual appointment only for its partner); the
feed by its token alone."""

from datetime import UTC, datetime, timedelta

from tests.access.matrix import CLIENTS, PARTNERS, THERAPIST, RouteSpec

BOTH_THERAPISTS = THERAPIST | {"other_therapist"}  # each sees their own schedule and feed


def _appt(w, key="appt_past"):
    return f"/appointments/{w.extra[key].id}"


def _move_body(w):
    return {
        "starts_on": "2026-03-03",
        "start_time": "11:00",
        "minutes": "50",
        "format": "in_person",
        "version": str(w.extra["appt_future"].version),
        "scope": "this",
    }


SPECS = [
    RouteSpec(
        "appointments.couple_appointments", lambda w: f"/couples/{w.couple.id}/appointments", THERAPIST, scoped=True
    ),
    RouteSpec(
        "appointments.couple_appointments",
        lambda w: f"/couples/{w.couple.id}/appointments",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {
            "starts_on": "2026-06-01",
            "start_time": "09:00",
            "minutes": "50",
            "format": "in_person",
            "attendees": "both",
            "repeat": "none",
        },
    ),
    RouteSpec("appointments.appointment", _appt, THERAPIST, scoped=True),
    RouteSpec(
        "appointments.move",
        lambda w: _appt(w, "appt_future") + "/move",
        THERAPIST,
        method="POST",
        scoped=True,
        data=_move_body,
    ),
    RouteSpec(
        "appointments.cancel",
        lambda w: _appt(w, "appt_future") + "/cancel",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"by_whom": "therapist", "reason": ""},
    ),
    RouteSpec("appointments.no_show", lambda w: _appt(w) + "/no-show", THERAPIST, method="POST", scoped=True),
    RouteSpec("appointments.start_session", lambda w: _appt(w) + "/start", THERAPIST, method="POST", scoped=True),
    RouteSpec("appointments.download_ics", lambda w: _appt(w) + "/calendar.ics", THERAPIST, scoped=True),
    RouteSpec("schedule.week", lambda w: "/schedule", BOTH_THERAPISTS),
    RouteSpec("schedule.day", lambda w: "/schedule/day?d=2026-03-02", BOTH_THERAPISTS),
    RouteSpec("schedule.agenda", lambda w: "/schedule/agenda", BOTH_THERAPISTS),
    RouteSpec("schedule.feed_settings", lambda w: "/schedule/feed", BOTH_THERAPISTS),
    RouteSpec(
        "schedule.feed_settings",
        lambda w: "/schedule/feed",
        BOTH_THERAPISTS,
        method="POST",
        data=lambda w: {"show_initials": "y"},
    ),
    RouteSpec("schedule.revoke_feed", lambda w: "/schedule/feed/revoke", BOTH_THERAPISTS, method="POST"),
    RouteSpec("appointments_portal.upcoming", lambda w: "/portal/appointments/", CLIENTS),
    RouteSpec(
        "appointments_portal.download_ics",
        lambda w: f"/portal/appointments/{w.extra['appt_future'].id}/calendar.ics",
        PARTNERS,
        scoped=True,
    ),
    RouteSpec(
        "appointments_portal.download_ics",
        lambda w: f"/portal/appointments/{w.extra['appt_only_a'].id}/calendar.ics",
        frozenset({"partner_a"}),
        scoped=True,
        only_partner="a",
    ),
]
# The feed needs no sign-in (calendar apps can't sign in): its long random token is the key. A wrong
# token is 404 for everyone; tests/appointments/test_calendar.py proves the right one works.
FEED_ENDPOINT = "schedule.feed"


def populate(world):
    from clinic.appointments.models import Appointment
    from clinic.extensions import db

    now = datetime.now(UTC).replace(microsecond=0)
    common = dict(
        couple_id=world.couple.id,
        therapist_id=world.therapist.id,
        minutes=50,
        format="in_person",
        created_by_id=world.therapist.id,
    )
    past = Appointment(starts_at=now - timedelta(minutes=10), **common)
    future = Appointment(starts_at=now + timedelta(days=3), **common)
    only_a = Appointment(
        starts_at=now + timedelta(days=4), individual_partner_id=world.couple.partner("a").id, **common
    )
    db.session.add_all([past, future, only_a])
    db.session.flush()
    world.extra.update(appt_past=past, appt_future=future, appt_only_a=only_a)
